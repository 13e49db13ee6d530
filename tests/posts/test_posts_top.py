"""Explore's "Top this week": one shared ranking a minute, read through each reader's rules."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Block, Mute
from posts.models import Post, Visibility
from posts.selectors import TOP_COUNT, TopPost, top_posts
from tests.factories import UserFactory
from tests.posts.factories import CircleFactory, MembershipFactory, PostFactory

pytestmark = pytest.mark.django_db


def _titles(posts: list[TopPost]) -> list[str]:
    return [post.headline for post in posts]


def test_the_weeks_most_reacted_posts_lead_in_order() -> None:
    PostFactory.create(title="Quiet", like_count=1)
    PostFactory.create(title="Loud", like_count=9, helpful_count=3)
    PostFactory.create(title="Middle", like_count=4)
    PostFactory.create(title="No reactions")
    PostFactory.create(
        title="Last month", like_count=99, created_at=timezone.now() - datetime.timedelta(days=8)
    )

    assert _titles(top_posts(UserFactory.create())) == ["Loud", "Middle", "Quiet"]


def test_the_ranking_is_computed_once_and_shared_between_members() -> None:
    for number in range(3):
        PostFactory.create(title=f"Post {number}", like_count=number + 1)
    first_reader, second_reader = UserFactory.create(), UserFactory.create()
    with CaptureQueriesContext(connection) as first:
        top_posts(first_reader)
    with CaptureQueriesContext(connection) as second:
        top_posts(second_reader)

    def ranked(captured: CaptureQueriesContext) -> int:
        return sum("LIMIT 50" in query["sql"] for query in captured.captured_queries)

    assert ranked(first) == 1 and ranked(second) == 0
    assert len(second.captured_queries) == len(first.captured_queries) - 1


def test_visitors_and_members_have_separate_rankings() -> None:
    PostFactory.create(title="For members", like_count=9, visibility=Visibility.MEMBERS)
    PostFactory.create(title="For everyone", like_count=1)
    member = UserFactory.create()

    assert _titles(top_posts(member)) == ["For members", "For everyone"]
    assert _titles(top_posts(AnonymousUser())) == ["For everyone"]


def test_a_post_deleted_after_the_ranking_leaves_the_list_at_once() -> None:
    gone = PostFactory.create(title="Deleted since", like_count=9)
    PostFactory.create(title="Still here", like_count=1)
    top_posts(UserFactory.create())
    Post.objects.filter(pk=gone.pk).update(deleted_at=timezone.now())

    assert _titles(top_posts(UserFactory.create())) == ["Still here"]


def test_new_counts_reorder_the_shared_candidates_at_once() -> None:
    first = PostFactory.create(title="First", like_count=5)
    PostFactory.create(title="Second", like_count=3)
    top_posts(UserFactory.create())
    Post.objects.filter(pk=first.pk).update(like_count=1)

    assert _titles(top_posts(UserFactory.create())) == ["Second", "First"]


def test_each_reader_still_has_their_walls_and_mutes() -> None:
    blocked_author, muted_author = UserFactory.create(), UserFactory.create()
    PostFactory.create(title="Blocked author", author=blocked_author, like_count=9)
    PostFactory.create(title="Muted author", author=muted_author, like_count=8)
    PostFactory.create(title="Anyone", like_count=1)
    reader = UserFactory.create()
    Block.objects.create(blocker=blocked_author, blocked=reader)
    Mute.objects.create(muter=reader, muted=muted_author)

    assert _titles(top_posts(UserFactory.create())) == ["Blocked author", "Muted author", "Anyone"]
    assert _titles(top_posts(reader)) == ["Anyone"]


def test_group_posts_never_lead_even_for_the_groups_members() -> None:
    circle = CircleFactory.create()
    reader = UserFactory.create()
    MembershipFactory.create(circle=circle, member=reader)
    PostFactory.create(
        title="In the group", like_count=9, visibility=Visibility.GROUP, circle=circle
    )
    moved = PostFactory.create(title="Moved to the group", like_count=8)
    PostFactory.create(title="Public", like_count=1)
    top_posts(reader)
    Post.objects.filter(pk=moved.pk).update(visibility=Visibility.GROUP, circle=circle)

    assert _titles(top_posts(reader)) == ["Public"]


def test_at_most_top_count_are_shown() -> None:
    for number in range(TOP_COUNT + 3):
        PostFactory.create(title=f"Post {number}", like_count=number + 1)
    assert len(top_posts(UserFactory.create())) == TOP_COUNT


def test_each_line_shows_the_current_headline_author_and_count() -> None:
    author = UserFactory.create(display_name="Dr. Ada Osei")
    post = PostFactory.create(author=author, title="", body="\n\n   " + "word " * 60, like_count=2)
    (line,) = top_posts(UserFactory.create())
    assert line.headline == post.headline
    assert len(line.headline) == 80 and line.headline.endswith("…")
    assert (line.author_name, line.reaction_count) == ("Dr. Ada Osei", 2)
    assert line.get_absolute_url() == post.get_absolute_url()
    # An edit (a title taken out for privacy, say) and a new name show on the next view.
    Post.objects.filter(pk=post.pk).update(title="Sepsis bundles", helpful_count=5)
    author.display_name = "Dr. Ada Osei-Mensah"
    author.save()
    (line,) = top_posts(UserFactory.create())
    assert (line.headline, line.author_name, line.reaction_count) == (
        "Sepsis bundles",
        "Dr. Ada Osei-Mensah",
        7,
    )


def test_a_publication_share_leads_under_its_publications_title() -> None:
    PostFactory.create(title="", pub_title="A trial of early antibiotics", like_count=1)
    assert _titles(top_posts(UserFactory.create())) == ["A trial of early antibiotics"]


def test_the_list_reads_only_the_columns_it_shows() -> None:
    PostFactory.create(title="Shown", like_count=1)
    top_posts(UserFactory.create())  # the shared ranking, once a minute
    with CaptureQueriesContext(connection) as captured:
        assert _titles(top_posts(UserFactory.create())) == ["Shown"]
    (query,) = [q["sql"] for q in captured.captured_queries if '"posts_post"' in q["sql"]]
    assert '"posts_post"."body_html"' not in query
    assert '"posts_post"."search_vector"' not in query
    assert '"accounts_user"."bio"' not in query
