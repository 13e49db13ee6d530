"""The patient-privacy guard's rules (privacy/guard.py) and their enforcement in the services,
without any form: posts block on high-confidence findings, comments warn, confirmations are
recorded for moderators."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.permissions import ParticipationDenied
from posts import services
from posts.models import Comment, Post, PostKind
from privacy import guard
from privacy.models import PrivacyOverride
from tests.factories import PhysicianFactory, UserFactory
from tests.posts.factories import CommentFactory, PostFactory

pytestmark = pytest.mark.django_db

IDENTIFYING_CASE = "Mr. John Carter, DOB 03/14/1952, presented with crushing chest pain."
CLEAN_CASE = "A man in his 60s presented with crushing chest pain and ST elevation in V1-V4."
# Only low-confidence findings: a bare date and a reference link.
LOW_ONLY = "Chest pain, clinic closed Jan 15; see https://files.example.net/heart-score"


def _overrides_for(target: Post | Comment) -> list[PrivacyOverride]:
    return list(
        PrivacyOverride.objects.filter(
            target_type=ContentType.objects.get_for_model(target), target_id=target.pk
        )
    )


# --- Scanning and digests ----------------------------------------------------------------


def test_it_scans_title_and_body_with_offsets_in_their_own_field() -> None:
    findings = guard.scan_post(title="Mrs. Alvarez's MI", body=IDENTIFYING_CASE)
    by_field = {(finding.field, finding.kind): finding for finding in findings}
    title_name = by_field[("title", "name")]
    assert "Mrs. Alvarez's MI"[title_name.start : title_name.end] == title_name.text
    body_date = by_field[("body", "date")]
    assert IDENTIFYING_CASE[body_date.start : body_date.end] == "03/14/1952"
    assert body_date.is_high
    assert body_date.label == "Date linked to a person"
    assert "hospital records" in body_date.explanation


def test_the_digest_changes_with_the_findings_and_ignores_where_they_are() -> None:
    shown = guard.scan_text("Clinic closed Jan 15.")
    moved = guard.scan_text("Note: the clinic was closed Jan 15, plan ahead.")
    other = guard.scan_text("Clinic closed Jan 16.")
    assert guard.findings_digest(shown) == guard.findings_digest(moved)
    assert guard.findings_digest(shown) != guard.findings_digest(other)
    digest = guard.findings_digest(shown)
    assert guard.confirmation_counts(findings=moved, confirmed=True, digest=digest)
    assert not guard.confirmation_counts(findings=other, confirmed=True, digest=digest)
    assert not guard.confirmation_counts(findings=shown, confirmed=False, digest=digest)
    assert not guard.confirmation_counts(findings=shown, confirmed=True, digest="")
    assert not guard.confirmation_counts(findings=shown, confirmed=True, digest="forged")


def test_the_review_numbers_findings_and_cuts_the_text_around_them() -> None:
    with pytest.raises(guard.PrivacyFindings) as refused:
        guard.check_post(title="", body=IDENTIFYING_CASE, confirmed=False)
    review = guard.review_from(refused.value, labels={"title": "Title", "body": "Post"})
    assert review.blocking
    assert [item.number for item in review.items] == [1, 2]
    assert [field.label for field in review.fields] == ["Post"]
    pieces = review.fields[0].pieces
    assert "".join(piece.text for piece in pieces) == IDENTIFYING_CASE
    marked = [(piece.text, piece.item.number) for piece in pieces if piece.item]
    assert marked == [("John Carter", 1), ("03/14/1952", 2)]
    assert review.high_count == 2 and review.low_count == 0


def test_privacy_findings_is_a_validation_error() -> None:
    with pytest.raises(ValidationError):
        guard.check_comment(body=IDENTIFYING_CASE, confirmed=False)


def test_a_digest_ties_the_confirmation_to_the_findings_shown() -> None:
    shown = guard.findings_digest(guard.scan_post(title="", body=LOW_ONLY))
    assert guard.check_post(title="", body=LOW_ONLY, confirmed=True, digest=shown)
    other = guard.findings_digest(guard.scan_text("Seen on Feb 2"))
    for digest in ["", "forged", other]:
        with pytest.raises(guard.PrivacyFindings):
            guard.check_post(title="", body=LOW_ONLY, confirmed=True, digest=digest)
        with pytest.raises(guard.PrivacyFindings):
            guard.check_comment(body=LOW_ONLY, confirmed=True, digest=digest)
    assert guard.check_comment(body=LOW_ONLY, confirmed=True, digest=shown)
    # Nothing found: nothing to confirm, whatever the form posted.
    assert guard.check_post(title="", body=CLEAN_CASE, confirmed=False, digest="forged") == []


def test_the_services_refuse_a_confirmation_made_for_other_findings() -> None:
    author = PhysicianFactory.create()
    stale = guard.findings_digest(guard.scan_text("Seen on Feb 2"))
    with pytest.raises(services.PrivacyFindings):
        services.publish_post(
            author=author, body=LOW_ONLY, confirmed_privacy=True, privacy_digest=stale
        )
    post = PostFactory.create(author=author, body=CLEAN_CASE)
    with pytest.raises(services.PrivacyFindings):
        services.add_comment(
            author=author, post=post, body=LOW_ONLY, confirmed_privacy=True, privacy_digest=stale
        )
    assert not PrivacyOverride.objects.exists()
    assert not Comment.objects.exists()


# --- Posts -------------------------------------------------------------------------------


def test_a_case_with_high_findings_is_refused_by_the_service_even_when_confirmed() -> None:
    author = PhysicianFactory.create()
    for confirmed in (False, True):
        with pytest.raises(services.PrivacyFindings) as refused:
            services.publish_post(
                author=author,
                kind=PostKind.CASE,
                body=IDENTIFYING_CASE,
                confirmed_privacy=confirmed,
            )
        assert refused.value.blocking
        assert {finding.kind for finding in refused.value.findings} == {"name", "date"}
    assert not Post.objects.exists()
    assert not PrivacyOverride.objects.exists()


@pytest.mark.parametrize("kind", [PostKind.DISCUSSION, PostKind.QUESTION, PostKind.CASE])
def test_every_kind_of_post_is_blocked_by_a_high_finding_in_its_title(kind: str) -> None:
    with pytest.raises(services.PrivacyFindings) as refused:
        services.publish_post(
            author=PhysicianFactory.create(),
            kind=kind,
            title="Mr. Carter's chest pain",
            body=CLEAN_CASE,
            confirmed_privacy=True,
        )
    assert [finding.field for finding in refused.value.findings] == ["title"]
    assert not Post.objects.exists()


def test_a_publication_title_is_not_scanned() -> None:
    post = services.publish_post(
        author=PhysicianFactory.create(),
        kind=PostKind.PUBLICATION,
        body="Worth reading for the discussion of early reperfusion.",
        doi="10.1056/NEJMoa2034577",
        pub_title="Follow-up of Mr. Carter's cohort, admitted 03/14/1952",
    )
    assert post.pk is not None


def test_a_clean_case_publishes_without_confirmation_or_record() -> None:
    post = services.publish_post(
        author=PhysicianFactory.create(), kind=PostKind.CASE, body=CLEAN_CASE
    )
    assert post.body == CLEAN_CASE
    assert not PrivacyOverride.objects.exists()


def test_low_findings_need_a_confirmation_which_is_recorded() -> None:
    author = PhysicianFactory.create()
    with pytest.raises(services.PrivacyFindings) as refused:
        services.publish_post(author=author, kind=PostKind.CASE, body=LOW_ONLY)
    assert not refused.value.blocking
    assert not Post.objects.exists()

    post = services.publish_post(
        author=author, kind=PostKind.CASE, body=LOW_ONLY, confirmed_privacy=True
    )
    [override] = _overrides_for(post)
    assert override.author == author
    assert override.kinds == ["date", "url"]
    assert "Jan 15" in override.excerpts


def test_editing_a_post_cannot_bring_in_a_high_finding() -> None:
    author = PhysicianFactory.create()
    post = services.publish_post(author=author, kind=PostKind.CASE, body=CLEAN_CASE)
    with pytest.raises(services.PrivacyFindings) as refused:
        services.edit_post(post=post, editor=author, body=IDENTIFYING_CASE, confirmed_privacy=True)
    assert refused.value.blocking
    post.refresh_from_db()
    assert post.body == CLEAN_CASE
    assert post.edited_at is None


def test_editing_a_post_with_low_findings_needs_a_confirmation_which_is_recorded() -> None:
    author = PhysicianFactory.create()
    post = services.publish_post(author=author, kind=PostKind.CASE, body=CLEAN_CASE)
    with pytest.raises(services.PrivacyFindings):
        services.edit_post(post=post, editor=author, body=LOW_ONLY)
    services.edit_post(post=post, editor=author, body=LOW_ONLY, confirmed_privacy=True)
    post.refresh_from_db()
    assert post.body == LOW_ONLY
    assert [override.kinds for override in _overrides_for(post)] == [["date", "url"]]


def test_a_suspended_member_is_refused_before_any_privacy_check() -> None:
    suspended = UserFactory.create(suspended_at=timezone.now())
    for body in (CLEAN_CASE, IDENTIFYING_CASE):
        with pytest.raises(ParticipationDenied):
            services.publish_post(author=suspended, body=body, confirmed_privacy=True)
    assert not Post.objects.exists()


def test_an_identical_second_publish_is_a_double_submit_and_returns_the_first_post() -> None:
    author = PhysicianFactory.create()
    first = services.publish_post(author=author, body=LOW_ONLY, confirmed_privacy=True)
    second = services.publish_post(author=author, body=LOW_ONLY, confirmed_privacy=True)
    assert second.pk == first.pk
    assert Post.objects.count() == 1
    assert PrivacyOverride.objects.count() == 1


def test_the_same_text_later_or_by_someone_else_is_a_new_post() -> None:
    author = PhysicianFactory.create()
    first = services.publish_post(author=author, body=CLEAN_CASE)
    Post.objects.filter(pk=first.pk).update(
        created_at=timezone.now() - services.DOUBLE_SUBMIT_WINDOW - datetime.timedelta(seconds=1)
    )
    services.publish_post(author=author, body=CLEAN_CASE)
    services.publish_post(author=PhysicianFactory.create(), body=CLEAN_CASE)
    services.publish_post(author=author, body=CLEAN_CASE + " Troponin was normal.")
    assert Post.objects.count() == 4


# --- Comments ----------------------------------------------------------------------------


def test_a_comment_with_findings_is_a_warning_that_can_be_confirmed_past() -> None:
    post = PostFactory.create()
    author = PhysicianFactory.create()
    with pytest.raises(services.PrivacyFindings) as refused:
        services.add_comment(author=author, post=post, body=IDENTIFYING_CASE)
    assert not refused.value.blocking
    assert not Comment.objects.exists()

    comment = services.add_comment(
        author=author, post=post, body=IDENTIFYING_CASE, confirmed_privacy=True
    )
    [override] = _overrides_for(comment)
    assert override.author == author
    assert override.kinds == ["date", "name"]
    post.refresh_from_db()
    assert post.comment_count == 1


def test_a_clean_comment_is_not_recorded() -> None:
    comment = services.add_comment(
        author=PhysicianFactory.create(), post=PostFactory.create(), body="Agreed."
    )
    assert not _overrides_for(comment)


def test_editing_a_comment_warns_and_records_the_confirmation() -> None:
    comment = CommentFactory.create(body="Agreed.")
    author = comment.author
    with pytest.raises(services.PrivacyFindings):
        services.edit_comment(comment=comment, editor=author, body=LOW_ONLY)
    comment.refresh_from_db()
    assert comment.body == "Agreed."
    services.edit_comment(comment=comment, editor=author, body=LOW_ONLY, confirmed_privacy=True)
    comment.refresh_from_db()
    assert comment.body == LOW_ONLY
    assert [override.kinds for override in _overrides_for(comment)] == [["date", "url"]]


def test_a_caller_can_show_its_own_kinds_through_the_same_review() -> None:
    body = "Text me on 555-0199 about it."
    contact = guard.GuardFinding(
        field="body",
        kind="contact_phone",
        start=body.index("555"),
        end=body.index("555") + 8,
        text="555-0199",
        confidence="low",
        kind_label="Phone number",
        kind_explanation="Keep contact on Rounds while a member under 18 is in the pair.",
    )
    review = guard.build_review(
        findings=[contact], texts={"body": body}, blocking=False, labels={"body": "Message"}
    )
    [item] = review.items
    assert item.finding.label == "Phone number"
    assert item.finding.explanation.startswith("Keep contact on Rounds")
    assert [piece.text for piece in review.fields[0].pieces] == [
        "Text me on ",
        "555-0199",
        " about it.",
    ]
