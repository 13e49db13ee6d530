"""A live Q&A's page follows its stream: the page subscribes to `post-<id>`, each
announcement names an event the questions re-fetch themselves on, and the re-fetch
(`posts:event_questions`) gives each reader their own view: hidden questions to their
author and the hosts only, the reader's own votes, the hosts' buttons."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from community import events as community_events
from posts import services
from posts.models import Comment, Post, PostKind, QuestionStatus, Visibility
from posts.services import events
from tests.factories import UserFactory
from tests.posts.factories import CircleFactory, CommentFactory, PostFactory

pytestmark = pytest.mark.django_db


def _client(user: User | None = None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _live(**fields: Any) -> Post:
    return PostFactory.create(
        kind=PostKind.EVENT,
        title="Ask a cardiologist",
        starts_at=timezone.now() - datetime.timedelta(minutes=10),
        duration_minutes=60,
        **fields,
    )


def _questions_url(post: Post) -> str:
    return reverse("posts:event_questions", args=[post.pk])


def _fragment(client: Client, post: Post) -> str:
    response = client.get(_questions_url(post), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def setting() -> dict[str, Any]:
    """A live Q&A with its host, an asker whose question the hosts hid, a voter, and an
    open question the voter voted for."""
    host = UserFactory.create(display_name="Dr Host")
    asker = UserFactory.create(display_name="Hidden Asker")
    voter = UserFactory.create(display_name="Vera Voter")
    post = _live(author=host)
    open_question = CommentFactory.create(post=post, body="Which beta blocker first?")
    hidden = CommentFactory.create(
        post=post,
        author=asker,
        body="An off-topic question",
        question_status=QuestionStatus.HIDDEN,
    )
    services.set_question_vote(member=voter, question=open_question, voted=True)
    return {
        "host": host,
        "asker": asker,
        "voter": voter,
        "post": post,
        "open": open_question,
        "hidden": hidden,
    }


# --- The page subscribes ------------------------------------------------------------------


def _region(page: str) -> str:
    """The part of the page a live refresh replaces: the #questions element."""
    start = page.index('<div id="questions"')
    return page[start : page.index('id="questions-status"', start)]


@pytest.mark.parametrize("signed_in", [False, True])
def test_the_event_page_follows_its_stream_and_refetches_on_every_announcement(
    signed_in: bool, member: User
) -> None:
    post = _live()
    CommentFactory.create(post=post, body="First question")
    page = _client(member if signed_in else None).get(post.get_absolute_url()).content.decode()
    stream = reverse("events", kwargs={"stream": f"post-{post.pk}"})
    container = re.search(r'<div class="live-questions"[^>]*>', page)
    assert container is not None
    assert f'sse-connect="{stream}?since=' in container[0]  # the stream from the page's moment on
    assert 'hx-ext="sse"' in container[0]
    # Visitors load the SSE extension too (members always do, for their own stream).
    assert "hx-sse" in page
    triggers = " ".join(re.findall(r'hx-trigger="([^"]*)"', page))
    for name in services.EVENT_ANNOUNCEMENTS:
        assert f"sse:{name} throttle:" in triggers  # at once
        assert f"sse:{name} delay:" in triggers  # and once after a burst
    assert page.count(f'hx-get="{_questions_url(post)}"') == 2
    region = _region(page)
    assert "First question" in region
    # The form to ask a question is not replaced: text being typed there stays.
    assert "comment-form" not in region
    assert 'aria-live="polite"' in page[page.index('id="questions-status"') - 80 :][:200]


def test_a_plain_post_and_a_deleted_event_follow_no_post_stream(member: User) -> None:
    plain = PostFactory.create()
    gone = _live(deleted_at=timezone.now())
    for post in (plain, gone):
        page = _client(member).get(post.get_absolute_url()).content.decode()
        assert f"/events/post-{post.pk}/" not in page
    visitor_page = _client().get(plain.get_absolute_url()).content.decode()
    assert "hx-sse" not in visitor_page


