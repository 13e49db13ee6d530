"""Member-facing moderation pages: reporting a post, a comment or a profile."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts.models import User
from accounts.permissions import participant_required
from mentoring.models import Message
from mentoring.selectors import message_for_member
from posts.models import Comment, Post

from .forms import ReportForm
from .services import AlreadyReported, file_report, has_open_report


@dataclass(frozen=True)
class Reportable:
    """A kind of item members can report: how to find it as the reporter sees it, and
    whose it is (nobody reports their own)."""

    model: type[models.Model]
    label: str
    lookup: Callable[[User, int], models.Model | None]
    owner_id: Callable[[models.Model], int]


def _post(viewer: User, pk: int) -> Post | None:
    return Post.objects.visible_to(viewer).filter(pk=pk).first()


def _comment(viewer: User, pk: int) -> Comment | None:
    return Comment.objects.visible_to(viewer).alive().filter(pk=pk).first()


def _profile(viewer: User, pk: int) -> User | None:
    return User.objects.visible_to(viewer).filter(pk=pk).first()


# Kinds of reportable items, by the name used in URLs. Other apps add theirs here.
REPORTABLE: dict[str, Reportable] = {
    "post": Reportable(Post, "post", _post, lambda item: item.author_id),
    "comment": Reportable(Comment, "comment", _comment, lambda item: item.author_id),
    "profile": Reportable(User, "profile", _profile, lambda item: item.pk),
    # Only the pair sees a mentorship message, so only they can report one.
    "message": Reportable(Message, "message", message_for_member, lambda item: item.sender_id),
}


@participant_required
@require_http_methods(["GET", "POST"])
def report(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """Report an item the member can see; one open report per member per item."""
    reportable = REPORTABLE.get(kind)
    if reportable is None:
        raise Http404("Nothing to report here.")
    target = reportable.lookup(request.user, pk)
    if target is None:
        raise Http404("Nothing to report here.")
    is_own = reportable.owner_id(target) == request.user.pk
    already = not is_own and has_open_report(reporter=request.user, target=target)
    form = ReportForm(request.POST or None)
    if request.method == "POST" and not (is_own or already) and form.is_valid():
        try:
            file_report(
                reporter=request.user,
                target=target,
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
            )
        except AlreadyReported:
            # A double submit that raced past the check above: the constraint held.
            already = True
        except ValidationError as error:
            for text in error.messages:
                form.add_error(None, text)
        else:
            messages.success(request, "Thank you. Moderators will review your report.")
            return redirect(target.get_absolute_url())  # type: ignore[attr-defined]
    context = {
        "form": form,
        "target": target,
        "kind": kind,
        "label": reportable.label,
        "already": already,
        "is_own": is_own,
    }
    return render(request, "moderation/report.html", context)
