"""Web push: members' devices, and the push of a notification to each of them.

Delivery guarantee, as for email: the push rows (PushDelivery, one per device) are written
in the notification's transaction, so a broker outage loses none (`sweep_push_outbox`
queues what is due); a send claims its row with a conditional UPDATE, so two workers never
both send it, and the row is marked sent right after the push service accepted it. A worker
dying between that answer and the UPDATE is the one at-least-once edge. A push is news:
one still unsent after PUSH_MAX_AGE is given up rather than delivered late.

A push goes to a member only while they are away: not while they watch a live stream
(community.events.is_watching), where the page already shows it.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from kombu.exceptions import OperationalError as BrokerError
from pywebpush import WebPushException, webpush

from accounts.models import User
from community import events
from community.emails import absolute_url
from notifications.models import Notification, PushDelivery, PushStatus, PushSubscription
from notifications.selectors import push_wanted

logger = logging.getLogger(__name__)

# Devices one member may have push on; an old browser's subscription can be removed.
MAX_DEVICES = 10
MAX_ENDPOINT_LENGTH = 1000
# The push service keeps a message this long for a device that is offline.
PUSH_TTL_SECONDS = 3600
PUSH_TIMEOUT_SECONDS = 10
# A claim older than this belongs to a dead worker (the task's hard limit is far shorter).
PUSH_LEASE = dt.timedelta(minutes=5)
# Unsent after this long, a push is dropped: it would arrive as old news.
PUSH_MAX_AGE = dt.timedelta(hours=1)
# Claims over all deliveries of one row (task retries and sweeps); then it fails.
MAX_PUSH_ATTEMPTS = 6
SWEEP_GRACE = dt.timedelta(seconds=60)
RESWEEP_AFTER = dt.timedelta(minutes=5)
BODY_LENGTH = 140
# Answers meaning the subscription is gone for good (RFC 8030: expired or unsubscribed).
GONE_STATUSES = frozenset({404, 410})
# Answers worth trying again: the push service is busy or failing.
RETRY_STATUSES = frozenset({408, 425, 429})
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


def push_enabled() -> bool:
    """True when the VAPID keys are set; otherwise push is off and nothing is offered."""
    return bool(settings.VAPID_PUBLIC_KEY and settings.VAPID_PRIVATE_KEY)


# --- Devices ------------------------------------------------------------------------------


class InvalidSubscription(ValueError):
    """A subscription a browser could not have sent; the message says what is wrong."""


@dataclass(frozen=True)
class SubscriptionData:
    endpoint: str
    p256dh: str
    auth: str


def _key(value: object, *, name: str, length: int) -> str:
    if not isinstance(value, str) or not value or len(value) > 200:
        raise InvalidSubscription(f"keys.{name} must be a base64url string.")
    try:
        decoded = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError) as error:
        raise InvalidSubscription(f"keys.{name} is not base64url.") from error
    if len(decoded) != length:
        raise InvalidSubscription(f"keys.{name} must hold {length} bytes.")
    return value


def check_subscription(data: object, *, allow_local: bool = False) -> SubscriptionData:
    """Validate a browser's PushSubscription (its toJSON()); raise InvalidSubscription.

    Only https endpoints: the push service's address receives the member's pushes.
    `allow_local` admits http://localhost stand-ins (tests, DEBUG).
    """
    if not isinstance(data, dict):
        raise InvalidSubscription("Send the subscription as a JSON object.")
    endpoint = data.get("endpoint")
    keys = data.get("keys")
    if not isinstance(endpoint, str) or not endpoint:
        raise InvalidSubscription("The subscription has no endpoint.")
    if len(endpoint) > MAX_ENDPOINT_LENGTH:
        raise InvalidSubscription("The endpoint is too long.")
    parts = urlsplit(endpoint)
    is_local = parts.scheme == "http" and parts.hostname in LOCAL_HOSTS
    if not parts.hostname or not (parts.scheme == "https" or (allow_local and is_local)):
        raise InvalidSubscription("The endpoint must be an https:// address.")
    if not isinstance(keys, dict):
        raise InvalidSubscription("The subscription has no keys.")
    p256dh = _key(keys.get("p256dh"), name="p256dh", length=65)
    auth = _key(keys.get("auth"), name="auth", length=16)
    return SubscriptionData(endpoint=endpoint, p256dh=p256dh, auth=auth)


def user_agent_label(user_agent: str) -> str:
    """ "Firefox on Android", from a User-Agent header, for the member's list of devices."""
    browsers = [("Edg/", "Edge"), ("OPR/", "Opera"), ("Firefox/", "Firefox")]
    browsers += [("Chrome/", "Chrome"), ("Safari/", "Safari")]
    systems = [("Android", "Android"), ("iPhone", "iPhone"), ("iPad", "iPad")]
    systems += [("Windows", "Windows"), ("Mac OS X", "macOS"), ("CrOS", "ChromeOS")]
    systems += [("Linux", "Linux")]
    browser = next((name for token, name in browsers if token in user_agent), "A browser")
    system = next((name for token, name in systems if token in user_agent), "")
    return f"{browser} on {system}" if system else browser


