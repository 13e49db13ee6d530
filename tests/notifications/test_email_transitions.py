"""The email's status: the moves EMAIL_TRANSITIONS allows, the one function that makes them,
the check constraints behind it, and the migration that makes old rows agree."""

from __future__ import annotations

import ast
import datetime as dt
import itertools
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import IntegrityError, connection, connections, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Model
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import User
from notifications import services
from notifications.models import (
    EMAIL_INITIAL,
    EMAIL_TRANSITIONS,
    EmailAddressProblem,
    EmailDigest,
    EmailStatus,
    IllegalEmailTransition,
    Notification,
    OutgoingEmail,
)
from notifications.services import delivery
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

STATUSES = [str(status) for status in EmailStatus]
LEGAL = sorted(
    (source, target) for source, targets in EMAIL_TRANSITIONS.items() for target in targets
)
ILLEGAL = sorted(set(itertools.product(STATUSES, STATUSES)) - set(LEGAL))
NOW = dt.datetime(2026, 12, 6, 7, 0, tzinfo=dt.UTC)


def fields_of(status: str) -> dict[str, Any]:
    """Every outbox field of a row in `status`, consistent with the constraints."""
    fields: dict[str, Any] = {
        "email_due_at": None,
        "email_claimed_at": None,
        "email_claimed_by": "",
        "email_sent_at": None,
        "email_failed_at": None,
        "last_error": "",
    }
    if status == EmailStatus.PENDING:
        fields["email_due_at"] = NOW
    elif status == EmailStatus.SENDING:
        fields.update(email_due_at=NOW, email_claimed_at=NOW, email_claimed_by="task-1")
    elif status in (EmailStatus.SENT, EmailStatus.UNCONFIRMED):
        fields.update(email_claimed_at=NOW, email_sent_at=NOW)
    elif status == EmailStatus.FAILED:
        fields.update(email_failed_at=NOW, last_error="550 User unknown")
    return fields


def make_row(model: type[Model], status: str, recipient: User) -> Any:
    """A row of `model` written directly in `status`."""
    common = {"email_status": status, **fields_of(status)}
    if model is Notification:
        return Notification.objects.create(
            recipient=recipient, kind="comment", title="Hi", **common
        )
    if model is EmailDigest:
        return EmailDigest.objects.create(recipient=recipient, local_date=NOW.date(), **common)
    return OutgoingEmail.objects.create(
        to="ana@example.org", from_email="rounds@example.org", subject="Hi", **common
    )


def snapshot(row: Model) -> dict[str, Any]:
    return {field.attname: getattr(row, field.attname) for field in row._meta.concrete_fields}


@pytest.fixture
def member() -> User:
    return UserFactory.create()


# --- The table -------------------------------------------------------------------------------


def test_the_table_names_every_status_and_only_statuses() -> None:
    assert set(EMAIL_TRANSITIONS) == set(STATUSES)
    assert all(targets <= set(STATUSES) for targets in EMAIL_TRANSITIONS.values())
    assert set(EMAIL_INITIAL) <= set(STATUSES)
    # The ends: nothing leaves them, so a sent or possibly delivered email never goes again.
    for end in (EmailStatus.SENT, EmailStatus.UNCONFIRMED, EmailStatus.SKIPPED):
        assert EMAIL_TRANSITIONS[end] == frozenset()


@pytest.mark.parametrize(("source", "target"), LEGAL)
def test_every_legal_move_is_made(member: User, source: str, target: str) -> None:
    row = make_row(Notification, source, member)
    moved = services.move_email(
        Notification.objects.filter(pk=row.pk), source=source, target=target, **fields_of(target)
    )
    row.refresh_from_db()
    assert (moved, row.email_status) == (1, target)


@pytest.mark.parametrize(("source", "target"), ILLEGAL)
def test_every_illegal_move_raises_and_writes_nothing(
    member: User, source: str, target: str
) -> None:
    row = make_row(Notification, source, member)
    before = snapshot(row)
    with CaptureQueriesContext(connection) as queries:
        with pytest.raises(IllegalEmailTransition) as raised:
            services.move_email(
                Notification.objects.filter(pk=row.pk),
                source=source,
                target=target,
                **fields_of(target),
            )
    assert queries.captured_queries == []
    row.refresh_from_db()
    assert snapshot(row) == before
    assert f"cannot move from {source} to {target}" in str(raised.value)


