"""Refusals: the one base for "the service would not do this", whatever the app."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError


class Refused(PermissionDenied):
    """A service would not do what was asked, for a reason the person who asked can act on.

    `message` is written for them; `code` names the reason for tests and logs. Each app
    raises its own subclass (accounts.permissions.ParticipationDenied, accounts.services
    .AccountActionError and MemberUnavailable, posts.services.NotAllowed, mentoring.workflow
    .Refused, moderation.services.ModerationRefused and AlreadyReported). Views catch it
    where the page can say why (`refusal_messages`); one they leave is a PermissionDenied,
    which Django answers with the 403 page, showing the message (community.views), never a 500.
    """

    code = "refused"

    def __init__(self, message: str, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code

    def __str__(self) -> str:
        return self.message


def refusal_messages(error: ValidationError | PermissionDenied) -> list[str]:
    """What to show the member for a refused write or invalid input."""
    if isinstance(error, ValidationError):
        return list(error.messages)
    if isinstance(error, Refused):
        return [error.message]
    return [str(error) or "You can't do that."]
