"""Writes: posts, comments, reactions, bookmarks and campaigns."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Block
from accounts.moderators import Actor
from accounts.permissions import ParticipationDenied
from notifications.models import Kind, Notification
from posts import services
from posts.models import (
    Bookmark,
    Campaign,
    Comment,
    Hashtag,
    Post,
    PostHashtag,
    PostKind,
    Reaction,
    ReactionKind,
    Visibility,
)
from tests.factories import ModeratorFactory, PhysicianFactory, UserFactory
from tests.moderation.conftest import make_moderator, moderator_actor
from tests.posts.factories import CircleFactory, CommentFactory, MembershipFactory, PostFactory

pytestmark = pytest.mark.django_db


def _notifications(recipient: Any, kind: str) -> list[Notification]:
    return list(Notification.objects.filter(recipient=recipient, kind=kind))


# --- Publishing --------------------------------------------------------------------------


def test_publishing_renders_once_and_links_hashtags() -> None:
    author = PhysicianFactory.create()
    post = services.publish_post(
        author=author, body="Start antibiotics early in **sepsis**. #Sepsis #EM"
    )
    assert "<strong>sepsis</strong>" in post.body_html
    assert set(post.hashtags.values_list("name", flat=True)) == {"sepsis", "em"}
    link = PostHashtag.objects.get(post=post, hashtag__name="sepsis")
    assert link.created_at == post.created_at


@pytest.mark.postgres
def test_publishing_fills_the_search_vector() -> None:
    post = services.publish_post(
        author=UserFactory.create(), title="Hyperkalemia", body="ECG first."
    )
    post.refresh_from_db()
    assert "hyperkalemia" in str(post.search_vector)


def test_a_suspended_member_cannot_publish() -> None:
    author = UserFactory.create(suspended_at=timezone.now())
    with pytest.raises(ParticipationDenied):
        services.publish_post(author=author, body="hello")
    assert not Post.objects.exists()


def test_an_unverified_email_cannot_publish() -> None:
    with pytest.raises(ParticipationDenied):
        services.publish_post(author=UserFactory.create(email_verified=False), body="hello")


def test_a_group_post_needs_membership() -> None:
    circle = CircleFactory.create()
    author = UserFactory.create()
    with pytest.raises(services.NotAllowed):
        services.publish_post(author=author, body="hi", visibility=Visibility.GROUP, circle=circle)
    MembershipFactory.create(circle=circle, member=author)
    post = services.publish_post(
        author=author, body="hi", visibility=Visibility.GROUP, circle=circle
    )
    assert post.circle == circle


def test_a_group_post_needs_a_group_and_only_group_posts_have_one() -> None:
    author = UserFactory.create()
    with pytest.raises(ValidationError, match="Choose the group"):
        services.publish_post(author=author, body="hi", visibility=Visibility.GROUP)
    with pytest.raises(ValidationError, match="Only group posts"):
        services.publish_post(author=author, body="hi", circle=CircleFactory.create())


def test_a_publication_needs_an_identifier_and_a_title() -> None:
    author = UserFactory.create()
    with pytest.raises(ValidationError, match="DOI or PubMed ID"):
        services.publish_post(author=author, body="Read this", kind=PostKind.PUBLICATION)
    post = services.publish_post(
        author=author,
        body="Read this",
        kind=PostKind.PUBLICATION,
        doi="10.1056/NEJMoa2034577",
        pub_title="Safety and Efficacy of the BNT162b2 Vaccine",
        journal="NEJM",
        year=2020,
    )
    assert post.doi_url == "https://doi.org/10.1056/NEJMoa2034577"


def test_an_event_needs_a_title_a_start_and_a_duration() -> None:
    author = UserFactory.create()
    with pytest.raises(ValidationError):
        services.publish_post(author=author, body="Ask me", kind=PostKind.EVENT, title="AMA")
    starts_at = timezone.now() + datetime.timedelta(days=1)
    post = services.publish_post(
        author=author,
        body="Ask me",
        kind=PostKind.EVENT,
        title="AMA",
        starts_at=starts_at,
        duration_minutes=60,
    )
    assert post.event_state == "upcoming"
    assert post.ends_at == starts_at + datetime.timedelta(minutes=60)


def test_fields_of_other_kinds_are_not_kept() -> None:
    post = services.publish_post(
        author=UserFactory.create(), body="tip", doi="10.1000/xyz", starts_at=timezone.now()
    )
    assert post.doi == "" and post.starts_at is None


def test_mentions_notify_members_who_can_see_the_post() -> None:
    author = PhysicianFactory.create()
    private = CircleFactory.create(is_private=True)
    MembershipFactory.create(circle=private, member=author)
    insider, outsider = UserFactory.create(handle="insider"), UserFactory.create(handle="outsider")
    MembershipFactory.create(circle=private, member=insider)
    services.publish_post(
        author=author,
        body="Thoughts, @insider and @outsider?",
        visibility=Visibility.GROUP,
        circle=private,
    )
    assert len(_notifications(insider, Kind.MENTION)) == 1
    assert _notifications(outsider, Kind.MENTION) == []


def test_a_mention_of_someone_walled_off_notifies_nobody() -> None:
    author, blocker = UserFactory.create(), UserFactory.create(handle="blocker")
    Block.objects.create(blocker=blocker, blocked=author)
    services.publish_post(author=author, body="hey @blocker")
    assert _notifications(blocker, Kind.MENTION) == []


# --- Editing and deleting ----------------------------------------------------------------


def test_editing_marks_edited_resyncs_hashtags_and_notifies_only_new_mentions() -> None:
    author = UserFactory.create()
    first, second = UserFactory.create(handle="first"), UserFactory.create(handle="second")
    post = services.publish_post(author=author, body="#old hi @first")
    services.edit_post(post=post, editor=author, body="#new hi @first and @second")
    post.refresh_from_db()
    assert post.edited_at is not None
    assert list(post.hashtags.values_list("name", flat=True)) == ["new"]
    assert len(_notifications(first, Kind.MENTION)) == 1
    assert len(_notifications(second, Kind.MENTION)) == 1


def test_only_the_author_edits_or_deletes() -> None:
    post = PostFactory.create()
    stranger = UserFactory.create()
    with pytest.raises(services.NotAllowed):
        services.edit_post(post=post, editor=stranger, body="mine now")
    with pytest.raises(services.NotAllowed):
        services.delete_post(post=post, member=stranger)
    post.refresh_from_db()
    assert post.deleted_at is None


def test_deleting_is_soft_and_takes_the_post_out_of_search() -> None:
    post = services.publish_post(author=UserFactory.create(), body="gone soon")
    services.delete_post(post=post, member=post.author)
    post.refresh_from_db()
    assert post.deleted_at is not None
    assert post.search_vector is None
    assert Post.objects.filter(pk=post.pk).exists()
    with pytest.raises(services.NotAllowed):
        services.edit_post(post=post, editor=post.author, body="back")


# --- Comments ----------------------------------------------------------------------------


def test_a_comment_notifies_the_post_author_and_counts() -> None:
    post = PostFactory.create()
    commenter = UserFactory.create()
    comment = services.add_comment(author=commenter, post=post, body="Great point")
    post.refresh_from_db()
    assert post.comment_count == 1
    (notification,) = _notifications(post.author, Kind.COMMENT)
    assert notification.url.endswith(f"#comment-{comment.pk}")


def test_a_reply_notifies_the_parent_author_once() -> None:
    post = PostFactory.create()
    parent = services.add_comment(author=UserFactory.create(), post=post, body="Question?")
    replier = UserFactory.create()
    services.add_comment(author=replier, post=post, body="Answer", parent=parent)
    assert len(_notifications(parent.author, Kind.REPLY)) == 1
    assert len(_notifications(post.author, Kind.COMMENT)) == 2


def test_replies_have_one_level() -> None:
    post = PostFactory.create()
    top = services.add_comment(author=UserFactory.create(), post=post, body="top")
    reply = services.add_comment(author=UserFactory.create(), post=post, body="reply", parent=top)
    nested = services.add_comment(
        author=UserFactory.create(), post=post, body="again", parent=reply
    )
    assert nested.parent_id == top.pk


def test_a_reply_must_belong_to_the_same_post() -> None:
    other = CommentFactory.create()
    with pytest.raises(ValidationError):
        services.add_comment(
            author=UserFactory.create(), post=PostFactory.create(), body="x", parent=other
        )


def test_no_comment_on_a_walled_off_authors_post() -> None:
    post = PostFactory.create()
    reader = UserFactory.create()
    Block.objects.create(blocker=post.author, blocked=reader)
    with pytest.raises(services.NotAllowed):
        services.add_comment(author=reader, post=post, body="hello")
    assert not Comment.objects.exists()


def test_no_comment_on_a_private_group_post_from_outside() -> None:
    circle = CircleFactory.create(is_private=True)
    post = PostFactory.create(visibility=Visibility.GROUP, circle=circle)
    with pytest.raises(services.NotAllowed):
        services.add_comment(author=UserFactory.create(), post=post, body="let me in")


def test_a_suspended_member_cannot_comment() -> None:
    with pytest.raises(ParticipationDenied):
        services.add_comment(
            author=UserFactory.create(suspended_at=timezone.now()),
            post=PostFactory.create(),
            body="x",
        )


def test_comment_mentions_notify() -> None:
    UserFactory.create(handle="colleague")
    post = PostFactory.create()
    services.add_comment(author=UserFactory.create(), post=post, body="cc @colleague")
    assert Notification.objects.filter(kind=Kind.MENTION, recipient__handle="colleague").count()


def test_editing_and_deleting_a_comment() -> None:
    post = PostFactory.create()
    comment = services.add_comment(author=UserFactory.create(), post=post, body="first")
    with pytest.raises(services.NotAllowed):
        services.edit_comment(comment=comment, editor=UserFactory.create(), body="hijack")
    services.edit_comment(comment=comment, editor=comment.author, body="*second*")
    comment.refresh_from_db()
    assert comment.edited_at is not None and "<em>second</em>" in comment.body_html
    with pytest.raises(services.NotAllowed):
        services.delete_comment(comment=comment, member=UserFactory.create())
    services.delete_comment(comment=comment, member=comment.author)
    services.delete_comment(comment=comment, member=comment.author)
    post.refresh_from_db()
    assert post.comment_count == 0


# --- Reactions and bookmarks -------------------------------------------------------------


def test_a_reaction_toggles_and_counts() -> None:
    post = PostFactory.create()
    member = UserFactory.create()
    state = services.toggle_reaction(member=member, target=post, kind=ReactionKind.LIKE)
    assert state.active and state.count == 1
    services.toggle_reaction(member=member, target=post, kind=ReactionKind.HELPFUL)
    post.refresh_from_db()
    assert (post.like_count, post.helpful_count) == (1, 1)
    state = services.toggle_reaction(member=member, target=post, kind=ReactionKind.LIKE)
    assert not state.active and state.count == 0
    assert Reaction.objects.filter(post=post).count() == 1


def test_a_comment_reaction_counts_on_the_comment() -> None:
    comment = CommentFactory.create()
    services.toggle_reaction(member=UserFactory.create(), target=comment, kind=ReactionKind.HELPFUL)
    comment.refresh_from_db()
    assert comment.helpful_count == 1


def test_a_reaction_is_recorded_for_the_digest() -> None:
    post = PostFactory.create()
    services.toggle_reaction(member=UserFactory.create(), target=post, kind=ReactionKind.LIKE)
    assert len(_notifications(post.author, Kind.REACTION_DIGEST)) == 1


def test_no_reaction_across_a_wall_or_while_suspended() -> None:
    post = PostFactory.create()
    blocked = UserFactory.create()
    Block.objects.create(blocker=post.author, blocked=blocked)
    with pytest.raises(services.NotAllowed):
        services.toggle_reaction(member=blocked, target=post, kind=ReactionKind.LIKE)
    with pytest.raises(ParticipationDenied):
        services.toggle_reaction(
            member=UserFactory.create(suspended_at=timezone.now()), target=post, kind="like"
        )
    with pytest.raises(ValidationError):
        services.toggle_reaction(member=UserFactory.create(), target=post, kind="love")
    post.refresh_from_db()
    assert post.like_count == 0


def test_the_database_refuses_a_second_identical_reaction() -> None:
    post = PostFactory.create()
    member = UserFactory.create()
    Reaction.objects.create(member=member, post=post, kind="like")
    with pytest.raises(IntegrityError), transaction.atomic():
        Reaction.objects.create(member=member, post=post, kind="like")


def test_the_database_refuses_a_reaction_on_two_targets() -> None:
    comment = CommentFactory.create()
    with pytest.raises(IntegrityError), transaction.atomic():
        Reaction.objects.create(
            member=UserFactory.create(), post=comment.post, comment=comment, kind="like"
        )


def test_bookmarks_toggle() -> None:
    post, member = PostFactory.create(), UserFactory.create()
    assert services.toggle_bookmark(member=member, post=post) is True
    assert Bookmark.objects.filter(member=member, post=post).exists()
    assert services.toggle_bookmark(member=member, post=post) is False
    assert not Bookmark.objects.exists()


def test_no_bookmark_of_an_invisible_post() -> None:
    post = PostFactory.create(
        visibility=Visibility.GROUP, circle=CircleFactory.create(is_private=True)
    )
    with pytest.raises(services.NotAllowed):
        services.toggle_bookmark(member=UserFactory.create(), post=post)


# --- Campaigns ---------------------------------------------------------------------------


def test_a_moderator_turns_a_hashtag_into_a_campaign() -> None:
    today = timezone.localdate()
    campaign = services.create_campaign(
        creator=moderator_actor(),
        hashtag="#StrokeAwareness",
        title="Stroke awareness month",
        description="BE FAST.",
        starts_on=today,
        ends_on=today + datetime.timedelta(days=30),
    )
    assert campaign.hashtag == Hashtag.objects.get(name="strokeawareness")
    assert campaign.is_running()
    with pytest.raises(ValidationError, match="already has a campaign"):
        services.create_campaign(
            creator=moderator_actor(),
            hashtag="strokeawareness",
            title="Again",
            description="x",
            starts_on=today,
            ends_on=today,
        )


@pytest.mark.parametrize(
    "creator",
    [
        lambda: Actor(user=UserFactory.create(), passed_two_factor=True),
        lambda: Actor(user=make_moderator(), passed_two_factor=False),
        lambda: Actor(user=ModeratorFactory.create(), passed_two_factor=True),
    ],
    ids=["member", "moderator_without_two_factor", "staff_without_the_permission"],
)
def test_only_site_moderators_start_campaigns(creator: Callable[[], Actor]) -> None:
    today = timezone.localdate()
    with pytest.raises(services.NotAllowed, match="Only moderators can start campaigns."):
        services.create_campaign(
            creator=creator(),
            hashtag="x",
            title="x",
            description="x",
            starts_on=today,
            ends_on=today,
        )
    assert not Campaign.objects.exists()


def test_a_campaign_s_dates_must_be_in_order() -> None:
    today = timezone.localdate()
    with pytest.raises(ValidationError):
        services.create_campaign(
            creator=moderator_actor(),
            hashtag="x",
            title="x",
            description="x",
            starts_on=today,
            ends_on=today - datetime.timedelta(days=1),
        )


def test_questions_close_when_a_live_qa_ends_except_for_the_host() -> None:
    now = timezone.now()
    event = PostFactory.create(
        kind=PostKind.EVENT,
        title="AMA",
        starts_at=now - datetime.timedelta(hours=2),
        duration_minutes=60,
    )
    with pytest.raises(services.NotAllowed, match="questions are closed"):
        services.add_comment(author=UserFactory.create(), post=event, body="Too late?")
    services.add_comment(author=event.author, post=event, body="Answers to the rest")
    live = PostFactory.create(
        kind=PostKind.EVENT,
        title="Live",
        starts_at=now - datetime.timedelta(minutes=10),
        duration_minutes=60,
    )
    assert live.event_state == "live"
    services.add_comment(author=UserFactory.create(), post=live, body="During it")
