"""Pages and forms: the permission matrix, no-JavaScript forms and htmx partials."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Block, Follow, Mute
from posts.models import Bookmark, Comment, Post, PostKind, Reaction, Visibility
from posts.selectors import encode_cursor
from tests.accounts.conftest import sign_in_with_two_factor
from tests.factories import HighSchoolStudentFactory, UserFactory
from tests.moderation.conftest import make_moderator, moderator_actor
from tests.posts.factories import CircleFactory, CommentFactory, MembershipFactory, PostFactory

pytestmark = pytest.mark.django_db


def _client(user: Any = None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


# --- Reading -----------------------------------------------------------------------------


def test_anonymous_visitors_read_explore_and_public_posts() -> None:
    public = PostFactory.create(body="Open to all")
    members = PostFactory.create(body="Members only text", visibility=Visibility.MEMBERS)
    response = _client().get(reverse("posts:explore"))
    assert response.status_code == 200
    assert b"Open to all" in response.content
    assert b"Members only text" not in response.content
    assert _client().get(public.get_absolute_url()).status_code == 200
    assert _client().get(members.get_absolute_url()).status_code == 404


def test_explore_shows_members_only_posts_to_members_but_not_muted_authors() -> None:
    viewer = UserFactory.create()
    members = PostFactory.create(body="Members only text", visibility=Visibility.MEMBERS)
    muted = PostFactory.create(body="Muted voice")
    Mute.objects.create(muter=viewer, muted=muted.author)
    content = _client(viewer).get(reverse("posts:explore")).content
    assert members.body.encode() in content
    assert b"Muted voice" not in content


def _explore_queries(client: Client) -> list[str]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("posts:explore")).status_code == 200
    return [query["sql"] for query in captured.captured_queries]


def _campaigns_read(queries: list[str]) -> int:
    return sum('FROM "posts_campaign"' in sql for sql in queries)


def _start_campaign(title: str, *, days: int) -> None:
    from posts import services

    today = timezone.localdate()
    services.create_campaign(
        creator=moderator_actor(),
        hashtag=title.replace(" ", ""),
        title=title,
        description="Know the signs.",
        starts_on=today,
        ends_on=today + datetime.timedelta(days=days),
    )


def test_running_campaigns_are_read_once_a_minute_and_at_once_when_one_starts(
    django_capture_on_commit_callbacks: Any,
) -> None:
    client = _client(UserFactory.create())
    assert _campaigns_read(_explore_queries(client)) == 1
    assert _campaigns_read(_explore_queries(client)) == 0
    with django_capture_on_commit_callbacks(execute=True):
        _start_campaign("Sepsis week", days=0)
    queries = _explore_queries(client)
    assert _campaigns_read(queries) == 1
    assert "Sepsis week" in client.get(reverse("posts:explore")).content.decode()


def test_a_failed_campaign_start_leaves_the_kept_campaigns(
    django_capture_on_commit_callbacks: Any,
) -> None:
    from django.core.exceptions import ValidationError

    client = _client(UserFactory.create())
    _explore_queries(client)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        _start_campaign("Backwards", days=-1)
    assert _campaigns_read(_explore_queries(client)) == 0


def test_explore_features_running_campaigns_and_top_posts() -> None:
    from posts.models import Campaign, Hashtag

    today = timezone.localdate()
    tag = Hashtag.objects.create(name="handhygiene")
    Campaign.objects.create(
        hashtag=tag,
        title="Clean hands week",
        description="Wash.",
        starts_on=today,
        ends_on=today + datetime.timedelta(days=3),
    )
    Campaign.objects.create(
        hashtag=Hashtag.objects.create(name="old"),
        title="Finished campaign",
        description="Done.",
        starts_on=today - datetime.timedelta(days=30),
        ends_on=today - datetime.timedelta(days=1),
    )
    PostFactory.create(title="Popular pearl", like_count=5, helpful_count=2)
    PostFactory.create(
        title="Old popular", like_count=50, created_at=timezone.now() - datetime.timedelta(days=8)
    )
    content = _client().get(reverse("posts:explore")).content.decode()
    assert "Clean hands week" in content
    assert "Finished campaign" not in content
    top = content.split('id="top-title"')[1]
    assert "Popular pearl" in top and "7 reactions" in top
    assert "Old popular" not in top


def test_a_blocked_member_gets_404_for_the_post_and_sees_nothing_in_feeds() -> None:
    post = PostFactory.create(body="Not for you")
    blocked = UserFactory.create()
    Block.objects.create(blocker=post.author, blocked=blocked)
    client = _client(blocked)
    assert client.get(post.get_absolute_url()).status_code == 404
    assert b"Not for you" not in client.get(reverse("posts:explore")).content
    assert client.get(reverse("posts:author_posts", args=[post.author.handle])).status_code == 404


def test_the_blocker_does_not_see_the_blocked_members_posts_either() -> None:
    post = PostFactory.create(body="Blocked voice")
    blocker = UserFactory.create()
    Block.objects.create(blocker=blocker, blocked=post.author)
    client = _client(blocker)
    assert client.get(post.get_absolute_url()).status_code == 404
    assert b"Blocked voice" not in client.get(reverse("posts:explore")).content


def test_the_home_feed_has_own_followed_and_group_posts_newest_first() -> None:
    member = UserFactory.create()
    followed = UserFactory.create()
    Follow.objects.create(follower=member, followee=followed)
    circle = CircleFactory.create()
    MembershipFactory.create(circle=circle, member=member)
    now = timezone.now()
    own = PostFactory.create(author=member, body="Own post", created_at=now)
    friend = PostFactory.create(
        author=followed, body="Friend post", created_at=now - datetime.timedelta(minutes=1)
    )
    group = PostFactory.create(
        visibility=Visibility.GROUP,
        circle=circle,
        body="Group post",
        created_at=now - datetime.timedelta(minutes=2),
    )
    PostFactory.create(body="Stranger post")
    content = _client(member).get(reverse("home")).content.decode()
    assert "Stranger post" not in content
    positions = [content.index(post.body) for post in (own, friend, group)]
    assert positions == sorted(positions)


def test_load_more_uses_a_cursor_and_htmx_gets_only_the_items() -> None:
    now = timezone.now()
    posts = [
        PostFactory.create(
            body=f"Numbered post {n:02d}", created_at=now - datetime.timedelta(minutes=n)
        )
        for n in range(25)
    ]
    client = _client()
    first = client.get(reverse("posts:explore")).content.decode()
    assert "Numbered post 19" in first and "Numbered post 20" not in first
    cursor = encode_cursor(posts[19].created_at, posts[19].pk)
    assert f"?cursor={cursor}" in first
    assert 'hx-get="?cursor=' in first
    second = client.get(reverse("posts:explore"), {"cursor": cursor}, HTTP_HX_REQUEST="true")
    body = second.content.decode()
    assert "<html" not in body
    assert "Numbered post 20" in body and "Numbered post 24" in body
    assert "Numbered post 19" not in body
    assert "Load more" not in body


def test_a_broken_cursor_is_a_bad_request() -> None:
    response = _client().get(reverse("posts:explore"), {"cursor": "not-a-cursor"})
    assert response.status_code == 400


def test_the_hashtag_page_lists_visible_posts_with_the_tag() -> None:
    from posts.services import publish_post

    author = UserFactory.create()
    publish_post(author=author, body="Fluids in #DKA")
    publish_post(author=author, body="Insiders #dka", visibility=Visibility.MEMBERS)
    response = _client().get(reverse("posts:hashtag", args=["dka"]))
    assert response.status_code == 200
    assert b"Fluids in" in response.content
    assert b"Insiders" not in response.content
    assert _client().get(reverse("posts:hashtag", args=["DKA"])).status_code == 301
    assert _client().get(reverse("posts:hashtag", args=["nothing"])).status_code == 404


def test_a_minors_posts_and_profile_posts_are_hidden_from_visitors() -> None:
    minor = HighSchoolStudentFactory.create()
    post = PostFactory.create(author=minor)
    assert _client().get(post.get_absolute_url()).status_code == 404
    assert _client().get(reverse("posts:author_posts", args=[minor.handle])).status_code == 404
    assert _client(UserFactory.create()).get(post.get_absolute_url()).status_code == 200


def test_the_post_page_groups_replies_and_keeps_tombstones_with_replies() -> None:
    post = PostFactory.create()
    top = CommentFactory.create(post=post, body="Top comment")
    CommentFactory.create(post=post, parent=top, body="A reply")
    gone = CommentFactory.create(post=post, body="Deleted words", deleted_at=timezone.now())
    CommentFactory.create(post=post, parent=gone, body="Reply to deleted")
    CommentFactory.create(post=post, body="Lonely deleted", deleted_at=timezone.now())
    content = _client().get(post.get_absolute_url()).content.decode()
    assert content.index("Top comment") < content.index("A reply")
    assert "Deleted words" not in content and "Lonely deleted" not in content
    assert "Reply to deleted" in content
    assert content.count("was deleted") == 1


def test_a_deleted_post_shows_a_tombstone_and_its_thread() -> None:
    post = PostFactory.create(body="Secret words", deleted_at=timezone.now())
    CommentFactory.create(post=post, body="Still here")
    content = _client().get(post.get_absolute_url()).content.decode()
    assert "deleted by its author" in content
    assert "Secret words" not in content and "Still here" in content


def test_an_event_shows_in_the_readers_time_zone() -> None:
    starts_at = datetime.datetime(2030, 6, 4, 16, 0, tzinfo=datetime.UTC)
    post = PostFactory.create(
        kind=PostKind.EVENT, title="AMA", starts_at=starts_at, duration_minutes=45
    )
    reader = UserFactory.create(time_zone="America/New_York")
    content = _client(reader).get(post.get_absolute_url()).content.decode()
    assert (
        '<time datetime="2030-06-04T12:00:00-04:00">4 June 2030, 12:00</time> (America/New_York)'
        in content
    )
    assert "Ask your questions" in content
    assert 'Questions (<span id="comments-count">0</span>)' in content
    anonymous = _client().get(post.get_absolute_url()).content.decode()
    assert '<time datetime="2030-06-04T16:00:00+00:00">4 June 2030, 16:00</time> (UTC)' in anonymous


def test_a_publication_shows_its_links() -> None:
    post = PostFactory.create(
        kind=PostKind.PUBLICATION,
        doi="10.1001/jama.2020.1585",
        pmid="32031570",
        pub_title="Clinical Characteristics",
        journal="JAMA",
        year=2020,
    )
    content = _client().get(post.get_absolute_url()).content.decode()
    assert 'href="https://doi.org/10.1001/jama.2020.1585"' in content
    assert 'href="https://pubmed.ncbi.nlm.nih.gov/32031570/"' in content
    assert "<em>JAMA</em> (2020)" in content


# --- Writing -----------------------------------------------------------------------------


def test_publishing_through_the_form() -> None:
    author = UserFactory.create()
    response = _client(author).post(
        reverse("posts:create"),
        {"kind": "discussion", "title": "", "body": "Hello #world", "visibility": "public"},
    )
    post = Post.objects.get()
    assert response.status_code == 302 and response["Location"] == post.get_absolute_url()
    assert post.hashtags.get().name == "world"


def test_the_form_refuses_a_bad_doi_and_pmid_with_a_message() -> None:
    response = _client(UserFactory.create()).post(
        reverse("posts:create"),
        {
            "kind": "publication",
            "body": "Read",
            "visibility": "public",
            "doi": "not-a-doi",
            "pmid": "12ab",
            "pub_title": "A title",
        },
    )
    assert response.status_code == 200
    assert "This is not a DOI" in response.content.decode()
    assert "A PubMed ID is a number" in response.content.decode()
    assert 'aria-invalid="true"' in response.content.decode()
    assert not Post.objects.exists()


def test_a_doi_link_is_normalised() -> None:
    _client(UserFactory.create()).post(
        reverse("posts:create"),
        {
            "kind": "publication",
            "body": "Read",
            "visibility": "public",
            "doi": "https://doi.org/10.1056/NEJMoa2034577",
            "pub_title": "A title",
        },
    )
    assert Post.objects.get().doi == "10.1056/NEJMoa2034577"


def test_an_event_start_is_read_in_the_authors_time_zone() -> None:
    author = UserFactory.create(time_zone="Europe/Paris")
    _client(author).post(
        reverse("posts:create"),
        {
            "kind": "event",
            "title": "Ask a cardiologist",
            "body": "Questions welcome",
            "visibility": "public",
            "starts_at": "2030-01-15T18:00",
            "duration_minutes": "60",
        },
    )
    post = Post.objects.get()
    assert post.starts_at == datetime.datetime(2030, 1, 15, 17, 0, tzinfo=datetime.UTC)


def test_anonymous_and_suspended_members_cannot_write() -> None:
    assert _client().get(reverse("posts:create")).status_code == 302
    suspended = UserFactory.create(suspended_at=timezone.now())
    response = _client(suspended).post(
        reverse("posts:create"), {"kind": "discussion", "body": "x", "visibility": "public"}
    )
    assert response.status_code == 403
    assert b"suspended" in response.content
    assert not Post.objects.exists()


def test_editing_is_for_the_author_only_and_marks_edited() -> None:
    post = PostFactory.create(body="before")
    assert (
        _client(UserFactory.create()).get(reverse("posts:edit", args=[post.pk])).status_code == 404
    )
    response = _client(post.author).post(
        reverse("posts:edit", args=[post.pk]), {"title": "", "body": "after"}
    )
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.body == "after" and post.edited_at is not None
    assert b"(edited)" in _client().get(post.get_absolute_url()).content


def test_deleting_is_a_post_by_the_author() -> None:
    post = PostFactory.create()
    assert _client(post.author).get(reverse("posts:delete", args=[post.pk])).status_code == 405
    assert (
        _client(UserFactory.create()).post(reverse("posts:delete", args=[post.pk])).status_code
        == 404
    )
    _client(post.author).post(reverse("posts:delete", args=[post.pk]))
    post.refresh_from_db()
    assert post.deleted_at is not None


def test_reacting_without_javascript_redirects_back() -> None:
    post = PostFactory.create()
    member = UserFactory.create()
    response = _client(member).post(
        reverse("posts:react", args=[post.pk, "like"]), {"next": "/explore/"}
    )
    assert response.status_code == 302 and response["Location"] == "/explore/"
    post.refresh_from_db()
    assert post.like_count == 1


def test_reacting_refuses_an_offsite_next() -> None:
    post = PostFactory.create()
    response = _client(UserFactory.create()).post(
        reverse("posts:react", args=[post.pk, "like"]), {"next": "https://evil.example/"}
    )
    assert response["Location"] == post.get_absolute_url()


def test_reacting_with_htmx_returns_the_buttons() -> None:
    post = PostFactory.create()
    member = UserFactory.create()
    response = _client(member).post(
        reverse("posts:react", args=[post.pk, "helpful"]), HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body
    assert f'id="reactions-post-{post.pk}"' in body
    assert 'aria-pressed="true"' in body
    assert Reaction.objects.filter(post=post, member=member, kind="helpful").exists()


def test_reacting_is_refused_to_visitors_blocked_members_and_on_hidden_posts() -> None:
    post = PostFactory.create()
    assert _client().post(reverse("posts:react", args=[post.pk, "like"])).status_code == 302
    blocked = UserFactory.create()
    Block.objects.create(blocker=post.author, blocked=blocked)
    assert _client(blocked).post(reverse("posts:react", args=[post.pk, "like"])).status_code == 404
    assert (
        _client(UserFactory.create())
        .post(reverse("posts:react", args=[post.pk, "love"]))
        .status_code
        == 404
    )
    assert not Reaction.objects.exists()


def test_comment_reactions_with_htmx() -> None:
    comment = CommentFactory.create()
    response = _client(UserFactory.create()).post(
        reverse("posts:comment_react", args=[comment.pk, "like"]), HTTP_HX_REQUEST="true"
    )
    assert f'id="reactions-comment-{comment.pk}"' in response.content.decode()
    comment.refresh_from_db()
    assert comment.like_count == 1


def test_bookmarks_and_the_saved_page() -> None:
    post = PostFactory.create(body="Worth keeping")
    member = UserFactory.create()
    client = _client(member)
    client.post(reverse("posts:bookmark", args=[post.pk]))
    assert Bookmark.objects.filter(member=member, post=post).exists()
    assert b"Worth keeping" in client.get(reverse("posts:bookmarks")).content
    response = client.post(reverse("posts:bookmark", args=[post.pk]), HTTP_HX_REQUEST="true")
    assert b"Save" in response.content and b"<html" not in response.content
    assert not Bookmark.objects.exists()
    assert _client().get(reverse("posts:bookmarks")).status_code == 302


def test_a_saved_post_that_became_invisible_leaves_the_saved_page() -> None:
    post = PostFactory.create(body="Soon hidden")
    member = UserFactory.create()
    Bookmark.objects.create(member=member, post=post)
    Block.objects.create(blocker=post.author, blocked=member)
    assert b"Soon hidden" not in _client(member).get(reverse("posts:bookmarks")).content


def test_commenting_and_replying_through_the_form() -> None:
    post = PostFactory.create()
    member = UserFactory.create()
    client = _client(member)
    response = client.post(reverse("posts:comment_create", args=[post.pk]), {"body": "Nice"})
    comment = Comment.objects.get()
    assert response["Location"].endswith(f"#comment-{comment.pk}")
    client.post(
        reverse("posts:comment_create", args=[post.pk]), {"body": "Reply", "parent": comment.pk}
    )
    assert Comment.objects.get(body="Reply").parent == comment


def test_an_empty_comment_shows_the_error() -> None:
    post = PostFactory.create()
    response = _client(UserFactory.create()).post(
        reverse("posts:comment_create", args=[post.pk]), {"body": "  "}
    )
    assert response.status_code == 400
    assert b"This field is required" in response.content


def test_comment_edit_and_delete_are_for_the_author() -> None:
    comment = CommentFactory.create(body="mine")
    outsider = _client(UserFactory.create())
    assert outsider.get(reverse("posts:comment_edit", args=[comment.pk])).status_code == 404
    assert outsider.post(reverse("posts:comment_delete", args=[comment.pk])).status_code == 404
    author = _client(comment.author)
    author.post(reverse("posts:comment_edit", args=[comment.pk]), {"body": "edited text"})
    comment.refresh_from_db()
    assert comment.body == "edited text" and comment.edited_at
    author.post(reverse("posts:comment_delete", args=[comment.pk]))
    comment.refresh_from_db()
    assert comment.deleted_at is not None


def test_the_campaign_form_is_for_moderators() -> None:
    assert _client(UserFactory.create()).get(reverse("posts:campaign_create")).status_code == 404
    today = timezone.localdate()
    moderator = Client()
    sign_in_with_two_factor(moderator, make_moderator())
    response = moderator.post(
        reverse("posts:campaign_create"),
        {
            "hashtag": "#WorldHeartDay",
            "title": "World Heart Day",
            "description": "Check your BP.",
            "starts_on": today.isoformat(),
            "ends_on": today.isoformat(),
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("posts:hashtag", args=["worldheartday"])


def test_the_search_box_is_in_the_header() -> None:
    content = _client().get(reverse("posts:explore")).content.decode()
    assert f'action="{reverse("posts:search")}"' in content
    assert 'role="search"' in content


def test_the_profile_page_shows_the_posts_the_viewer_may_read() -> None:
    author = UserFactory.create()
    PostFactory.create(author=author, body="Public pearl")
    PostFactory.create(author=author, body="Members pearl", visibility=Visibility.MEMBERS)
    visitor = _client().get(author.get_absolute_url()).content.decode()
    assert "Public pearl" in visitor and "Members pearl" not in visitor
    member = _client(UserFactory.create()).get(author.get_absolute_url()).content.decode()
    assert "Members pearl" in member
    assert reverse("moderation:report", args=["profile", author.pk]) in member


def test_an_ended_live_qa_says_questions_are_closed() -> None:
    post = PostFactory.create(
        kind=PostKind.EVENT,
        title="AMA",
        starts_at=timezone.now() - datetime.timedelta(days=1),
        duration_minutes=30,
    )
    content = _client(UserFactory.create()).get(post.get_absolute_url()).content.decode()
    assert "questions are closed" in content
    assert reverse("posts:comment_create", args=[post.pk]) not in content