def test_one_illegal_source_refuses_the_whole_move(member: User) -> None:
    rows = [make_row(Notification, status, member) for status in ("pending", "sent")]
    before = [snapshot(row) for row in rows]
    with pytest.raises(IllegalEmailTransition, match="from sent to sending"):
        services.move_email(
            Notification.objects.all(),
            source=[EmailStatus.PENDING, EmailStatus.SENT],
            target=EmailStatus.SENDING,
            **fields_of(EmailStatus.SENDING),
        )
    assert [snapshot(Notification.objects.get(pk=row.pk)) for row in rows] == before


def test_a_row_in_another_status_than_the_source_is_left_alone(member: User) -> None:
    """Compare-and-set: a row someone else already moved is not moved again."""
    row = make_row(Notification, EmailStatus.SENT, member)
    moved = services.move_email(
        Notification.objects.filter(pk=row.pk),
        source=EmailStatus.PENDING,
        target=EmailStatus.SENDING,
        **fields_of(EmailStatus.SENDING),
    )
    row.refresh_from_db()
    assert (moved, row.email_status) == (0, EmailStatus.SENT)


def test_the_status_cannot_be_smuggled_in_as_a_field(member: User) -> None:
    row = make_row(Notification, EmailStatus.PENDING, member)
    with pytest.raises(TypeError):
        services.move_email(
            Notification.objects.filter(pk=row.pk),
            source=EmailStatus.PENDING,
            target=EmailStatus.SENDING,
            email_status=EmailStatus.SENT,
        )
    with pytest.raises(ValueError, match="moves from"):
        services.move_email(Notification.objects.all(), source=[], target=EmailStatus.SENDING)


def test_a_new_row_starts_only_in_an_initial_status() -> None:
    assert services.initial_email_fields(EmailStatus.PENDING, now=NOW) == {
        "email_status": EmailStatus.PENDING,
        "email_due_at": NOW,
    }
    assert services.initial_email_fields(EmailStatus.DIGEST, now=NOW)["email_due_at"] is None
    for status in set(STATUSES) - EMAIL_INITIAL:
        with pytest.raises(ValueError, match="cannot start as"):
            services.initial_email_fields(status, now=NOW)


def test_a_claim_names_its_claimant(member: User) -> None:
    row = make_row(Notification, EmailStatus.PENDING, member)
    with pytest.raises(ValueError, match="claimant"):
        services._claim(Notification, pk=row.pk, claimant="", now=timezone.now())
    row.refresh_from_db()
    assert row.email_status == EmailStatus.PENDING


def test_a_skip_needs_the_claim(member: User) -> None:
    """A worker whose lease ran out and was claimed again no longer skips the row."""
    row = make_row(Notification, EmailStatus.SENDING, member)
    assert not services._skip(Notification, pk=row.pk, claimant="task-whose-lease-ran-out")
    assert services._skip(Notification, pk=row.pk, claimant="task-1")
    row.refresh_from_db()
    assert (row.email_status, row.email_claimed_by) == (EmailStatus.SKIPPED, "")


def test_a_failed_digest_sent_again_takes_its_notifications_back(member: User) -> None:
    digest = make_row(EmailDigest, EmailStatus.FAILED, member)
    Notification.objects.create(
        recipient=member,
        kind="follow",
        title="Ben followed you",
        digest=digest,
        email_status=EmailStatus.FAILED,
        email_failed_at=NOW,
        last_error="550 User unknown",
    )
    EmailAddressProblem.objects.create(
        member=member, address=member.email, reason="550", failed_at=timezone.now()
    )
    EmailDigest.objects.filter(pk=digest.pk).update(email_failed_at=timezone.now())
    assert services.retry_failed_email(member=member) == 1
    waiting = Notification.objects.get(digest=digest)
    assert (waiting.email_status, waiting.email_failed_at) == (EmailStatus.DIGEST, None)
    assert services._claim(EmailDigest, pk=digest.pk, claimant="t", now=timezone.now())
    services.record_email_outcome(
        model=EmailDigest, pk=digest.pk, claimant="t", status=EmailStatus.SENT
    )
    waiting.refresh_from_db()
    assert waiting.email_status == EmailStatus.SENT


# --- The constraints -------------------------------------------------------------------------

