"""Live Q&As as events: RSVPs, reminders, co-hosts, question votes and the hosts' moves,
the event's page before, during and after, and who may do what."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from community import events as community_events
from notifications.models import Kind, Notification
from posts import selectors, services
from posts.models import (
    Comment,
    EventCohost,
    EventRSVP,
    Post,
    PostKind,
    QuestionStatus,
    QuestionVote,
    Visibility,
)
from posts.services import events
from posts.templatetags.posts_extras import starts_in_text
from tests.factories import UserFactory
from tests.posts.factories import CircleFactory, CommentFactory, MembershipFactory, PostFactory

pytestmark = pytest.mark.django_db

IDENTIFYING = "Mr. John Carter, DOB 03/14/1952, asked about his chest pain."


def _client(user: User | None = None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _event(*, starts_in: datetime.timedelta, minutes: int = 60, **fields: Any) -> Post:
    return PostFactory.create(
        kind=PostKind.EVENT,
        title="Ask a cardiologist",
        starts_at=timezone.now() + starts_in,
        duration_minutes=minutes,
        **fields,
    )


def upcoming(**fields: Any) -> Post:
    return _event(starts_in=datetime.timedelta(hours=2, minutes=5), **fields)


def live(**fields: Any) -> Post:
    return _event(starts_in=-datetime.timedelta(minutes=10), **fields)


def ended(**fields: Any) -> Post:
    return _event(starts_in=-datetime.timedelta(hours=3), **fields)


def _question(post: Post, **fields: Any) -> Comment:
    return CommentFactory.create(post=post, **fields)


def _rsvp(client: Client, post: Post, going: str = "yes") -> Any:
    return client.post(reverse("posts:event_rsvp", args=[post.pk]), {"going": going})


def _vote(client: Client, question: Comment, voted: str = "yes") -> Any:
    return client.post(reverse("posts:question_vote", args=[question.pk]), {"voted": voted})


def _move(client: Client, question: Comment, action: str) -> Any:
    return client.post(reverse("posts:question_move", args=[question.pk, action]))


def _status(question: Comment) -> str:
    question.refresh_from_db()
    return question.question_status


@pytest.fixture
def announced(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str, dict[str, Any]]]:
    """What the services announce, through a stand-in for `community.events.publish`
    (looked up at each call, so the services' own import sees it)."""
    calls: list[tuple[str, str, dict[str, Any]]] = []
    monkeypatch.setattr(
        community_events,
        "publish",
        lambda stream, event, data: calls.append((stream, event, data)),
    )
    return calls


# --- RSVPs -------------------------------------------------------------------------------


def test_it_counts_a_member_going_once_however_often_they_say_it(member: User) -> None:
    post = upcoming()
    client = _client(member)
    assert _rsvp(client, post).status_code == 302
    assert _rsvp(client, post).status_code == 302
    assert EventRSVP.objects.filter(post=post, member=member).count() == 1
    page = client.get(post.get_absolute_url()).content.decode()
    assert "1 member is going" in page
    assert "Not going" in page
    assert _rsvp(client, post, "no").status_code == 302
    assert _rsvp(client, post, "no").status_code == 302
    assert not EventRSVP.objects.exists()
    assert "0 members are going" in client.get(post.get_absolute_url()).content.decode()


def test_it_asks_visitors_to_sign_in_to_rsvp() -> None:
    post = upcoming()
    page = _client().get(post.get_absolute_url()).content.decode()
    assert "Sign in</a> to say you’ll be there" in page
    response = _rsvp(_client(), post)
    assert response.status_code == 302 and "login" in response["Location"]
    assert not EventRSVP.objects.exists()


@pytest.mark.parametrize("going", ["", "maybe", "yes\x00"])
def test_it_answers_a_malformed_rsvp_with_400(member: User, going: str) -> None:
    response = _rsvp(_client(member), upcoming(), going)
    assert response.status_code == 400
    assert not EventRSVP.objects.exists()


def test_it_refuses_rsvps_from_suspended_members(suspended: User) -> None:
    assert _rsvp(_client(suspended), upcoming()).status_code == 403
    assert not EventRSVP.objects.exists()


def test_it_hides_a_group_event_from_non_members(member: User) -> None:
    circle = CircleFactory.create(is_private=True)
    post = upcoming(visibility=Visibility.GROUP, circle=circle)
    question = _question(post)
    assert _rsvp(_client(member), post).status_code == 404
    assert _client(member).get(post.get_absolute_url()).status_code == 404
    assert _vote(_client(member), question).status_code == 404
    assert _move(_client(member), question, "pin").status_code == 404
    assert _add_cohost(_client(member), post, member.handle).status_code == 404
    MembershipFactory.create(circle=circle, member=member)
    assert _rsvp(_client(member), post).status_code == 302
    assert EventRSVP.objects.filter(member=member).exists()


def test_it_refuses_rsvps_to_ended_events_and_to_other_posts(member: User) -> None:
    assert _rsvp(_client(member), ended()).status_code == 403
    assert _rsvp(_client(member), PostFactory.create()).status_code == 404
    assert not EventRSVP.objects.exists()


def test_the_rail_marks_the_events_a_member_is_going_to(member: User) -> None:
    going, other = upcoming(), upcoming()
    services.set_rsvp(member=member, post=going, going=True)
    marks = {event.pk: event.is_going for event in selectors.upcoming_events(member)}
    assert marks == {going.pk: True, other.pk: False}
    assert not any(event.is_going for event in selectors.upcoming_events(UserFactory.create()))


# --- The page before, during and after ---------------------------------------------------


def test_the_countdown_text() -> None:
    now = timezone.now()
    assert starts_in_text(now + datetime.timedelta(hours=2, minutes=5), now) == (
        "Starts in 2 h 5 min"
    )
    assert starts_in_text(now + datetime.timedelta(seconds=30), now) == "Starts in 1 min"
    assert starts_in_text(now + datetime.timedelta(days=3, hours=1), now) == "Starts in 3 d 1 h"
    assert starts_in_text(now - datetime.timedelta(seconds=1), now) == "Starting now"


def test_the_page_counts_down_then_says_live_then_ended() -> None:
    post = upcoming()
    page = _client().get(post.get_absolute_url()).content.decode()
    assert f'<time class="countdown" datetime="{post.starts_at.isoformat()}"' in page  # type: ignore[union-attr]
    assert "Starts in 2 h 5 min" in page or "Starts in 2 h 4 min" in page
    assert "js/countdown" in page and "<script>" not in page
    assert "Live now" in _client().get(live().get_absolute_url()).content.decode()
    done = _client().get(ended().get_absolute_url()).content.decode()
    assert "<strong>Ended</strong>" in done and "countdown" not in done


def test_the_hosts_profile_says_live_now(member: User) -> None:
    host = UserFactory.create()
    post = live(author=host)
    page = _client(member).get(host.get_absolute_url()).content.decode()
    assert "Live now" in page and post.get_absolute_url() in page
    Post.objects.filter(pk=post.pk).update(starts_at=timezone.now() + datetime.timedelta(hours=1))
    assert 'id="live-title"' not in _client(member).get(host.get_absolute_url()).content.decode()


# --- Reminders ---------------------------------------------------------------------------


def test_it_reminds_those_going_once_15_minutes_before(
    member: User, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    post = upcoming()
    services.set_rsvp(member=member, post=post, going=True)
    assert post.starts_at is not None
    early = post.starts_at - datetime.timedelta(minutes=16)
    assert services.send_event_reminders(now=early) == 0
    due = post.starts_at - datetime.timedelta(minutes=14)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_event_reminders(now=due) == 1
    assert services.send_event_reminders(now=due) == 0
    assert services.send_event_reminders(now=due + datetime.timedelta(minutes=1)) == 0
    notification = Notification.objects.get(recipient=member, kind=Kind.EVENT_STARTING)
    assert notification.title == "“Ask a cardiologist” starts in 14 minutes"
    assert [message.to for message in mailoutbox] == [[member.email]]
    assert post.get_absolute_url() in mailoutbox[0].body
    assert "Ask a cardiologist" in mailoutbox[0].subject


def test_it_reminds_again_when_the_start_moves(member: User) -> None:
    post = upcoming(author=UserFactory.create())
    services.set_rsvp(member=member, post=post, going=True)
    assert post.starts_at is not None
    assert services.send_event_reminders(now=post.starts_at - datetime.timedelta(minutes=10)) == 1
    later = post.starts_at + datetime.timedelta(hours=1)
    services.edit_post(
        post=post,
        editor=post.author,
        title=post.title,
        body=post.body,
        starts_at=later,
        duration_minutes=60,
    )
    assert EventRSVP.objects.get().reminded_at is None
    assert services.send_event_reminders(now=later - datetime.timedelta(minutes=10)) == 1
    assert Notification.objects.filter(kind=Kind.EVENT_STARTING).count() == 2


def test_it_does_not_remind_of_started_or_deleted_events_or_those_no_longer_readable(
    member: User,
) -> None:
    circle = CircleFactory.create(is_private=True)
    membership = MembershipFactory.create(circle=circle, member=member)
    in_group = upcoming(visibility=Visibility.GROUP, circle=circle)
    deleted = upcoming(deleted_at=timezone.now())
    for post in (in_group, deleted):
        EventRSVP.objects.create(post=post, member=member)
    membership.delete()
    assert in_group.starts_at is not None
    assert (
        services.send_event_reminders(now=in_group.starts_at - datetime.timedelta(minutes=5)) == 0
    )
    assert not Notification.objects.filter(kind=Kind.EVENT_STARTING).exists()
    # Marked, so it is not looked at again every minute; the deleted event's is untouched.
    assert EventRSVP.objects.get(post=in_group).reminded_at is not None
    assert EventRSVP.objects.get(post=deleted).reminded_at is None
    started = live()
    EventRSVP.objects.create(post=started, member=member)
    assert services.send_event_reminders() == 0


def test_the_reminder_task_is_scheduled_every_minute(settings: Any) -> None:
    entry = settings.CELERY_BEAT_SCHEDULE["posts-send-event-reminders"]
    assert entry == {"task": "posts.tasks.send_event_reminders", "schedule": 60.0}
    from posts.tasks import send_event_reminders

    assert send_event_reminders.delay().get() == 0


# --- Questions: votes --------------------------------------------------------------------


def test_votes_count_once_per_member_and_can_be_taken_back(member: User) -> None:
    question = _question(live())
    client = _client(member)
    assert _vote(client, question).status_code == 302
    assert _vote(client, question).status_code == 302
    question.refresh_from_db()
    assert question.vote_count == 1 == QuestionVote.objects.count()
    assert _vote(client, question, "no").status_code == 302
    assert _vote(client, question, "no").status_code == 302
    question.refresh_from_db()
    assert question.vote_count == 0 == QuestionVote.objects.count()


def test_it_refuses_votes_that_make_no_sense(member: User, suspended: User) -> None:
    post = live()
    question = _question(post)
    reply = _question(post, parent=question)
    assert _vote(_client(member), reply).status_code == 400
    assert _vote(_client(member), _question(PostFactory.create())).status_code == 400
    assert _vote(_client(member), question, "sure").status_code == 400
    assert _vote(_client(member), _question(post, author=member)).status_code == 403
    assert _vote(_client(member), _question(ended())).status_code == 403
    assert _vote(_client(suspended), question).status_code == 403
    assert _vote(_client(), question).status_code == 302
    assert _vote(_client(member), Comment(pk=987654)).status_code == 404
    assert not QuestionVote.objects.exists()


def test_questions_go_through_the_privacy_guard(member: User) -> None:
    post = live()
    url = reverse("posts:comment_create", args=[post.pk])
    response = _client(member).post(url, {"body": IDENTIFYING})
    assert response.status_code == 400
    assert not Comment.objects.exists()


# --- Questions: the hosts' moves ---------------------------------------------------------


def test_only_hosts_move_questions(member: User, suspended: User) -> None:
    host, cohost = UserFactory.create(), UserFactory.create()
    post = live(author=host)
    services.add_cohost(host=host, post=post, handle=cohost.handle)
    question = _question(post)
    assert _move(_client(member), question, "pin").status_code == 403
    assert _move(_client(suspended), question, "pin").status_code == 403
    assert _move(_client(), question, "pin").status_code == 302
    assert _status(question) == QuestionStatus.OPEN
    assert _move(_client(host), question, "pin").status_code == 302
    assert _status(question) == QuestionStatus.PINNED
    assert _move(_client(cohost), question, "mark_answered").status_code == 302
    assert _status(question) == QuestionStatus.ANSWERED
    assert _move(_client(host), question, "reopen").status_code == 302
    assert _status(question) == QuestionStatus.OPEN


def test_host_moves_refuse_bad_input(member: User) -> None:
    post = live(author=member)
    question = _question(post)
    reply = _question(post, parent=question)
    assert _move(_client(member), question, "delete").status_code == 400
    assert _move(_client(member), question, "answer").status_code == 400
    assert _move(_client(member), reply, "pin").status_code == 400
    # A double submit: the second pin changes nothing and says why.
    client = _client(member)
    assert _move(client, question, "pin").status_code == 302
    response = _move(client, question, "pin")
    assert response.status_code == 302
    assert _status(question) == QuestionStatus.PINNED
    assert "it is pinned" in client.get(response["Location"]).content.decode()


def test_every_move_is_in_the_transition_table() -> None:
    question = _question(live())
    for (from_status, action), to_status in events.QUESTION_TRANSITIONS.items():
        question.question_status = from_status
        assert events.check_question_move(question, action) == to_status
    question.question_status = QuestionStatus.HIDDEN
    with pytest.raises(services.QuestionRefused):
        events.check_question_move(question, events.PIN)


def test_a_hidden_question_is_for_its_author_and_the_hosts_only(member: User) -> None:
    host, asker = UserFactory.create(), UserFactory.create()
    post = live(author=host)
    question = _question(post, author=asker, body="A question to hide")
    services.move_question(host=host, question=question, action=events.HIDE)
    assert "A question to hide" not in _client(member).get(post.get_absolute_url()).content.decode()
    assert "A question to hide" not in _client().get(post.get_absolute_url()).content.decode()
    own = _client(asker).get(post.get_absolute_url()).content.decode()
    assert "A question to hide" in own and "only you and the hosts see it" in own
    assert "A question to hide" in _client(host).get(post.get_absolute_url()).content.decode()
    assert _vote(_client(member), question).status_code == 404
    reply_url = reverse("posts:comment_create", args=[post.pk])
    response = _client(member).post(reply_url, {"body": "Me too", "parent": question.pk})
    assert response.status_code == 400
    assert Comment.objects.count() == 1


def test_a_hosts_reply_is_the_answer(member: User) -> None:
    host = UserFactory.create()
    post = live(author=host)
    question = _question(post, author=member)
    url = reverse("posts:comment_create", args=[post.pk])
    response = _client(host).post(url, {"body": "Start low, go slow.", "parent": question.pk})
    assert response.status_code == 302
    answer = Comment.objects.get(parent=question)
    assert answer.is_host_answer
    assert _status(question) == QuestionStatus.ANSWERED
    page = _client(member).get(post.get_absolute_url()).content.decode()
    assert "Host’s answer" in page and "Start low, go slow." in page
    # A member's reply is only a reply.
    _client(member).post(url, {"body": "Thanks!", "parent": question.pk})
    assert not Comment.objects.get(body="Thanks!").is_host_answer


def test_answers_refuse_replies_and_pass_the_privacy_guard(member: User) -> None:
    host = UserFactory.create()
    post = live(author=host)
    question = _question(post)
    reply = _question(post, parent=question)
    url = reverse("posts:comment_create", args=[post.pk])
    response = _client(host).post(url, {"body": "An answer", "parent": reply.pk})
    assert response.status_code == 400
    assert "That is a reply, not a question." in response.content.decode()
    assert _client(host).post(url, {"body": IDENTIFYING, "parent": question.pk}).status_code == 400
    assert Comment.objects.count() == 2
    assert _status(question) == QuestionStatus.OPEN


# --- Co-hosts ----------------------------------------------------------------------------


def _add_cohost(client: Client, post: Post, handle: str) -> Any:
    return client.post(reverse("posts:cohost_add", args=[post.pk]), {"handle": handle})


def test_the_host_names_and_removes_cohosts(member: User, minor: User) -> None:
    host = UserFactory.create()
    post = upcoming(author=host)
    client = _client(host)
    assert _add_cohost(client, post, f"@{member.handle.upper()}").status_code == 302
    assert _add_cohost(client, post, member.handle).status_code == 302
    assert list(EventCohost.objects.values_list("member", flat=True)) == [member.pk]
    assert member.display_name in client.get(post.get_absolute_url()).content.decode()
    for handle, error in [
        ("nobody-here", "No member has the handle @nobody-here."),
        (host.handle, "You are the host already."),
        (minor.handle, "Members under 18 can&#x27;t co-host a live Q&amp;A."),
    ]:
        response = _add_cohost(client, post, handle)
        assert response.status_code == 400
        assert error in response.content.decode()
    assert _add_cohost(_client(member), post, UserFactory.create().handle).status_code == 403
    remove = reverse("posts:cohost_remove", args=[post.pk])
    assert _client(member).post(remove, {"handle": member.handle}).status_code == 403
    assert client.post(remove, {"handle": member.handle}).status_code == 302
    assert not EventCohost.objects.exists()


def test_a_cohost_must_be_able_to_read_the_event(member: User) -> None:
    host = UserFactory.create()
    circle = CircleFactory.create(is_private=True)
    MembershipFactory.create(circle=circle, member=host)
    post = upcoming(author=host, visibility=Visibility.GROUP, circle=circle)
    response = _add_cohost(_client(host), post, member.handle)
    assert response.status_code == 400
    assert "can&#x27;t read this live Q&amp;A" in response.content.decode()


# --- Order ---------------------------------------------------------------------------------


def _order(viewer: Any, post: Post) -> list[str]:
    post = Post.objects.get(pk=post.pk)
    panel = selectors.event_panel(viewer, post)
    return [
        thread.comment.body
        for thread in selectors.event_questions(viewer, post, panel.host_ids).items
    ]


def test_during_the_event_pinned_first_then_votes_then_time(member: User) -> None:
    post = live()
    now = timezone.now()
    _question(post, body="old", created_at=now - datetime.timedelta(minutes=5))
    _question(post, body="new", created_at=now)
    _question(post, body="popular", vote_count=3)
    _question(post, body="pinned", question_status=QuestionStatus.PINNED)
    _question(post, body="answered", question_status=QuestionStatus.ANSWERED, vote_count=1)
    assert _order(member, post) == ["pinned", "popular", "answered", "old", "new"]
    Post.objects.filter(pk=post.pk).update(starts_at=now - datetime.timedelta(hours=3))
    assert _order(member, post) == ["answered", "popular", "old", "new", "pinned"]


# --- Announcements -------------------------------------------------------------------------


def test_every_change_is_announced_on_the_events_stream(
    member: User, announced: list[tuple[str, str, dict[str, Any]]]
) -> None:
    host = UserFactory.create()
    post = live(author=host)
    question = services.add_comment(author=member, post=post, body="What dose?")
    services.set_question_vote(member=host, question=question, voted=True)
    services.set_question_vote(member=host, question=question, voted=True)
    services.move_question(host=host, question=question, action=events.PIN)
    services.answer_question(host=host, question=question, body="Half the usual.")
    services.move_question(host=host, question=question, action=events.HIDE)
    stream = f"post-{post.pk}"
    on_stream = [(what, data) for s, what, data in announced if s == stream]
    assert [(stream, what) for what, _ in on_stream] == [
        (stream, "question"),
        (stream, "votes"),
        (stream, "pinned"),
        (stream, "answer"),
        (stream, "hidden"),
    ]
    assert on_stream[1][1] == {"question": question.pk, "votes": 1}


# --- Query counts and reads ----------------------------------------------------------------


def _page_queries(client: Client, post: Post) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(post.get_absolute_url()).status_code == 200
    return [query["sql"] for query in captured.captured_queries]


def test_the_event_page_reads_a_fixed_number_of_queries_and_writes_nothing(
    member: User, django_assert_max_num_queries: Any, session_queries: int
) -> None:
    from tests.conftest import warm_rail

    host = UserFactory.create()
    post = live(author=host)
    services.add_cohost(host=host, post=post, handle=UserFactory.create().handle)
    client = _client(member)
    warm_rail(client)

    def add(count: int) -> None:
        for _ in range(count):
            question = _question(post)
            _question(post, parent=question, is_host_answer=True, author=host)
            for voter in UserFactory.create_batch(2):
                services.set_question_vote(member=voter, question=question, voted=True)

    add(2)
    few = _page_queries(client, post)
    add(6)
    many = _page_queries(client, post)
    assert len(many) == len(few)
    assert not [
        sql for sql in many if sql.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    # The post, its co-hosts, its attendance, the questions and their replies (with the
    # reader's votes), and the reader (plus the session where it is not cached).
    with django_assert_max_num_queries(6 + session_queries):
        client.get(post.get_absolute_url())


def test_the_panel_promises_a_reminder_only_before_the_start(member: User) -> None:
    for post, promised in ((upcoming(), True), (live(), False)):
        services.set_rsvp(member=member, post=post, going=True)
        html = _client(member).get(post.get_absolute_url()).content.decode()
        assert "You’re going" in html
        assert ("we’ll remind you 15 minutes before it starts" in html) is promised
