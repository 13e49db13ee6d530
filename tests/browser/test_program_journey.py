"""A mentoring program from start to finish, driven in the browser as its people would: a
coordinator creates it, 6 mentees and 3 mentors apply, the cohort is matched and published,
a pair schedules a meeting and gets its calendar file, a pair goes quiet and the coordinator
is alerted, and the dashboard shows it. The hourly follow-up runs as its task would, with
the moment it runs passed in (the test never waits on the clock)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.utils import timezone
from icalendar import Calendar

from accounts.models import User
from mentoring.models import Goal, Meeting, Message
from programs.models import ProgramPair, StallAlert
from programs.services.pairs import follow_up_pairs
from tests.browser.conftest import screenshot
from tests.browser.test_journeys import FACTORY_PASSWORD, sign_in, sign_out
from tests.factories import PhysicianFactory, UserFactory
from tests.mentoring.factories import make_mentee, make_mentor

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def _member_signs_in(page: Any, user: User) -> None:
    sign_in(page, user.email, FACTORY_PASSWORD)


def _tab(page: Any, name: str) -> None:
    """Follow one of the coordinators' tabs."""
    page.get_by_role("navigation", name=re.compile("^Running")).get_by_role(
        "link", name=name, exact=True
    ).click()


def _apply(page: Any, user: User, side: str) -> None:
    _member_signs_in(page, user)
    page.goto("/programs/")
    page.get_by_role("link", name="Pathways to Medicine").first.click()
    page.get_by_role("link", name=f"Apply as a {side}").click()
    if side == "mentor":
        page.get_by_label("Mentees you can take in this program").fill("2")
    else:  # the question is asked of mentees
        page.get_by_label("Why do you want to join?").fill("I would like a mentor in surgery.")
    page.get_by_role("button", name="Send my application").click()
    page.get_by_text("Waiting for review").first.wait_for()
    sign_out(page)


