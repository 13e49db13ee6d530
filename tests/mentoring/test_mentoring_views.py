"""Mentoring pages: the access matrix, forms end to end, htmx fragments, query counts."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Block, User
from mentoring import workflow
from mentoring.models import (
    Feedback,
    Goal,
    MenteePreferences,
    MentorProfile,
    MentorRequest,
    Mentorship,
    Message,
    RequestStatus,
)
from moderation.models import Report
from tests.accounts.conftest import give_totp, sign_in_with_two_factor
from tests.conftest import warm_rail
from tests.factories import (
    ModeratorFactory,
    PhysicianFactory,
    UserFactory,
)
from tests.mentoring.factories import make_mentee, make_mentor, make_mentorship

pytestmark = pytest.mark.django_db

HTMX: dict[str, Any] = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def mentorship() -> Mentorship:
    return make_mentorship(make_mentor().user, make_mentee())


def _moderator() -> User:
    """Staff with the permission to read reported mentorships and an authenticator app."""
    moderator = ModeratorFactory.create()
    moderator.user_permissions.add(
        Permission.objects.get(content_type__app_label="mentoring", codename="view_mentorship")
    )
    give_totp(moderator)
    return User.objects.get(pk=moderator.pk)


def _login_as_moderator(client: Client, moderator: User) -> Client:
    """Signed in with a code from the app, as site moderators must be."""
    sign_in_with_two_factor(client, moderator)
    return client


def _report(message: Message, status: str = "open") -> Report:
    return Report.objects.create(
        reporter=message.mentorship.other_side(message.sender),
        target_type=ContentType.objects.get_for_model(Message),
        target_id=message.pk,
        reason="harassment",
        status=status,
    )


def _login(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


# --- Access matrix --------------------------------------------------------------------------

MENTORSHIP_PAGES = ["mentorship", "messages", "complete", "end", "feedback"]
MENTORSHIP_POSTS: list[tuple[str, dict[str, str]]] = [
    ("send_message", {"body": "Hello"}),
    ("add_goal", {"title": "A goal"}),
    ("log_meeting", {"occurred_on": "2026-01-02", "mode": "video"}),
    ("complete", {"rating": "5"}),
    ("end", {"reason": "Busy"}),
]


@pytest.mark.parametrize("name", MENTORSHIP_PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(
    client: Client, mentorship: Mentorship, name: str
) -> None:
    response = client.get(reverse(f"mentoring:{name}", kwargs={"pk": mentorship.pk}))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("name", MENTORSHIP_PAGES)
def test_it_checks_ownership_outsiders_get_404(
    client: Client, mentorship: Mentorship, name: str
) -> None:
    _login(client, PhysicianFactory.create())
    response = client.get(reverse(f"mentoring:{name}", kwargs={"pk": mentorship.pk}))
    assert response.status_code == 404


@pytest.mark.parametrize(("name", "data"), MENTORSHIP_POSTS)
def test_outsiders_cannot_write_to_a_mentorship(
    client: Client, mentorship: Mentorship, name: str, data: dict[str, str]
) -> None:
    _login(client, UserFactory.create())
    response = client.post(reverse(f"mentoring:{name}", kwargs={"pk": mentorship.pk}), data)
    assert response.status_code == 404
    mentorship.refresh_from_db()
    assert mentorship.status == "active"
    assert not Message.objects.exists()
    assert not Goal.objects.exists()


@pytest.mark.parametrize("side", ["mentor", "mentee"])
def test_the_pair_sees_the_mentorship(client: Client, mentorship: Mentorship, side: str) -> None:
    Message.objects.create(mentorship=mentorship, sender=mentorship.mentor, body="Welcome!")
    _login(client, getattr(mentorship, side))
    response = client.get(mentorship.get_absolute_url())
    assert response.status_code == 200
    assert b"Welcome!" in response.content
    assert b'id="message-form"' in response.content


def test_a_moderator_without_a_report_gets_404(client: Client, mentorship: Mentorship) -> None:
    Message.objects.create(mentorship=mentorship, sender=mentorship.mentor, body="Hi")
    _login_as_moderator(client, _moderator())
    assert client.get(mentorship.get_absolute_url()).status_code == 404


def test_a_moderator_sees_a_reported_mentorship_read_only(
    client: Client, mentorship: Mentorship
) -> None:
    message = Message.objects.create(mentorship=mentorship, sender=mentorship.mentor, body="Hi")
    _report(message)
    _login_as_moderator(client, _moderator())
    response = client.get(mentorship.get_absolute_url())
    assert response.status_code == 200
    assert b"as a moderator" in response.content
    assert b'id="message-form"' not in response.content
    # Read-only: writing still answers 404.
    post = client.post(
        reverse("mentoring:send_message", kwargs={"pk": mentorship.pk}), {"body": "x"}
    )
    assert post.status_code == 404
    assert Message.objects.count() == 1


def test_a_resolved_report_no_longer_opens_the_mentorship(
    client: Client, mentorship: Mentorship
) -> None:
    message = Message.objects.create(mentorship=mentorship, sender=mentorship.mentor, body="Hi")
    _report(message, status="dismissed")
    _login_as_moderator(client, _moderator())
    assert client.get(mentorship.get_absolute_url()).status_code == 404


def test_staff_without_the_permission_cannot_see_a_reported_mentorship(
    client: Client, mentorship: Mentorship
) -> None:
    message = Message.objects.create(mentorship=mentorship, sender=mentorship.mentor, body="Hi")
    _report(message)
    staff = ModeratorFactory.create()
    give_totp(staff)
    _login_as_moderator(client, staff)
    assert client.get(mentorship.get_absolute_url()).status_code == 404


def test_a_report_on_another_mentorship_opens_only_that_one(
    client: Client, mentorship: Mentorship
) -> None:
    other = make_mentorship()
    reported = Message.objects.create(mentorship=other, sender=other.mentor, body="Hi")
    _report(reported)
    _login_as_moderator(client, _moderator())
    assert client.get(mentorship.get_absolute_url()).status_code == 404
    assert client.get(other.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("name", ["accept", "decline", "withdraw"])
def test_requests_404_for_outsiders(client: Client, name: str) -> None:
    mentor = make_mentor()
    mentor_request = workflow.do_request_mentor(mentee=make_mentee(), mentor=mentor.user)
    _login(client, PhysicianFactory.create())
    response = client.post(reverse(f"mentoring:{name}", kwargs={"pk": mentor_request.pk}))
    assert response.status_code == 404
    mentor_request.refresh_from_db()
    assert mentor_request.status == RequestStatus.REQUESTED


@pytest.mark.parametrize(
    "name", ["home", "suggestions", "directory", "mentor_profile", "preferences"]
)
def test_pages_need_sign_in(client: Client, name: str) -> None:
    response = client.get(reverse(f"mentoring:{name}"))
    assert response.status_code == 302


def test_a_suspended_member_cannot_send_a_request(
    client: Client, mentor: User, suspended: User
) -> None:
    make_mentee(suspended)
    _login(client, suspended)
    response = client.post(reverse("mentoring:request", kwargs={"handle": mentor.handle}))
    assert response.status_code == 403
    assert b"suspended" in response.content
    assert not MentorRequest.objects.exists()


def test_workflow_views_need_post(client: Client) -> None:
    mentor = make_mentor()
    mentor_request = workflow.do_request_mentor(mentee=make_mentee(), mentor=mentor.user)
    _login(client, mentor.user)
    response = client.get(reverse("mentoring:accept", kwargs={"pk": mentor_request.pk}))
    assert response.status_code == 405


# --- Finding and asking ---------------------------------------------------------------------


def test_a_student_asks_a_mentor_who_accepts_and_the_space_opens(client: Client) -> None:
    mentor = make_mentor()
    mentee = make_mentee()
    _login(client, mentee)
    page = client.get(reverse("mentoring:mentor", kwargs={"handle": mentor.user.handle}))
    assert b"Send request" in page.content
    response = client.post(
        reverse("mentoring:request", kwargs={"handle": mentor.user.handle}),
        {"message": "Could you help me plan for the MCAT?"},
        follow=True,
    )
    assert b"Your request is on its way" in response.content
    mentor_request = MentorRequest.objects.get()
    assert mentor_request.message == "Could you help me plan for the MCAT?"

    _login(client, mentor.user)
    home = client.get(reverse("mentoring:home"))
    assert b"Could you help me plan for the MCAT?" in home.content
    response = client.post(reverse("mentoring:accept", kwargs={"pk": mentor_request.pk}))
    mentorship = Mentorship.objects.get()
    assert response["Location"] == mentorship.get_absolute_url()


def test_a_refused_request_shows_why(client: Client) -> None:
    mentor = make_mentor(is_accepting=False)
    _login(client, make_mentee())
    page = client.get(reverse("mentoring:mentor", kwargs={"handle": mentor.user.handle}))
    assert b"not accepting new mentees" in page.content
    assert b"Send request" not in page.content
    response = client.post(
        reverse("mentoring:request", kwargs={"handle": mentor.user.handle}), follow=True
    )
    assert b"not accepting new mentees" in response.content
    assert not MentorRequest.objects.exists()


def test_accepting_a_withdrawn_request_says_so(client: Client) -> None:
    mentor = make_mentor()
    mentee = make_mentee()
    mentor_request = workflow.do_request_mentor(mentee=mentee, mentor=mentor.user)
    workflow.do_withdraw_request(mentor_request=mentor_request, actor=mentee)
    _login(client, mentor.user)
    response = client.post(
        reverse("mentoring:accept", kwargs={"pk": mentor_request.pk}), follow=True
    )
    assert b"can no longer be accepted: it has been withdrawn" in response.content
    assert not Mentorship.objects.exists()


def test_declining_with_a_note(client: Client) -> None:
    mentor = make_mentor()
    mentee = make_mentee()
    mentor_request = workflow.do_request_mentor(mentee=mentee, mentor=mentor.user)
    _login(client, mentor.user)
    client.post(
        reverse("mentoring:decline", kwargs={"pk": mentor_request.pk}), {"note": "Full, sorry"}
    )
    mentor_request.refresh_from_db()
    assert mentor_request.status == RequestStatus.DECLINED
    _login(client, mentee)
    assert b"Full, sorry" in client.get(reverse("mentoring:home")).content


def test_an_oversized_decline_note_changes_nothing(client: Client) -> None:
    mentor = make_mentor()
    mentor_request = workflow.do_request_mentor(mentee=make_mentee(), mentor=mentor.user)
    _login(client, mentor.user)
    response = client.post(
        reverse("mentoring:decline", kwargs={"pk": mentor_request.pk}),
        {"note": "x" * 1001},
        follow=True,
    )
    assert b"under 1,000 characters" in response.content
    mentor_request.refresh_from_db()
    assert mentor_request.status == RequestStatus.REQUESTED


def test_the_mentee_withdraws(client: Client) -> None:
    mentor = make_mentor()
    mentee = make_mentee()
    mentor_request = workflow.do_request_mentor(mentee=mentee, mentor=mentor.user)
    _login(client, mentee)
    client.post(reverse("mentoring:withdraw", kwargs={"pk": mentor_request.pk}))
    mentor_request.refresh_from_db()
    assert mentor_request.status == RequestStatus.WITHDRAWN


def test_a_blocked_mentor_profile_is_404(client: Client, mentor: User, member: User) -> None:
    mentee = make_mentee(member)
    Block.objects.create(blocker=mentor, blocked=mentee)
    _login(client, mentee)
    url = reverse("mentoring:mentor", kwargs={"handle": mentor.handle})
    assert client.get(url).status_code == 404
    assert mentor.display_name.encode() not in client.get(reverse("mentoring:directory")).content


def test_suggestions_prompt_for_preferences_first(client: Client) -> None:
    _login(client, UserFactory.create())
    response = client.get(reverse("mentoring:suggestions"))
    assert b"Set your preferences" in response.content


def test_suggestions_show_reasons_and_the_verified_badge(client: Client) -> None:
    make_mentor(languages=["en", "es"])
    _login(client, make_mentee(languages=["es"]))
    response = client.get(reverse("mentoring:suggestions"))
    assert b"you both speak Spanish" in response.content
    assert b"Verified" in response.content


def test_profile_pages_never_show_the_private_background(client: Client) -> None:
    mentor = make_mentor(background=["first_generation"], share_background_for_matching=True)
    _login(client, make_mentee(background=["first_generation"], share_background_for_matching=True))
    for url in [
        reverse("mentoring:mentor", kwargs={"handle": mentor.user.handle}),
        reverse("mentoring:directory"),
        reverse("mentoring:suggestions"),
    ]:
        content = client.get(url).content.decode()
        assert "first_generation" not in content
        assert "First-generation" not in content


@pytest.mark.parametrize("count", [2, 12])
def test_the_directory_has_a_fixed_query_count(
    client: Client, django_assert_max_num_queries: Callable[..., Any], count: int
) -> None:
    for _ in range(count):
        make_mentor()
    _login(client, make_mentee())
    warm_rail(client)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("mentoring:directory"))
    assert response.content.count(b'class="card mentor-card"') == count


def test_the_directory_filters_and_pages_with_a_cursor(client: Client) -> None:
    spanish = [make_mentor(languages=["es"]) for _ in range(21)]
    make_mentor(languages=["en"])
    _login(client, make_mentee())
    first = client.get(reverse("mentoring:directory"), {"language": "es"})
    assert first.content.count(b'class="card mentor-card"') == 20
    assert b'rel="next"' in first.content
    second = client.get(
        reverse("mentoring:directory"), {"language": "es", "after": str(spanish[19].pk)}
    )
    assert second.content.count(b'class="card mentor-card"') == 1
    assert spanish[20].user.display_name.encode() in second.content
    assert b'rel="next"' not in second.content


def test_the_directory_can_hide_mentors_who_are_full(client: Client) -> None:
    make_mentor(capacity=1, active_mentee_count=1)
    open_mentor = make_mentor()
    _login(client, make_mentee())
    response = client.get(reverse("mentoring:directory"), {"accepting": "on"})
    assert response.content.count(b'class="card mentor-card"') == 1
    assert open_mentor.user.display_name.encode() in response.content


def test_the_directory_shows_the_aggregated_rating(client: Client) -> None:
    mentorship = make_mentorship()
    workflow.do_complete_mentorship(
        mentorship=mentorship, actor=mentorship.mentee, rating=4, comment="Helpful"
    )
    _login(client, make_mentee())
    response = client.get(reverse("mentoring:directory"))
    assert b"Rated 4.0 of 5 by 1 mentee" in response.content
    assert b"Helpful" not in response.content


# --- Profiles -------------------------------------------------------------------------------

MENTOR_FORM = {
    "areas": ["mcat", "research"],
    "specialties": ["cardiology"],
    "stages": ["premed"],
    "capacity": "2",
    "is_accepting": "on",
    "languages": ["en", "es"],
    "meeting_modes": ["video"],
    "time_zone": "America/Chicago",
    "statement": "Happy to help.",
}


def test_a_verified_physician_creates_a_mentor_profile(client: Client) -> None:
    physician = PhysicianFactory.create()
    _login(client, physician)
    response = client.post(reverse("mentoring:mentor_profile"), MENTOR_FORM)
    assert response.status_code == 302
    profile = MentorProfile.objects.get(user=physician)
    assert profile.capacity == 2
    assert profile.languages == ["en", "es"]
    assert " lang:es " in profile.search_tags


@pytest.mark.parametrize(
    "user_factory",
    [lambda: UserFactory.create(), lambda: PhysicianFactory.create(verification_status="pending")],
)
def test_only_verified_clinicians_can_mentor(
    client: Client, user_factory: Callable[[], User]
) -> None:
    _login(client, user_factory())
    response = client.post(reverse("mentoring:mentor_profile"), MENTOR_FORM)
    assert response.status_code == 403
    assert not MentorProfile.objects.exists()


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"capacity": "0"}, b"greater than or equal to 1"),
        ({"capacity": "many"}, b"Enter a whole number"),
        ({"time_zone": "Mars/Olympus_Mons"}, b"Select a valid choice"),
        ({"areas": ["astrology"]}, b"Select a valid choice"),
        ({"statement": "x" * 1001}, b"at most 1000 characters"),
    ],
)
def test_bad_mentor_profile_input_is_refused(
    client: Client, change: dict[str, Any], error: bytes
) -> None:
    _login(client, PhysicianFactory.create())
    response = client.post(reverse("mentoring:mentor_profile"), {**MENTOR_FORM, **change})
    assert response.status_code == 200
    assert error in response.content
    assert b'aria-invalid="true"' in response.content
    assert not MentorProfile.objects.exists()


def test_a_student_sets_preferences(client: Client) -> None:
    student = UserFactory.create()
    _login(client, student)
    response = client.post(
        reverse("mentoring:preferences"),
        {
            "goals": ["mcat"],
            "languages": ["es"],
            "language_required": "on",
            "time_zone": "Europe/Madrid",
            "introduction": "<script>alert(1)</script>Hi",
        },
    )
    assert response["Location"] == reverse("mentoring:suggestions")
    preferences = MenteePreferences.objects.get(user=student)
    assert preferences.language_required
    assert preferences.goals == ["mcat"]


def test_physicians_are_told_preferences_are_for_students(client: Client) -> None:
    _login(client, PhysicianFactory.create())
    response = client.get(reverse("mentoring:preferences"))
    assert response.status_code == 403
    page = response.content.decode()
    assert "Mentor matching is for students and residents" in page
    assert "can offer mentoring instead" in page
    assert 'name="specialties"' not in page
    assert not MenteePreferences.objects.exists()


# --- Inside the mentorship ------------------------------------------------------------------


def test_sending_a_message_without_javascript(client: Client, mentorship: Mentorship) -> None:
    _login(client, mentorship.mentee)
    response = client.post(
        reverse("mentoring:send_message", kwargs={"pk": mentorship.pk}),
        {"body": "Thanks for the advice <b>today</b>!"},
    )
    assert response.status_code == 302
    assert Message.objects.get().body == "Thanks for the advice <b>today</b>!"
    page = client.get(mentorship.get_absolute_url())
    assert b"Thanks for the advice &lt;b&gt;today&lt;/b&gt;!" in page.content


def test_sending_a_message_with_htmx_returns_the_fragment(
    client: Client, mentorship: Mentorship
) -> None:
    _login(client, mentorship.mentor)
    response = client.post(
        reverse("mentoring:send_message", kwargs={"pk": mentorship.pk}),
        {"body": "See you Tuesday"},
        **HTMX,
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert 'hx-swap-oob="beforeend:#message-list"' in content
    assert "See you Tuesday" in content
    assert "<html" not in content


def test_an_empty_message_is_refused(client: Client, mentorship: Mentorship) -> None:
    _login(client, mentorship.mentor)
    response = client.post(
        reverse("mentoring:send_message", kwargs={"pk": mentorship.pk}), {"body": "   "}
    )
    assert b"Write a message first." in response.content
    assert not Message.objects.exists()


def test_a_too_long_message_is_refused(client: Client, mentorship: Mentorship) -> None:
    _login(client, mentorship.mentor)
    response = client.post(
        reverse("mentoring:send_message", kwargs={"pk": mentorship.pk}), {"body": "x" * 4001}
    )
    assert b"at most 4000 characters" in response.content
    assert not Message.objects.exists()


@pytest.mark.parametrize("count", [3, 40])
def test_the_mentorship_page_has_a_fixed_query_count(
    client: Client,
    mentorship: Mentorship,
    django_assert_max_num_queries: Callable[..., Any],
    count: int,
) -> None:
    for index in range(count):
        Message.objects.create(
            mentorship=mentorship, sender=mentorship.mentor, body=f"Message {index}"
        )
        Goal.objects.create(mentorship=mentorship, title=f"Goal {index}", position=index)
    _login(client, mentorship.mentee)
    # 12, and the two reads of the scheduled meetings (mentoring.selectors.meeting_board);
    # the program-progress tag costs nothing outside programs (2 queries for a program
    # pair: tests/programs/test_programs_pairs_milestones.py).
    with django_assert_max_num_queries(14):
        response = client.get(mentorship.get_absolute_url())
    assert response.status_code == 200


def test_earlier_messages_are_paged_with_a_cursor(client: Client, mentorship: Mentorship) -> None:
    messages = [
        Message.objects.create(mentorship=mentorship, sender=mentorship.mentor, body=f"M{i:02}")
        for i in range(35)
    ]
    _login(client, mentorship.mentee)
    page = client.get(mentorship.get_absolute_url()).content.decode()
    assert "M34" in page and "M05" in page and "M04<" not in page
    assert "Earlier messages" in page
    earlier = client.get(
        reverse("mentoring:messages", kwargs={"pk": mentorship.pk}),
        {"before": messages[5].pk},
        **HTMX,
    ).content.decode()
    assert "M00" in earlier and "M04" in earlier and "M05" not in earlier
    assert "Earlier messages" not in earlier


def test_goals_are_added_and_ticked(client: Client, mentorship: Mentorship) -> None:
    _login(client, mentorship.mentee)
    client.post(reverse("mentoring:add_goal", kwargs={"pk": mentorship.pk}), {"title": "Plan"})
    client.post(reverse("mentoring:add_goal", kwargs={"pk": mentorship.pk}), {"title": "Study"})
    goal = Goal.objects.get(title="Plan")
    url = reverse("mentoring:set_goal", kwargs={"pk": mentorship.pk, "goal_pk": goal.pk})
    response = client.post(url, {"done": "1"}, **HTMX)
    assert b"1 of 2 done" in response.content
    # A double submit of the same tick changes nothing more.
    client.post(url, {"done": "1"})
    goal.refresh_from_db()
    assert goal.is_done and goal.done_at is not None
    client.post(url, {"done": "0"})
    goal.refresh_from_db()
    assert not goal.is_done and goal.done_at is None


def test_a_goal_of_another_mentorship_is_404(client: Client, mentorship: Mentorship) -> None:
    other = make_mentorship()
    goal = Goal.objects.create(mentorship=other, title="Theirs")
    _login(client, mentorship.mentee)
    url = reverse("mentoring:set_goal", kwargs={"pk": mentorship.pk, "goal_pk": goal.pk})
    assert client.post(url, {"done": "1"}).status_code == 404


def test_meetings_are_logged(client: Client, mentorship: Mentorship) -> None:
    _login(client, mentorship.mentor)
    yesterday = timezone.localdate() - timedelta(days=1)
    response = client.post(
        reverse("mentoring:log_meeting", kwargs={"pk": mentorship.pk}),
        {
            "occurred_on": yesterday.isoformat(),
            "mode": "video",
            "notes": "Went over the study plan",
            "next_steps": "Book the exam",
        },
    )
    assert response.status_code == 302
    page = client.get(mentorship.get_absolute_url())
    assert b"Went over the study plan" in page.content
    assert b"Book the exam" in page.content


def test_a_meeting_in_the_future_is_refused(client: Client, mentorship: Mentorship) -> None:
    _login(client, mentorship.mentor)
    tomorrow = timezone.localdate() + timedelta(days=2)
    response = client.post(
        reverse("mentoring:log_meeting", kwargs={"pk": mentorship.pk}),
        {"occurred_on": tomorrow.isoformat(), "mode": "video"},
    )
    assert response.status_code == 200
    assert b"this date is ahead" in response.content


def test_completing_then_the_other_side_gives_feedback(
    client: Client, mentorship: Mentorship
) -> None:
    _login(client, mentorship.mentee)
    client.post(
        reverse("mentoring:complete", kwargs={"pk": mentorship.pk}),
        {"rating": "5", "comment": "Changed my path"},
    )
    mentorship.refresh_from_db()
    assert mentorship.status == "completed"
    _login(client, mentorship.mentor)
    feedback_url = reverse("mentoring:feedback", kwargs={"pk": mentorship.pk})
    assert client.get(feedback_url).status_code == 200
    client.post(feedback_url, {"rating": "4", "comment": "Keen student"})
    assert Feedback.objects.count() == 2
    # A second submit does not add another.
    response = client.post(feedback_url, {"rating": "1"}, follow=True)
    assert b"already given feedback" in response.content
    assert Feedback.objects.count() == 2


def test_a_rating_outside_one_to_five_is_refused(client: Client, mentorship: Mentorship) -> None:
    _login(client, mentorship.mentee)
    response = client.post(
        reverse("mentoring:complete", kwargs={"pk": mentorship.pk}), {"rating": "9"}
    )
    assert b"Select a valid choice" in response.content
    mentorship.refresh_from_db()
    assert mentorship.status == "active"


def test_ending_early_leads_to_feedback(client: Client, mentorship: Mentorship) -> None:
    _login(client, mentorship.mentor)
    response = client.post(
        reverse("mentoring:end", kwargs={"pk": mentorship.pk}), {"reason": "Leaving residency"}
    )
    assert response["Location"] == reverse("mentoring:feedback", kwargs={"pk": mentorship.pk})
    _login(client, mentorship.mentee)
    page = client.get(mentorship.get_absolute_url())
    assert b"Leaving residency" in page.content
    assert b"Give your feedback" in page.content
    assert b'id="message-form"' not in page.content


def test_a_mentor_sees_comments_only_anonymously_and_only_from_three(client: Client) -> None:
    mentor = make_mentor(capacity=5)
    mentees = [make_mentee() for _ in range(3)]
    for index, mentee in enumerate(mentees):
        mentorship = make_mentorship(mentor.user, mentee)
        workflow.do_complete_mentorship(
            mentorship=mentorship, actor=mentee, rating=5, comment=f"Comment {index}"
        )
        _login(client, mentor.user)
        content = client.get(reverse("mentoring:home")).content.decode()
        assert f"({index + 1} rating" in content
        if index < 2:
            assert "Comment 0" not in content
    said = content.split("What mentees said")[1].split("</section>")[0]
    assert "Comment 0" in said and "Comment 2" in said
    for mentee in mentees:
        assert mentee.display_name not in said


# --- Reporting a message --------------------------------------------------------------------


def test_either_side_reports_a_message_and_a_moderator_can_then_look(
    client: Client, mentorship: Mentorship
) -> None:
    message = Message.objects.create(
        mentorship=mentorship, sender=mentorship.mentor, body="Something unkind"
    )
    _login(client, mentorship.mentee)
    page = client.get(mentorship.get_absolute_url()).content.decode()
    report_url = reverse("moderation:report", kwargs={"kind": "message", "pk": message.pk})
    assert report_url in page
    response = client.post(report_url, {"reason": "harassment", "note": ""})
    assert response.status_code == 302
    report = Report.objects.get()
    assert report.target == message
    assert report.reporter == mentorship.mentee

    _login_as_moderator(client, _moderator())
    assert client.get(mentorship.get_absolute_url()).status_code == 200


def test_outsiders_cannot_report_a_message(client: Client, mentorship: Mentorship) -> None:
    message = Message.objects.create(mentorship=mentorship, sender=mentorship.mentor, body="Hi")
    _login(client, UserFactory.create())
    url = reverse("moderation:report", kwargs={"kind": "message", "pk": message.pk})
    assert client.get(url).status_code == 404
    assert client.post(url, {"reason": "spam"}).status_code == 404
    assert not Report.objects.exists()


def test_a_member_cannot_report_their_own_message(client: Client, mentorship: Mentorship) -> None:
    message = Message.objects.create(mentorship=mentorship, sender=mentorship.mentor, body="Hi")
    _login(client, mentorship.mentor)
    page = client.get(mentorship.get_absolute_url()).content.decode()
    url = reverse("moderation:report", kwargs={"kind": "message", "pk": message.pk})
    assert url not in page
    client.post(url, {"reason": "spam"})
    assert not Report.objects.exists()


@pytest.mark.parametrize("count", [1, 8])
def test_the_mentoring_home_has_a_fixed_query_count(
    client: Client, django_assert_max_num_queries: Callable[..., Any], count: int
) -> None:
    mentor = make_mentor(capacity=10)
    for _ in range(count):
        make_mentorship(mentor.user, make_mentee())
        workflow.do_request_mentor(mentee=make_mentee(), mentor=mentor.user)
    _login(client, mentor.user)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("mentoring:home"))
    assert response.content.count(b"Mentoring ") >= count


@pytest.mark.parametrize("count", [2, 15])
def test_the_suggestions_page_has_a_fixed_query_count(
    client: Client, django_assert_max_num_queries: Callable[..., Any], count: int
) -> None:
    for _ in range(count):
        make_mentor()
    _login(client, make_mentee())
    with django_assert_max_num_queries(12):
        response = client.get(reverse("mentoring:suggestions"))
    assert response.content.count(b'class="card mentor-card"') == count