# (constraint, the status the row starts in, a raw update that breaks the constraint)
VIOLATIONS: list[tuple[str, str, dict[str, Any]]] = [
    ("status_known", EmailStatus.PENDING, {"email_status": "lost"}),
    ("sent_time", EmailStatus.SENDING, {"email_status": "sent", "email_claimed_by": ""}),
    ("sent_time", EmailStatus.SENDING, {"email_status": "unconfirmed", "email_claimed_by": ""}),
    ("sent_time", EmailStatus.PENDING, {"email_sent_at": NOW}),
    ("failure", EmailStatus.PENDING, {"email_status": "failed", "last_error": "550"}),
    ("failure", EmailStatus.FAILED, {"last_error": ""}),
    ("failure", EmailStatus.SENT, {"email_failed_at": NOW}),
    ("claim", EmailStatus.SENDING, {"email_claimed_at": None}),
    ("claim", EmailStatus.SENDING, {"email_claimed_by": ""}),
    ("claim", EmailStatus.SENT, {"email_claimed_by": "task-1"}),
    ("pending_due", EmailStatus.PENDING, {"email_due_at": None}),
    ("pending_due", EmailStatus.PENDING, {"email_claimed_at": NOW}),
]


@pytest.mark.parametrize("model", [Notification, EmailDigest, OutgoingEmail])
@pytest.mark.parametrize(("constraint", "status", "update"), VIOLATIONS)
def test_each_constraint_refuses_a_row_that_breaks_it(
    member: User, model: type[Model], constraint: str, status: str, update: dict[str, Any]
) -> None:
    row = make_row(model, status, member)
    name = f"notifications_{model._meta.model_name}_{constraint}"
    with pytest.raises(IntegrityError, match=name), transaction.atomic():
        model._default_manager.filter(pk=row.pk).update(**update)
    row.refresh_from_db()
    assert row.email_status == status


@pytest.mark.parametrize("status", STATUSES)
def test_every_status_has_a_row_the_constraints_accept(member: User, status: str) -> None:
    for model in (Notification, EmailDigest, OutgoingEmail):
        assert make_row(model, status, member).pk


# --- Racing claims -----------------------------------------------------------------------------


def _waiting_on_a_lock(pid: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pid])
        found = cursor.fetchone()
    return found is not None and found[0] == "Lock"


@pytest.mark.postgres
def test_two_workers_claiming_at_once_get_the_email_once(transactional_db: None) -> None:
    """The second claim waits on the first one's row lock, then finds the row taken."""
    row = make_row(Notification, EmailStatus.PENDING, UserFactory.create())
    first_claims = threading.Event()
    first_may_commit = threading.Event()
    second_pid: list[int] = []
    results: dict[str, bool] = {}

    def worker(name: str) -> None:
        try:
            with transaction.atomic():
                if name == "second":
                    with connections["default"].cursor() as cursor:
                        cursor.execute("SELECT pg_backend_pid()")
                        (pid,) = cursor.fetchone() or (0,)
                        second_pid.append(pid)
                    first_claims.wait(10)
                results[name] = services._claim(
                    Notification, pk=row.pk, claimant=name, now=timezone.now()
                )
                if name == "first":
                    first_claims.set()
                    first_may_commit.wait(10)
        finally:
            connections.close_all()

    first = threading.Thread(target=worker, args=("first",))
    second = threading.Thread(target=worker, args=("second",))
    first.start()
    second.start()
    assert first_claims.wait(10)
    deadline = timezone.now() + dt.timedelta(seconds=10)
    polled = threading.Event()
    while not (second_pid and _waiting_on_a_lock(second_pid[0])):
        assert timezone.now() < deadline, "the second claim never waited on the row lock"
        polled.wait(0.01)
    first_may_commit.set()
    first.join(10)
    second.join(10)
    assert results == {"first": True, "second": False}
    row.refresh_from_db()
    assert (row.email_status, row.email_claimed_by, row.email_attempts) == (
        EmailStatus.SENDING,
        "first",
        1,
    )


# --- Every status change goes through move_email --------------------------------------------

ROOT = Path(settings.BASE_DIR)
# The only places that may write `email_status`.
WRITERS = {
    ("notifications/services/outbox.py", "move_email"),
    ("notifications/services/outbox.py", "initial_email_fields"),
}
# Calls that name the field to read it.
READS = {"filter", "exclude", "get", "Q", "values", "values_list", "only", "order_by"}


