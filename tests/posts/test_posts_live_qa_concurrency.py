"""Live Q&A votes and reminders stay exact when requests and task runs race, on a real
PostgreSQL."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from notifications.models import Kind, Notification
from posts.models import Comment, EventRSVP, PostKind, QuestionVote
from posts.services import send_event_reminders, set_question_vote
from tests.factories import UserFactory
from tests.posts.factories import CommentFactory, PostFactory
from tests.posts.test_posts_reaction_concurrency import THREADS, _race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _live_question() -> Comment:
    post = PostFactory.create(
        kind=PostKind.EVENT,
        title="Ask a nephrologist",
        starts_at=timezone.now() - datetime.timedelta(minutes=5),
        duration_minutes=60,
    )
    return CommentFactory.create(post=post)


def test_concurrent_votes_by_many_members_keep_the_count_exact() -> None:
    question = _live_question()
    voters = [UserFactory.create() for _ in range(THREADS)]

    def work(index: int) -> None:
        # Every member votes; the odd ones take it back, each twice (double submits).
        for voted in (True, True) + ((False, False) if index % 2 else ()):
            set_question_vote(member=voters[index], question=question, voted=voted)

    assert _race(work) == []
    question.refresh_from_db()
    assert question.vote_count == QuestionVote.objects.filter(comment=question).count()
    assert question.vote_count == THREADS // 2


def test_one_member_voting_in_many_tabs_at_once_counts_once() -> None:
    question = _live_question()
    voter = UserFactory.create()

    def work(index: int) -> None:
        set_question_vote(member=voter, question=question, voted=True)

    assert _race(work) == []
    question.refresh_from_db()
    assert question.vote_count == 1 == QuestionVote.objects.count()


def test_concurrent_reminder_runs_remind_each_member_once() -> None:
    post = PostFactory.create(
        kind=PostKind.EVENT,
        title="Ask a nephrologist",
        starts_at=timezone.now() + datetime.timedelta(hours=1),
        duration_minutes=60,
    )
    members = [UserFactory.create() for _ in range(5)]
    for member in members:
        EventRSVP.objects.create(post=post, member=member)
    assert post.starts_at is not None
    due = post.starts_at - datetime.timedelta(minutes=10)
    counts: list[int] = []

    def work(index: int) -> None:
        counts.append(send_event_reminders(now=due))

    assert _race(work, threads=4) == []
    assert sum(counts) == len(members)
    reminded = Notification.objects.filter(kind=Kind.EVENT_STARTING)
    assert sorted(reminded.values_list("recipient_id", flat=True)) == sorted(m.pk for m in members)
