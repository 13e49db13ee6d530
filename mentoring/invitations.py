"""Calendar files (.ics, RFC 5545 with iTIP methods) for scheduled mentorship meetings.

One event per meeting: its UID never changes and its SEQUENCE grows with every change, so a
calendar app that holds the invitation replaces it with the update, or removes it on a
CANCEL. Times are written in UTC; each app shows them in its owner's zone.

The organizer is the site's own sending address, not the member who proposed the meeting:
members' email addresses are private on Rounds (and some mentees are minors), so a file
one member receives names the other by display name only, never by address.
"""

from __future__ import annotations

from datetime import UTC, datetime
from email.mime.base import MIMEBase
from email.mime.text import MIMEText
from email.utils import parseaddr

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

from accounts.models import User
from community.emails import absolute_url

from .models import MeetingStatus, ScheduledMeeting

REQUEST = "REQUEST"
CANCEL = "CANCEL"
FILENAME = "invite.ics"


def method_for(meeting: ScheduledMeeting) -> str | None:
    """REQUEST while the meeting stands (confirmed, or moved and waiting for an answer after
    it was confirmed), CANCEL once a confirmed meeting is cancelled; None for a proposal no
    calendar holds yet, or one that was declined or withdrawn before it was confirmed."""
    if not meeting.is_in_calendars:
        return None
    if meeting.status in (MeetingStatus.ACCEPTED, MeetingStatus.PROPOSED):
        return REQUEST
    if meeting.status == MeetingStatus.CANCELLED:
        return CANCEL
    return None


def uid_of(meeting: ScheduledMeeting) -> str:
    host = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
    return f"meeting-{meeting.uid}@{host or 'rounds'}"


def _organizer() -> vCalAddress:
    _name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    organizer = vCalAddress(f"mailto:{address or 'noreply@localhost'}")
    organizer.params["cn"] = vText(settings.SITE_NAME)
    return organizer


def _attendee(recipient: User, method: str) -> vCalAddress | None:
    if not recipient.email:
        return None
    attendee = vCalAddress(f"mailto:{recipient.email}")
    attendee.params["cn"] = vText(recipient.display_name or recipient.handle)
    attendee.params["role"] = vText("REQ-PARTICIPANT")
    # Both members agreed on Rounds: the calendar app need not ask again.
    attendee.params["partstat"] = vText("DECLINED" if method == CANCEL else "ACCEPTED")
    attendee.params["rsvp"] = vText("FALSE")
    return attendee


def invitation(
    meeting: ScheduledMeeting, *, recipient: User, method: str, now: datetime | None = None
) -> bytes:
    """The calendar file of `meeting` for `recipient` (one of its two members) with
    `method` (REQUEST or CANCEL). The mentorship and its members must be loaded."""
    mentorship = meeting.mentorship
    other = mentorship.other_side(recipient)
    other_name = other.display_name or other.handle
    calendar = Calendar()
    calendar.add("prodid", f"-//{settings.SITE_NAME}//Mentoring meetings//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    event = Event()
    event.add("uid", uid_of(meeting))
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", (now or timezone.now()).astimezone(UTC))
    event.add("dtstart", meeting.starts_at.astimezone(UTC))
    event.add("dtend", meeting.ends_at.astimezone(UTC))
    event.add("summary", f"Mentoring meeting with {other_name}")
    link = absolute_url(mentorship.get_absolute_url())
    lines = [f"Your mentoring meeting with {other_name} on {settings.SITE_NAME}.", link]
    if meeting.video_url:
        lines.insert(1, f"Video call: {meeting.video_url}")
        event.add("location", meeting.video_url)
        event.add("url", meeting.video_url)
    elif meeting.place:
        event.add("location", meeting.place)
    else:
        lines.insert(1, "You meet in your conversation on the mentorship page.")
        event.add("location", link)
    event.add("description", "\n".join(lines))
    if method == CANCEL:
        event.add("status", "CANCELLED")
    else:
        event.add(
            "status", "CONFIRMED" if meeting.status == MeetingStatus.ACCEPTED else "TENTATIVE"
        )
    event.add("organizer", _organizer())
    attendee = _attendee(recipient, method)
    if attendee is not None:
        event.add("attendee", attendee)
    calendar.add_component(event)
    return calendar.to_ical()


def _loaded(meeting: ScheduledMeeting) -> ScheduledMeeting:
    if "mentorship" in meeting._state.fields_cache:
        return meeting
    return ScheduledMeeting.objects.select_related("mentorship__mentor", "mentorship__mentee").get(
        pk=meeting.pk
    )


def invitation_attachment(meeting: ScheduledMeeting, *, recipient: User) -> MIMEBase | None:
    """The meeting's current calendar file as a MIME part (text/calendar with its method,
    as calendar apps expect it), or None when there is nothing to put in a calendar."""
    method = method_for(meeting)
    if method is None:
        return None
    meeting = _loaded(meeting)
    if not meeting.mentorship.has_member(recipient):
        return None
    content = invitation(meeting, recipient=recipient, method=method).decode()
    part = MIMEText(content, "calendar", "utf-8")
    part.set_param("method", method)
    part.add_header("Content-Disposition", "attachment", filename=FILENAME)
    return part