def test_an_answer_box_being_typed_in_is_kept_across_refreshes(member: User) -> None:
    post = _live()
    question = CommentFactory.create(post=post)
    fragment = _fragment(_client(member), post)
    box = re.search(r'<details class="reply-box"[^>]*>', fragment)
    assert box is not None
    assert f'id="reply-box-{question.pk}"' in box[0]
    assert 'hx-preserve="true"' in box[0]
    # The vote button keeps its id, so focus goes back to it after a refresh.
    assert f'id="vote-{question.pk}"' in fragment


# --- Each reader's view -------------------------------------------------------------------


def test_a_visitor_sees_open_questions_without_buttons_nor_hidden_ones(
    setting: dict[str, Any],
) -> None:
    fragment = _fragment(_client(), setting["post"])
    assert "Which beta blocker first?" in fragment
    assert "1 vote" in fragment
    assert "An off-topic question" not in fragment
    assert "Vote up" not in fragment and "Voted" not in fragment
    assert ">Pin<" not in fragment
    assert "csrfmiddlewaretoken" not in fragment
    # The heading's count, the event's state and attendance, the polite status: out of band.
    assert 'id="comments-count" hx-swap-oob="true"' in fragment
    assert 'id="event-status" hx-swap-oob="true"' in fragment
    assert "Live now" in fragment
    assert 'id="event-attendance" hx-swap-oob="true"' in fragment
    assert "1 question, 0 answered." in fragment


def test_a_member_sees_their_own_vote_and_not_hidden_questions(
    setting: dict[str, Any], member: User
) -> None:
    mine = _fragment(_client(setting["voter"]), setting["post"])
    assert 'aria-pressed="true">Voted' in mine
    assert "An off-topic question" not in mine
    assert ">Pin<" not in mine
    other = _fragment(_client(member), setting["post"])
    assert 'aria-pressed="false">Vote up' in other
    assert "Voted" not in other


def test_the_author_of_a_hidden_question_still_sees_it_and_why(setting: dict[str, Any]) -> None:
    fragment = _fragment(_client(setting["asker"]), setting["post"])
    assert "An off-topic question" in fragment
    assert "only you and the hosts see it" in fragment
    assert "2 questions, 0 answered." in fragment


def test_a_host_sees_hidden_questions_and_the_hosts_buttons(setting: dict[str, Any]) -> None:
    fragment = _fragment(_client(setting["host"]), setting["post"])
    assert "An off-topic question" in fragment
    assert "Hidden by the hosts" in fragment
    assert "Show again" in fragment
    assert f'id="pin-{setting["open"].pk}"' in fragment
    # Forms in the fragment send the reader back to the event, not to the fragment.
    assert f'value="{_questions_url(setting["post"])}"' not in fragment


def test_a_refresh_shows_what_changed_since_the_page_was_loaded(setting: dict[str, Any]) -> None:
    client = _client()
    before = _fragment(client, setting["post"])
    assert "Is aspirin still advised?" not in before
    services.add_comment(
        author=UserFactory.create(), post=setting["post"], body="Is aspirin still advised?"
    )
    assert "Is aspirin still advised?" in _fragment(client, setting["post"])


@pytest.mark.parametrize("reader", ["visitor", "outsider"])
def test_the_questions_of_what_the_reader_may_not_read_are_404(reader: str) -> None:
    circle = CircleFactory.create(is_private=True)
    group_event = _live(circle=circle, visibility=Visibility.GROUP)
    client = _client(None if reader == "visitor" else UserFactory.create())
    assert client.get(_questions_url(group_event)).status_code == 404


def test_only_a_live_qa_that_is_still_there_has_questions(member: User) -> None:
    client = _client(member)
    assert client.get(_questions_url(PostFactory.create())).status_code == 404
    assert client.get(_questions_url(_live(deleted_at=timezone.now()))).status_code == 404
    assert client.get("/posts/999999999/questions/").status_code == 404
    assert client.post(_questions_url(_live())).status_code == 405


def _queries(client: Client, post: Post) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        _fragment(client, post)
    return [query["sql"] for query in captured.captured_queries]