def _names_status(node: ast.AST | None) -> bool:
    """A literal naming the field: "email_status", or a dict or list holding it."""
    if isinstance(node, ast.Constant):
        return node.value == "email_status"
    if isinstance(node, ast.Dict):
        return any(_names_status(key) for key in node.keys)
    if isinstance(node, ast.List | ast.Tuple | ast.Set):
        return any(_names_status(item) for item in node.elts)
    return False


def status_writes(source: str, path: str) -> list[str]:
    """Where `source` writes an email status outside WRITERS, as "path:line"."""
    found: list[str] = []

    def visit(node: ast.AST, function: str) -> None:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            function = node.name
        if (path, function) not in WRITERS:
            if isinstance(node, ast.Call):
                func = node.func
                callee = func.attr if isinstance(func, ast.Attribute) else ""
                callee = func.id if isinstance(func, ast.Name) else callee
                writes = callee not in READS and any(
                    keyword.arg == "email_status"
                    # **{"email_status": ...}, defaults={...}, update_fields=[...]
                    or (keyword.arg != "email_status" and _names_status(keyword.value))
                    for keyword in node.keywords
                )
                if writes or (callee == "setattr" and any(map(_names_status, node.args))):
                    found.append(f"{path}:{node.lineno}")
            stored = isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store)
            if stored and node.attr == "email_status":  # type: ignore[attr-defined]
                found.append(f"{path}:{node.lineno}")  # type: ignore[attr-defined]
        for child in ast.iter_child_nodes(node):
            visit(child, function)

    visit(ast.parse(source), "")
    return found


def project_sources() -> Iterator[tuple[str, str]]:
    skip = {".venv", "node_modules", "tests", "migrations", ".git"}
    for file in sorted(ROOT.rglob("*.py")):
        relative = file.relative_to(ROOT)
        if skip & set(relative.parts):
            continue
        yield str(relative), file.read_text()


def test_only_move_email_writes_an_email_status() -> None:
    sources = list(project_sources())
    assert "notifications/services/outbox.py" in dict(sources)
    writes = [where for path, source in sources for where in status_writes(source, path)]
    assert writes == []


@pytest.mark.parametrize(
    "code",
    [
        "Notification.objects.filter(pk=1).update(email_status='sent')",
        "rows.update(email_status=EmailStatus.SENT, email_sent_at=now)",
        "row.email_status = 'sent'",
        "setattr(row, 'email_status', 'sent')",
        "Notification.objects.create(recipient=r, email_status='pending')",
        "rows.update(**{'email_status': 'sent'})",
        "row.save(update_fields=['email_status'])",
        "def move_it():\n    rows.update(email_status='sent')",
    ],
)
def test_the_check_finds_a_status_written_by_hand(code: str) -> None:
    assert status_writes(code, "notifications/services/outbox.py") != []


def test_the_check_lets_reads_and_move_email_through() -> None:
    reads = (
        "rows.filter(email_status='pending').exclude(email_status__in=['sent'])\n"
        "Q(email_status='failed')\n"
        "def move_email(rows):\n    rows.update(email_status='sent')\n"
    )
    assert status_writes(reads, "notifications/services/outbox.py") == []
    assert status_writes("def move_email(rows):\n    rows.update(email_status=1)", "x.py")


# --- The migration -----------------------------------------------------------------------------


@pytest.fixture
def before_constraints(transactional_db: None) -> Iterator[tuple[MigrationExecutor, Any]]:
    """The schema of 0005 (before 0006 and 0007), put back to the latest afterwards."""
    start = [("notifications", "0005_outgoing_email")]
    executor = MigrationExecutor(connection)
    executor.migrate(start)
    executor.loader.build_graph()
    try:
        yield executor, executor.loader.project_state(start).apps
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())


