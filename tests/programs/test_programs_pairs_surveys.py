"""Surveys: who may answer, once, validation, invitations, and the coordinators' aggregates
(hidden under five respondents; never readable by anyone else)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from notifications.models import Kind, Notification
from programs.models import Audience, Form, Program, ProgramPair, Question, SurveyResponse
from programs.progress import survey_opens_on
from programs.services import pairs as services
from tests.factories import UserFactory
from tests.programs.factories import make_program
from tests.programs.pairs import make_pair, running_program, sign_in_as_moderator

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def _open_program(**fields: Any) -> Program:
    """Running since 70 days, ending in 50: the mid-point survey opened 10 days ago."""
    return running_program(
        term_starts_on=TODAY - dt.timedelta(days=70),
        term_ends_on=TODAY + dt.timedelta(days=50),
        **fields,
    )


def _matched_at_start() -> dt.datetime:
    return timezone.now() - dt.timedelta(days=70)


def _url(program: Program, form: str = Form.MIDPOINT) -> str:
    return reverse("programs:survey", kwargs={"slug": program.slug, "form": form})


def _results(program: Program) -> str:
    return reverse("programs:survey_results", kwargs={"slug": program.slug})


@pytest.fixture
def program() -> Program:
    program = _open_program()
    Question.objects.create(
        program=program, form=Form.MIDPOINT, kind="text", prompt="What went well?", position=0
    )
    Question.objects.create(
        program=program,
        form=Form.MIDPOINT,
        kind="choice",
        prompt="How often do you meet?",
        choices=["Weekly", "Monthly"],
        position=1,
    )
    Question.objects.create(
        program=program,
        form=Form.MIDPOINT,
        kind="ranking",
        prompt="Rank what helped",
        choices=["Messages", "Meetings"],
        required=False,
        position=2,
    )
    Question.objects.create(
        program=program,
        form=Form.MIDPOINT,
        audience=Audience.MENTORS,
        kind="text",
        prompt="Mentors only: what would help you?",
        required=False,
        position=3,
    )
    return program


@pytest.fixture
def pair(program: Program) -> ProgramPair:
    return make_pair(program, matched_at=_matched_at_start())


def _answers(program: Program, **extra: str) -> dict[str, str]:
    text, choice, ranking = Question.objects.filter(program=program).order_by("position")[:3]
    return {
        "satisfaction": "4",
        f"q{text.pk}": "Clear advice on the MCAT.",
        f"q{choice.pk}": "Weekly",
        f"q{ranking.pk}_1": "Meetings",
        f"q{ranking.pk}_2": "Messages",
        **extra,
    }


def test_the_midpoint_opens_halfway_through_a_late_pairs_own_time(program: Program) -> None:
    early = make_pair(program, matched_at=_matched_at_start())
    late = make_pair(program, matched_at=timezone.now() - dt.timedelta(days=10))
    assert survey_opens_on(early, Form.MIDPOINT) == program.term_midpoint
    # Matched 10 days ago, 50 days to go: halfway is 20 days from now.
    assert survey_opens_on(late, Form.MIDPOINT) == TODAY + dt.timedelta(days=20)
    assert survey_opens_on(late, Form.CLOSING) == program.term_ends_on - dt.timedelta(days=7)


def test_the_mentee_answers_the_survey_once(client: Client, pair: ProgramPair) -> None:
    program = pair.program
    client.force_login(pair.mentorship.mentee)
    page = client.get(_url(program)).content.decode()
    assert "How satisfied are you with your mentorship so far?" in page
    assert "1: Not at all satisfied" in page and "5: Completely satisfied" in page
    assert "What went well?" in page
    assert "Mentors only" not in page
    response = client.post(_url(program), {"pair": pair.pk, **_answers(program)})
    assert response.status_code == 302
    answer = SurveyResponse.objects.get()
    assert (answer.respondent, answer.form, answer.satisfaction) == (
        pair.mentorship.mentee,
        Form.MIDPOINT,
        4,
    )
    assert sorted(answer.answers.values(), key=str) == sorted(
        ["Clear advice on the MCAT.", "Weekly", ["Meetings", "Messages"]], key=str
    )
    again = client.post(_url(program), {"pair": pair.pk, **_answers(program)})
    assert "We already received your answers to this survey" in again.content.decode()
    assert SurveyResponse.objects.count() == 1
    assert "You answered this survey already" in client.get(_url(program)).content.decode()


def test_a_double_submit_racing_past_the_check_is_refused_by_the_database(
    pair: ProgramPair,
) -> None:
    services.submit_survey(
        pair=pair, respondent=pair.mentorship.mentor, form=Form.MIDPOINT, satisfaction=5, answers={}
    )
    with pytest.raises(services.AlreadyAnswered, match="already received"):
        services.submit_survey(
            pair=pair,
            respondent=pair.mentorship.mentor,
            form=Form.MIDPOINT,
            satisfaction=2,
            answers={},
        )
    assert SurveyResponse.objects.get().satisfaction == 5


def test_the_mentor_gets_the_mentors_questions(client: Client, pair: ProgramPair) -> None:
    client.force_login(pair.mentorship.mentor)
    assert "Mentors only: what would help you?" in client.get(_url(pair.program)).content.decode()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"satisfaction": ""}, "Choose how satisfied you are, from 1 to 5."),
        ({"satisfaction": "9"}, "Select a valid choice."),
        ({"satisfaction": "four"}, "Select a valid choice."),
        ({"text": "x" * 2001}, "at most 2000 characters"),
        ({"text": ""}, "This field is required."),
        ({"choice": "Daily"}, "Select a valid choice."),
        ({"rank2": "Meetings"}, "Use each choice once."),
        ({"rank2": ""}, "Put every choice in a place, from first to last."),
    ],
)
def test_bad_answers_are_refused_with_a_message(
    client: Client, pair: ProgramPair, change: dict[str, str], message: str
) -> None:
    program = pair.program
    text, choice, ranking = Question.objects.filter(program=program).order_by("position")[:3]
    names = {
        "text": f"q{text.pk}",
        "choice": f"q{choice.pk}",
        "rank2": f"q{ranking.pk}_2",
        "satisfaction": "satisfaction",
    }
    data = _answers(program)
    for key, value in change.items():
        data[names[key]] = value
    client.force_login(pair.mentorship.mentee)
    response = client.post(_url(program), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not SurveyResponse.objects.exists()


def test_an_optional_ranking_may_be_left_blank(client: Client, pair: ProgramPair) -> None:
    program = pair.program
    ranking = Question.objects.get(program=program, kind="ranking")
    data = _answers(program, **{f"q{ranking.pk}_1": "", f"q{ranking.pk}_2": ""})
    client.force_login(pair.mentorship.mentee)
    assert client.post(_url(program), data).status_code == 302
    assert str(ranking.pk) not in SurveyResponse.objects.get().answers


def test_a_survey_not_open_yet_says_when_and_takes_nothing(client: Client) -> None:
    pair = make_pair()  # the term began today: the mid-point is 60 days away
    client.force_login(pair.mentorship.mentee)
    url = _url(pair.program)
    page = client.get(url).content.decode()
    assert "This survey is not open yet" in page
    assert "opens on" in page
    response = client.post(url, {"pair": pair.pk, "satisfaction": "3"})
    assert response.status_code == 403
    assert not SurveyResponse.objects.exists()


def test_an_unknown_form_is_not_found(client: Client, pair: ProgramPair) -> None:
    client.force_login(pair.mentorship.mentee)
    for form in ("application", "nonsense"):
        assert client.get(_url(pair.program, form)).status_code == 404


def test_only_the_pairs_members_may_answer(
    client: Client, pair: ProgramPair, suspended: User
) -> None:
    program = pair.program
    other_pair = make_pair(program, matched_at=_matched_at_start())
    # A member of another pair answers for their own pair, never for this one.
    client.force_login(other_pair.mentorship.mentee)
    assert client.get(_url(program) + f"?pair={pair.pk}").status_code == 404
    response = client.post(_url(program), {"pair": pair.pk, **_answers(program)})
    assert response.status_code == 404
    # Members outside the pairs, the coordinator included, are refused.
    assert program.created_by is not None
    for outsider in (UserFactory.create(), program.created_by):
        client.force_login(outsider)
        response = client.get(_url(program))
        assert response.status_code == 403
        assert "for the mentors and mentees" in response.content.decode()
    # A suspended member of a pair cannot answer.
    suspended_pair = make_pair(program, mentee=suspended, matched_at=_matched_at_start())
    client.force_login(suspended)
    response = client.post(_url(program), {"pair": suspended_pair.pk, **_answers(program)})
    assert response.status_code == 403
    assert not SurveyResponse.objects.exists()


def test_a_mentor_with_two_mentees_chooses_the_pair(client: Client, program: Program) -> None:
    first = make_pair(program, matched_at=_matched_at_start())
    mentor = first.mentorship.mentor
    second = make_pair(program, mentor=mentor, matched_at=_matched_at_start())
    client.force_login(mentor)
    page = client.get(_url(program)).content.decode()
    assert "Which one is this survey about?" in page
    assert f"?pair={first.pk}" in page and f"?pair={second.pk}" in page
    assert client.post(_url(program), {"pair": second.pk, **_answers(program)}).status_code == 302
    assert SurveyResponse.objects.get().pair == second


# --- Invitations ---------------------------------------------------------------------------


def test_members_are_invited_once_to_an_open_survey(pair: ProgramPair) -> None:
    not_yet = make_pair()  # its surveys have not opened
    assert services.invite_to_surveys() == 2
    assert services.invite_to_surveys() == 0
    notes = Notification.objects.filter(kind=Kind.PROGRAM)
    assert {note.recipient_id for note in notes} == {
        pair.mentorship.mentee_id,
        pair.mentorship.mentor_id,
    }
    assert all(note.url == _url(pair.program) + f"?pair={pair.pk}" for note in notes)
    assert not Notification.objects.filter(recipient=not_yet.mentorship.mentee).exists()


def test_a_member_who_answered_is_not_invited(pair: ProgramPair) -> None:
    SurveyResponse.objects.create(
        pair=pair, respondent=pair.mentorship.mentee, form=Form.MIDPOINT, satisfaction=3
    )
    assert services.invite_to_surveys() == 1
    assert Notification.objects.get().recipient == pair.mentorship.mentor


# --- Aggregates ----------------------------------------------------------------------------


def _respond(program: Program, count: int, *, text: str = "Kind words") -> list[ProgramPair]:
    text_question = Question.objects.get(program=program, prompt="What went well?")
    choice = Question.objects.get(program=program, kind="choice")
    pairs = []
    for index in range(count):
        new_pair = make_pair(program, matched_at=_matched_at_start())
        SurveyResponse.objects.create(
            pair=new_pair,
            respondent=new_pair.mentorship.mentee,
            form=Form.MIDPOINT,
            satisfaction=1 + index % 5,
            answers={str(text_question.pk): f"{text} {index}", str(choice.pk): "Weekly"},
        )
        pairs.append(new_pair)
    return pairs


def test_coordinators_see_nothing_of_a_form_under_five_respondents(
    client: Client, program: Program
) -> None:
    _respond(program, 4, text="Secret")
    assert program.created_by is not None
    client.force_login(program.created_by)
    page = client.get(_results(program)).content.decode()
    assert "not enough answers to show without singling anyone out" in page
    assert "Secret" not in page
    assert "mean satisfaction" not in page


def test_coordinators_see_aggregates_without_names(client: Client, program: Program) -> None:
    pairs = _respond(program, 5, text="<b>Helpful</b>")
    assert program.created_by is not None
    client.force_login(program.created_by)
    page = client.get(_results(program)).content.decode()
    assert "5 answers · mean satisfaction 3.0 of 5" in page
    assert "Weekly: 5" in page and "Monthly: 0" in page
    assert "&lt;b&gt;Helpful&lt;/b&gt; 0" in page
    assert "<b>Helpful</b>" not in page
    for each in pairs:
        assert each.mentorship.mentee.display_name not in page


def test_no_one_but_the_programs_coordinators_reads_the_answers(
    client: Client, program: Program, moderator: User
) -> None:
    pairs = _respond(program, 5, text="Private thoughts")
    answered = pairs[0]
    other_coordinator = make_program().created_by
    readers: list[User] = [
        answered.mentorship.mentor,  # the other member of the pair
        answered.mentorship.mentee,  # even the author, through the results page
        pairs[1].mentorship.mentee,  # another pair's member
        UserFactory.create(),
    ]
    assert other_coordinator is not None
    readers.append(other_coordinator)
    for reader in readers:
        client.force_login(reader)
        response = client.get(_results(program))
        assert response.status_code == 403
        assert "Private thoughts" not in response.content.decode()
    # The other member's own survey page shows nothing of what the mentee wrote.
    client.force_login(answered.mentorship.mentor)
    page = client.get(_url(program) + f"?pair={answered.pk}").content.decode()
    assert "Private thoughts" not in page
    sign_in_as_moderator(client, moderator)
    response = client.get(_results(program))
    assert response.status_code == 403
    assert "Private thoughts" not in response.content.decode()
