"""Writes for posts, comments, reactions, bookmarks, groups and campaigns.

Every write checks that the member may take part (`ensure_can_participate`) and that they
can see what they act on (which also keeps blocked members apart). Notifications are
written in the same transaction as the event. Deleting one's own post or comment, leaving a
group and saving bookmarks stay possible while suspended: they take nothing to anyone.
"""

from __future__ import annotations

import datetime
import enum
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.contrib.postgres.search import SearchVector
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F, TextField, Value
from django.utils import timezone
from django.utils.text import slugify
from PIL import Image

from accounts.models import User
from accounts.moderators import Actor, may_moderate
from accounts.permissions import ensure_can_participate
from community.errors import Refused
from community.images import encode_display, encode_square_thumbnail
from moderation.models import ActionKind
from moderation.services import (
    campaign_state,
    membership_state,
    record_audit,
    record_membership_decision,
    remove_content,
)
from notifications.models import Kind
from notifications.services import notify, notify_reaction
from privacy.guard import GuardFinding, check_comment, check_post
from privacy.guard import PrivacyFindings as PrivacyFindings
from privacy.image_guard import (
    CheckedImage,
    ImageExcerpt,
    ImageToCheck,
    check_post_images,
    override_excerpts,
)
from privacy.image_guard import ImageFindings as ImageFindings
from privacy.redaction import NO_REDACTION, Redaction
from privacy.services import record_privacy_override

from .models import (
    GROUP_MODERATION_PERMISSION,
    Bookmark,
    Campaign,
    Circle,
    CircleKind,
    Comment,
    Hashtag,
    Membership,
    MembershipRole,
    MembershipStatus,
    Post,
    PostHashtag,
    PostImage,
    PostKind,
    Reaction,
    ReactionKind,
    Visibility,
)
from .rendering import Rendered, render_post_markdown
from .selectors import forget_running_campaigns

MAX_IMAGES = 4
DISPLAY_MAX_SIDE = 1600
THUMBNAIL_SIZE = 320
BANNER_MAX_SIDE = 1600
SEARCH_CONFIG = "english"
# Site moderators moderate groups with models.GROUP_MODERATION_PERMISSION; they start
# campaigns with the permission to add one.
CAMPAIGN_PERMISSION = "posts.add_campaign"
# The reason a site moderator gives for removing a member of a group or declining a request.
MAX_REASON_LENGTH = 500
# A second identical publish by the same author within this window is a double submit.
DOUBLE_SUBMIT_WINDOW = datetime.timedelta(minutes=2)


class NotAllowed(Refused):
    """The member may not do this; the message is shown to them."""


@dataclass(frozen=True)
class ImageInput:
    """A decoded, validated upload (see community.images.load_image), upright, with its alt
    text, the form slot it came from (1-based, for the guard's messages) and the author's
    redaction of it (applied by the privacy guard before anything is stored)."""

    image: Image.Image
    alt_text: str
    slot: int = 0
    redaction: Redaction = NO_REDACTION


@dataclass(frozen=True)
class ImageConsent:
    """What the author answered about the guard's image findings: a confirmation (for the
    findings of the signed `digest`) and "Black out everything found"."""

    confirmed: bool = False
    digest: str = ""
    black_out_found: bool = False


NO_IMAGE_CONSENT = ImageConsent()


@dataclass(frozen=True)
class ReactionState:
    active: bool
    count: int


# --- Checks ------------------------------------------------------------------------------


def _check_can_see_post(member: User, post: Post) -> None:
    if not Post.objects.visible_to(member).filter(pk=post.pk).exists():
        raise NotAllowed("This post is not available.")


def _check_can_see_comment(member: User, comment: Comment) -> None:
    if not Comment.objects.visible_to(member).alive().filter(pk=comment.pk).exists():
        raise NotAllowed("This comment is not available.")
    _check_can_see_post(member, comment.post)


def _membership(member: User, circle: Circle) -> Membership | None:
    return Membership.objects.filter(circle=circle, member=member).first()


class ModeratesAs(enum.Enum):
    """Whose power a member moderates a group with."""

    # One of the group's own moderators: their decisions stay in the group.
    GROUP_MODERATOR = "group_moderator"
    # A site moderator (accounts.moderators): each decision is written to the audit log.
    SITE_MODERATOR = "site_moderator"


def moderates_circle_as(actor: Actor, circle: Circle) -> ModeratesAs | None:
    """How `actor` may moderate `circle`, or None. A site moderator who is also one of the
    group's own moderators moderates it as such, except where only site moderators may act
    (removing a group moderator)."""
    if not actor.user.is_authenticated:
        return None
    if Membership.objects.filter(
        circle=circle,
        member=actor.user,
        role=MembershipRole.MODERATOR,
        status=MembershipStatus.ACTIVE,
    ).exists():
        return ModeratesAs.GROUP_MODERATOR
    if may_moderate(actor, GROUP_MODERATION_PERMISSION):
        return ModeratesAs.SITE_MODERATOR
    return None


