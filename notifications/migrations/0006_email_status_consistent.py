"""Make every email row agree with what its status implies, before 0007 makes the database
insist on it (the check constraints of notifications.models.EmailOutbox).

Rows written by earlier versions could differ in a few ways: failures from before
0004_email_failures have no failure time, a digest's failed notifications have no reason,
and the notifications of a failed digest sent again kept their failure. Each is given the
nearest true value; no status is changed except that of a retried digest's notifications,
which wait for their digest again.
"""

from typing import Any

from django.db import migrations
from django.db.models import F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, NullIf

UNKNOWN_FAILURE = "The email could not be sent."
UNKNOWN_CLAIMANT = "unknown"
ENDED = ["sent", "unconfirmed"]


def _when(fields: str) -> Coalesce:
    """The best known time of a row's event: its claim, else its due time, else its creation."""
    return Coalesce(*(F(name) for name in fields.split()), F("created_at"))


def _make_consistent(manager: Any) -> None:
    manager.filter(email_status__in=ENDED, email_sent_at__isnull=True).update(
        email_sent_at=_when("email_claimed_at email_due_at")
    )
    manager.exclude(email_status__in=ENDED).exclude(email_sent_at__isnull=True).update(
        email_sent_at=None
    )
    manager.filter(email_status="failed", email_failed_at__isnull=True).update(
        email_failed_at=_when("email_claimed_at email_due_at")
    )
    manager.exclude(email_status="failed").exclude(email_failed_at__isnull=True).update(
        email_failed_at=None
    )
    manager.filter(email_status="failed", last_error="").update(last_error=UNKNOWN_FAILURE)
    # A claim's lease and claimant: a sending row missing one is left to the sweep, which
    # takes it back once the lease (its due or creation time) has run out.
    manager.filter(email_status="sending", email_claimed_at__isnull=True).update(
        email_claimed_at=_when("email_due_at")
    )
    manager.filter(email_status="sending", email_claimed_by="").update(
        email_claimed_by=UNKNOWN_CLAIMANT
    )
    manager.exclude(email_status="sending").exclude(email_claimed_by="").update(email_claimed_by="")
    manager.filter(email_status="pending", email_due_at__isnull=True).update(
        email_due_at=F("created_at")
    )
    manager.filter(email_status="pending", email_claimed_at__isnull=False).update(
        email_claimed_at=None
    )


def forwards(apps: Any, schema_editor: Any) -> None:
    Notification = apps.get_model("notifications", "Notification")
    EmailDigest = apps.get_model("notifications", "EmailDigest")
    OutgoingEmail = apps.get_model("notifications", "OutgoingEmail")
    # The notifications of a digest sent again take its state back.
    waiting = EmailDigest.objects.filter(email_status__in=["pending", "sending"])
    Notification.objects.filter(email_status="failed", digest__in=waiting).update(
        email_status="digest", email_failed_at=None
    )
    # A digest's failed notifications take its reason.
    reason = EmailDigest.objects.filter(pk=OuterRef("digest_id")).values("last_error")[:1]
    Notification.objects.filter(
        Q(email_status__in=["failed", "unconfirmed"]), ~Q(digest=None), last_error=""
    ).update(last_error=Coalesce(NullIf(Subquery(reason), Value("")), Value("")))
    for model in (Notification, EmailDigest, OutgoingEmail):
        _make_consistent(model._default_manager)


class Migration(migrations.Migration):
    dependencies = [("notifications", "0005_outgoing_email")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop, elidable=True)]
