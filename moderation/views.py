"""Member-facing moderation pages: reporting what members see, and reading and appealing
the decisions moderators took about them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from accounts.http import AuthenticatedHttpRequest
from accounts.models import User
from accounts.permissions import participant_required
from community.errors import Refused, refusal_messages
from community.ratelimit import rate_limited
from mentoring.models import Message
from mentoring.selectors import message_for_member
from posts.models import Comment, Post

from .forms import AppealForm, ContactForm, ReportForm
from .selectors import decision_for, decisions_for
from .services import (
    APPEALABLE,
    AlreadyReported,
    file_appeal,
    file_report,
    has_open_report,
    send_contact_message,
)

_Item = TypeVar("_Item", bound=models.Model)


@dataclass(frozen=True)
class Reportable(Generic[_Item]):
    """A kind of item members can report: how to find it as the reporter sees it, and
    whose it is (nobody reports their own)."""

    model: type[_Item]
    label: str
    lookup: Callable[[User, int], _Item | None]
    owner_id: Callable[[_Item], int]


def _post(viewer: User, pk: int) -> Post | None:
    return Post.objects.visible_to(viewer).filter(pk=pk).first()


def _comment(viewer: User, pk: int) -> Comment | None:
    return Comment.objects.visible_to(viewer).alive().filter(pk=pk).first()


def _profile(viewer: User, pk: int) -> User | None:
    return User.objects.visible_to(viewer).filter(pk=pk).first()


# Kinds of reportable items, by the name used in URLs. Other apps add theirs here.
# Each entry is checked against its own model; the table holds items of any of them.
REPORTABLE: dict[str, Reportable[Any]] = {
    "post": Reportable(Post, "post", _post, lambda item: item.author_id),
    "comment": Reportable(Comment, "comment", _comment, lambda item: item.author_id),
    "profile": Reportable(User, "profile", _profile, lambda item: item.pk),
    # Only the pair sees a mentorship message, so only they can report one.
    "message": Reportable(Message, "message", message_for_member, lambda item: item.sender_id),
}


@participant_required
@rate_limited("report")
@require_http_methods(["GET", "POST"])
def report(request: AuthenticatedHttpRequest, kind: str, pk: int) -> HttpResponse:
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
        except (ValidationError, Refused) as error:
            for text in refusal_messages(error):
                form.add_error(None, text)
        else:
            messages.success(request, "Thank you. Moderators will review your report.")
            return redirect(target.get_absolute_url())
    context = {
        "form": form,
        "target": target,
        "kind": kind,
        "label": reportable.label,
        "already": already,
        "is_own": is_own,
    }
    return render(request, "moderation/report.html", context)


# --- Decisions about the member, and appeals ----------------------------------------------
# Plain sign-in, not participant_required: a suspended member must be able to read why
# and to appeal.


@login_required
@require_GET
def decisions(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The moderators' decisions about the signed-in member."""
    context = {"decisions": decisions_for(request.user)}
    return render(request, "moderation/decisions.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def decision(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """One decision about the member, its reason, and one appeal (404 for anyone else)."""
    action = decision_for(request.user, pk)
    if action is None:
        raise Http404("No such decision.")
    appeal = getattr(action, "appeal", None)
    may_appeal = appeal is None and action.kind in APPEALABLE
    form = AppealForm(request.POST or None) if may_appeal else None
    if request.method == "POST":
        if form is None:
            messages.info(request, "This decision has already been appealed.")
            return redirect("moderation:decision", pk=action.pk)
        if form.is_valid():
            try:
                file_appeal(member=request.user, action=action, text=form.cleaned_data["text"])
            except (ValidationError, Refused) as error:
                for text in refusal_messages(error):
                    form.add_error(None, text)
            else:
                messages.success(request, "Your appeal is with the moderators.")
                return redirect("moderation:decision", pk=action.pk)
    context = {
        "action": action,
        "appeal": appeal,
        "form": form,
        "item": action.target if action.target_type is not None else None,
    }
    status = 400 if form is not None and form.is_bound and form.errors else 200
    return render(request, "moderation/decision.html", context, status=status)


# --- The contact page -----------------------------------------------------------------------

CONTACT_SENT_MESSAGE = "Thank you: your message is with the team. We answer by email."


@rate_limited("contact", visitors=True)
@require_http_methods(["GET", "POST"])
def contact(request: HttpRequest) -> HttpResponse:
    """Anyone, signed in or not, may write to the team; a member's email is filled in."""
    sender = request.user if isinstance(request.user, User) else None
    initial = {"email": sender.email} if sender is not None else {}
    form = ContactForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        # A filled-in trap is answered like a success, so a bot learns nothing, and kept
        # nowhere.
        if not form.is_from_a_bot:
            send_contact_message(
                topic=form.cleaned_data["topic"],
                email=form.cleaned_data["email"],
                message=form.cleaned_data["message"],
                sender=sender,
            )
        messages.success(request, CONTACT_SENT_MESSAGE)
        return redirect("contact")
    status = 400 if form.is_bound else 200
    return render(request, "pages/contact.html", {"form": form}, status=status)