def can_moderate_circle(actor: Actor, circle: Circle) -> bool:
    """Group moderators of `circle`, and site moderators, may moderate it."""
    return moderates_circle_as(actor, circle) is not None


def may_remove_group_moderators(actor: Actor) -> bool:
    """Only site moderators remove a group's moderators."""
    return may_moderate(actor, GROUP_MODERATION_PERMISSION)


def may_start_campaigns(actor: Actor) -> bool:
    """Only site moderators turn hashtags into campaigns."""
    return may_moderate(actor, CAMPAIGN_PERMISSION)


def _check_post_fields(
    *,
    author: User,
    kind: str,
    title: str,
    body: str,
    visibility: str,
    circle: Circle | None,
    doi: str,
    pmid: str,
    pub_title: str,
    starts_at: datetime.datetime | None,
    duration_minutes: int | None,
) -> None:
    """The invariants of a post, whatever form or script submits it."""
    if kind not in PostKind.values:
        raise ValidationError("Choose what kind of post this is.")
    if visibility not in Visibility.values:
        raise ValidationError("Choose who can see this post.")
    if not body.strip():
        raise ValidationError("Write something first.")
    if visibility == Visibility.GROUP:
        if circle is None:
            raise ValidationError("Choose the group to post in.")
        membership = _membership(author, circle)
        if membership is None or not membership.is_active:
            raise NotAllowed("You can post in a group once you are a member of it.")
    elif circle is not None:
        raise ValidationError("Only group posts belong to a group.")
    if kind == PostKind.PUBLICATION:
        if not (doi or pmid):
            raise ValidationError("Give the publication's DOI or PubMed ID.")
        if not pub_title.strip():
            raise ValidationError("Give the publication's title.")
    if kind == PostKind.EVENT:
        if not title.strip():
            raise ValidationError("Give the live Q&A a title.")
        if starts_at is None or duration_minutes is None:
            raise ValidationError("Give the live Q&A a start time and a duration.")
        if timezone.is_naive(starts_at):
            raise ValidationError("The start time needs a time zone.")


# --- Hashtags, search, images ------------------------------------------------------------


def _sync_hashtags(post: Post, names: Iterable[str]) -> list[str]:
    names = list(dict.fromkeys(name.lower() for name in names))
    existing = {tag.name: tag for tag in Hashtag.objects.filter(name__in=names)}
    for name in names:
        if name not in existing:
            existing[name], _ = Hashtag.objects.get_or_create(name=name)
    PostHashtag.objects.filter(post=post).exclude(hashtag__name__in=names).delete()
    linked = set(PostHashtag.objects.filter(post=post).values_list("hashtag__name", flat=True))
    PostHashtag.objects.bulk_create(
        [
            PostHashtag(post=post, hashtag=existing[name], created_at=post.created_at)
            for name in names
            if name not in linked
        ],
        ignore_conflicts=True,
    )
    return names


def _refresh_search_vector(post: Post, hashtags: Sequence[str]) -> None:
    """Weighted search document: title, publication title and hashtags A, journal C, body B.

    Kept here rather than in a trigger so that all of it is visible in Python, in the same
    transaction as the post. SQLite has no tsvector: search uses a contains match there.
    """
    if connection.vendor != "postgresql":
        return
    tags = Value(" ".join(hashtags), output_field=TextField())
    Post.objects.filter(pk=post.pk).update(
        search_vector=SearchVector("title", weight="A", config=SEARCH_CONFIG)
        + SearchVector("pub_title", weight="A", config=SEARCH_CONFIG)
        + SearchVector(tags, weight="A", config=SEARCH_CONFIG)
        + SearchVector("body", weight="B", config=SEARCH_CONFIG)
        + SearchVector("journal", weight="C", config=SEARCH_CONFIG)
    )


def _store_images(post: Post, images: Sequence[ImageInput], *, first_position: int) -> None:
    for offset, item in enumerate(images):
        alt_text = item.alt_text.strip()
        if not alt_text:
            raise ValidationError("Every image needs a description (alt text).")
        position = first_position + offset
        # Media files are served without a permission check: an unguessable name keeps the
        # images of group and members-only posts from being found by counting.
        name = f"post-{secrets.token_urlsafe(16)}"
        PostImage.objects.create(
            post=post,
            display=encode_display(item.image, max_side=DISPLAY_MAX_SIDE, name=name),
            thumbnail=encode_square_thumbnail(
                item.image, size=THUMBNAIL_SIZE, name=f"{name}-thumb"
            ),
            alt_text=alt_text[:300],
            position=position,
        )


def _recount_images(post: Post) -> None:
    """Store how many images the post has now (cards load images only when it has some)."""
    post.image_count = post.images.count()
    Post.objects.filter(pk=post.pk).update(image_count=post.image_count)


