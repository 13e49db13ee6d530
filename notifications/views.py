"""The notifications page, read marks, email preferences and the unsubscribe link."""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from accounts.http import AuthenticatedHttpRequest
from accounts.models import User
from accounts.permissions import participant_required
from community.ratelimit import rate_limited

from . import services
from .forms import PreferencesForm
from .models import SECURITY_KINDS, Kind, Notification, PushSubscription
from .selectors import (
    NotificationItem,
    devices_for,
    email_problem_for,
    member_time_zone,
    notifications_page,
    preferences_for,
    push_preferences_for,
    unread_count,
)
from .services import push


def _member(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next", "")
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("notifications:list")


@login_required
def notification_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The member's notifications, newest first, grouped by their local day."""
    member = _member(request)
    try:
        page = notifications_page(viewer=member, cursor=request.GET.get("before") or None)
    except ValueError:
        return HttpResponseBadRequest("That page link is not valid.")
    context = {
        "page": page,
        "time_zone": member_time_zone(member),
        "is_first_page": not request.GET.get("before"),
    }
    return render(request, "notifications/list.html", context)


@login_required
@require_POST
def mark_read(request: AuthenticatedHttpRequest, notification_id: int) -> HttpResponse:
    """Mark one notification read; another member's notification is a 404."""
    member = _member(request)
    try:
        notification = services.mark_read(user=member, notification_id=notification_id)
    except Notification.DoesNotExist as error:
        raise Http404("No such notification.") from error
    if request.htmx:
        # The item is re-rendered in place; its availability is unchanged by reading it.
        context = {
            "item": NotificationItem(notification, is_available=True),
            "time_zone": member_time_zone(member),
            "unread_notification_count": unread_count(member),
            "bell_oob": True,
        }
        return render(request, "notifications/_read_response.html", context)
    return redirect(_next_url(request))


@login_required
@require_POST
def mark_all_read(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Mark every notification of the member read."""
    changed = services.mark_all_read(user=_member(request))
    if changed:
        messages.success(request, "All notifications are marked as read.")
    return redirect("notifications:list")


@login_required
def preferences(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Per kind: email immediately, in the daily digest, or not at all; and, when the site
    has push, whether it is pushed to the member's devices, with the list of those."""
    member = _member(request)
    current = preferences_for(member)
    push_on = push.push_enabled()
    form = PreferencesForm(
        request.POST or None,
        initial_choices=current,
        push_choices=push_preferences_for(member) if push_on else None,
    )
    if request.method == "POST" and form.is_valid():
        services.set_preferences(
            user=member, choices=form.email_choices(), push=form.push_choices()
        )
        noun = "notification" if push_on else "email"
        messages.success(request, f"Your {noun} preferences are saved.")
        return redirect("notifications:preferences")
    context = {
        "form": form,
        "push_enabled": push_on,
        "vapid_public_key": settings.VAPID_PUBLIC_KEY if push_on else "",
        "devices": devices_for(member) if push_on else [],
        "security_kinds": [Kind(kind).label for kind in Kind if kind in SECURITY_KINDS],
        "email_problem": email_problem_for(member),
        "retry_days": services.RETRY_WINDOW.days,
    }
    return render(request, "notifications/preferences.html", context)


@login_required
@require_POST
@rate_limited("email_retry")
def retry_email(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Send the member's own failed emails of the last days again, once per failure."""
    member = _member(request)
    queued = services.retry_failed_email(member=member)
    if queued:
        noun = "email" if queued == 1 else "emails"
        messages.success(
            request,
            f"Sending {queued} {noun} again to {member.email}. "
            "If it fails again, this page will say so.",
        )
    else:
        messages.info(request, "There is no failed email to send again.")
    return redirect("notifications:preferences")


# A browser's PushSubscription as JSON is a few hundred bytes.
MAX_SUBSCRIPTION_BYTES = 4096


def _json_error(message: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


@participant_required
@require_POST
def push_subscribe(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Turn push on for this device: the body is the browser's PushSubscription as JSON.
    The same endpoint again updates its row."""
    if not push.push_enabled():
        return _json_error("Push notifications are not available on this site.", status=404)
    length = request.META.get("CONTENT_LENGTH") or "0"
    if not length.isdigit() or int(length) > MAX_SUBSCRIPTION_BYTES:
        return _json_error(
            f"The subscription must be at most {MAX_SUBSCRIPTION_BYTES} bytes of JSON.",
            status=413,
        )
    try:
        data = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        return _json_error("The body must be JSON: the browser's push subscription.")
    try:
        subscription = push.subscribe(
            member=_member(request),
            data=push.check_subscription(data, allow_local=settings.DEBUG or settings.TESTING),
            user_agent=request.headers.get("User-Agent", "")[:500],
        )
    except push.InvalidSubscription as error:
        return _json_error(str(error))
    return JsonResponse({"id": subscription.pk, "label": subscription.user_agent_label}, status=201)


@login_required
@require_POST
def push_remove(request: AuthenticatedHttpRequest, device_id: int) -> HttpResponse:
    """Turn push off for one of the member's devices; another member's device is a 404."""
    try:
        push.remove_subscription(member=_member(request), subscription_id=device_id)
    except PushSubscription.DoesNotExist as error:
        raise Http404("No such device.") from error
    messages.success(request, "Push notifications are off for that device.")
    return redirect(reverse("notifications:preferences") + "#push")


# The signed token is the authority here, not a session: mail clients POST the RFC 8058
# one-click body ("List-Unsubscribe=One-Click") without any cookie or CSRF token.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks to confirm; POST (the form or a mail client's one-click) turns email off."""
    try:
        member, scope = services.read_unsubscribe_token(token)
    except (signing.BadSignature, User.DoesNotExist):
        return render(request, "notifications/unsubscribe.html", {"is_invalid": True}, status=400)
    label = "Daily digest" if scope == services.DIGEST_SCOPE else Kind(scope).label
    if request.method == "POST":
        services.unsubscribe(user=member, scope=scope)
        return render(request, "notifications/unsubscribe.html", {"label": label, "is_done": True})
    return render(request, "notifications/unsubscribe.html", {"label": label, "token": token})
