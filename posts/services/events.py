"""Live Q&As as events: RSVPs and their reminder, co-hosts, question votes, and what the
hosts do with questions.

A question is a top-level comment of an event (added by `add_comment`, through the same
privacy guard as any comment). Its status moves only through QUESTION_TRANSITIONS:

    open ----pin---------------> pinned     (several may be pinned; they show on top)
    pinned --unpin-------------> open
    open, pinned --answer------> answered   (a host's reply, marked as the host's answer)
    answered --answer----------> answered   (a further answer by a host)
    open, pinned --mark_answered-> answered (answered out loud, nothing written)
    answered --reopen----------> open
    open, pinned, answered --hide-> hidden  (shown to its author and the hosts only)
    hidden --unhide------------> open

Only hosts move questions: the post's author and the co-hosts they name. `check_*`
functions refuse with the sentence the member sees; the writes re-check with the row
locked. Every change that someone watching the event should see is announced through
`_announce`, the one place that speaks to the live stream.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import User
from accounts.permissions import ensure_can_participate
from community import events, page_cache
from notifications.models import Kind
from notifications.services import notify

from ..models import (
    Comment,
    EventCohost,
    EventRSVP,
    Post,
    PostKind,
    QuestionStatus,
    QuestionVote,
)
from ..selectors import event_host_ids
from .rules import NotAllowed, check_can_see_comment, check_can_see_post

# Reminders go out this long before the start (a periodic task looks every minute).
REMIND_BEFORE = datetime.timedelta(minutes=15)
MAX_COHOSTS = 5

PIN = "pin"
UNPIN = "unpin"
ANSWER = "answer"
MARK_ANSWERED = "mark_answered"
REOPEN = "reopen"
HIDE = "hide"
UNHIDE = "unhide"

# (from status, action) -> to status. Nothing else is a legal move; every action is a host's.
QUESTION_TRANSITIONS: dict[tuple[str, str], str] = {
    (QuestionStatus.OPEN, PIN): QuestionStatus.PINNED,
    (QuestionStatus.PINNED, UNPIN): QuestionStatus.OPEN,
    (QuestionStatus.OPEN, ANSWER): QuestionStatus.ANSWERED,
    (QuestionStatus.PINNED, ANSWER): QuestionStatus.ANSWERED,
    (QuestionStatus.ANSWERED, ANSWER): QuestionStatus.ANSWERED,
    (QuestionStatus.OPEN, MARK_ANSWERED): QuestionStatus.ANSWERED,
    (QuestionStatus.PINNED, MARK_ANSWERED): QuestionStatus.ANSWERED,
    (QuestionStatus.ANSWERED, REOPEN): QuestionStatus.OPEN,
    (QuestionStatus.OPEN, HIDE): QuestionStatus.HIDDEN,
    (QuestionStatus.PINNED, HIDE): QuestionStatus.HIDDEN,
    (QuestionStatus.ANSWERED, HIDE): QuestionStatus.HIDDEN,
    (QuestionStatus.HIDDEN, UNHIDE): QuestionStatus.OPEN,
}
# The actions a host takes with a button (an answer comes with its text: `answer_question`).
BUTTON_ACTIONS = (PIN, UNPIN, MARK_ANSWERED, REOPEN, HIDE, UNHIDE)
# What each status's announcement is called on the live stream.
_ANNOUNCED_AS: dict[str, str] = {
    QuestionStatus.OPEN: "reopened",
    QuestionStatus.PINNED: "pinned",
    QuestionStatus.ANSWERED: "answered",
    QuestionStatus.HIDDEN: "hidden",
}
# Every event `_announce` sends on a live Q&A's stream. The event's page re-fetches its
# questions on each of them (templates/posts/detail.html, views.event_questions).
ANNOUNCEMENTS: tuple[str, ...] = (
    "question",
    "votes",
    "answer",
    *_ANNOUNCED_AS.values(),
    "attendees",
    "rescheduled",
)
_STATUS_PHRASE: dict[str, str] = {
    QuestionStatus.OPEN: "it is open",
    QuestionStatus.PINNED: "it is pinned",
    QuestionStatus.ANSWERED: "it is answered",
    QuestionStatus.HIDDEN: "it is hidden",
}


class QuestionRefused(NotAllowed):
    """A move of a question that the table does not allow from where it is; nothing changed."""

    code = "question_refused"


# --- Announcements -----------------------------------------------------------------------


def _announce(post: Post, what: str, data: dict[str, object]) -> None:
    """Tell whoever watches the event's page that `what` (one of ANNOUNCEMENTS) happened
    (the one place that does): sent after commit on the stream `post-<id>`
    (community.events). Pages re-fetch what they show on it, each reader their own view."""
    assert what in ANNOUNCEMENTS, what
    events.publish(f"post-{post.pk}", what, data)


# --- Checks ------------------------------------------------------------------------------


def check_is_event(post: Post) -> None:
    if post.kind != PostKind.EVENT or post.starts_at is None:
        raise ValidationError("This post is not a live Q&A.")


def is_host(member: User, post: Post) -> bool:
    return member.is_authenticated and member.pk in event_host_ids(post)


def check_is_host(member: User, post: Post) -> None:
    if not is_host(member, post):
        raise NotAllowed("Only the hosts of this live Q&A can do that.")


def check_is_question(comment: Comment) -> None:
    """`comment` is a live question: top-level, on a live Q&A, neither deleted nor removed."""
    check_is_event(comment.post)
    if comment.parent_id is not None:
        raise ValidationError("That is a reply, not a question.")
    if comment.is_gone or comment.post.is_gone:
        raise NotAllowed("This question is not available.")


def check_question_move(comment: Comment, action: str) -> str:
    """The status `action` moves the question to, or QuestionRefused saying why not."""
    if action not in {action for _, action in QUESTION_TRANSITIONS}:
        raise ValidationError("Unknown action.")
    to_status = QUESTION_TRANSITIONS.get((comment.question_status, action))
    if to_status is None:
        phrase = _STATUS_PHRASE.get(comment.question_status, "of where it is")
        raise QuestionRefused(f"You can't {action.replace('_', ' ')} this question: {phrase}.")
    return to_status


# --- RSVPs -------------------------------------------------------------------------------


@dataclass(frozen=True)
class AttendanceState:
    going: bool
    count: int


def set_rsvp(*, member: User, post: Post, going: bool) -> AttendanceState:
    """Say "I'll be there" (`going`) or "Not going" to a live Q&A that has not ended.

    Idempotent: saying the same twice (a double submit, two tabs) changes nothing; the
    unique (post, member) constraint settles racing inserts."""
    ensure_can_participate(member)
    check_is_event(post)
    check_can_see_post(member, post)
    if post.event_state == "ended":
        raise NotAllowed("This live Q&A has ended.")
    with transaction.atomic():
        if going:
            try:
                with transaction.atomic():
                    EventRSVP.objects.create(post=post, member=member)
            except IntegrityError:
                changed = False  # already going
            else:
                changed = True
        else:
            changed = EventRSVP.objects.filter(post=post, member=member).delete()[0] > 0
        count = EventRSVP.objects.filter(post=post).count()
    if changed:
        page_cache.post_changed(post.pk, in_lists=False)
        _announce(post, "attendees", {"count": count})
    return AttendanceState(going=going, count=count)


def send_event_reminders(*, now: datetime.datetime | None = None) -> int:
    """Remind those who said they'll be there of live Q&As starting within REMIND_BEFORE,
    once per member per start time; return how many were reminded.

    Each RSVP is claimed with a conditional UPDATE of `reminded_at` before its notification
    is written, in one transaction: two overlapping runs cannot both remind, and a run that
    fails rolls its claim back with the notification. Moving the start clears the claims
    (`event_rescheduled`), so a reminder then comes for the new time. An event that already
    started is not reminded of (the task missed its moment; "starts in 15 minutes" would
    be wrong). A member who may no longer read the event (blocked, left its group) is
    marked reminded without a notification."""
    now = now or timezone.now()
    due = (
        EventRSVP.objects.filter(
            reminded_at__isnull=True,
            post__kind=PostKind.EVENT,
            post__deleted_at__isnull=True,
            post__removed_by_moderators_at__isnull=True,
            post__starts_at__gt=now,
            post__starts_at__lte=now + REMIND_BEFORE,
        )
        .select_related("post", "member")
        .order_by("pk")
    )
    reminded = 0
    for rsvp in due:
        post = rsvp.post
        with transaction.atomic():
            claimed = EventRSVP.objects.filter(pk=rsvp.pk, reminded_at__isnull=True).update(
                reminded_at=now
            )
            if not claimed:
                continue
            if not Post.objects.visible_to(rsvp.member).filter(pk=post.pk).exists():
                continue
            assert post.starts_at is not None
            minutes = max(1, round((post.starts_at - now).total_seconds() / 60))
            notify(
                recipient=rsvp.member,
                kind=Kind.EVENT_STARTING,
                title=f"“{post.headline}” starts in {minutes} minutes",
                url=post.get_absolute_url(),
                target=post,
            )
        reminded += 1
    return reminded


def event_rescheduled(*, post: Post, previous_starts_at: datetime.datetime | None) -> None:
    """The host moved the start of a live Q&A (called by the post edit, in its transaction):
    reminders sent for the old time no longer hold, so each member is reminded again
    before the new start."""
    if post.kind != PostKind.EVENT or post.starts_at == previous_starts_at:
        return
    EventRSVP.objects.filter(post=post, reminded_at__isnull=False).update(reminded_at=None)
    _announce(
        post,
        "rescheduled",
        {
            "starts_at": post.starts_at.isoformat() if post.starts_at else None,
            "ends_at": post.ends_at.isoformat() if post.ends_at else None,
        },
    )


# --- Co-hosts ----------------------------------------------------------------------------


@transaction.atomic
def add_cohost(*, host: User, post: Post, handle: str) -> EventCohost:
    """The post's author names a co-host by handle: a member who may read the event, not
    a minor (a host answers in public, and minors' writing is never shown to visitors),
    not the author. Naming someone already named changes nothing."""
    ensure_can_participate(host)
    check_is_event(post)
    if post.author_id != host.pk:
        raise NotAllowed("Only the author of this live Q&A can name co-hosts.")
    if post.is_gone:
        raise NotAllowed("This post was deleted.")
    handle = handle.strip().lstrip("@").lower()
    candidate = User.objects.visible_to(host).filter(handle=handle).first()
    if candidate is None:
        raise ValidationError(f"No member has the handle @{handle}.")
    if candidate.pk == host.pk:
        raise ValidationError("You are the host already.")
    if candidate.is_minor:
        raise ValidationError("Members under 18 can't co-host a live Q&A.")
    if not Post.objects.visible_to(candidate).filter(pk=post.pk).exists():
        raise ValidationError(f"@{handle} can't read this live Q&A, so can't co-host it.")
    existing = EventCohost.objects.filter(post=post, member=candidate).first()
    if existing is not None:
        return existing
    if EventCohost.objects.filter(post=post).count() >= MAX_COHOSTS:
        raise ValidationError(f"A live Q&A has at most {MAX_COHOSTS} co-hosts.")
    try:
        with transaction.atomic():
            cohost = EventCohost.objects.create(post=post, member=candidate)
    except IntegrityError:
        return EventCohost.objects.get(post=post, member=candidate)
    page_cache.post_changed(post.pk, in_lists=False)
    notify(
        recipient=candidate,
        kind=Kind.MENTION,
        title=f"{host.display_name} made you a co-host of “{post.headline}”",
        url=post.get_absolute_url(),
        actor=host,
        target=post,
    )
    return cohost


@transaction.atomic
def remove_cohost(*, host: User, post: Post, member: User) -> None:
    """The post's author takes a co-host off the event (nothing if they were not on it)."""
    ensure_can_participate(host)
    if post.author_id != host.pk:
        raise NotAllowed("Only the author of this live Q&A can remove co-hosts.")
    if EventCohost.objects.filter(post=post, member=member).delete()[0]:
        page_cache.post_changed(post.pk, in_lists=False)


# --- Questions ---------------------------------------------------------------------------


def question_added(*, post: Post, comment: Comment) -> None:
    """`add_comment` wrote a question on a live Q&A (a top-level comment)."""
    _announce(post, "question", {"question": comment.pk})


@dataclass(frozen=True)
class VoteState:
    voted: bool
    count: int


def set_question_vote(*, member: User, question: Comment, voted: bool) -> VoteState:
    """Vote for a question of a live Q&A that has not ended (`voted`), or take the vote
    back. Not for one's own question, nor a hidden one.

    Idempotent (a double submit changes nothing) and exact under concurrent clicks, as
    `toggle_reaction`: the vote row is inserted or deleted first and the count moves by one
    only when a row really was; racing inserts meet the unique constraint, racing deletes
    serialise on the row."""
    ensure_can_participate(member)
    check_is_question(question)
    check_can_see_comment(member, question)
    if question.question_status == QuestionStatus.HIDDEN:
        raise NotAllowed("This question is not available.")
    if question.author_id == member.pk:
        raise NotAllowed("You can't vote for your own question.")
    if question.post.event_state == "ended":
        raise NotAllowed("This live Q&A has ended, so voting is closed.")
    with transaction.atomic():
        changed = False
        if voted:
            try:
                with transaction.atomic():
                    QuestionVote.objects.create(comment=question, member=member)
            except IntegrityError:
                pass  # voted already (a double submit, or another tab at the same moment)
            else:
                Comment.objects.filter(pk=question.pk).update(vote_count=F("vote_count") + 1)
                changed = True
        elif QuestionVote.objects.filter(comment=question, member=member).delete()[0]:
            Comment.objects.filter(pk=question.pk).update(vote_count=F("vote_count") - 1)
            changed = True
        count = Comment.objects.filter(pk=question.pk).values_list("vote_count", flat=True).get()
    if changed:
        page_cache.post_changed(question.post_id, in_lists=False)
        _announce(question.post, "votes", {"question": question.pk, "votes": count})
    return VoteState(voted=voted, count=count)


def _move(*, host: User, question: Comment, action: str) -> Comment:
    """Move `question` by `action` with its row locked (the caller holds a transaction)."""
    locked = Comment.objects.select_for_update().select_related("post").get(pk=question.pk)
    check_is_question(locked)
    to_status = check_question_move(locked, action)
    if to_status != locked.question_status:
        locked.question_status = to_status
        locked.save(update_fields=["question_status"])
    return locked


def move_question(*, host: User, question: Comment, action: str) -> Comment:
    """A host pins, unpins, marks answered, reopens, hides or unhides a question
    (QUESTION_TRANSITIONS); anyone else is refused."""
    ensure_can_participate(host)
    if action not in BUTTON_ACTIONS:
        raise ValidationError("Unknown action.")
    check_is_question(question)
    check_can_see_comment(host, question)
    check_is_host(host, question.post)
    check_question_move(question, action)
    with transaction.atomic():
        moved = _move(host=host, question=question, action=action)
    page_cache.post_changed(question.post_id, in_lists=False)
    _announce(
        question.post,
        _ANNOUNCED_AS[moved.question_status],
        {"question": moved.pk, "status": moved.question_status},
    )
    return moved


def answer_question(
    *,
    host: User,
    question: Comment,
    body: str,
    confirmed_privacy: bool = False,
    privacy_digest: str | None = None,
) -> Comment:
    """A host answers a question: a reply marked as the host's answer (through the privacy
    guard, as every comment), and the question marked answered."""
    from .comments import add_comment

    ensure_can_participate(host)
    check_is_question(question)
    check_can_see_comment(host, question)
    check_is_host(host, question.post)
    check_question_move(question, ANSWER)
    with transaction.atomic():
        answer = add_comment(
            author=host,
            post=question.post,
            body=body,
            parent=question,
            confirmed_privacy=confirmed_privacy,
            privacy_digest=privacy_digest,
        )
        Comment.objects.filter(pk=answer.pk).update(is_host_answer=True)
        answer.is_host_answer = True
        _move(host=host, question=question, action=ANSWER)
    _announce(
        question.post,
        "answer",
        {"question": question.pk, "answer": answer.pk, "status": QuestionStatus.ANSWERED},
    )
    return answer