@transaction.atomic
def subscribe(*, member: User, data: SubscriptionData, user_agent: str = "") -> PushSubscription:
    """Turn push on for one of `member`'s devices; the same endpoint again updates its row.

    An endpoint another member had moves to this member: it is the same browser, now
    theirs, and the other member's pushes must stop reaching it. Raises
    InvalidSubscription past MAX_DEVICES.
    """
    existing = PushSubscription.objects.select_for_update().filter(endpoint=data.endpoint).first()
    if existing is None:
        count = PushSubscription.objects.filter(member=member).count()
        if count >= MAX_DEVICES:
            raise InvalidSubscription(
                f"Push is on for {MAX_DEVICES} devices already: remove one first."
            )
        return PushSubscription.objects.create(
            member=member,
            endpoint=data.endpoint,
            p256dh=data.p256dh,
            auth=data.auth,
            user_agent_label=user_agent_label(user_agent),
        )
    existing.member = member
    existing.p256dh = data.p256dh
    existing.auth = data.auth
    existing.user_agent_label = user_agent_label(user_agent)
    existing.save(update_fields=["member", "p256dh", "auth", "user_agent_label"])
    return existing


def remove_subscription(*, member: User, subscription_id: int) -> None:
    """Turn push off for one of `member`'s devices; another member's raises DoesNotExist."""
    deleted, _ = PushSubscription.objects.filter(pk=subscription_id, member=member).delete()
    if not deleted:
        raise PushSubscription.DoesNotExist("No such device.")


# --- Queueing -----------------------------------------------------------------------------


def queue_pushes(notification: Notification) -> int:
    """In the notification's transaction: one push row per device of the recipient, if they
    want push for its kind; each is queued after commit. Returns how many."""
    recipient = notification.recipient
    if not push_enabled() or not recipient.is_active:
        return 0
    if not push_wanted(user=recipient, kind=notification.kind):
        return 0
    devices = list(PushSubscription.objects.filter(member=recipient).values_list("pk", flat=True))
    if not devices:
        return 0
    now = timezone.now()
    rows = PushDelivery.objects.bulk_create(
        PushDelivery(notification=notification, subscription_id=pk, due_at=now, created_at=now)
        for pk in devices
    )
    for row in rows:
        transaction.on_commit(_enqueue_after_commit(row.pk), robust=True)
    return len(rows)


def _enqueue_after_commit(delivery_id: int) -> Callable[[], bool]:
    # A named function, not a partial: Django logs a robust callback's failure by its name.
    def enqueue_push_after_commit() -> bool:
        return enqueue_push(delivery_id)

    return enqueue_push_after_commit


def enqueue_push(delivery_id: int) -> bool:
    """Queue the push task; a broker outage is logged, never raised (the sweep retries)."""
    from notifications.tasks import send_push

    try:
        send_push.delay(delivery_id)
    except (BrokerError, OSError) as error:
        logger.warning("Could not queue push %s; the sweep will: %s", delivery_id, error)
        return False
    return True


# --- Sending ------------------------------------------------------------------------------


class PushNotDelivered(Exception):
    """The push service did not take the push, for now (a 5xx, a 429, a timeout); the claim
    is still held and the task decides on a retry."""


def _claim(*, delivery_id: int, claimant: str, now: dt.datetime) -> bool:
    claimable = (
        Q(status=PushStatus.PENDING)
        | Q(status=PushStatus.SENDING, claimed_at__lt=now - PUSH_LEASE)
        | Q(status=PushStatus.SENDING, claimed_by=claimant)
    )
    claimed = PushDelivery.objects.filter(claimable, pk=delivery_id).update(
        status=PushStatus.SENDING,
        claimed_at=now,
        claimed_by=claimant,
        attempts=F("attempts") + 1,
    )
    return claimed == 1


def _end(delivery_id: int, claimant: str, status: str, reason: str = "") -> bool:
    """Record how this claimant's send ended; True if the row was still theirs."""
    now = timezone.now()
    return bool(
        PushDelivery.objects.filter(
            pk=delivery_id, status=PushStatus.SENDING, claimed_by=claimant
        ).update(
            status=status,
            claimed_by="",
            sent_at=now if status == PushStatus.SENT else None,
            last_error=reason[:300],
        )
    )


def fail_push(*, delivery_id: int, claimant: str, reason: str) -> bool:
    """Give up on this claimant's push for good."""
    return _end(delivery_id, claimant, PushStatus.FAILED, reason)


