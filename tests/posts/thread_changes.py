"""Changes to a thread (a top comment and its replies) after which a kept rendering or a
kept page of threads must equal a fresh one: shared by the card tests and the shared-threads
tests. Each takes the reader, the top comment and its replies."""

from __future__ import annotations

from accounts.models import User
from moderation.services import remove_content
from posts.models import Comment
from posts.services import add_comment, delete_comment, edit_comment, toggle_reaction
from tests.factories import ModeratorFactory, UserFactory


def reply_added(reader: User, top: Comment, replies: list[Comment]) -> None:
    add_comment(author=UserFactory.create(), post=top.post, body="One more.", parent=top)


def first_reply_edited(reader: User, top: Comment, replies: list[Comment]) -> None:
    edit_comment(comment=replies[0], editor=replies[0].author, body="Twenty, on reflection.")


def first_reply_deleted(reader: User, top: Comment, replies: list[Comment]) -> None:
    delete_comment(comment=replies[0], member=replies[0].author)


def first_reply_removed(reader: User, top: Comment, replies: list[Comment]) -> None:
    remove_content(moderator=ModeratorFactory.create(), target=replies[0], reason="Off topic.")


def top_comment_liked(reader: User, top: Comment, replies: list[Comment]) -> None:
    toggle_reaction(member=UserFactory.create(), target=top, kind="like")
