"""The programs demo data (programs/demo.py, run by seed_demo): built through the services,
realistic enough that every coordinators' page shows real figures, and seeded once.

On SQLite, tests/test_setup_noise.py runs seed_demo twice as `make run` does."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from mentoring.models import Meeting, Mentorship, Message
from notifications.models import Notification
from programs.models import (
    AlertKind,
    Application,
    ApplicationStatus,
    Coordinator,
    Milestone,
    MilestoneCompletion,
    Program,
    ProgramPair,
    ProgramStatus,
    QuestionKind,
    RunStatus,
    Side,
    StallAlert,
    SurveyResponse,
    Visibility,
)
from programs.outcomes import program_outcomes
from tests.moderation.conftest import moderators_group

pytestmark = pytest.mark.django_db


def _seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


@pytest.fixture
def seeded() -> str:
    # The demo moderator joins the Moderators group the migration makes.
    moderators_group()
    return _seed()


def _counts() -> dict[str, int]:
    return {
        "members": User.objects.count(),
        "programs": Program.objects.count(),
        "coordinators": Coordinator.objects.count(),
        "applications": Application.objects.count(),
        "pairs": ProgramPair.objects.count(),
        "mentorships": Mentorship.objects.count(),
        "messages": Message.objects.count(),
        "meetings": Meeting.objects.count(),
        "surveys": SurveyResponse.objects.count(),
        "alerts": StallAlert.objects.count(),
        "completions": MilestoneCompletion.objects.count(),
        "notifications": Notification.objects.count(),
    }


def _pathways() -> Program:
    return Program.objects.get(name="Pathways to Medicine")


def test_running_seed_demo_again_adds_nothing(seeded: str) -> None:
    assert "Created demo mentoring programs" in seeded
    first = _counts()
    again = _seed()
    assert "Demo mentoring programs are in place." in again
    assert _counts() == first


def test_pathways_is_a_public_running_program_with_questions_and_applicants(
    seeded: str,
) -> None:
    program = _pathways()
    assert program.visibility == Visibility.PUBLIC
    assert program.status == ProgramStatus.RUNNING
    assert program.organisation == "Lakeside University School of Medicine"
    coordinators = set(program.coordinators.values_list("user__email", flat=True))
    assert coordinators == {"physician@rounds.test"}
    kinds = set(program.questions.filter(form="application").values_list("kind", flat=True))
    assert kinds == {QuestionKind.TEXT, QuestionKind.CHOICE, QuestionKind.RANKING}
    # The ranking question ranks the mentoring areas (no choices of its own).
    assert program.questions.get(kind=QuestionKind.RANKING).choices == []
    assert Milestone.objects.filter(program=program).count() == 4
    applications = program.applications
    assert applications.filter(side=Side.MENTEE).count() == 12
    assert 4 <= applications.filter(side=Side.MENTOR).count() <= 8
    # Some still wait for review: the coordinators' applications page has work on it.
    assert applications.filter(status=ApplicationStatus.SUBMITTED).count() == 2
    assert applications.filter(status=ApplicationStatus.WITHDRAWN).count() == 1
    # Every submitted application answered the mentee questions it was asked.
    ranking = program.questions.get(kind=QuestionKind.RANKING)
    for application in applications.filter(side=Side.MENTEE):
        assert isinstance(application.answers[str(ranking.pk)], list)


def test_pathways_has_a_published_cohort_whose_figures_are_shown(seeded: str) -> None:
    program = _pathways()
    run = program.runs.get()
    assert run.status == RunStatus.PUBLISHED and run.cohort == "Spring cohort"
    pairs = ProgramPair.objects.filter(program=program)
    assert pairs.count() >= 5
    # Each pair is a real mentorship that was written in and met.
    for pair in pairs.select_related("mentorship"):
        assert pair.mentorship.messages.exists()
        assert pair.mentorship.meetings.filter(occurred_on__gte=pair.matched_at.date()).exists()
    outcomes = program_outcomes(program)
    whole = outcomes.whole
    for cell in (whole.first_meeting_days, whole.meetings_per_pair, whole.stalled_share):
        assert cell.value is not None and not cell.hidden
    midpoint = outcomes.satisfaction[0]
    assert midpoint.mean.value is not None and not midpoint.mean.hidden
    assert midpoint.bars is not None
    assert all(not cell.hidden for cell in whole.milestones.values())


def test_one_pair_has_stalled_and_its_coordinators_were_alerted(seeded: str) -> None:
    program = _pathways()
    alerts = StallAlert.objects.filter(pair__program=program, resolved_at__isnull=True)
    coordinator_alerts = alerts.filter(kind=AlertKind.COORDINATOR)
    assert coordinator_alerts.count() == 1
    stalled = coordinator_alerts.get().pair
    assert stalled.mentorship.mentee.handle == "jamal-price"
    # Nudged a week or more before the coordinators heard.
    nudge = alerts.get(kind=AlertKind.NUDGE)
    assert coordinator_alerts.get().created_at - nudge.created_at >= dt.timedelta(days=7)
    assert set(alerts.values_list("pair", flat=True)) == {stalled.pk}
    amara = User.objects.get(email="physician@rounds.test")
    assert Notification.objects.filter(recipient=amara, title__contains="still seems stuck")


def test_the_clinic_is_open_and_invite_only_with_an_invitation_for_the_member(
    seeded: str,
) -> None:
    clinic = Program.objects.get(name="Emergency Medicine Match Clinic")
    assert clinic.visibility == Visibility.INVITE_ONLY
    assert clinic.status == ProgramStatus.OPEN
    assert clinic.term_starts_on > timezone.localdate()
    assert set(clinic.coordinators.values_list("user__email", flat=True)) == {
        "resident@rounds.test"
    }
    invitation = clinic.applications.get(applicant__email="member@rounds.test")
    assert invitation.status == ApplicationStatus.INVITED
    assert clinic.applications.filter(status=ApplicationStatus.SUBMITTED).count() == 1


def test_the_demo_member_sees_their_programs_and_their_program_mentorship(seeded: str) -> None:
    member = User.objects.get(email="member@rounds.test")
    client = Client()
    client.force_login(member)
    html = client.get(reverse("programs:list")).content.decode()
    assert "Your applications" in html
    assert "Pathways to Medicine" in html and "Emergency Medicine Match Clinic" in html
    pair = ProgramPair.objects.get(mentorship__mentee=member)
    page = client.get(pair.mentorship.get_absolute_url()).content.decode()
    assert f'Matched in <a href="{_pathways().get_absolute_url()}">Pathways to Medicine</a>' in page


@pytest.mark.parametrize(
    "name",
    ["program", "applications", "matching", "pairs", "survey_results", "dashboard"],
)
def test_the_coordinators_pages_answer_with_the_demo_data(seeded: str, name: str) -> None:
    client = Client()
    client.force_login(User.objects.get(email="physician@rounds.test"))
    response = client.get(reverse(f"programs:{name}", kwargs={"slug": _pathways().slug}))
    assert response.status_code == 200
    assert "fewer than 5: not shown" not in response.content.decode()
