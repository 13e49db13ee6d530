"""The right rail: what helps a reader act next, beside every page that has room for it.

`{% right_rail %}` renders `_rail.html` for the reader in context: upcoming live Q&As they
may read, the campaigns running now, the week's trending hashtags, and, by who they are,
mentors suggested for a student or the mentor requests waiting for a physician. Each block
reads through the selectors that own its privacy (live Q&As and hashtag counts through
`Post.objects.visible_to`, mentors through `MentorProfile.objects.visible_to`), on a fixed
number of queries whatever the data; what is the same for everyone (the running campaigns,
the week's candidate hashtags) comes from the cache.

The rendered rail is kept in the process's fragment cache for a minute per reader (visitors
share one), so a page with a warm rail spends no query on it: a new live Q&A or mentor
request reaches the rail within a minute (the pages it links to are exact). The reader's
walls are part of the key, so blocking someone takes them out of the rail at once. A rail
with nothing to show renders nothing, and the page then gives its column to the content.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django import template
from django.contrib.auth.models import AnonymousUser
from django.core.cache import caches
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from accounts.models import User
from accounts.selectors import walled_off_ids
from mentoring.matching import suggest_mentors
from mentoring.models import MenteePreferences
from mentoring.selectors import pending_request_count
from mentoring.workflow import mentee_stage
from posts.selectors import running_campaigns, trending_hashtags, upcoming_events

register = template.Library()

SUGGESTED_MENTORS_COUNT = 3
RAIL_CAMPAIGNS_COUNT = 3
# How long a reader's rendered rail is reused (seconds).
RAIL_SECONDS = 60


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


def _cache_key(reader: User | AnonymousUser) -> str:
    if not isinstance(reader, User) or not reader.is_authenticated:
        return "rail:visitor"
    walls = ",".join(str(pk) for pk in sorted(walled_off_ids(reader)))
    digest = hashlib.blake2b(walls.encode(), digest_size=8).hexdigest()
    return f"rail:{reader.pk}:{reader.time_zone}:{digest}"


@register.simple_tag(takes_context=True)
def right_rail(context: template.Context) -> SafeString:
    """The right rail for the reader in context (`user`, else `request.user`), or nothing
    when none of its blocks has something to show."""
    reader = _reader(context)
    key = _cache_key(reader)
    html = caches["fragments"].get(key)
    if html is None:
        blocks = rail_blocks(reader)
        shows_something = any(
            blocks[name]
            for name in ("events", "campaigns", "trending", "is_mentee", "pending_requests")
        )
        html = render_to_string("_rail.html", blocks) if shows_something else ""
        caches["fragments"].set(key, html, RAIL_SECONDS)
    # The template escapes every value it shows; the cache holds only its output.
    return mark_safe(html)  # nosec


def rail_blocks(reader: User | AnonymousUser) -> dict[str, Any]:
    """What each block of the rail shows to `reader`."""
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
