"""What posts and comments keep of their author: the copy of `User.minor_until` that the
minors rule reads on the rows themselves (`accounts.models.minors_writing_shown_to`).

Written by posts.services for each new row and by accounts.services when a member's birth
year or role changes; kept out of posts.services so that accounts may call it without an
import circle (posts.services -> moderation.services -> accounts.services)."""

from __future__ import annotations

import datetime

from django.db import transaction

from accounts.models import User

from .models import Comment, Post


@transaction.atomic
def copy_author_minor_until(*, author: User) -> None:
    """Copy `author`'s `User.minor_until` onto all their posts and comments, one UPDATE per
    table of the rows whose copy differs. Call it whenever a member's birth year or role
    changes (accounts does: profile edits, the admin, demo profiles); a new post or comment
    gets it when written, and a birthday needs nothing, the copy being the date it ends."""
    until = author.minor_until
    # exclude(=None) reads "IS NOT NULL", exclude(=day) keeps NULL rows: only changed rows.
    Post.objects.filter(author=author).exclude(author_minor_until=until).update(
        author_minor_until=until
    )
    Comment.objects.filter(author=author).exclude(author_minor_until=until).update(
        author_minor_until=until
    )


def lock_author_minor_until(author: User) -> datetime.date | None:
    """`author.minor_until` as their row says it now, the row locked until the transaction
    ends, for a post or comment about to be written. A change of birth year or role
    updates that row before it copies (`copy_author_minor_until`, in one transaction), so
    the new row is either written first and copied, or waits and reads the new age."""
    locked = User.objects.select_for_update().only("pk", "birth_year", "role").get(pk=author.pk)
    return locked.minor_until
