"""Likes, helpfuls and bookmarks."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F

from accounts.models import User
from accounts.permissions import ensure_can_participate
from community import page_cache
from notifications.services import notify_reaction

from ..models import (
    Bookmark,
    Comment,
    Post,
    Reaction,
    ReactionKind,
)
from .rules import NotAllowed, check_can_see_comment, check_can_see_post


@dataclass(frozen=True)
class ReactionState:
    active: bool
    count: int


# --- Reactions and bookmarks -------------------------------------------------------------


def toggle_reaction(*, member: User, target: Post | Comment, kind: str) -> ReactionState:
    """Add the member's reaction of `kind`, or take it back if it was there.

    Exact under concurrent clicks: the Reaction row is inserted or deleted first and the
    counter moves by one only when a row really was inserted or deleted. Two racing inserts
    meet the partial unique constraint (the loser changes nothing); two racing deletes
    serialise on the row (the loser deletes nothing); the counter UPDATE locks the target.
    """
    ensure_can_participate(member)
    if kind not in ReactionKind.values:
        raise ValidationError("Unknown reaction.")
    is_post = isinstance(target, Post)
    if isinstance(target, Post):
        check_can_see_post(member, target)
    else:
        check_can_see_comment(member, target)
    counter = f"{kind}_count"
    model = Post if is_post else Comment
    lookup = {"post": target} if is_post else {"comment": target}

    with transaction.atomic():
        deleted, _ = Reaction.objects.filter(member=member, kind=kind, **lookup).delete()
        if deleted:
            model.objects.filter(pk=target.pk).update(**{counter: F(counter) - 1})
            _counts_changed(target)
            active = False
        else:
            try:
                with transaction.atomic():
                    Reaction.objects.create(member=member, kind=kind, **lookup)
            except IntegrityError:
                # A concurrent click of the same member inserted it first: it is on.
                active = True
            else:
                model.objects.filter(pk=target.pk).update(**{counter: F(counter) + 1})
                _counts_changed(target)
                active = True
                _notify_reaction(member=member, target=target, reaction=kind)
        count = model.objects.filter(pk=target.pk).values_list(counter, flat=True).get()
    return ReactionState(active=active, count=count)


def _counts_changed(target: Post | Comment) -> None:
    # A post's counts show on its card in lists too; a comment's only on the post's page.
    if isinstance(target, Post):
        page_cache.post_changed(target.pk)
    else:
        page_cache.post_changed(target.post_id, in_lists=False)


def _notify_reaction(*, member: User, target: Post | Comment, reaction: str) -> None:
    post = target if isinstance(target, Post) else target.post
    notify_reaction(
        recipient=target.author,
        actor=member,
        target=target,
        url=target.get_absolute_url(),
        reaction=reaction,
        item=str(post),
    )


@transaction.atomic
def toggle_bookmark(*, member: User, post: Post) -> bool:
    """Save the post to the member's bookmarks, or remove it; returns whether it is saved."""
    if not member.is_authenticated:
        raise NotAllowed("Sign in to save posts.")
    deleted, _ = Bookmark.objects.filter(member=member, post=post).delete()
    if deleted:
        return False
    check_can_see_post(member, post)
    try:
        with transaction.atomic():
            Bookmark.objects.create(member=member, post=post)
    except IntegrityError:
        pass
    return True