def release_push_claim(
    *, delivery_id: int, claimant: str, reason: str, retry_at: dt.datetime
) -> None:
    """After a temporary failure, put this claimant's push back to pending, due at `retry_at`."""
    PushDelivery.objects.filter(
        pk=delivery_id, status=PushStatus.SENDING, claimed_by=claimant
    ).update(
        status=PushStatus.PENDING,
        due_at=retry_at,
        claimed_at=None,
        claimed_by="",
        last_error=reason[:300],
    )


def push_payload(notification: Notification) -> dict[str, str]:
    """What the device shows: no more than the notification's email says in its subject."""
    return {
        "title": settings.SITE_NAME,
        "body": Truncator(notification.title).chars(BODY_LENGTH),
        "url": absolute_url(notification.url or reverse("notifications:list")),
        "tag": f"notification-{notification.pk}",
    }


def _send(subscription: PushSubscription, payload: dict[str, str]) -> None:
    """Encrypt and send one push; raises WebPushException or requests' errors."""
    webpush(
        subscription_info={
            "endpoint": subscription.endpoint,
            "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth},
        },
        data=json.dumps(payload),
        vapid_private_key=settings.VAPID_PRIVATE_KEY,
        vapid_claims={"sub": settings.VAPID_SUBJECT},
        ttl=PUSH_TTL_SECONDS,
        timeout=PUSH_TIMEOUT_SECONDS,
    )


def deliver_push(*, delivery_id: int, claimant: str) -> str:
    """Claim and send one push; returns its outcome (a PushStatus, or "gone", or "" when
    another worker holds it or it has ended).

    Skipped when push is off, the member turned it off for the kind, or they are watching
    a live stream. A 404 or 410 deletes the device. A refusal that will not change (another
    4xx) fails it. A temporary failure raises PushNotDelivered with the claim held.
    """
    if not claimant:
        raise ValueError("A claim names its claimant.")
    now = timezone.now()
    if not _claim(delivery_id=delivery_id, claimant=claimant, now=now):
        return ""
    delivery = PushDelivery.objects.select_related(
        "subscription", "notification", "notification__recipient"
    ).get(pk=delivery_id)
    notification = delivery.notification
    recipient = notification.recipient
    if delivery.attempts > MAX_PUSH_ATTEMPTS or delivery.created_at < now - PUSH_MAX_AGE:
        fail_push(delivery_id=delivery_id, claimant=claimant, reason="Gave up: too late.")
        return PushStatus.FAILED
    if (
        not push_enabled()
        or not recipient.is_active
        or not push_wanted(user=recipient, kind=notification.kind)
        or events.is_watching(recipient.pk)
    ):
        _end(delivery_id, claimant, PushStatus.SKIPPED)
        return PushStatus.SKIPPED
    subscription = delivery.subscription
    try:
        _send(subscription, push_payload(notification))
    except WebPushException as error:
        status = error.response.status_code if error.response is not None else 0
        reason = f"The push service answered {status or 'nothing'}."
        if status in GONE_STATUSES:
            # The browser unsubscribed or the subscription expired: the device goes, with
            # its pending pushes.
            PushSubscription.objects.filter(pk=subscription.pk).delete()
            return "gone"
        if status and status < 500 and status not in RETRY_STATUSES:
            fail_push(delivery_id=delivery_id, claimant=claimant, reason=reason)
            return PushStatus.FAILED
        raise PushNotDelivered(reason) from error
    except requests.RequestException as error:
        raise PushNotDelivered(f"The push service could not be reached: {error}") from error
    _end(delivery_id, claimant, PushStatus.SENT)
    PushSubscription.objects.filter(pk=subscription.pk).update(last_success_at=timezone.now())
    return PushStatus.SENT


# --- The sweep ----------------------------------------------------------------------------


def sweep_push_outbox(*, now: dt.datetime | None = None, grace: dt.timedelta = SWEEP_GRACE) -> int:
    """Queue pushes that are due and not being sent; returns how many were queued.

    Takes back claims whose lease expired and gives up on pushes older than PUSH_MAX_AGE.
    """
    now = now or timezone.now()
    PushDelivery.objects.filter(
        Q(status=PushStatus.PENDING)
        | Q(status=PushStatus.SENDING, claimed_at__lt=now - PUSH_LEASE),
        created_at__lt=now - PUSH_MAX_AGE,
    ).update(status=PushStatus.FAILED, claimed_by="", last_error="Gave up: too late.")
    PushDelivery.objects.filter(status=PushStatus.SENDING, claimed_at__lt=now - PUSH_LEASE).update(
        status=PushStatus.PENDING, due_at=now - grace, claimed_at=None, claimed_by=""
    )
    due = list(
        PushDelivery.objects.filter(status=PushStatus.PENDING, due_at__lte=now - grace)
        .order_by("due_at")
        .values_list("pk", flat=True)[:500]
    )
    queued = []
    for pk in due:
        if not enqueue_push(pk):
            break
        queued.append(pk)
    PushDelivery.objects.filter(pk__in=queued, status=PushStatus.PENDING).update(
        due_at=now + RESWEEP_AFTER
    )
    return len(queued)
