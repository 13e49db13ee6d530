"""Profile pages, follow/mute/block, profile settings, verification, export and deletion."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from allauth.account.decorators import reauthentication_required
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from posts.selectors import posts_by_author, upcoming_events

from . import selectors, services
from .forms import DeleteAccountForm, ProfileForm, VerificationForm
from .http import AuthenticatedHttpRequest
from .languages import LANGUAGES
from .models import CLINICIAN_ROLES, User, VerificationRequest, VerificationStatus
from .moderators import actor_of, may_moderate
from .permissions import ParticipationDenied, participant_required, participation_problem

# The latest posts shown on a profile; the rest are one link away.
PROFILE_POSTS = 5


def _member_or_404(request: HttpRequest, handle: str) -> User:
    """The member if the viewer may see them: walled-off members and hidden profiles 404."""
    member = User.objects.visible_to(request.user).filter(handle=handle).first()
    if member is None:
        raise Http404("No such member.")
    return member


def _back(request: HttpRequest, fallback: str) -> HttpResponse:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(fallback)


def _refused(request: HttpRequest, error: ParticipationDenied) -> HttpResponse:
    return render(
        request,
        "accounts/cannot_participate.html",
        {"reason": error.message, "code": error.code},
        status=403,
    )


# --- Profile ---------------------------------------------------------------------------


@require_GET
def profile(request: HttpRequest, handle: str) -> HttpResponse:
    """A member's profile; 404 for visitors when it is members-only (always for minors) and
    for anyone on the other side of a block."""
    member = selectors.profile_for(request.user, handle)
    if member is None:
        raise Http404("No such member.")
    context = {
        "member": member,
        "relation": selectors.relation_between(request.user, member),
        "is_self": request.user.is_authenticated and request.user.pk == member.pk,
        "language_names": [LANGUAGES[code] for code in member.languages if code in LANGUAGES],
        "profile_posts": posts_by_author(request.user, member, limit=PROFILE_POSTS),
        # The live Q&As they host or co-host that are on now.
        "live_events": [
            event for event in upcoming_events(request.user, hosted_by=member) if event.is_live
        ],
    }
    return render(request, "accounts/profile.html", context)


@require_GET
def follow_list(request: HttpRequest, handle: str, direction: str) -> HttpResponse:
    """Followers or followed members, only those the viewer may see, newest first."""
    member = _member_or_404(request, handle)
    before = request.GET.get("before", "")
    rows, next_cursor = selectors.follow_page(
        request.user,
        member,
        direction=direction,
        before=int(before) if before.isdigit() else None,
    )
    people = [row.follower if direction == "followers" else row.followee for row in rows]
    context = {
        "member": member,
        "direction": direction,
        "people": people,
        "next_cursor": next_cursor,
    }
    return render(request, "accounts/follow_list.html", context)


def _relation_action(
    action: Callable[[User, User], Any], message: str
) -> Callable[[AuthenticatedHttpRequest, str], HttpResponse]:
    """A POST view that applies `action(actor, other)` and goes back (or, with htmx,
    returns the refreshed relation buttons)."""

    @login_required
    @require_POST
    def view(request: AuthenticatedHttpRequest, handle: str) -> HttpResponse:
        other = User.objects.filter(handle=handle, is_active=True).first()
        if other is None:
            raise Http404("No such member.")
        try:
            action(request.user, other)
        except services.MemberUnavailable as error:
            raise Http404("No such member.") from error
        except ParticipationDenied as error:
            return _refused(request, error)
        except services.AccountActionError as error:
            messages.error(request, error.message)
            return _back(request, other.get_absolute_url())
        announcement = message.format(name=other.display_name)
        refreshed = selectors.profile_for(request.user, other.handle)
        if refreshed is None:
            # After a block the profile is gone for the blocker too: go where it can be undone.
            messages.success(request, announcement)
            if request.htmx:
                response = HttpResponse(status=204)
                response["HX-Redirect"] = reverse("accounts:blocked")
                return response
            return redirect("accounts:blocked")
        if request.htmx:
            context = {
                "member": refreshed,
                "relation": selectors.relation_between(request.user, refreshed),
                "announce": announcement,
            }
            return render(request, "accounts/_relation_buttons.html", context)
        messages.success(request, announcement)
        return _back(request, other.get_absolute_url())

    return view


follow = _relation_action(
    lambda actor, other: services.follow(follower=actor, followee=other),
    "You now follow {name}.",
)
unfollow = _relation_action(
    lambda actor, other: services.unfollow(follower=actor, followee=other),
    "You no longer follow {name}.",
)
mute = _relation_action(
    lambda actor, other: services.mute(muter=actor, muted=other),
    "You muted {name}: their posts no longer appear in your feeds.",
)
unmute = _relation_action(
    lambda actor, other: services.unmute(muter=actor, muted=other),
    "You unmuted {name}.",
)
block = _relation_action(
    lambda actor, other: services.block(blocker=actor, blocked=other),
    "You blocked {name}. Neither of you can see or reach the other now.",
)
unblock = _relation_action(
    lambda actor, other: services.unblock(blocker=actor, blocked=other),
    "You unblocked {name}.",
)


@login_required
@require_GET
def blocked(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Members the viewer blocked or muted, with buttons to undo."""
    blocks, mutes = selectors.blocked_and_muted(request.user)
    return render(request, "accounts/blocked.html", {"blocks": blocks, "mutes": mutes})


