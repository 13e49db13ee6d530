"""Template helpers for mentoring pages: vocabulary labels and mentor cards."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import template
from django.utils.safestring import SafeString

from community.perf.fragments import render_cached
from mentoring.models import MentorProfile
from mentoring.vocabulary import labels

register = template.Library()


@register.filter
def labelled(codes: list[str], vocabulary: dict[str, str]) -> list[str]:
    """Labels for stored codes: {{ profile.areas|labelled:area_labels|join:", " }}."""
    return labels(codes or [], vocabulary or {})


@register.simple_tag(takes_context=True)
def mentor_card(context: Any, profile: MentorProfile, reasons: Sequence[str] = ()) -> SafeString:
    """`mentoring/_mentor_card.html` for `profile` (from MentorProfile.objects.for_cards()),
    reused while nothing it shows changes (community.perf.fragments)."""
    parts = (
        profile.pk,
        profile.user.byline_values,
        profile.rating_average,
        profile.rating_count,
        profile.statement,
        profile.areas,
        profile.specialties,
        profile.stages,
        profile.languages,
        profile.meeting_modes,
        profile.time_zone,
        profile.is_accepting,
        profile.capacity,
        profile.active_mentee_count,
        tuple(reasons),
    )
    return render_cached(
        context, "mentoring/_mentor_card.html", parts, {"profile": profile, "reasons": reasons}
    )
