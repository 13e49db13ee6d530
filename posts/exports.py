"""A member's posts data, for their data export and for erasing their account
(called by accounts.services through its data hooks)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from accounts.models import User

from .models import (
    Bookmark,
    Circle,
    Comment,
    Membership,
    MembershipStatus,
    Post,
    PostImage,
    Reaction,
    ReactionKind,
    Visibility,
)
from .services.comments import recount_replies


def _iso(value: Any) -> str | None:
    return value.isoformat() if value else None


def export_member_data(user: User) -> dict[str, Any]:
    """Everything this app holds that `user` wrote or did: posts (with deleted ones),
    comments, reactions, bookmarks and group memberships."""
    posts = [
        {
            "id": post.pk,
            "kind": post.kind,
            "title": post.title,
            "body": post.body,
            "visibility": post.visibility,
            "group": post.circle.name if post.circle else None,
            "doi": post.doi,
            "pmid": post.pmid,
            "publication_title": post.pub_title,
            "journal": post.journal,
            "year": post.year,
            "starts_at": _iso(post.starts_at),
            "duration_minutes": post.duration_minutes,
            "hashtags": sorted(tag.name for tag in post.hashtags.all()),
            "images": [image.alt_text for image in post.images.all()],
            "created_at": _iso(post.created_at),
            "edited_at": _iso(post.edited_at),
            "deleted_at": _iso(post.deleted_at),
            "removed_by_moderators_at": _iso(post.removed_by_moderators_at),
        }
        for post in Post.objects.filter(author=user)
        .select_related("circle")
        .prefetch_related("hashtags", "images")
        .order_by("created_at", "id")
    ]
    comments = [
        {
            "id": comment.pk,
            "post": comment.post_id,
            "reply_to": comment.parent_id,
            "body": comment.body,
            "created_at": _iso(comment.created_at),
            "edited_at": _iso(comment.edited_at),
            "deleted_at": _iso(comment.deleted_at),
        }
        for comment in Comment.objects.filter(author=user).order_by("created_at", "id")
    ]
    reactions = [
        {
            "kind": reaction.kind,
            "post": reaction.post_id,
            "comment": reaction.comment_id,
            "created_at": _iso(reaction.created_at),
        }
        for reaction in Reaction.objects.filter(member=user).order_by("created_at", "id")
    ]
    bookmarks = [
        {"post": post_id, "saved_at": _iso(created_at)}
        for post_id, created_at in Bookmark.objects.filter(member=user)
        .order_by("created_at", "id")
        .values_list("post_id", "created_at")
    ]
    memberships = [
        {"group": name, "role": role, "status": status, "since": _iso(created_at)}
        for name, role, status, created_at in Membership.objects.filter(member=user)
        .order_by("created_at", "id")
        .values_list("circle__name", "role", "status", "created_at")
    ]
    return {
        "posts": posts,
        "comments": comments,
        "reactions": reactions,
        "bookmarks": bookmarks,
        "group_memberships": memberships,
    }


def _subquery_count(rows: Any) -> Coalesce:
    """COUNT(*) of `rows` (correlated through OuterRef) as an UPDATE-able expression."""
    counted = (
        rows.order_by().annotate(group=Value(1)).values("group").annotate(total=Count("pk"))
    ).values("total")
    return Coalesce(Subquery(counted[:1]), Value(0), output_field=IntegerField())


def _recount_posts(post_ids: Iterable[int]) -> None:
    """Recompute stored counts from the rows, for posts whose rows just went away."""
    ids = set(post_ids)
    if not ids:
        return
    alive_comments = Comment.objects.filter(
        post=OuterRef("pk"), deleted_at__isnull=True, removed_by_moderators_at__isnull=True
    )
    Post.objects.filter(pk__in=ids).update(
        comment_count=_subquery_count(alive_comments),
        like_count=_subquery_count(
            Reaction.objects.filter(post=OuterRef("pk"), kind=ReactionKind.LIKE)
        ),
        helpful_count=_subquery_count(
            Reaction.objects.filter(post=OuterRef("pk"), kind=ReactionKind.HELPFUL)
        ),
    )


def _recount_comments(comment_ids: Iterable[int]) -> None:
    ids = set(comment_ids)
    if not ids:
        return
    Comment.objects.filter(pk__in=ids).update(
        like_count=_subquery_count(
            Reaction.objects.filter(comment=OuterRef("pk"), kind=ReactionKind.LIKE)
        ),
        helpful_count=_subquery_count(
            Reaction.objects.filter(comment=OuterRef("pk"), kind=ReactionKind.HELPFUL)
        ),
    )


def _recount_circles(circle_ids: Iterable[int]) -> None:
    ids = set(circle_ids)
    if not ids:
        return
    Circle.objects.filter(pk__in=ids).update(
        member_count=_subquery_count(
            Membership.objects.filter(circle=OuterRef("pk"), status=MembershipStatus.ACTIVE)
        )
    )


def _delete_files(images: Iterable[PostImage]) -> None:
    refs = []
    for image in images:
        refs += [(field.storage, field.name) for field in (image.display, image.thumbnail) if field]

    def _remove() -> None:
        for storage, name in refs:
            storage.delete(name)

    transaction.on_commit(_remove)


@transaction.atomic
def erase_member_data(user: User, *, keep_content: bool) -> None:
    """Remove what `user` did here, keeping every other member's counts exact.

    Reactions, bookmarks and group memberships always go. Without `keep_content`, their
    posts (with their images and the threads under them) and their comments go too. With
    it, posts and comments stay (accounts credits them to a "Deleted member"); a minor's
    public posts become members-only, since the row no longer says the author was a minor.
    """
    reactions = Reaction.objects.filter(member=user)
    touched_posts = set(reactions.exclude(post=None).values_list("post_id", flat=True))
    touched_comments = set(reactions.exclude(comment=None).values_list("comment_id", flat=True))
    reactions.delete()
    Bookmark.objects.filter(member=user).delete()
    memberships = Membership.objects.filter(member=user)
    touched_circles = set(memberships.values_list("circle_id", flat=True))
    memberships.delete()

    if keep_content:
        if user.is_minor:
            Post.objects.filter(author=user, visibility=Visibility.PUBLIC).update(
                visibility=Visibility.MEMBERS
            )
    else:
        own_comments = Comment.objects.filter(author=user)
        touched_posts |= set(own_comments.values_list("post_id", flat=True))
        _delete_files(PostImage.objects.filter(post__author=user))
        Post.objects.filter(author=user).delete()
        # Replies by others to the member's comments go with them (CASCADE): the recount
        # below takes them out of their posts' comment counts too.
        own_comments.delete()
        # Their replies to others' comments went without delete_comment.
        recount_replies(post_ids=touched_posts)

    _recount_posts(Post.objects.filter(pk__in=touched_posts).values_list("pk", flat=True))
    _recount_comments(Comment.objects.filter(pk__in=touched_comments).values_list("pk", flat=True))
    _recount_circles(touched_circles)
