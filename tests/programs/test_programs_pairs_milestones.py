"""Milestones after the match: their states, the pair's view in the mentorship space (and
its query cost), marking a custom one done, the periodic completions and the editor."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from mentoring.models import Goal, Message
from programs.milestones import add_default_milestones
from programs.models import Form, Milestone, MilestoneCompletion, MilestoneKind, SurveyResponse
from programs.progress import DONE, OVERDUE, UPCOMING, pair_progress
from programs.services import pairs as services
from programs.workflow import Refused
from tests.factories import UserFactory
from tests.mentoring.factories import make_mentee, make_mentor, make_mentorship
from tests.programs.factories import make_program
from tests.programs.pairs import make_pair, meeting, running_program

pytestmark = pytest.mark.django_db


def _states(pair: Any, *, today: dt.date) -> dict[str, str]:
    progress = pair_progress(pair.mentorship_id, pair.mentorship.mentee, today=today)
    assert progress is not None
    return {state.milestone.kind: state.status for state in progress.milestones}


def test_milestones_are_upcoming_then_overdue_from_the_match() -> None:
    program = running_program()
    add_default_milestones(program)
    matched = timezone.now() - dt.timedelta(days=20)
    pair = make_pair(program, matched_at=matched)
    states = _states(pair, today=timezone.localdate())
    # First meeting was due on day 14, goals on day 21.
    assert states[MilestoneKind.FIRST_MEETING] == OVERDUE
    assert states[MilestoneKind.GOALS_SET] == UPCOMING
    assert states[MilestoneKind.MIDPOINT_SURVEY] == UPCOMING


def test_a_meeting_logged_after_the_match_and_a_goal_reach_their_milestones() -> None:
    program = running_program()
    add_default_milestones(program)
    pair = make_pair(program, matched_at=timezone.now() - dt.timedelta(days=30))
    meeting(pair, timezone.localdate() - dt.timedelta(days=40))  # before the match
    today = timezone.localdate()
    assert _states(pair, today=today)[MilestoneKind.FIRST_MEETING] == OVERDUE
    meeting(pair, today - dt.timedelta(days=2))
    Goal.objects.create(mentorship=pair.mentorship, title="Pass the MCAT")
    states = _states(pair, today=today)
    assert states[MilestoneKind.FIRST_MEETING] == DONE
    assert states[MilestoneKind.GOALS_SET] == DONE


def test_a_survey_milestone_needs_both_members_answers() -> None:
    program = running_program()
    add_default_milestones(program)
    pair = make_pair(program)
    today = timezone.localdate()
    SurveyResponse.objects.create(
        pair=pair, respondent=pair.mentorship.mentee, form=Form.MIDPOINT, satisfaction=4
    )
    assert _states(pair, today=today)[MilestoneKind.MIDPOINT_SURVEY] == UPCOMING
    SurveyResponse.objects.create(
        pair=pair, respondent=pair.mentorship.mentor, form=Form.MIDPOINT, satisfaction=5
    )
    assert _states(pair, today=today)[MilestoneKind.MIDPOINT_SURVEY] == DONE
    assert _states(pair, today=today)[MilestoneKind.CLOSING_SURVEY] == UPCOMING


def test_reading_progress_writes_nothing() -> None:
    program = running_program()
    add_default_milestones(program)
    pair = make_pair(program)
    Goal.objects.create(mentorship=pair.mentorship, title="A goal")
    assert _states(pair, today=timezone.localdate())[MilestoneKind.GOALS_SET] == DONE
    assert not MilestoneCompletion.objects.exists()


def test_the_periodic_task_records_reached_milestones_once() -> None:
    program = running_program()
    add_default_milestones(program)
    pair = make_pair(program)
    Goal.objects.create(mentorship=pair.mentorship, title="A goal")
    assert services.record_milestone_completions() == 1
    assert services.record_milestone_completions() == 0
    completion = MilestoneCompletion.objects.get()
    assert completion.pair == pair
    assert completion.milestone.kind == MilestoneKind.GOALS_SET


def test_a_member_marks_a_custom_milestone_done_once() -> None:
    program = running_program()
    custom = Milestone.objects.create(
        program=program, kind=MilestoneKind.CUSTOM, title="Shadow a clinic", due_after_days=30
    )
    pair = make_pair(program)
    first = services.mark_milestone_done(pair=pair, milestone=custom, member=pair.mentorship.mentee)
    again = services.mark_milestone_done(pair=pair, milestone=custom, member=pair.mentorship.mentor)
    assert first.pk == again.pk
    assert first.completed_by == pair.mentorship.mentee
    assert _states(pair, today=timezone.localdate())[MilestoneKind.CUSTOM] == DONE


def test_only_custom_milestones_of_the_pairs_own_program_can_be_marked() -> None:
    program = running_program()
    add_default_milestones(program)
    pair = make_pair(program)
    first_meeting = Milestone.objects.get(program=program, kind=MilestoneKind.FIRST_MEETING)
    with pytest.raises(Refused, match="marked done on its own"):
        services.mark_milestone_done(
            pair=pair, milestone=first_meeting, member=pair.mentorship.mentee
        )
    elsewhere = Milestone.objects.create(
        program=running_program(), kind=MilestoneKind.CUSTOM, title="Other", due_after_days=3
    )
    with pytest.raises(Refused, match="another program"):
        services.mark_milestone_done(pair=pair, milestone=elsewhere, member=pair.mentorship.mentee)
    custom = Milestone.objects.create(
        program=program, kind=MilestoneKind.CUSTOM, title="Mine", due_after_days=3
    )
    with pytest.raises(Refused, match="mentor and the mentee"):
        services.mark_milestone_done(pair=pair, milestone=custom, member=UserFactory.create())
    assert not MilestoneCompletion.objects.exists()


# --- The tag in the mentorship space ---------------------------------------------------------


def test_the_mentorship_space_shows_nothing_of_programs_outside_them(client: Client) -> None:
    mentorship = make_mentorship(make_mentor().user, make_mentee())
    client.force_login(mentorship.mentee)
    page = client.get(mentorship.get_absolute_url()).content.decode()
    assert 'id="program-progress"' not in page
    assert "milestones done" not in page


def test_the_mentorship_space_shows_the_pairs_program_and_milestones(client: Client) -> None:
    program = running_program(name="Riverside Pathways")
    add_default_milestones(program)
    custom = Milestone.objects.create(
        program=program, kind=MilestoneKind.CUSTOM, title="Shadow a clinic", due_after_days=5
    )
    pair = make_pair(program, matched_at=timezone.now() - dt.timedelta(days=20))
    Goal.objects.create(mentorship=pair.mentorship, title="A goal")
    client.force_login(pair.mentorship.mentee)
    page = client.get(pair.mentorship.get_absolute_url()).content.decode()
    assert 'id="program-progress"' in page
    assert "Riverside Pathways" in page
    assert "1 of 5 milestones done" in page
    assert "Overdue" in page and "Upcoming" in page
    done_url = reverse(
        "programs:milestone_done",
        kwargs={"slug": program.slug, "pair_pk": pair.pk, "milestone_pk": custom.pk},
    )
    assert done_url in page
    response = client.post(done_url, follow=True)
    assert "“Shadow a clinic” is done." in response.content.decode()
    assert "2 of 5 milestones done" in response.content.decode()


@pytest.mark.parametrize("count", [1, 12])
def test_the_tag_adds_a_bounded_number_of_queries(
    client: Client, django_assert_max_num_queries: Callable[..., Any], count: int
) -> None:
    program = running_program()
    add_default_milestones(program)
    for index in range(count):
        Milestone.objects.create(
            program=program, kind=MilestoneKind.CUSTOM, title=f"Step {index}", due_after_days=9
        )
    pair = make_pair(program)
    for index in range(count):
        Message.objects.create(
            mentorship=pair.mentorship, sender=pair.mentorship.mentor, body=f"M {index}"
        )
        Goal.objects.create(mentorship=pair.mentorship, title=f"Goal {index}")
        meeting(pair, timezone.localdate())
        MilestoneCompletion.objects.create(
            pair=pair, milestone=Milestone.objects.get(title=f"Step {index}")
        )
    client.force_login(pair.mentorship.mentee)
    # The page's maximum in tests/mentoring (12, and 2 for the scheduled meetings), plus the
    # tag's two queries.
    with django_assert_max_num_queries(16):
        response = client.get(pair.mentorship.get_absolute_url())
    assert response.content.decode().count('class="goal goal-done"') >= count


def test_a_moderator_reading_a_report_does_not_get_the_pairs_progress() -> None:
    pair = make_pair()
    from programs.templatetags.programs import program_progress
    from tests.factories import ModeratorFactory

    context = program_progress({}, pair.mentorship, ModeratorFactory.create())  # type: ignore[arg-type]
    assert context["progress"] is None


# --- The coordinators' editor ----------------------------------------------------------------


def test_coordinators_add_edit_reorder_and_remove_milestones() -> None:
    program = make_program()
    coordinator = program.created_by
    assert coordinator is not None
    first = services.add_milestone(
        program=program, actor=coordinator, kind=MilestoneKind.CUSTOM, title="A", due_after_days=5
    )
    second = services.add_milestone(
        program=program,
        actor=coordinator,
        kind=MilestoneKind.GOALS_SET,
        title="B",
        due_after_days=9,
    )
    assert (first.position, second.position) == (0, 1)
    services.move_milestone(milestone=second, actor=coordinator, direction="up")
    assert list(Milestone.objects.order_by("position").values_list("title", flat=True)) == [
        "B",
        "A",
    ]
    services.update_milestone(
        milestone=first, actor=coordinator, kind=MilestoneKind.CUSTOM, title="A2", due_after_days=40
    )
    first.refresh_from_db()
    assert (first.title, first.due_after_days) == ("A2", 40)
    services.remove_milestone(milestone=second, actor=coordinator)
    assert list(Milestone.objects.values_list("title", flat=True)) == ["A2"]


def test_one_milestone_per_automatic_kind() -> None:
    program = make_program()
    coordinator = program.created_by
    assert coordinator is not None
    add_default_milestones(program)
    with pytest.raises(Refused, match="already has"):
        services.add_milestone(
            program=program,
            actor=coordinator,
            kind=MilestoneKind.FIRST_MEETING,
            title="Again",
            due_after_days=5,
        )


def test_others_cannot_edit_milestones() -> None:
    program = make_program()
    add_default_milestones(program)
    milestone = Milestone.objects.filter(program=program).first()
    assert milestone is not None
    other_coordinator = make_program().created_by
    assert other_coordinator is not None
    with pytest.raises(Refused, match="coordinators"):
        services.add_milestone(
            program=program,
            actor=other_coordinator,
            kind=MilestoneKind.CUSTOM,
            title="X",
            due_after_days=5,
        )
    with pytest.raises(Refused):
        services.remove_milestone(milestone=milestone, actor=other_coordinator)
    assert Milestone.objects.filter(pk=milestone.pk).exists()


def test_the_editor_refuses_bad_input_with_a_message(client: Client) -> None:
    program = make_program()
    assert program.created_by is not None
    client.force_login(program.created_by)
    url = reverse("programs:milestones", kwargs={"slug": program.slug})
    response = client.post(
        url, {"title": "", "kind": "nonsense", "due_after_days": "abc", "description": ""}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "This field is required." in page
    assert "Enter a whole number." in page
    assert "Select a valid choice." in page
    response = client.post(url, {"title": "Late", "kind": "custom", "due_after_days": "9999"})
    assert response.status_code == 400
    assert "less than or equal to 730" in response.content.decode()
    response = client.post(
        url,
        {"title": "<script>alert(1)</script>", "kind": "custom", "due_after_days": "10"},
        follow=True,
    )
    page = response.content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)</script>" not in page
    assert Milestone.objects.get().title == "<script>alert(1)</script>"