def _delete_image_files(images: Iterable[PostImage]) -> None:
    """Delete files once the transaction commits, so a rollback keeps them."""
    paths = [(image.display.storage, image.display.name) for image in images if image.display]
    paths += [
        (image.thumbnail.storage, image.thumbnail.name) for image in images if image.thumbnail
    ]

    def _delete() -> None:
        for storage, name in paths:
            storage.delete(name)

    transaction.on_commit(_delete)


def _notify_mentions(
    *, rendered: Rendered, actor: User, post: Post, url: str, already: Iterable[int] = ()
) -> None:
    """Tell each newly mentioned member who can read the post."""
    skip = set(already) | {actor.pk}
    for member in rendered.mentions:
        if member.pk in skip:
            continue
        if not Post.objects.visible_to(member).filter(pk=post.pk).exists():
            continue
        notify(
            recipient=member,
            kind=Kind.MENTION,
            title=f"{actor.display_name} mentioned you",
            url=url,
            actor=actor,
            target=post,
        )


def _guard_post(
    *,
    kind: str,
    title: str,
    body: str,
    images: Sequence[ImageInput],
    confirmed_privacy: bool,
    privacy_digest: str | None,
    consent: ImageConsent,
) -> tuple[list[ImageInput], list[GuardFinding | ImageExcerpt]]:
    """Run the privacy guard on a post's text and new images, before any write.

    Images are redacted and scanned once each (outside any transaction: OCR takes seconds).
    Returns the images as they will be stored (redacted) and every finding confirmed past,
    in the text and in the images, to record for moderators. When both the text and the
    images have findings to show, the text's PrivacyFindings carries the images' as
    `image_findings`, so the author sees everything at once.
    """
    image_error: ImageFindings | None = None
    checked: list[CheckedImage] = []
    try:
        checked = check_post_images(
            images=[
                ImageToCheck(slot=item.slot or number, image=item.image, redaction=item.redaction)
                for number, item in enumerate(images, start=1)
            ],
            is_case=kind == PostKind.CASE,
            confirmed=consent.confirmed,
            digest=consent.digest,
            black_out_found=consent.black_out_found,
        )
    except ImageFindings as error:
        image_error = error
    try:
        confirmed_findings = check_post(
            title=title, body=body, confirmed=confirmed_privacy, digest=privacy_digest
        )
    except PrivacyFindings as error:
        error.image_findings = image_error
        raise
    if image_error is not None:
        raise image_error
    stored = [
        ImageInput(image=done.image, alt_text=item.alt_text, slot=item.slot)
        for item, done in zip(images, checked, strict=True)
    ]
    return stored, [*confirmed_findings, *override_excerpts(checked)]


# --- Posts -------------------------------------------------------------------------------


def publish_post(
    *,
    author: User,
    body: str,
    kind: str = PostKind.DISCUSSION,
    title: str = "",
    visibility: str = Visibility.PUBLIC,
    circle: Circle | None = None,
    doi: str = "",
    pmid: str = "",
    pub_title: str = "",
    journal: str = "",
    year: int | None = None,
    starts_at: datetime.datetime | None = None,
    duration_minutes: int | None = None,
    images: Sequence[ImageInput] = (),
    confirmed_privacy: bool = False,
    privacy_digest: str | None = None,
    image_consent: ImageConsent = NO_IMAGE_CONSENT,
) -> Post:
    """Publish a post: render its Markdown once, link hashtags, store images, notify mentions.

    The privacy guard runs on the title and body: PrivacyFindings while a high-confidence
    finding remains, or low-confidence ones are not confirmed (`confirmed_privacy`). Each
    image is redacted as its author asked and scanned before anything is stored
    (`privacy.image_guard`): ImageFindings while a case has a high-confidence finding, or
    other findings are not confirmed (`image_consent`); only redacted images are stored.
    Confirmations are recorded for moderators. An identical publish moments after the first
    (a double submit) returns the first post.
    """
    ensure_can_participate(author)
    _check_post_fields(
        author=author,
        kind=kind,
        title=title,
        body=body,
        visibility=visibility,
        circle=circle,
        doi=doi,
        pmid=pmid,
        pub_title=pub_title,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
    )
    if len(images) > MAX_IMAGES:
        raise ValidationError(f"A post can have up to {MAX_IMAGES} images.")
    stored_images, overrides = _guard_post(
        kind=kind,
        title=title,
        body=body,
        images=images,
        confirmed_privacy=confirmed_privacy,
        privacy_digest=privacy_digest,
        consent=image_consent,
    )
    return _create_post(
        author=author,
        body=body,
        kind=kind,
        title=title,
        visibility=visibility,
        circle=circle,
        doi=doi,
        pmid=pmid,
        pub_title=pub_title,
        journal=journal,
        year=year,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        images=stored_images,
        overrides=overrides,
    )


