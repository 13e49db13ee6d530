"""The right rail ({% right_rail %}): each block's content, who may see it, and its cost."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import caches
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Block, Mute, User
from accounts.selectors import remember_walls_for_request, request_walls
from mentoring.models import MentorRequest
from posts.forms import MAX_EVENT_MINUTES
from posts.models import Campaign, Hashtag, Post, PostHashtag, PostKind, Visibility
from posts.selectors import LONGEST_EVENT, forget_running_campaigns
from tests.factories import HighSchoolStudentFactory, PhysicianFactory, UserFactory
from tests.mentoring.factories import make_mentee, make_mentor
from tests.posts.factories import CircleFactory, MembershipFactory, PostFactory

pytestmark = pytest.mark.django_db


def rail(reader: User | AnonymousUser) -> str:
    return Template("{% load rail %}{% right_rail %}").render(Context({"user": reader}))


def event(title: str, *, hours: float = 24, minutes: int = 60, **fields: Any) -> Post:
    return PostFactory.create(
        kind=PostKind.EVENT,
        title=title,
        starts_at=timezone.now() + datetime.timedelta(hours=hours),
        duration_minutes=minutes,
        **fields,
    )


def tagged(name: str, **fields: Any) -> Post:
    post = PostFactory.create(body=f"A teaching point #{name}", **fields)
    hashtag, _ = Hashtag.objects.get_or_create(name=name)
    PostHashtag.objects.create(post=post, hashtag=hashtag, created_at=post.created_at)
    return post


def campaign(title: str, tag: str, *, days_left: int = 10) -> Campaign:
    today = timezone.localdate()
    hashtag, _ = Hashtag.objects.get_or_create(name=tag)
    created = Campaign.objects.create(
        hashtag=hashtag,
        title=title,
        description="Know the signs.",
        starts_on=today - datetime.timedelta(days=1),
        ends_on=today + datetime.timedelta(days=days_left),
    )
    forget_running_campaigns()
    return created


# --- Live Q&As -----------------------------------------------------------------------------


def test_a_visitor_sees_public_live_qas_with_a_link_to_each_and_to_explore() -> None:
    qa = event("Ask a cardiologist")

    html = rail(AnonymousUser())

    assert "Live Q&amp;As" in html
    assert f'href="{qa.get_absolute_url()}"' in html
    assert "Ask a cardiologist" in html
    assert 'href="/explore/">More on Explore' in html


def test_members_only_and_group_live_qas_never_show_to_a_visitor() -> None:
    event("For members", visibility=Visibility.MEMBERS)
    group = CircleFactory.create(is_private=True)
    event("For the group", visibility=Visibility.GROUP, circle=group)

    html = rail(AnonymousUser())

    assert "For members" not in html
    assert "For the group" not in html
    assert "Live Q&amp;As" not in html


def test_a_private_groups_live_qa_shows_to_its_members_only() -> None:
    group = CircleFactory.create(is_private=True)
    event("Journal club AMA", visibility=Visibility.GROUP, circle=group)
    insider = MembershipFactory.create(circle=group).member
    outsider = UserFactory.create()

    assert "Journal club AMA" in rail(insider)
    assert "Journal club AMA" not in rail(outsider)


def test_a_members_only_live_qa_shows_to_members() -> None:
    event("For members", visibility=Visibility.MEMBERS)

    assert "For members" in rail(UserFactory.create())


def test_a_blocked_or_muted_members_live_qa_never_shows() -> None:
    reader = UserFactory.create()
    blocked, blocker, muted = UserFactory.create(), UserFactory.create(), UserFactory.create()
    Block.objects.create(blocker=reader, blocked=blocked)
    Block.objects.create(blocker=blocker, blocked=reader)
    Mute.objects.create(muter=reader, muted=muted)
    event("From the blocked", author=blocked)
    event("From the blocker", author=blocker)
    event("From the muted", author=muted)
    event("From a colleague")

    html = rail(reader)

    assert "From a colleague" in html
    for hidden in ("From the blocked", "From the blocker", "From the muted"):
        assert hidden not in html


def test_a_minors_live_qa_shows_to_members_but_never_to_visitors() -> None:
    event("Student-run Q&A", author=HighSchoolStudentFactory.create())

    assert "Student-run Q&amp;A" not in rail(AnonymousUser())
    assert "Student-run Q&amp;A" in rail(UserFactory.create())


def test_live_qas_in_progress_come_first_and_ended_or_deleted_ones_never_show() -> None:
    event("Later", hours=48)
    event("Sooner", hours=2)
    event("Going on", hours=-0.5, minutes=60)
    event("Over", hours=-3, minutes=60)
    event("Deleted", deleted_at=timezone.now())
    PostFactory.create(title="Not an event")

    html = rail(AnonymousUser())

    assert html.index("Going on") < html.index("Sooner") < html.index("Later")
    assert "Live now" in html
    assert "Over" not in html
    assert "Deleted" not in html
    assert "Not an event" not in html


def test_live_qa_times_are_in_the_readers_zone() -> None:
    starts_at = timezone.now().replace(microsecond=0) + datetime.timedelta(days=2)
    PostFactory.create(kind=PostKind.EVENT, title="AMA", starts_at=starts_at, duration_minutes=30)
    reader = UserFactory.create(time_zone="Asia/Tokyo")

    html = rail(reader)

    assert "(Asia/Tokyo)" in html
    assert f'datetime="{starts_at.isoformat()}"' in html


def test_the_event_window_is_the_longest_event_a_member_may_post() -> None:
    assert datetime.timedelta(minutes=MAX_EVENT_MINUTES) == LONGEST_EVENT


def test_a_long_run_of_ended_live_qas_does_not_hide_upcoming_ones() -> None:
    for number in range(15):
        event(f"Ended {number}", hours=-2, minutes=30)
    event("Still to come", hours=5)

    assert "Still to come" in rail(AnonymousUser())


# --- Campaigns -----------------------------------------------------------------------------


def test_running_campaigns_show_with_their_hashtag_and_a_link_to_all() -> None:
    campaign("Stroke awareness month", "fast")
    today = timezone.localdate()
    Campaign.objects.create(
        hashtag=Hashtag.objects.create(name="over"),
        title="Last year's campaign",
        description="Done.",
        starts_on=today - datetime.timedelta(days=400),
        ends_on=today - datetime.timedelta(days=300),
    )
    forget_running_campaigns()

    html = rail(AnonymousUser())

    assert "Stroke awareness month" in html
    assert 'href="/tags/fast/"' in html
    assert "Last year&#x27;s campaign" not in html
    assert "All campaigns" in html


def test_campaigns_are_read_once_and_shared_between_readers() -> None:
    campaign("Stroke awareness month", "fast")
    rail(AnonymousUser())

    with CaptureQueriesContext(connection) as later:
        html = rail(UserFactory.create())

    assert "Stroke awareness month" in html
    assert not any("posts_campaign" in query["sql"] for query in later.captured_queries)


# --- Trending hashtags -----------------------------------------------------------------------


def test_the_weeks_most_used_hashtags_trend_most_used_first() -> None:
    for _ in range(3):
        tagged("sepsis")
    tagged("ecg")
    old = tagged("lastyear")
    PostHashtag.objects.filter(post=old).update(
        created_at=timezone.now() - datetime.timedelta(days=8)
    )

    html = rail(AnonymousUser())

    assert "Trending this week" in html
    assert html.index("#sepsis") < html.index("#ecg")
    assert 'href="/tags/sepsis/"' in html
    assert "#lastyear" not in html


def test_hashtags_only_on_posts_the_reader_may_not_read_do_not_trend() -> None:
    tagged("membersonly", visibility=Visibility.MEMBERS)
    group = CircleFactory.create(is_private=True)
    tagged("secretgroup", visibility=Visibility.GROUP, circle=group)
    tagged("minorstag", author=HighSchoolStudentFactory.create())
    tagged("public")

    visitor_html = rail(AnonymousUser())
    member_html = rail(UserFactory.create())

    assert "#public" in visitor_html
    assert "#membersonly" not in visitor_html
    assert "#minorstag" not in visitor_html
    assert "#membersonly" in member_html
    assert "#secretgroup" not in visitor_html and "#secretgroup" not in member_html


def test_a_blocked_members_hashtags_do_not_trend_for_the_reader() -> None:
    reader, troll = UserFactory.create(), UserFactory.create()
    Block.objects.create(blocker=reader, blocked=troll)
    tagged("trollbait", author=troll)
    tagged("trollbait", author=troll)
    tagged("wellness")

    html = rail(reader)

    assert "#wellness" in html
    assert "#trollbait" not in html
    assert "#trollbait" in rail(UserFactory.create())


# --- Mentoring blocks ------------------------------------------------------------------------


def test_a_student_sees_suggested_mentors_with_handle_and_a_link_to_all() -> None:
    student = make_mentee()
    mentor = make_mentor(PhysicianFactory.create(display_name="Dr. Amara Okafor", handle="amara"))

    html = rail(student)

    assert "Suggested mentors" in html
    assert "Dr. Amara Okafor" in html
    assert "@amara" in html
    assert f'href="/mentoring/mentors/{mentor.user.handle}/"' in html
    assert 'href="/mentoring/suggestions/">All suggested mentors' in html


def test_a_student_without_preferences_is_asked_for_them() -> None:
    make_mentor()

    html = rail(UserFactory.create())

    assert "Suggested mentors" in html
    assert 'href="/mentoring/preferences/"' in html


def test_a_mentor_walled_off_from_the_student_is_never_suggested() -> None:
    student = make_mentee()
    blocked = make_mentor(PhysicianFactory.create(display_name="Dr. Blocked")).user
    Block.objects.create(blocker=student, blocked=blocked)
    make_mentor(PhysicianFactory.create(display_name="Dr. Open"))

    html = rail(student)

    assert "Dr. Open" in html
    assert "Dr. Blocked" not in html


def test_a_minor_is_suggested_only_mentors_who_accept_high_school_students() -> None:
    minor = make_mentee(HighSchoolStudentFactory.create())
    make_mentor(PhysicianFactory.create(display_name="Dr. Adults Only"), stages=["premed"])
    make_mentor(PhysicianFactory.create(display_name="Dr. High School"), stages=["high_school"])

    html = rail(minor)

    assert "Dr. High School" in html
    assert "Dr. Adults Only" not in html
    assert "Mentor requests" not in html


def test_a_physician_sees_how_many_requests_wait_with_a_link_to_answer() -> None:
    mentor = make_mentor().user
    for _ in range(2):
        MentorRequest.objects.create(mentee=make_mentee(), mentor=mentor)
    MentorRequest.objects.create(mentee=make_mentee(), mentor=mentor, status="declined")
    walled = make_mentee()
    MentorRequest.objects.create(mentee=walled, mentor=mentor)
    Block.objects.create(blocker=walled, blocked=mentor)

    html = rail(mentor)

    assert "Mentor requests" in html
    assert '<span class="badge badge-count">2</span> students are waiting' in html
    assert 'href="/mentoring/">Answer mentor requests' in html
    assert "Suggested mentors" not in html


def test_a_physician_with_no_waiting_request_sees_no_requests_block() -> None:
    assert "Mentor requests" not in rail(make_mentor().user)


def test_visitors_see_no_mentoring_block() -> None:
    make_mentor()

    html = rail(AnonymousUser())

    assert "Suggested mentors" not in html
    assert "Mentor requests" not in html


# --- Empty blocks and cost -------------------------------------------------------------------


def test_with_nothing_to_show_every_block_is_hidden() -> None:
    html = rail(AnonymousUser())

    assert "<section" not in html


def _fill(scale: int) -> None:
    campaign("Campaign", "campaign")
    for number in range(scale):
        event(f"Event {number}", hours=number + 1)
        tagged(f"tag{number}")
        make_mentor()
        tagged("popular", visibility=Visibility.MEMBERS)


@pytest.mark.parametrize(
    ("reader_kind", "most"),
    # Outside a request the reader's walls (for the rail's cache key) and whether they
    # confirmed their email (the minors rule) are read too: one query each.
    [("visitor", 4), ("student", 13), ("minor", 13), ("physician", 10)],
)
def test_the_rail_costs_the_same_few_queries_whatever_the_data(
    reader_kind: str, most: int, django_assert_max_num_queries: Any
) -> None:
    readers: dict[str, Any] = {
        "visitor": lambda: AnonymousUser(),
        "student": lambda: make_mentee(),
        "minor": lambda: make_mentee(HighSchoolStudentFactory.create()),
        "physician": lambda: make_mentor().user,
    }
    reader = readers[reader_kind]()
    if reader_kind == "physician":
        for _ in range(12):
            MentorRequest.objects.create(mentee=make_mentee(), mentor=reader)
    _fill(12)
    if reader.is_authenticated:
        reader = User.objects.get(pk=reader.pk)

    with django_assert_max_num_queries(most):
        html = rail(reader)

    assert "Live Q&amp;As" in html and "Trending this week" in html


@pytest.mark.parametrize(
    ("reader_kind", "most"),
    [("visitor", 2), ("student", 6), ("minor", 6), ("physician", 3)],
)
def test_in_a_page_request_the_rail_adds_only_its_own_reads(
    reader_kind: str, most: int, django_assert_max_num_queries: Any
) -> None:
    """What the rail adds to a GET once the shared lists are cached and the reader's walls
    were read with the member (accounts.backends, accounts.middleware)."""
    readers: dict[str, Any] = {
        "visitor": lambda: AnonymousUser(),
        "student": lambda: make_mentee(),
        "minor": lambda: make_mentee(HighSchoolStudentFactory.create()),
        "physician": lambda: make_mentor().user,
    }
    reader = readers[reader_kind]()
    _fill(3)
    if reader.is_authenticated:
        MentorRequest.objects.create(mentee=make_mentee(), mentor=make_mentor().user)
        reader = User.objects.get(pk=reader.pk)
    rail(reader)
    caches["fragments"].clear()  # the shared lists stay cached; the reader's rail does not
    token = request_walls.set({})
    try:
        if reader.is_authenticated:
            remember_walls_for_request(reader, set())
        with django_assert_max_num_queries(most):
            html = rail(reader)
        with django_assert_max_num_queries(0):
            again = rail(reader)
    finally:
        request_walls.reset(token)

    assert "Campaigns" in html
    assert again == html


def test_blocking_someone_takes_their_live_qa_out_of_a_warm_rail() -> None:
    reader = make_mentee()
    host = PhysicianFactory.create()
    event("Ask me about the Match", author=host)
    assert "Ask me about the Match" in rail(User.objects.get(pk=reader.pk))

    Block.objects.create(blocker=reader, blocked=host)

    assert "Ask me about the Match" not in rail(User.objects.get(pk=reader.pk))


def test_a_rail_with_nothing_to_show_renders_nothing() -> None:
    assert rail(AnonymousUser()).strip() == ""
