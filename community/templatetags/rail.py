"""The right rail: what helps a reader act next, beside every page that has room for it.

`{% right_rail %}` renders `_rail.html` for the reader in context: upcoming live Q&As they
may read, the campaigns running now, the week's trending hashtags, and, by who they are,
mentors suggested for a student or the mentor requests waiting for a physician. Each block
reads through the selectors that own its privacy (live Q&As and hashtag counts through
`Post.objects.visible_to`, mentors through `MentorProfile.objects.visible_to`), on a fixed
number of queries whatever the data; what is the same for everyone (the running campaigns,
the week's candidate hashtags) comes from the cache.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.contrib.auth.models import AnonymousUser

from accounts.models import User
from mentoring.matching import suggest_mentors
from mentoring.models import MenteePreferences
from mentoring.selectors import pending_request_count
from mentoring.workflow import mentee_stage
from posts.selectors import running_campaigns, trending_hashtags, upcoming_events

register = template.Library()

SUGGESTED_MENTORS_COUNT = 3
RAIL_CAMPAIGNS_COUNT = 3


def _reader(context: template.Context) -> User | AnonymousUser:
    user = context.get("user")
    if user is None and context.get("request") is not None:
        user = context["request"].user
    return user if user is not None else AnonymousUser()


def _student_block(member: User) -> dict[str, Any]:
    """For a member who may be mentored: their best suggested mentors, or a prompt to say
    what they are looking for."""
    preferences = MenteePreferences.objects.filter(user=member).first()
    if preferences is None:
        return {"is_mentee": True, "has_preferences": False, "suggestions": []}
    return {
        "is_mentee": True,
        "has_preferences": True,
        "suggestions": suggest_mentors(
            member, limit=SUGGESTED_MENTORS_COUNT, preferences=preferences
        ),
    }


@register.inclusion_tag("_rail.html", takes_context=True)
def right_rail(context: template.Context) -> dict[str, Any]:
    """The right rail for the reader in context (`user`, else `request.user`)."""
    reader = _reader(context)
    rail: dict[str, Any] = {
        "user": reader,
        "events": upcoming_events(reader),
        "campaigns": running_campaigns()[:RAIL_CAMPAIGNS_COUNT],
        "trending": trending_hashtags(reader),
        "is_mentee": False,
        "has_preferences": False,
        "suggestions": [],
        "pending_requests": None,
    }
    if isinstance(reader, User) and reader.is_authenticated:
        if mentee_stage(reader) is not None:
            rail.update(_student_block(reader))
        if reader.is_clinician:
            rail["pending_requests"] = pending_request_count(reader)
    return rail
