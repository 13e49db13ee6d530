"""Writing notifications: `notify` records one (and its email, as the outbox row)."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.text import Truncator

from accounts.models import User
from accounts.selectors import is_walled_off
from community import events
from notifications.models import Delivery, EmailStatus, Kind, Notification
from notifications.selectors import delivery_for
from notifications.services.delivery import enqueue_email
from notifications.services.outbox import initial_email_fields
from notifications.services.push import queue_pushes

# --- Writing notifications ----------------------------------------------------------------


def notify(
    *,
    recipient: User,
    kind: Kind | str,
    title: str,
    url: str = "",
    actor: User | None = None,
    target: models.Model | None = None,
    email: bool = True,
    group_key: str = "",
) -> Notification | None:
    """Record a notification for `recipient` in the caller's transaction.

    Nothing is written for one's own actions or between members walled off by a block.
    The email follows the recipient's preference for `kind` (immediately, in the daily
    digest, or not at all; security kinds always immediately) and is queued only after the
    transaction commits, and so is a push to each of the recipient's devices if they want
    `kind` pushed (services.push). `email=False` records the notification in the app only.
    `group_key` opens a group others may join (`notify_grouped`).
    """
    if url and not _is_safe_link(url):
        raise ValueError(f"Notification links must be site paths or http(s) addresses: {url!r}")
    if actor is not None and actor.pk == recipient.pk:
        return None
    if actor is not None and is_walled_off(actor, recipient):
        return None
    now = timezone.now()
    status = _initial_email_status(recipient=recipient, kind=kind) if email else None
    notification = Notification.objects.create(
        recipient=recipient,
        actor=actor,
        kind=kind,
        title=title[:200],
        url=url[:300],
        target=target,
        created_at=now,
        group_key=group_key,
        actor_ids=[actor.pk] if group_key and actor is not None else [],
        **initial_email_fields(status or EmailStatus.NOT_NEEDED, now=now),
    )
    if status == EmailStatus.PENDING:
        notification_id = notification.pk
        # robust: a failure to queue must not turn the committed event into an error page.
        transaction.on_commit(lambda: enqueue_email(notification_id), robust=True)
    if email:
        queue_pushes(notification)
    # The member's open pages: the bell and the notifications list (community/live.py).
    events.publish(f"member-{recipient.pk}", "notification", {"id": notification.pk})
    return notification


def _is_safe_link(url: str) -> bool:
    # Rendered as an href: no javascript: scheme and no protocol-relative "//host" links.
    if url.startswith("/"):
        return not url.startswith("//")
    return url.startswith(("https://", "http://"))


# What a reaction notification says, by reaction and by what was reacted to: `who` is
# "Ana" or "Ana and 3 others", `item` the post's title.
REACTION_PHRASES: dict[tuple[str, str], str] = {
    ("like", "post"): "{who} liked '{item}'",
    ("helpful", "post"): "{who} found your post '{item}' helpful",
    ("like", "comment"): "{who} liked your comment on '{item}'",
    ("helpful", "comment"): "{who} found your comment on '{item}' helpful",
}
ITEM_TITLE_LENGTH = 80


def reaction_title(
    *, reaction: str, target_kind: str, actor_name: str, others: int, item: str
) -> str:
    """The sentence of a (possibly grouped) reaction notification."""
    if others:
        who = f"{actor_name} and {others} other{'s' if others > 1 else ''}"
    else:
        who = actor_name
    phrase = REACTION_PHRASES.get((reaction, target_kind), "{who} reacted to '{item}'")
    return phrase.format(who=who, item=Truncator(item).chars(ITEM_TITLE_LENGTH))


def notify_reaction(
    *, recipient: User, actor: User, target: models.Model, url: str, reaction: str, item: str
) -> Notification | None:
    """Record a reaction of kind `reaction` to `target` (titled `item`) for the daily digest;
    reactions are never emailed one by one.

    Grouped when written (`notify_grouped`): while the recipient has not read the
    notification of this kind of reaction on this item, and no digest has taken it, the
    next member's reaction joins it ("Ana and 3 others liked ..."), moved to the top of the
    list, instead of adding a row. The list and the bell then show what happened, once, in
    a single indexed read. A member who takes a reaction back and gives it again is
    counted once.
    """
    target_kind = target._meta.model_name or ""
    name = actor.display_name or actor.handle

    def title(others: int) -> str:
        return reaction_title(
            reaction=reaction, target_kind=target_kind, actor_name=name, others=others, item=item
        )

    return notify_grouped(
        recipient=recipient,
        actor=actor,
        kind=Kind.REACTION_DIGEST,
        target=target,
        group_key=f"reaction:{reaction}",
        url=url,
        title=title,
    )


def notify_grouped(
    *,
    recipient: User,
    actor: User,
    kind: Kind | str,
    target: models.Model,
    group_key: str,
    url: str,
    title: Callable[[int], str],
) -> Notification | None:
    """Record that `actor` did something to `target` for `recipient`, joining the open group
    of `group_key` on `target` if there is one: one row that counts the members in it.

    A group is open while its notification is unread and no digest has taken it. The first
    member opens it through `notify` (its email and push follow the recipient's preference
    for `kind`, once); each next one joins it, moved to the top of the list, with no new
    email. `title(others)` is the sentence naming `actor` and the count of the others. A
    member who is in the group already is counted once. Nothing for one's own actions or
    between members walled off by a block.
    """
    if actor.pk == recipient.pk or is_walled_off(actor, recipient):
        return None
    open_group = Notification.objects.select_for_update().filter(
        recipient=recipient,
        group_key=group_key,
        target_type=ContentType.objects.get_for_model(target),
        target_id=target.pk,
        read_at__isnull=True,
        digest__isnull=True,
    )
    group = open_group.first()
    if group is None:
        try:
            with transaction.atomic():
                return notify(
                    recipient=recipient,
                    kind=kind,
                    title=title(0),
                    url=url,
                    actor=actor,
                    target=target,
                    group_key=group_key,
                )
        except IntegrityError:
            # Another member opened the group meanwhile: join it.
            group = open_group.get()
    group.actor_ids = [actor.pk, *(pk for pk in group.actor_ids if pk != actor.pk)]
    group.actor = actor
    group.title = title(len(group.actor_ids) - 1)[:200]
    group.url = url[:300]
    group.created_at = timezone.now()
    group.save(update_fields=["actor_ids", "actor", "title", "url", "created_at"])
    return group


def _initial_email_status(*, recipient: User, kind: str) -> str:
    if not recipient.email or not recipient.is_active:
        return EmailStatus.NOT_NEEDED
    delivery = delivery_for(user=recipient, kind=kind)
    if delivery == Delivery.IMMEDIATE:
        return EmailStatus.PENDING
    if delivery == Delivery.DIGEST:
        return EmailStatus.DIGEST
    return EmailStatus.SKIPPED