@participant_required
@require_http_methods(["GET", "POST"])
def profile_edit(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Edit one's own profile and photo."""
    member = request.user
    form = ProfileForm(request.POST or None, request.FILES or None, instance=member)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            services.update_profile(member=member, **form.profile_changes())
            if form.cleaned_data.get("avatar") is not None:
                services.set_avatar(member=member, image=form.cleaned_data["avatar"])
            elif form.cleaned_data.get("remove_avatar"):
                services.remove_avatar(member=member)
        messages.success(request, "Your profile is saved.")
        return redirect(member.get_absolute_url())
    if request.method == "POST":
        # A failed ModelForm has already written the bad values onto the instance.
        member.refresh_from_db()
    return render(request, "accounts/profile_edit.html", {"form": form, "member": member})


# --- Verification ----------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def verification(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A physician's or resident's verification status, and the form to ask for it."""
    member = request.user
    latest = VerificationRequest.objects.filter(member=member).first()
    can_submit = member.role in CLINICIAN_ROLES and member.verification_status in (
        VerificationStatus.UNVERIFIED,
        VerificationStatus.REJECTED,
    )
    form = VerificationForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if not can_submit:
            messages.error(request, "You can't send a verification request now.")
            return redirect("accounts:verification")
        problem = participation_problem(member)
        if problem is not None:
            return _refused(request, problem)
        if form.is_valid():
            document, content_type = form.cleaned_data["document"]
            try:
                services.submit_verification(
                    member=member,
                    method=form.cleaned_data["method"],
                    npi=form.cleaned_data["npi"],
                    licence_body=form.cleaned_data["licence_body"],
                    licence_number=form.cleaned_data["licence_number"],
                    country=form.cleaned_data["country"] or "",
                    document=document,
                    document_content_type=content_type,
                )
            except services.AccountActionError as error:
                messages.error(request, error.message)
                return redirect("accounts:verification")
            messages.success(request, "Thank you. A moderator will review your request.")
            return redirect("accounts:verification")
    context = {"member": member, "latest": latest, "can_submit": can_submit, "form": form}
    return render(request, "accounts/verification.html", context)


def _moderator_only(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not may_moderate(actor_of(request), "accounts.view_verificationrequest"):
            # Not a 403: outsiders (staff without two-factor among them) learn nothing,
            # not even that the document exists.
            raise Http404("No such document.")
        return view(request, *args, **kwargs)

    return wrapper


@require_GET
@_moderator_only
def verification_document(request: HttpRequest, pk: int) -> FileResponse:
    """The document of a verification request, for site moderators only (accounts.moderators)."""
    verification_request = get_object_or_404(VerificationRequest, pk=pk)
    if not verification_request.document:
        raise Http404("No such document.")
    try:
        handle = verification_request.document.open("rb")
    except FileNotFoundError as error:
        raise Http404("No such document.") from error
    extension = {"application/pdf": "pdf", "image/webp": "webp"}.get(
        verification_request.document_content_type, "bin"
    )
    response = FileResponse(
        handle,
        content_type=verification_request.document_content_type,
        as_attachment=True,
        filename=f"verification-{verification_request.pk}.{extension}",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# --- Data rights -----------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def export(request: AuthenticatedHttpRequest) -> HttpResponse:
    """GET explains; POST downloads everything about the member as JSON."""
    member = request.user
    if request.method == "GET":
        return render(request, "accounts/export.html", {})
    data = services.export_member_data(member=member)
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False),
        content_type="application/json; charset=utf-8",
    )
    stamp = timezone.now().strftime("%Y-%m-%d")
    response["Content-Disposition"] = (
        f'attachment; filename="{settings.SITE_NAME.lower()}-{member.handle}-{stamp}.json"'
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@reauthentication_required
@require_http_methods(["GET", "POST"])
def delete(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Delete one's account after signing in again; the member chooses what happens to
    their posts and comments."""
    member = request.user
    form = DeleteAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.delete_account(member=member, keep_content=form.keep_content)
        logout(request)
        messages.success(request, "Your account has been deleted. Thank you for being here.")
        return redirect("home")
    return render(request, "accounts/delete.html", {"form": form})
