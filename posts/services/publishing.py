"""Publishing, editing and deleting posts, with the privacy guard before any write."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.permissions import ensure_can_participate
from community import page_cache
from notifications.models import Kind
from notifications.services import notify
from privacy.guard import GuardFinding, PrivacyFindings, check_post
from privacy.image_guard import (
    CheckedImage,
    ImageExcerpt,
    ImageFindings,
    ImageToCheck,
    check_post_images,
    override_excerpts,
)
from privacy.services import record_privacy_override

from ..authors import lock_author_minor_until
from ..models import Circle, Post, PostImage, PostKind, Visibility
from ..rendering import Rendered, render_post_markdown
from . import events
from .media import (
    MAX_IMAGES,
    NO_IMAGE_CONSENT,
    ImageConsent,
    ImageInput,
    delete_image_files,
    recount_images,
    refresh_search_vector,
    store_images,
    sync_hashtags,
)
from .rules import NotAllowed, membership_of

# A second identical publish by the same author within this window is a double submit.
DOUBLE_SUBMIT_WINDOW = datetime.timedelta(minutes=2)


@dataclass(frozen=True)
class PostContent:
    """What the author writes, whatever the kind: the text, and the fields only publications
    (doi to year) and live Q&As (starts_at, duration_minutes) have."""

    body: str
    title: str = ""
    doi: str = ""
    pmid: str = ""
    pub_title: str = ""
    journal: str = ""
    year: int | None = None
    starts_at: datetime.datetime | None = None
    duration_minutes: int | None = None

    def columns(self, kind: str) -> dict[str, Any]:
        """The post's columns for this content and kind: another kind's fields are empty."""
        publication = kind == PostKind.PUBLICATION
        event = kind == PostKind.EVENT
        return {
            "title": self.title.strip(),
            "body": self.body,
            "doi": self.doi if publication else "",
            "pmid": self.pmid if publication else "",
            "pub_title": self.pub_title.strip() if publication else "",
            "journal": self.journal.strip() if publication else "",
            "year": self.year if publication else None,
            "starts_at": self.starts_at if event else None,
            "duration_minutes": self.duration_minutes if event else None,
        }


def _check_post_fields(
    *, author: User, kind: str, visibility: str, circle: Circle | None, content: PostContent
) -> None:
    """The invariants of a post, whatever form or script submits it."""
    if kind not in PostKind.values:
        raise ValidationError("Choose what kind of post this is.")
    if visibility not in Visibility.values:
        raise ValidationError("Choose who can see this post.")
    if not content.body.strip():
        raise ValidationError("Write something first.")
    if visibility == Visibility.GROUP:
        if circle is None:
            raise ValidationError("Choose the group to post in.")
        membership = membership_of(author, circle)
        if membership is None or not membership.is_active:
            raise NotAllowed("You can post in a group once you are a member of it.")
    elif circle is not None:
        raise ValidationError("Only group posts belong to a group.")
    if kind == PostKind.PUBLICATION:
        if not (content.doi or content.pmid):
            raise ValidationError("Give the publication's DOI or PubMed ID.")
        if not content.pub_title.strip():
            raise ValidationError("Give the publication's title.")
    if kind == PostKind.EVENT:
        if not content.title.strip():
            raise ValidationError("Give the live Q&A a title.")
        if content.starts_at is None or content.duration_minutes is None:
            raise ValidationError("Give the live Q&A a start time and a duration.")
        if timezone.is_naive(content.starts_at):
            raise ValidationError("The start time needs a time zone.")


def _check_image_count(count: int) -> None:
    if count > MAX_IMAGES:
        raise ValidationError(f"A post can have up to {MAX_IMAGES} images.")


def notify_mentions(
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
    content: PostContent,
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
            title=content.title,
            body=content.body,
            confirmed=confirmed_privacy,
            digest=privacy_digest,
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
    content = PostContent(
        body=body,
        title=title,
        doi=doi,
        pmid=pmid,
        pub_title=pub_title,
        journal=journal,
        year=year,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
    )
    _check_post_fields(
        author=author, kind=kind, visibility=visibility, circle=circle, content=content
    )
    _check_image_count(len(images))
    stored_images, overrides = _guard_post(
        kind=kind,
        content=content,
        images=images,
        confirmed_privacy=confirmed_privacy,
        privacy_digest=privacy_digest,
        consent=image_consent,
    )
    return _create_post(
        author=author,
        kind=kind,
        visibility=visibility,
        circle=circle if visibility == Visibility.GROUP else None,
        content=content,
        images=stored_images,
        overrides=overrides,
    )


@transaction.atomic
def _create_post(
    *,
    author: User,
    kind: str,
    visibility: str,
    circle: Circle | None,
    content: PostContent,
    images: Sequence[ImageInput],
    overrides: Sequence[GuardFinding | ImageExcerpt],
) -> Post:
    """The writes of `publish_post`, once its checks have passed."""
    # Locking the author's row serialises their publishes, so two racing submits of the
    # same form cannot both miss each other in the check below.
    author_minor_until = lock_author_minor_until(author)
    duplicate = (
        Post.objects.alive()
        .filter(
            author=author,
            kind=kind,
            title=content.title.strip(),
            body=content.body,
            visibility=visibility,
            circle=circle,
            created_at__gte=timezone.now() - DOUBLE_SUBMIT_WINDOW,
        )
        .order_by("-created_at")
        .first()
    )
    if duplicate is not None:
        return duplicate
    rendered = render_post_markdown(content.body)
    post = Post.objects.create(
        author=author,
        author_minor_until=author_minor_until,
        kind=kind,
        visibility=visibility,
        circle=circle,
        body_html=rendered.html,
        **content.columns(kind),
    )
    if images:
        store_images(post, images, first_position=0)
        recount_images(post)
    _index_and_notify(post, rendered=rendered, actor=author, overrides=overrides)
    page_cache.lists_changed()
    return post


def _index_and_notify(
    post: Post,
    *,
    rendered: Rendered,
    actor: User,
    overrides: Sequence[GuardFinding | ImageExcerpt],
    already_mentioned: Iterable[int] = (),
) -> None:
    """What follows every write of a post's text: its hashtags and search document, the
    privacy confirmations for moderators, and the members it mentions for the first time."""
    hashtags = sync_hashtags(post, rendered.hashtags)
    refresh_search_vector(post, hashtags)
    record_privacy_override(author=actor, target=post, findings=overrides)
    notify_mentions(
        rendered=rendered,
        actor=actor,
        post=post,
        url=post.get_absolute_url(),
        already=already_mentioned,
    )


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
    content = PostContent(
        body=body,
        title=title,
        doi=doi,
        pmid=pmid,
        pub_title=pub_title,
        journal=journal,
        year=year,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
    )
    _check_post_fields(
        author=editor,
        kind=post.kind,
        visibility=post.visibility,
        circle=post.circle,
        content=content,
    )
    remove_image_ids = list(remove_image_ids)
    removing = post.images.filter(pk__in=remove_image_ids).count()
    _check_image_count(post.images.count() - removing + len(add_images))
    stored_images, overrides = _guard_post(
        kind=post.kind,
        content=content,
        images=add_images,
        confirmed_privacy=confirmed_privacy,
        privacy_digest=privacy_digest,
        consent=image_consent,
    )
    return _save_post_edit(
        post=post,
        editor=editor,
        content=content,
        remove_image_ids=remove_image_ids,
        add_images=stored_images,
        overrides=overrides,
    )


@transaction.atomic
def _save_post_edit(
    *,
    post: Post,
    editor: User,
    content: PostContent,
    remove_image_ids: Sequence[int],
    add_images: Sequence[ImageInput],
    overrides: Sequence[GuardFinding | ImageExcerpt],
) -> Post:
    """The writes of `edit_post`, once its checks have passed (re-checked under the lock)."""
    post = Post.objects.select_for_update().get(pk=post.pk)
    _check_own_live_post(post, editor)
    removed = list(post.images.filter(pk__in=list(remove_image_ids)))
    _check_image_count(post.images.count() - len(removed) + len(add_images))

    previously_mentioned = {member.pk for member in render_post_markdown(post.body).mentions}
    rendered = render_post_markdown(content.body)
    previous_starts_at = post.starts_at
    for column, value in content.columns(post.kind).items():
        setattr(post, column, value)
    post.body_html = rendered.html
    post.edited_at = timezone.now()
    post.save()

    if removed:
        delete_image_files(removed)
        PostImage.objects.filter(pk__in=[image.pk for image in removed]).delete()
    last = post.images.order_by("-position").values_list("position", flat=True).first()
    store_images(post, add_images, first_position=(last + 1) if last is not None else 0)
    if removed or add_images:
        recount_images(post)
    _index_and_notify(
        post,
        rendered=rendered,
        actor=editor,
        overrides=overrides,
        already_mentioned=previously_mentioned,
    )
    events.event_rescheduled(post=post, previous_starts_at=previous_starts_at)
    page_cache.post_changed(post.pk)
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
    page_cache.post_changed(post.pk)
    images = list(post.images.all())
    delete_image_files(images)
    PostImage.objects.filter(post=post).delete()
    post.deleted_at, post.image_count = now, 0
