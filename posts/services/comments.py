"""Comments: adding, editing and deleting them, and questions on live Q&As."""

from __future__ import annotations

from collections.abc import Collection

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import User
from accounts.permissions import ensure_can_participate
from community import page_cache
from notifications.models import Kind
from notifications.services import notify
from privacy.guard import check_comment
from privacy.services import record_privacy_override

from ..authors import lock_author_minor_until
from ..models import (
    Comment,
    Post,
    PostKind,
    QuestionStatus,
)
from ..rendering import render_post_markdown

# --- Comments ----------------------------------------------------------------------------
from . import events
from .publishing import notify_mentions
from .rules import NotAllowed, check_can_see_comment, check_can_see_post


def questions_open(post: Post, member: User | AnonymousUser) -> bool:
    """Questions on a live Q&A are collected before and during it; afterwards only the
    host may still answer. Other posts are always open."""
    return not (
        post.kind == PostKind.EVENT and post.event_state == "ended" and member.pk != post.author_id
    )


@transaction.atomic
def add_comment(
    *,
    author: User,
    post: Post,
    body: str,
    parent: Comment | None = None,
    confirmed_privacy: bool = False,
    privacy_digest: str | None = None,
) -> Comment:
    """Comment on a post, or reply to a top-level comment (one level of replies).

    The privacy guard warns: PrivacyFindings until the author confirms past what it found
    (`confirmed_privacy`, tied to `privacy_digest` as in `publish_post`); the confirmation
    is recorded for moderators.
    """
    ensure_can_participate(author)
    if not body.strip():
        raise ValidationError("Write something first.")
    check_can_see_post(author, post)
    if not questions_open(post, author):
        raise NotAllowed("This live Q&A has ended, so questions are closed.")
    if parent is not None:
        if parent.post_id != post.pk:
            raise ValidationError("That reply belongs to another post.")
        if parent.parent_id is not None:
            # Replies to a reply join the same thread, under its top-level comment.
            parent = parent.parent
            assert parent is not None
        check_can_see_comment(author, parent)
        if (
            parent.question_status == QuestionStatus.HIDDEN
            and parent.author_id != author.pk
            and not events.is_host(author, post)
        ):
            raise NotAllowed("This question is not available.")
    confirmed_findings = check_comment(
        body=body, confirmed=confirmed_privacy, digest=privacy_digest
    )
    rendered = render_post_markdown(body)
    comment = Comment.objects.create(
        post=post,
        author=author,
        author_minor_until=lock_author_minor_until(author),
        parent=parent,
        body=body,
        body_html=rendered.html,
    )
    record_privacy_override(author=author, target=comment, findings=confirmed_findings)
    Post.objects.filter(pk=post.pk).update(comment_count=F("comment_count") + 1)
    if parent is not None:
        Comment.objects.filter(pk=parent.pk).update(reply_count=F("reply_count") + 1)
    page_cache.post_changed(post.pk)
    url = comment.get_absolute_url()
    label = "question" if post.kind == PostKind.EVENT else "comment"
    notified = {author.pk}
    if parent is not None and parent.author_id not in notified:
        notify(
            recipient=parent.author,
            kind=Kind.REPLY,
            title=f"{author.display_name} replied to your {label}",
            url=url,
            actor=author,
            target=comment,
        )
        notified.add(parent.author_id)
    if post.author_id not in notified:
        notify(
            recipient=post.author,
            kind=Kind.COMMENT,
            title=f"{author.display_name} left a {label} on “{post.headline}”",
            url=url,
            actor=author,
            target=comment,
        )
        notified.add(post.author_id)
    notify_mentions(rendered=rendered, actor=author, post=post, url=url, already=notified)
    if post.kind == PostKind.EVENT and parent is None:
        events.question_added(post=post, comment=comment)
    return comment


@transaction.atomic
def edit_comment(
    *,
    comment: Comment,
    editor: User,
    body: str,
    confirmed_privacy: bool = False,
    privacy_digest: str | None = None,
) -> Comment:
    """Change the author's own comment; notifies only members mentioned for the first time.
    The privacy guard applies as in `add_comment`."""
    ensure_can_participate(editor)
    comment = Comment.objects.select_for_update().select_related("post").get(pk=comment.pk)
    if comment.author_id != editor.pk:
        raise NotAllowed("Only the author can change this comment.")
    if comment.is_gone:
        raise NotAllowed("This comment was deleted.")
    if not body.strip():
        raise ValidationError("Write something first.")
    confirmed_findings = check_comment(
        body=body, confirmed=confirmed_privacy, digest=privacy_digest
    )
    previously_mentioned = {member.pk for member in render_post_markdown(comment.body).mentions}
    rendered = render_post_markdown(body)
    comment.body = body
    comment.body_html = rendered.html
    comment.edited_at = timezone.now()
    comment.save(update_fields=["body", "body_html", "edited_at"])
    page_cache.post_changed(comment.post_id, in_lists=False)
    record_privacy_override(author=editor, target=comment, findings=confirmed_findings)
    notify_mentions(
        rendered=rendered,
        actor=editor,
        post=comment.post,
        url=comment.get_absolute_url(),
        already=previously_mentioned,
    )
    return comment


def recount_replies(*, post_ids: Collection[int] | None = None) -> None:
    """Set `Comment.reply_count` afresh from the rows (of the comments of the posts
    `post_ids`, or of all): for comments loaded in bulk rather than through `add_comment`,
    and after a member's erased replies went without `delete_comment`."""
    tops = Comment.objects.filter(parent=None)
    if post_ids is not None:
        tops = tops.filter(post_id__in=list(post_ids))
    live_replies = (
        Comment.objects.filter(parent=OuterRef("pk"), deleted_at=None)
        .order_by()
        .values("parent")
        .annotate(total=Count("pk"))
        .values("total")
    )
    tops.update(reply_count=Coalesce(Subquery(live_replies), 0))


@transaction.atomic
def delete_comment(*, comment: Comment, member: User) -> None:
    """Soft-delete the author's own comment; replies under it stay, below a tombstone."""
    if comment.author_id != member.pk:
        raise NotAllowed("Only the author can delete this comment.")
    updated = Comment.objects.filter(pk=comment.pk, deleted_at__isnull=True).update(
        deleted_at=timezone.now()
    )
    if updated:
        Post.objects.filter(pk=comment.post_id).update(comment_count=F("comment_count") - 1)
        if comment.parent_id is not None:
            Comment.objects.filter(pk=comment.parent_id).update(reply_count=F("reply_count") - 1)
        page_cache.post_changed(comment.post_id)