def test_the_migration_makes_old_rows_agree_before_adding_the_constraints(
    before_constraints: tuple[MigrationExecutor, Any],
) -> None:
    executor, old = before_constraints
    member = UserFactory.create()
    Notification_ = old.get_model("notifications", "Notification")
    Digest = old.get_model("notifications", "EmailDigest")
    Outgoing = old.get_model("notifications", "OutgoingEmail")
    created = NOW - dt.timedelta(days=1)
    base = {"recipient_id": member.pk, "kind": "comment", "title": "Hi", "created_at": created}
    failed_digest = Digest.objects.create(
        recipient_id=member.pk,
        local_date=NOW.date(),
        email_status="failed",
        last_error="550 User unknown",
        email_failed_at=NOW,
    )
    retried_digest = Digest.objects.create(
        recipient_id=member.pk,
        local_date=NOW.date() - dt.timedelta(days=1),
        email_status="pending",
        email_due_at=NOW,
    )
    rows = {
        # A failure from before failure times were recorded.
        "old_failure": Notification_.objects.create(
            **base, email_status="failed", last_error="550", email_claimed_at=NOW
        ),
        # A digest's failed notification, without a reason.
        "digest_failure": Notification_.objects.create(
            **base, email_status="failed", email_failed_at=NOW, digest_id=failed_digest.pk
        ),
        # The notification of a failed digest that is being sent again.
        "retried": Notification_.objects.create(
            **base, email_status="failed", email_failed_at=NOW, digest_id=retried_digest.pk
        ),
        # Sent after failing once (its digest was retried): the failure time stayed.
        "sent_after_failure": Notification_.objects.create(
            **base, email_status="sent", email_sent_at=NOW, email_failed_at=NOW
        ),
        "sent_without_time": Notification_.objects.create(**base, email_status="sent"),
        "pending_without_due": Notification_.objects.create(**base, email_status="pending"),
        "sending_without_claim": Notification_.objects.create(
            **base, email_status="sending", email_due_at=NOW
        ),
        "skipped_with_claimant": Notification_.objects.create(
            **base, email_status="skipped", email_claimed_by="task-1", email_claimed_at=NOW
        ),
    }
    outgoing = Outgoing.objects.create(
        to="ana@example.org",
        from_email="rounds@example.org",
        subject="Hi",
        created_at=created,
        email_status="failed",
    )

    executor.loader.build_graph()
    # Through 0006 and 0007, and on to the latest schema, which the models below read.
    executor.migrate(executor.loader.graph.leaf_nodes())

    def fresh(key: str) -> Notification:
        return Notification.objects.get(pk=rows[key].pk)

    assert (fresh("old_failure").email_failed_at, fresh("old_failure").last_error) == (NOW, "550")
    assert fresh("digest_failure").last_error == "550 User unknown"
    retried = fresh("retried")
    assert (retried.email_status, retried.email_failed_at) == (EmailStatus.DIGEST, None)
    assert fresh("sent_after_failure").email_failed_at is None
    assert fresh("sent_without_time").email_sent_at == created
    assert fresh("pending_without_due").email_due_at == created
    sending = fresh("sending_without_claim")
    assert (sending.email_claimed_at, sending.email_claimed_by) == (NOW, "unknown")
    assert fresh("skipped_with_claimant").email_claimed_by == ""
    account = OutgoingEmail.objects.get(pk=outgoing.pk)
    assert (account.email_failed_at, account.last_error) == (created, services.UNKNOWN_FAILURE)
    # The statuses that were consistent stay as they were.
    assert fresh("sent_without_time").email_status == EmailStatus.SENT
    assert EmailDigest.objects.get(pk=failed_digest.pk).email_status == EmailStatus.FAILED


def test_a_send_and_a_failure_move_the_status_through_move_email(
    member: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At run time too: each status a delivery writes is a move_email call, in order."""
    moves: list[tuple[str, str]] = []
    real = services.move_email

    def spy(rows: Any, *, source: Any, target: str, **fields: Any) -> int:
        moved = real(rows, source=source, target=target, **fields)
        if moved:
            moves.append((rows.model.__name__, target))
        return moved

    monkeypatch.setattr(delivery, "move_email", spy)
    row = make_row(Notification, EmailStatus.PENDING, member)
    assert services.deliver_notification_email(notification_id=row.pk, claimant="task-1")
    failing = make_row(Notification, EmailStatus.PENDING, member)
    assert services._claim(Notification, pk=failing.pk, claimant="t", now=timezone.now())
    services.record_email_outcome(
        model=Notification, pk=failing.pk, claimant="t", status=EmailStatus.FAILED, reason="550"
    )
    assert services.retry_failed_email(member=member) == 1
    assert moves == [
        ("Notification", EmailStatus.SENDING),
        ("Notification", EmailStatus.SENT),
        ("Notification", EmailStatus.SENDING),
        ("Notification", EmailStatus.FAILED),
        ("Notification", EmailStatus.PENDING),
    ]
    statuses = dict(Notification.objects.values_list("pk", "email_status"))
    assert statuses == {row.pk: EmailStatus.SENT, failing.pk: EmailStatus.PENDING}
