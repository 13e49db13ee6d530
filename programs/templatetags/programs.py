"""Template tags of programs: `{% program_progress mentorship viewer %}` shows a program
pair its program, milestones and surveys in the mentorship space."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from mentoring.models import Mentorship, MentorshipStatus

from ..progress import pair_progress

register = template.Library()


@register.inclusion_tag("programs/milestones_progress.html", takes_context=True)
def program_progress(
    context: template.Context, mentorship: Mentorship, viewer: Any
) -> dict[str, Any]:
    """The program progress of `mentorship` for `viewer`, one of its members; nothing for a
    mentorship outside programs or for anyone else (a moderator reading a report). Two
    queries for a program pair; one otherwise, none when the mentorship was loaded with its
    pair (mentoring.selectors.mentorship_access)."""
    empty: dict[str, Any] = {"progress": None}
    if not getattr(viewer, "is_authenticated", False) or not mentorship.has_member(viewer):
        return empty
    # The mentorship space loads the pair with the mentorship: none there, no query here.
    if Mentorship.program_pair.is_cached(mentorship) and (
        getattr(mentorship, "program_pair", None) is None
    ):
        return empty
    today = timezone.localdate()
    progress = pair_progress(mentorship.pk, viewer, today=today)
    if progress is None:
        return empty
    return {
        "progress": progress,
        "mentorship": mentorship,
        "is_active": mentorship.status == MentorshipStatus.ACTIVE,
        "today": today,
        "csrf_token": context.get("csrf_token"),
    }
