"""Template helpers for mentoring pages."""

from __future__ import annotations

from django import template

from mentoring.vocabulary import labels

register = template.Library()


@register.filter
def labelled(codes: list[str], vocabulary: dict[str, str]) -> list[str]:
    """Labels for stored codes: {{ profile.areas|labelled:area_labels|join:", " }}."""
    return labels(codes or [], vocabulary or {})