@transaction.atomic
def _create_post(
    *,
    author: User,
    body: str,
    kind: str,
    title: str,
    visibility: str,
    circle: Circle | None,
    doi: str,
    pmid: str,
    pub_title: str,
    journal: str,
    year: int | None,
    starts_at: datetime.datetime | None,
    duration_minutes: int | None,
    images: Sequence[ImageInput],
    overrides: Sequence[GuardFinding | ImageExcerpt],
) -> Post:
    """The writes of `publish_post`, once its checks have passed."""
    # Locking the author's row serialises their publishes, so two racing submits of the
    # same form cannot both miss each other in the check below.
    User.objects.select_for_update().only("pk").get(pk=author.pk)
    duplicate = (
        Post.objects.alive()
        .filter(
            author=author,
            kind=kind,
            title=title.strip(),
            body=body,
            visibility=visibility,
            circle=circle if visibility == Visibility.GROUP else None,
            created_at__gte=timezone.now() - DOUBLE_SUBMIT_WINDOW,
        )
        .order_by("-created_at")
        .first()
    )
    if duplicate is not None:
        return duplicate
    is_event = kind == PostKind.EVENT
    is_publication = kind == PostKind.PUBLICATION
    rendered = render_post_markdown(body)
    post = Post.objects.create(
        author=author,
        kind=kind,
        title=title.strip(),
        body=body,
        body_html=rendered.html,
        visibility=visibility,
        circle=circle if visibility == Visibility.GROUP else None,
        doi=doi if is_publication else "",
        pmid=pmid if is_publication else "",
        pub_title=pub_title.strip() if is_publication else "",
        journal=journal.strip() if is_publication else "",
        year=year if is_publication else None,
        starts_at=starts_at if is_event else None,
        duration_minutes=duration_minutes if is_event else None,
    )
    if images:
        _store_images(post, images, first_position=0)
        _recount_images(post)
    hashtags = _sync_hashtags(post, rendered.hashtags)
    _refresh_search_vector(post, hashtags)
    record_privacy_override(author=author, target=post, findings=overrides)
    _notify_mentions(rendered=rendered, actor=author, post=post, url=post.get_absolute_url())
    return post


def _check_own_live_post(post: Post, member: User) -> None:
    if post.author_id != member.pk:
        raise NotAllowed("Only the author can change this post.")
    if post.is_gone:
        raise NotAllowed("This post was deleted.")


def edit_post(
    *,
    post: Post,
    editor: User,
    body: str,
    title: str = "",
    doi: str = "",
    pmid: str = "",
    pub_title: str = "",
    journal: str = "",
    year: int | None = None,
    starts_at: datetime.datetime | None = None,
    duration_minutes: int | None = None,
    remove_image_ids: Iterable[int] = (),
    add_images: Sequence[ImageInput] = (),
    confirmed_privacy: bool = False,
    privacy_digest: str | None = None,
    image_consent: ImageConsent = NO_IMAGE_CONSENT,
) -> Post:
    """Change a post's text and images (kind, visibility and group stay as published);
    marks it edited and notifies only members mentioned for the first time. The privacy
    guard applies as in `publish_post`, to the text and the added images."""
    ensure_can_participate(editor)
    _check_own_live_post(post, editor)
    _check_post_fields(
        author=editor,
        kind=post.kind,
        title=title,
        body=body,
        visibility=post.visibility,
        circle=post.circle,
        doi=doi,
        pmid=pmid,
        pub_title=pub_title,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
    )
    remove_image_ids = list(remove_image_ids)
    removing = post.images.filter(pk__in=remove_image_ids).count()
    if post.images.count() - removing + len(add_images) > MAX_IMAGES:
        raise ValidationError(f"A post can have up to {MAX_IMAGES} images.")
    stored_images, overrides = _guard_post(
        kind=post.kind,
        title=title,
        body=body,
        images=add_images,
        confirmed_privacy=confirmed_privacy,
        privacy_digest=privacy_digest,
        consent=image_consent,
    )
    return _save_post_edit(
        post=post,
        editor=editor,
        body=body,
        title=title,
        doi=doi,
        pmid=pmid,
        pub_title=pub_title,
        journal=journal,
        year=year,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        remove_image_ids=remove_image_ids,
        add_images=stored_images,
        overrides=overrides,
    )


