"""A mentor's rating (how many mentees rated them, and the sum) is stored on their profile
and kept equal to the feedback rows, whichever way that feedback comes or goes."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.db import connection
from django.test import Client
from django.urls import reverse

from accounts.models import User
from accounts.services import delete_account
from mentoring import services, workflow
from mentoring.models import Feedback, MentorProfile, Mentorship
from tests.accounts.conftest import sign_in_with_two_factor
from tests.factories import UserFactory
from tests.mentoring.factories import make_mentor, make_mentorship
from tests.moderation.conftest import make_superuser

pytestmark = pytest.mark.django_db


def _rating(mentor_id: int) -> tuple[int, int]:
    profile = MentorProfile.objects.get(user_id=mentor_id)
    return profile.rating_count, profile.rating_total


def _completed_by_mentee(rating: int, mentor: User | None = None) -> Mentorship:
    mentorship = make_mentorship(mentor=mentor)
    workflow.do_complete_mentorship(mentorship=mentorship, actor=mentorship.mentee, rating=rating)
    return mentorship


def test_only_the_feedback_mentees_give_rates_the_mentor() -> None:
    first = _completed_by_mentee(5)
    mentor = first.mentor
    # The mentor's feedback on their mentee does not rate the mentor.
    services.give_feedback(mentorship=first, author=mentor, rating=1)
    second = make_mentorship(mentor=mentor)
    workflow.do_complete_mentorship(mentorship=second, actor=mentor, rating=2)
    services.give_feedback(mentorship=second, author=second.mentee, rating=4)

    assert _rating(mentor.pk) == (2, 9)
    assert MentorProfile.objects.get(user=mentor).rating_average == 4.5


def test_a_mentor_nobody_rated_has_no_average() -> None:
    profile = make_mentor()
    assert (profile.rating_count, profile.rating_average) == (0, None)


def test_the_mentor_page_shows_the_stored_rating(client: Client) -> None:
    mentor = _completed_by_mentee(4).mentor
    _completed_by_mentee(5, mentor=mentor)
    client.force_login(UserFactory.create())
    response = client.get(reverse("mentoring:mentor", kwargs={"handle": mentor.handle}))
    assert "Rated 4.5 of 5 by 2 mentees" in response.content.decode()


def test_saving_a_profile_read_before_the_feedback_keeps_the_rating() -> None:
    mentorship = make_mentorship()
    stale = MentorProfile.objects.get(user=mentorship.mentor)
    workflow.do_complete_mentorship(mentorship=mentorship, actor=mentorship.mentee, rating=3)
    stale.statement = "Ask me about surgery."
    stale.save()
    assert _rating(mentorship.mentor_id) == (1, 3)
    assert MentorProfile.objects.get(pk=stale.pk).statement == "Ask me about surgery."


@pytest.mark.parametrize(("keep_content", "expected"), [(False, (0, 0)), (True, (1, 5))])
def test_an_erased_mentees_rating_goes_with_their_feedback(
    keep_content: bool, expected: tuple[int, int]
) -> None:
    mentorship = _completed_by_mentee(5)
    delete_account(member=mentorship.mentee, keep_content=keep_content)
    assert _rating(mentorship.mentor_id) == expected


def test_a_mentor_who_comes_back_keeps_the_rating_mentees_gave() -> None:
    mentor = _completed_by_mentee(4).mentor
    MentorProfile.objects.filter(user=mentor).delete()
    profile = services.save_mentor_profile(
        user=mentor,
        areas=["mcat"],
        specialties=[],
        stages=["premed"],
        capacity=2,
        is_accepting=True,
        languages=["en"],
        meeting_modes=["video"],
        time_zone="UTC",
        statement="",
        background=[],
        share_background_for_matching=False,
    )
    assert (profile.rating_count, profile.rating_total) == (1, 4)
    assert _rating(mentor.pk) == (1, 4)


def _admin() -> Client:
    client = Client()
    sign_in_with_two_factor(client, make_superuser())
    return client


def test_feedback_changed_or_deleted_in_the_admin_is_recounted() -> None:
    mentorship = _completed_by_mentee(5)
    feedback = Feedback.objects.get(mentorship=mentorship)
    client = _admin()
    change = reverse("admin:mentoring_feedback_change", args=[feedback.pk])
    response = client.post(
        change,
        {
            "mentorship": mentorship.pk,
            "author": mentorship.mentee_id,
            "rating": 2,
            "comment": "",
            "created_at_0": "2026-01-01",
            "created_at_1": "10:00:00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert _rating(mentorship.mentor_id) == (1, 2)
    delete = reverse("admin:mentoring_feedback_delete", args=[feedback.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 302
    assert _rating(mentorship.mentor_id) == (0, 0)


def test_a_mentorship_deleted_in_the_admin_takes_its_rating_along() -> None:
    mentor = _completed_by_mentee(5).mentor
    kept = _completed_by_mentee(3, mentor=mentor)
    gone = Mentorship.objects.filter(mentor=mentor).exclude(pk=kept.pk).get()
    client = _admin()
    response = client.post(
        reverse("admin:mentoring_mentorship_changelist"),
        {"action": "delete_selected", "_selected_action": [gone.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert _rating(mentor.pk) == (1, 3)


def test_the_migration_fills_the_ratings_of_existing_mentors() -> None:
    mentor = _completed_by_mentee(5).mentor
    _completed_by_mentee(2, mentor=mentor)
    MentorProfile.objects.filter(user=mentor).update(rating_count=0, rating_total=0)
    migration = importlib.import_module("mentoring.migrations.0003_mentor_rating")
    migration.fill_ratings(apps, connection.schema_editor())
    assert _rating(mentor.pk) == (2, 7)
