"""What the signed-in member may not do yet, for every template."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from .permissions import participation_problem


def participation(request: HttpRequest) -> dict[str, Any]:
    """`participation_problem`: why the member may not post, comment, react, follow or ask
    for a mentor (a ParticipationDenied with `code` and `message`), or None. Templates show
    the reason in place of those controls, from the rule the services enforce. Worked out
    only when a template asks; visitors get nothing (their pages offer "Sign in")."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"participation_problem": SimpleLazyObject(lambda: participation_problem(user))}