@transaction.atomic
def _save_post_edit(
    *,
    post: Post,
    editor: User,
    body: str,
    title: str,
    doi: str,
    pmid: str,
    pub_title: str,
    journal: str,
    year: int | None,
    starts_at: datetime.datetime | None,
    duration_minutes: int | None,
    remove_image_ids: Sequence[int],
    add_images: Sequence[ImageInput],
    overrides: Sequence[GuardFinding | ImageExcerpt],
) -> Post:
    """The writes of `edit_post`, once its checks have passed (re-checked under the lock)."""
    post = Post.objects.select_for_update().get(pk=post.pk)
    _check_own_live_post(post, editor)
    removed = list(post.images.filter(pk__in=list(remove_image_ids)))
    kept = post.images.count() - len(removed)
    if kept + len(add_images) > MAX_IMAGES:
        raise ValidationError(f"A post can have up to {MAX_IMAGES} images.")

    previously_mentioned = {member.pk for member in render_post_markdown(post.body).mentions}
    rendered = render_post_markdown(body)
    is_event = post.kind == PostKind.EVENT
    is_publication = post.kind == PostKind.PUBLICATION
    post.title = title.strip()
    post.body = body
    post.body_html = rendered.html
    if is_publication:
        post.doi, post.pmid, post.year = doi, pmid, year
        post.pub_title, post.journal = pub_title.strip(), journal.strip()
    if is_event:
        post.starts_at, post.duration_minutes = starts_at, duration_minutes
    post.edited_at = timezone.now()
    post.save()

    if removed:
        _delete_image_files(removed)
        PostImage.objects.filter(pk__in=[image.pk for image in removed]).delete()
    last = post.images.order_by("-position").values_list("position", flat=True).first()
    _store_images(post, add_images, first_position=(last + 1) if last is not None else 0)
    if removed or add_images:
        _recount_images(post)
    hashtags = _sync_hashtags(post, rendered.hashtags)
    _refresh_search_vector(post, hashtags)
    record_privacy_override(author=editor, target=post, findings=overrides)
    _notify_mentions(
        rendered=rendered,
        actor=editor,
        post=post,
        url=post.get_absolute_url(),
        already=previously_mentioned,
    )
    return post


@transaction.atomic
def delete_post(*, post: Post, member: User) -> None:
    """Soft-delete the author's post: a tombstone stays so its comment thread keeps its
    place; the images are deleted and the post leaves search."""
    if post.author_id != member.pk:
        raise NotAllowed("Only the author can delete this post.")
    now = timezone.now()
    updated = Post.objects.filter(pk=post.pk, deleted_at__isnull=True).update(
        deleted_at=now, search_vector=None, image_count=0
    )
    if not updated:
        return
    images = list(post.images.all())
    _delete_image_files(images)
    PostImage.objects.filter(post=post).delete()
    post.deleted_at, post.image_count = now, 0


# --- Comments ----------------------------------------------------------------------------


def questions_open(post: Post, member: User | AnonymousUser) -> bool:
    """Questions on a live Q&A are collected before and during it; afterwards only the
    host may still answer. Other posts are always open."""
    return not (
        post.kind == PostKind.EVENT and post.event_state == "ended" and member.pk != post.author_id
    )


@transaction.atomic
def add_comment(
    *,
    author: User,
    post: Post,
    body: str,
    parent: Comment | None = None,
    confirmed_privacy: bool = False,
    privacy_digest: str | None = None,
) -> Comment:
    """Comment on a post, or reply to a top-level comment (one level of replies).

    The privacy guard warns: PrivacyFindings until the author confirms past what it found
    (`confirmed_privacy`, tied to `privacy_digest` as in `publish_post`); the confirmation
    is recorded for moderators.
    """
    ensure_can_participate(author)
    if not body.strip():
        raise ValidationError("Write something first.")
    _check_can_see_post(author, post)
    if not questions_open(post, author):
        raise NotAllowed("This live Q&A has ended, so questions are closed.")
    if parent is not None:
        if parent.post_id != post.pk:
            raise ValidationError("That reply belongs to another post.")
        if parent.parent_id is not None:
            # Replies to a reply join the same thread, under its top-level comment.
            parent = parent.parent
            assert parent is not None
        _check_can_see_comment(author, parent)
    confirmed_findings = check_comment(
        body=body, confirmed=confirmed_privacy, digest=privacy_digest
    )
    rendered = render_post_markdown(body)
    comment = Comment.objects.create(
        post=post, author=author, parent=parent, body=body, body_html=rendered.html
    )
    record_privacy_override(author=author, target=comment, findings=confirmed_findings)
    Post.objects.filter(pk=post.pk).update(comment_count=F("comment_count") + 1)
    url = comment.get_absolute_url()
    label = "question" if post.kind == PostKind.EVENT else "comment"
    notified = {author.pk}
    if parent is not None and parent.author_id not in notified:
        notify(
            recipient=parent.author,
            kind=Kind.REPLY,
            title=f"{author.display_name} replied to your {label}",
            url=url,
            actor=author,
            target=comment,
        )
        notified.add(parent.author_id)
    if post.author_id not in notified:
        notify(
            recipient=post.author,
            kind=Kind.COMMENT,
            title=f"{author.display_name} left a {label} on “{post.headline}”",
            url=url,
            actor=author,
            target=comment,
        )
        notified.add(post.author_id)
    _notify_mentions(rendered=rendered, actor=author, post=post, url=url, already=notified)
    return comment


