"""Signing in, and reading the signed-in member for each request.

Every page a member reads asks three things about them besides their row: who is walled off
from them (`selectors.walled_off_ids`, for every list), how many notifications they have
not read (the bell in the header) and whether they have confirmed an email address (which
controls they are offered, `permissions.participation_problem`). On a read-only request
(GET or HEAD, inside `middleware.ReadWallsOnceMiddleware`) all three are read in the query
that reads the member for the session, instead of in more queries on every page. Requests
that may change any of them read them afresh, as before.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from allauth.account.auth_backends import AuthenticationBackend
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from community.perf.compiled import CompiledQueries

from .models import User
from .selectors import (
    HasConfirmedEmail,
    WalledOffIds,
    parse_walled_off_ids,
    remember_walls_for_request,
    request_walls,
)

# A mixin for the backends below; to the type checker it is the ModelBackend it comes before.
if TYPE_CHECKING:
    _Backend = ModelBackend
else:
    _Backend = object


class _ReadsMemberWithWallsAndUnreadCount(_Backend):
    def get_user(self, user_id: Any) -> User | None:
        if request_walls.get() is None:
            return super().get_user(user_id)
        try:
            pk = User._meta.pk.to_python(user_id)
        except ValidationError:
            return None
        rows = _MEMBER_QUERIES.rows("member", _member_with_what_pages_ask, pk=pk)
        user = rows[0] if rows else None
        if user is None or not self.user_can_authenticate(user):
            return None
        walled = parse_walled_off_ids(user.walled_ids)  # type: ignore[attr-defined]
        remember_walls_for_request(user, walled)
        return user


def _member_with_what_pages_ask(pk: int) -> QuerySet[User]:
    """The member `pk` with what every page asks of them (the module's docstring)."""
    # Imported here: the notifications app itself imports from accounts.
    from notifications.selectors import UnreadCount

    return User._default_manager.annotate(
        walled_ids=WalledOffIds(),
        unread_notification_count=UnreadCount(),
        # What accounts.permissions.participation_problem asks on every page that shows a
        # control the member might not be allowed to use.
        has_verified_email=HasConfirmedEmail(),
    ).filter(pk=pk)


# Read on every read-only request: built and compiled once (community/perf/compiled.py).
_MEMBER_QUERIES: CompiledQueries[User] = CompiledQueries(
    User, stand_ins={"pk": (-9_000_000_001, -9_000_000_002)}
)


class MemberModelBackend(_ReadsMemberWithWallsAndUnreadCount, ModelBackend):
    """Django's backend (the admin's sign-in, and tests' force_login)."""


class MemberAuthenticationBackend(_ReadsMemberWithWallsAndUnreadCount, AuthenticationBackend):
    """allauth's backend (sign-in by email)."""