@pytest.mark.parametrize("reader", ["visitor", "member", "host"])
def test_the_questions_take_a_fixed_number_of_queries_and_write_nothing(
    reader: str, django_assert_max_num_queries: Any, session_queries: int
) -> None:
    host = UserFactory.create()
    post = _live(author=host)
    services.add_cohost(host=host, post=post, handle=UserFactory.create().handle)
    client = _client({"visitor": None, "member": UserFactory.create(), "host": host}[reader])

    def add(count: int) -> None:
        for index in range(count):
            question = CommentFactory.create(
                post=post,
                question_status=QuestionStatus.HIDDEN if index % 3 == 0 else QuestionStatus.OPEN,
            )
            CommentFactory.create(post=post, parent=question, is_host_answer=True, author=host)
            if question.question_status != QuestionStatus.HIDDEN:
                for voter in UserFactory.create_batch(2):
                    services.set_question_vote(member=voter, question=question, voted=True)

    add(2)
    few = _queries(client, post)
    add(6)
    many = _queries(client, post)
    assert len(many) == len(few)
    assert not [
        sql for sql in many if sql.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    # The post, its co-hosts, its attendance, the questions and their replies (with the
    # reader's votes), the reader (and their session where it is not cached).
    with django_assert_max_num_queries(6 + session_queries):
        _fragment(client, post)


# --- What the stream carries --------------------------------------------------------------


def test_each_announcement_goes_out_by_a_name_the_page_refetches_on(
    settings: Any, django_capture_on_commit_callbacks: Any, member: User
) -> None:
    settings.REDIS_URL = ""
    community_events.reset_memory()
    host = UserFactory.create()
    post = _live(author=host)
    stream = f"post-{post.pk}"
    with django_capture_on_commit_callbacks(execute=True):
        services.set_rsvp(member=member, post=post, going=True)
        question = services.add_comment(author=member, post=post, body="What dose?")
        services.set_question_vote(member=host, question=question, voted=True)
        for action in (events.PIN, events.UNPIN):
            question = services.move_question(host=host, question=question, action=action)
        services.answer_question(host=host, question=question, body="Half the usual.")
        question.refresh_from_db()
        for action in (events.REOPEN, events.MARK_ANSWERED, events.HIDE):
            question = services.move_question(host=host, question=question, action=action)
        previous = post.starts_at
        Post.objects.filter(pk=post.pk).update(
            starts_at=timezone.now() + datetime.timedelta(hours=1)
        )
        post.refresh_from_db()
        events.event_rescheduled(post=post, previous_starts_at=previous)
    sent = community_events._memory_after(stream, "0-0")
    names = [item.event for item in sent]
    assert names == [
        "attendees",
        "question",
        "votes",
        "pinned",
        "reopened",
        "answer",
        "reopened",
        "answered",
        "hidden",
        "rescheduled",
    ]
    assert set(names) == set(services.EVENT_ANNOUNCEMENTS)
    # What goes out says nothing a reader may not see: ids and counts, never a body.
    assert all("What dose?" not in str(item.data) for item in sent)
    page = _client().get(post.get_absolute_url()).content.decode()
    for name in names:
        assert f"sse:{name} " in page
    community_events.reset_memory()


def test_announcing_an_unknown_event_is_a_mistake_caught_at_once() -> None:
    with pytest.raises(AssertionError):
        events._announce(_live(), "mystery", {})


def test_the_stream_sends_post_events_without_reading_the_database() -> None:
    from community import live

    for name in services.EVENT_ANNOUNCEMENTS:
        assert ("post", name) not in live.RENDERERS


def test_a_hidden_question_leaves_a_visitors_view_on_the_next_refresh(
    setting: dict[str, Any],
) -> None:
    client = _client()
    question: Comment = setting["open"]
    assert "Which beta blocker first?" in _fragment(client, setting["post"])
    services.move_question(host=setting["host"], question=question, action=events.HIDE)
    assert "Which beta blocker first?" not in _fragment(client, setting["post"])
    assert "Which beta blocker first?" in _fragment(_client(setting["host"]), setting["post"])