@transaction.atomic
def edit_comment(
    *,
    comment: Comment,
    editor: User,
    body: str,
    confirmed_privacy: bool = False,
    privacy_digest: str | None = None,
) -> Comment:
    """Change the author's own comment; notifies only members mentioned for the first time.
    The privacy guard applies as in `add_comment`."""
    ensure_can_participate(editor)
    comment = Comment.objects.select_for_update().select_related("post").get(pk=comment.pk)
    if comment.author_id != editor.pk:
        raise NotAllowed("Only the author can change this comment.")
    if comment.is_gone:
        raise NotAllowed("This comment was deleted.")
    if not body.strip():
        raise ValidationError("Write something first.")
    confirmed_findings = check_comment(
        body=body, confirmed=confirmed_privacy, digest=privacy_digest
    )
    previously_mentioned = {member.pk for member in render_post_markdown(comment.body).mentions}
    rendered = render_post_markdown(body)
    comment.body = body
    comment.body_html = rendered.html
    comment.edited_at = timezone.now()
    comment.save(update_fields=["body", "body_html", "edited_at"])
    record_privacy_override(author=editor, target=comment, findings=confirmed_findings)
    _notify_mentions(
        rendered=rendered,
        actor=editor,
        post=comment.post,
        url=comment.get_absolute_url(),
        already=previously_mentioned,
    )
    return comment


@transaction.atomic
def delete_comment(*, comment: Comment, member: User) -> None:
    """Soft-delete the author's own comment; replies under it stay, below a tombstone."""
    if comment.author_id != member.pk:
        raise NotAllowed("Only the author can delete this comment.")
    updated = Comment.objects.filter(pk=comment.pk, deleted_at__isnull=True).update(
        deleted_at=timezone.now()
    )
    if updated:
        Post.objects.filter(pk=comment.post_id).update(comment_count=F("comment_count") - 1)


# --- Reactions and bookmarks -------------------------------------------------------------


def toggle_reaction(*, member: User, target: Post | Comment, kind: str) -> ReactionState:
    """Add the member's reaction of `kind`, or take it back if it was there.

    Exact under concurrent clicks: the Reaction row is inserted or deleted first and the
    counter moves by one only when a row really was inserted or deleted. Two racing inserts
    meet the partial unique constraint (the loser changes nothing); two racing deletes
    serialise on the row (the loser deletes nothing); the counter UPDATE locks the target.
    """
    ensure_can_participate(member)
    if kind not in ReactionKind.values:
        raise ValidationError("Unknown reaction.")
    is_post = isinstance(target, Post)
    if isinstance(target, Post):
        _check_can_see_post(member, target)
    else:
        _check_can_see_comment(member, target)
    counter = f"{kind}_count"
    model = Post if is_post else Comment
    lookup = {"post": target} if is_post else {"comment": target}

    with transaction.atomic():
        deleted, _ = Reaction.objects.filter(member=member, kind=kind, **lookup).delete()
        if deleted:
            model.objects.filter(pk=target.pk).update(**{counter: F(counter) - 1})
            active = False
        else:
            try:
                with transaction.atomic():
                    Reaction.objects.create(member=member, kind=kind, **lookup)
            except IntegrityError:
                # A concurrent click of the same member inserted it first: it is on.
                active = True
            else:
                model.objects.filter(pk=target.pk).update(**{counter: F(counter) + 1})
                active = True
                _notify_reaction(member=member, target=target, reaction=kind)
        count = model.objects.filter(pk=target.pk).values_list(counter, flat=True).get()
    return ReactionState(active=active, count=count)


def _notify_reaction(*, member: User, target: Post | Comment, reaction: str) -> None:
    post = target if isinstance(target, Post) else target.post
    notify_reaction(
        recipient=target.author,
        actor=member,
        target=target,
        url=target.get_absolute_url(),
        reaction=reaction,
        item=str(post),
    )


@transaction.atomic
def toggle_bookmark(*, member: User, post: Post) -> bool:
    """Save the post to the member's bookmarks, or remove it; returns whether it is saved."""
    if not member.is_authenticated:
        raise NotAllowed("Sign in to save posts.")
    deleted, _ = Bookmark.objects.filter(member=member, post=post).delete()
    if deleted:
        return False
    _check_can_see_post(member, post)
    try:
        with transaction.atomic():
            Bookmark.objects.create(member=member, post=post)
    except IntegrityError:
        pass
    return True


# --- Groups ------------------------------------------------------------------------------


