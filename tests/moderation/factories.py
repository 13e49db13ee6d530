"""Reported items, cases and decisions for the moderation tests."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import models

from accounts.models import User, VerificationMethod, VerificationRequest, VerificationStatus
from moderation.models import ReportCase
from moderation.services import file_report
from posts.models import Comment, Post
from posts.rendering import render_post_markdown
from privacy.services import record_privacy_override
from tests.factories import PhysicianFactory, UserFactory
from tests.posts.factories import PostFactory


def make_comment(*, post: Post | None = None, author: User | None = None, **fields: Any) -> Comment:
    post = post or PostFactory.create()
    body = fields.pop("body", "A comment worth reading.")
    author = author or UserFactory.create()
    comment = Comment.objects.create(
        post=post,
        author=author,
        author_minor_until=author.minor_until,
        body=body,
        body_html=render_post_markdown(body).html,
        **fields,
    )
    Post.objects.filter(pk=post.pk).update(comment_count=models.F("comment_count") + 1)
    return comment


def report(
    target: models.Model, *, reason: str = "spam", reporters: int = 1, note: str = ""
) -> ReportCase:
    """File `reporters` reports on `target` and return its open case."""
    for reporter in UserFactory.create_batch(reporters):
        file_report(reporter=reporter, target=target, reason=reason, note=note)
    return ReportCase.objects.get(
        target_type=ContentType.objects.get_for_model(target), target_id=target.pk, status="open"
    )


def reported_post(**fields: Any) -> tuple[Post, ReportCase]:
    post = PostFactory.create(**fields)
    return post, report(post)


def pending_verification(member: User | None = None) -> VerificationRequest:
    member = member or PhysicianFactory.create(verification_status=VerificationStatus.PENDING)
    request = VerificationRequest(
        member=member,
        method=VerificationMethod.NPI,
        npi="1234567893",
        country="US",
        document_content_type="application/pdf",
    )
    request.document.save("licence.pdf", ContentFile(b"%PDF-1.4 test"), save=False)
    request.save()
    return request


class _Finding:
    def __init__(self, kind: str, text: str) -> None:
        self.kind = kind
        self.text = text


def privacy_override(post: Post | None = None) -> Any:
    post = post or PostFactory.create()
    return record_privacy_override(
        author=post.author, target=post, findings=[_Finding("name", "Mrs Jane Roe")]
    )