def test_a_coordinator_runs_a_program_from_creation_to_its_dashboard(page: Any) -> None:
    coordinator = PhysicianFactory.create(display_name="Dr. Ada Okafor")
    mentors = [
        make_mentor(PhysicianFactory.create(display_name=f"Dr. Mentor {n}"), capacity=3).user
        for n in range(3)
    ]
    mentees = [make_mentee(UserFactory.create(display_name=f"Student {n}")) for n in range(6)]

    # The coordinator creates the program, asks one question and opens applications.
    _member_signs_in(page, coordinator)
    page.goto("/programs/new/")
    page.get_by_label("Name").fill("Pathways to Medicine")
    page.get_by_label("Organisation").fill("Riverside School of Medicine")
    today = timezone.localdate()
    page.get_by_label("Term starts").fill(today.isoformat())
    page.get_by_label("Term ends").fill((today + dt.timedelta(days=120)).isoformat())
    page.get_by_label("Mentees the program takes").fill("10")
    page.get_by_role("button", name=re.compile("Create")).click()
    page.get_by_role("heading", name=re.compile("Pathways to Medicine")).wait_for()
    _tab(page, "Questions")
    page.get_by_role("textbox", name="Question").fill("Why do you want to join?")
    page.get_by_role("button", name=re.compile("Add")).click()
    page.get_by_text("Why do you want to join?").first.wait_for()
    _tab(page, "Program")
    page.get_by_role("button", name="Open applications").click()
    page.get_by_text("Taking applications").first.wait_for()
    sign_out(page)

    # Six mentees and three mentors apply.
    for mentee in mentees:
        _apply(page, mentee, "mentee")
    for mentor in mentors:
        _apply(page, mentor, "mentor")

    # The coordinator accepts them all, matches the cohort and publishes it.
    _member_signs_in(page, coordinator)
    page.goto("/programs/")
    page.get_by_role("link", name="Pathways to Medicine").first.click()
    _tab(page, "Applications")
    for side, count in (("Mentees", 6), ("Mentors", 3)):
        page.get_by_role("navigation", name="Side").get_by_role(
            "link", name=re.compile(f"^{side}")
        ).click()
        for left in range(count, 0, -1):
            page.get_by_role("heading", name=re.compile(f": {left}$")).wait_for()
            page.get_by_role("button", name=re.compile(r"^Accept")).first.click()
        page.get_by_role("heading", name=re.compile(": 0$")).wait_for()
    _tab(page, "Matching")
    page.get_by_role("button", name="Run the matching").click()
    assert page.locator("tbody tr[id^=pair-]").count() == 6
    page.get_by_role("link", name=re.compile("Publish")).click()
    page.get_by_role("button", name=re.compile("Publish and open 6 mentorships")).click()
    page.get_by_text(re.compile("Cohort 1")).first.wait_for()
    sign_out(page)
    assert ProgramPair.objects.count() == 6

    # A pair schedules a meeting: both say when they are free, the mentee proposes, the
    # mentor accepts, and the calendar file opens in a calendar parser.
    pair = ProgramPair.objects.select_related("mentorship").order_by("pk").first()
    assert pair is not None
    mentorship = pair.mentorship
    for member in (mentorship.mentor, mentorship.mentee):
        _member_signs_in(page, member)
        page.goto("/mentoring/availability/")
        page.get_by_label("Day").select_option(label="Tuesday")
        page.get_by_label("From").fill("18:00")
        page.get_by_label("Until").fill("20:00")
        page.get_by_role("button", name="Add slot").click()
        page.get_by_text(re.compile("Tuesday")).first.wait_for()
        if member == mentorship.mentee:
            page.goto(mentorship.get_absolute_url())
            page.get_by_text("Pathways to Medicine").first.wait_for()  # its program, shown
            page.get_by_role("link", name="Propose a meeting").click()
            page.get_by_label("How you will meet").select_option("video")
            page.get_by_label("Video call link").fill("https://meet.example.org/pathways")
            page.get_by_role("button", name="Propose this meeting").click()
            page.get_by_text("Waiting for an answer").first.wait_for()
        sign_out(page)
    _member_signs_in(page, mentorship.mentor)
    page.goto(mentorship.get_absolute_url())
    page.get_by_role("button", name="Accept", exact=True).click()
    calendar_link = page.get_by_role("link", name="Add to your calendar (.ics)")
    response = page.request.get(calendar_link.get_attribute("href"))
    assert response.ok
    calendar = Calendar.from_ical(response.body())
    [event] = calendar.walk("VEVENT")
    assert str(calendar["METHOD"]) == "REQUEST"
    assert "https://meet.example.org/pathways" in str(event.get("LOCATION", "")) + str(
        event.get("URL", "")
    )
    sign_out(page)

    # Every pair but one meets, sets goals and keeps talking; the quiet one is nudged after
    # three weeks, and its coordinator alerted a week later.
    quiet = ProgramPair.objects.exclude(pk=pair.pk).order_by("pk").first()
    assert quiet is not None
    now = timezone.now()
    for other in ProgramPair.objects.exclude(pk=quiet.pk).select_related("mentorship"):
        Meeting.objects.create(
            mentorship=other.mentorship,
            occurred_on=timezone.localdate(now + dt.timedelta(days=10)),
            mode="video",
        )
        Goal.objects.create(mentorship=other.mentorship, title="Shadow a surgeon")
        for days in (20, 27):
            Message.objects.create(
                mentorship=other.mentorship,
                sender=other.mentorship.mentee,
                body="How are you getting on?",
                created_at=now + dt.timedelta(days=days),
            )
    follow_up_pairs(now=now + dt.timedelta(days=22))
    follow_up_pairs(now=now + dt.timedelta(days=29, hours=1))
    assert list(StallAlert.objects.filter(kind="coordinator").values_list("pair", flat=True)) == [
        quiet.pk
    ]

    _member_signs_in(page, coordinator)
    page.goto("/notifications/")
    page.get_by_role("link", name=re.compile("a pair still seems stuck")).first.click()
    quiet_row = page.locator(f"#pair-{quiet.pk}")
    assert "Needs you" in quiet_row.inner_text()
    _tab(page, "Dashboard")
    page.get_by_role("heading", name=re.compile("Outcomes")).wait_for()
    whole_program = page.locator("tr", has_text="Whole program").first
    assert "1 (17%)" in whole_program.inner_text()  # stalled pairs, of 6
    screenshot(page, "program-dashboard")