def _unique_slug(name: str) -> str:
    base = slugify(name)[:50] or "group"
    slug, number = base, 2
    while Circle.objects.filter(slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug


@transaction.atomic
def create_circle(
    *,
    creator: User,
    name: str,
    description: str = "",
    kind: str = CircleKind.TOPIC,
    is_private: bool = False,
) -> Circle:
    """Create a group; its creator is its first member and group moderator."""
    ensure_can_participate(creator)
    name = " ".join(name.split())
    if not name:
        raise ValidationError("Give the group a name.")
    if kind not in CircleKind.values:
        raise ValidationError("Choose specialty or topic.")
    if Circle.objects.filter(name__iexact=name).exists():
        raise ValidationError("A group with this name already exists.")
    circle = Circle.objects.create(
        slug=_unique_slug(name),
        name=name,
        description=description.strip(),
        kind=kind,
        is_private=is_private,
        member_count=1,
        created_by=creator,
    )
    Membership.objects.create(
        circle=circle,
        member=creator,
        role=MembershipRole.MODERATOR,
        status=MembershipStatus.ACTIVE,
    )
    return circle


def _circle_moderators(circle: Circle) -> list[User]:
    return list(
        User.objects.filter(
            circle_memberships__circle=circle,
            circle_memberships__role=MembershipRole.MODERATOR,
            circle_memberships__status=MembershipStatus.ACTIVE,
        )
    )


@transaction.atomic
def join_circle(*, member: User, circle: Circle) -> Membership:
    """Join a public group at once; ask to join a private one (its moderators are told)."""
    ensure_can_participate(member)
    existing = _membership(member, circle)
    if existing is not None:
        return existing
    status = MembershipStatus.PENDING if circle.is_private else MembershipStatus.ACTIVE
    try:
        with transaction.atomic():
            membership = Membership.objects.create(circle=circle, member=member, status=status)
    except IntegrityError:
        # A double submit: the first request made it.
        return Membership.objects.get(circle=circle, member=member)
    if status == MembershipStatus.ACTIVE:
        Circle.objects.filter(pk=circle.pk).update(member_count=F("member_count") + 1)
    else:
        for moderator in _circle_moderators(circle):
            notify(
                recipient=moderator,
                kind=Kind.GROUP,
                title=f"{member.display_name} asks to join {circle.name}",
                url=circle.get_absolute_url() + "members/",
                actor=member,
                target=circle,
            )
    return membership


def _is_only_moderator(membership: Membership) -> bool:
    if membership.role != MembershipRole.MODERATOR or not membership.is_active:
        return False
    return not (
        Membership.objects.filter(
            circle_id=membership.circle_id,
            role=MembershipRole.MODERATOR,
            status=MembershipStatus.ACTIVE,
        )
        .exclude(pk=membership.pk)
        .exists()
    )


def _end_membership(membership: Membership) -> bool:
    """Delete the membership; False when it was already gone."""
    deleted, _ = Membership.objects.filter(pk=membership.pk).delete()
    if deleted and membership.status == MembershipStatus.ACTIVE:
        Circle.objects.filter(pk=membership.circle_id).update(member_count=F("member_count") - 1)
    return bool(deleted)


@transaction.atomic
def leave_circle(*, member: User, circle: Circle) -> None:
    """Leave a group, or withdraw a request to join. The only moderator must hand over first."""
    membership = _membership(member, circle)
    if membership is None:
        return
    others_remain = (
        Membership.objects.filter(circle=circle, status=MembershipStatus.ACTIVE)
        .exclude(pk=membership.pk)
        .exists()
    )
    if _is_only_moderator(membership) and others_remain:
        raise NotAllowed(
            "You are this group's only moderator: make another member a moderator first."
        )
    _end_membership(membership)


def _check_moderates(moderator: Actor, circle: Circle) -> ModeratesAs:
    ensure_can_participate(moderator.user)
    moderates_as = moderates_circle_as(moderator, circle)
    if moderates_as is None:
        raise NotAllowed("Only the group's moderators can do this.")
    return moderates_as


def _check_reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise ValidationError("Give a reason: the audit log keeps it.")
    if len(reason) > MAX_REASON_LENGTH:
        raise ValidationError(f"Keep the reason to {MAX_REASON_LENGTH} characters at most.")
    return reason


@transaction.atomic
def approve_membership(*, moderator: Actor, membership: Membership) -> Membership:
    """Let a member who asked into a private group in; they are told. A site moderator's
    approval is audited."""
    moderates_as = _check_moderates(moderator, membership.circle)
    before = membership_state(membership)
    updated = Membership.objects.filter(pk=membership.pk, status=MembershipStatus.PENDING).update(
        status=MembershipStatus.ACTIVE
    )
    # Only the fields: a full refresh would drop the loaded group and member.
    membership.refresh_from_db(fields=["status", "role"])
    if updated:
        Circle.objects.filter(pk=membership.circle_id).update(member_count=F("member_count") + 1)
        notify(
            recipient=membership.member,
            kind=Kind.GROUP,
            title=f"You are now a member of {membership.circle.name}",
            url=membership.circle.get_absolute_url(),
            actor=moderator.member,
            target=membership.circle,
        )
        if moderates_as is ModeratesAs.SITE_MODERATOR:
            record_membership_decision(
                moderator=moderator.member,
                action=ActionKind.APPROVE_GROUP_REQUEST,
                membership=membership,
                before=before,
                after=membership_state(membership),
            )
    return membership


@transaction.atomic
def remove_member(*, moderator: Actor, membership: Membership, reason: str = "") -> None:
    """Remove a member from the group, or decline a request to join. Only site moderators
    remove a group moderator; a site moderator gives a reason, kept in the audit log."""
    moderates_as = _check_moderates(moderator, membership.circle)
    if membership.member_id == moderator.user.pk:
        raise NotAllowed("To leave the group yourself, use Leave.")
    removes_a_moderator = membership.role == MembershipRole.MODERATOR
    if removes_a_moderator and not may_remove_group_moderators(moderator):
        raise NotAllowed("Group moderators can only be removed by site moderators.")
    is_site_decision = removes_a_moderator or moderates_as is ModeratesAs.SITE_MODERATOR
    if is_site_decision:
        reason = _check_reason(reason)
    before = membership_state(membership)
    if _end_membership(membership) and is_site_decision:
        record_membership_decision(
            moderator=moderator.member,
            action=ActionKind.DECLINE_GROUP_REQUEST
            if membership.status == MembershipStatus.PENDING
            else ActionKind.REMOVE_GROUP_MEMBER,
            membership=membership,
            reason=reason,
            before=before,
            after={"removed": True},
        )


@transaction.atomic
def make_circle_moderator(*, moderator: Actor, membership: Membership) -> Membership:
    """Make an active member a group moderator. A site moderator's choice is audited."""
    moderates_as = _check_moderates(moderator, membership.circle)
    if not membership.is_active:
        raise ValidationError("Approve the request first.")
    before = membership_state(membership)
    updated = (
        Membership.objects.filter(pk=membership.pk, status=MembershipStatus.ACTIVE)
        .exclude(role=MembershipRole.MODERATOR)
        .update(role=MembershipRole.MODERATOR)
    )
    membership.role = MembershipRole.MODERATOR
    if updated and moderates_as is ModeratesAs.SITE_MODERATOR:
        record_membership_decision(
            moderator=moderator.member,
            action=ActionKind.MAKE_GROUP_MODERATOR,
            membership=membership,
            before=before,
            after=membership_state(membership),
        )
    return membership


@transaction.atomic
def remove_post_in_circle(*, moderator: Actor, post: Post, reason: str) -> None:
    """A group moderator takes a post out of their group; the author is told why.

    A site moderator removing it acts as in the panel (`moderation.services.remove_content`):
    the author can appeal the decision, and the audit log keeps it."""
    if post.circle is None:
        raise NotAllowed("Only posts in a group can be removed by its moderators.")
    moderates_as = _check_moderates(moderator, post.circle)
    if not reason.strip():
        raise ValidationError("Say why the post is removed; the author will read it.")
    if moderates_as is ModeratesAs.SITE_MODERATOR:
        remove_content(moderator=moderator.member, target=post, reason=reason)
        return
    updated = Post.objects.filter(pk=post.pk, removed_by_moderators_at__isnull=True).update(
        removed_by_moderators_at=timezone.now(),
        removal_reason=f"Removed by the moderators of {post.circle.name}: {reason.strip()}",
        search_vector=None,
    )
    if updated:
        notify(
            recipient=post.author,
            kind=Kind.MODERATION,
            title=f"Your post “{post.headline}” was removed from {post.circle.name}",
            url=post.get_absolute_url(),
            actor=moderator.member,
            target=post,
        )


# --- Campaigns ---------------------------------------------------------------------------


@transaction.atomic
def create_campaign(
    *,
    creator: Actor,
    hashtag: str,
    title: str,
    description: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    banner: Image.Image | None = None,
    banner_alt: str = "",
) -> Campaign:
    """Turn a hashtag into an awareness campaign (site moderators only), and write it to
    the audit log. The hashtag page and the panel's "Turn into a campaign" both call this."""
    ensure_can_participate(creator.user)
    if not may_start_campaigns(creator):
        raise NotAllowed("Only moderators can start campaigns.")
    name = hashtag.strip().lstrip("#").lower()
    if not name:
        raise ValidationError("Give the campaign's hashtag.")
    if ends_on < starts_on:
        raise ValidationError("The campaign must end on or after the day it starts.")
    if banner is not None and not banner_alt.strip():
        raise ValidationError("Describe the banner image (alt text).")
    tag, _ = Hashtag.objects.get_or_create(name=name)
    if Campaign.objects.filter(hashtag=tag).exists():
        raise ValidationError(f"#{name} already has a campaign.")
    campaign = Campaign(
        hashtag=tag,
        title=title.strip(),
        description=description.strip(),
        starts_on=starts_on,
        ends_on=ends_on,
        banner_alt=banner_alt.strip()[:200],
        created_by=creator.member,
    )
    if banner is not None:
        campaign.banner = encode_display(banner, max_side=BANNER_MAX_SIDE, name=f"campaign-{name}")
    campaign.save()
    record_audit(
        actor=creator.member,
        action=ActionKind.MAKE_CAMPAIGN,
        target=campaign,
        after=campaign_state(campaign),
    )
    transaction.on_commit(forget_running_campaigns)
    return campaign
