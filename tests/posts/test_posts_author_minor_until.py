"""Each post and comment carries its author's `User.minor_until` (`author_minor_until`), so
the minors rule for visitors and unconfirmed members reads the row itself instead of the
members table: the copy is set when the row is written, follows every change of the
author's birth year or role, and ends on its own the day the author turns 18."""

from __future__ import annotations

import datetime
import importlib
from typing import Any
from unittest import mock

import pytest
from allauth.account.models import EmailAddress
from django.apps import apps
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import (
    MINOR_WITHOUT_END,
    Role,
    User,
    age_today,
    minors_writing_shown_to,
)
from accounts.services import delete_account, update_profile
from posts.models import Comment, Post
from posts.services import add_comment, publish_post
from tests.accounts.conftest import sign_in_with_two_factor
from tests.factories import HighSchoolStudentFactory, UserFactory
from tests.moderation.conftest import make_superuser

pytestmark = pytest.mark.django_db

THIS_YEAR = age_today().year
ADULT = 1990
MINOR = THIS_YEAR - 15


def _write(author: User) -> tuple[Post, Comment]:
    """A post by `author` and a comment of theirs under an adult's post."""
    post = publish_post(author=author, title="Night shift notes", body="Fluids first.")
    other = publish_post(author=UserFactory.create(), title="Handover", body="Say the plan.")
    return post, add_comment(author=author, post=other, body="Thanks, noted.")


def _visitors_see(post: Post, comment: Comment) -> tuple[bool, bool]:
    visitor = AnonymousUser()
    return (
        Post.objects.visible_to(visitor).filter(pk=post.pk).exists(),
        Comment.objects.visible_to(visitor).filter(pk=comment.pk).exists(),
    )


def _copies(post: Post, comment: Comment) -> tuple[datetime.date | None, ...]:
    post.refresh_from_db(fields=["author_minor_until"])
    comment.refresh_from_db(fields=["author_minor_until"])
    return post.author_minor_until, comment.author_minor_until


# --- Written with the row ------------------------------------------------------------------


def test_a_minors_post_and_comment_carry_the_day_they_turn_adult() -> None:
    minor = HighSchoolStudentFactory.create(birth_year=MINOR)
    post, comment = _write(minor)
    assert _copies(post, comment) == (datetime.date(MINOR + 19, 1, 1),) * 2
    assert _visitors_see(post, comment) == (False, False)


def test_an_adults_post_and_comment_carry_nothing() -> None:
    post, comment = _write(UserFactory.create(birth_year=ADULT))
    assert _copies(post, comment) == (None, None)
    assert _visitors_see(post, comment) == (True, True)


def test_a_high_school_student_without_a_birth_year_is_a_minor_with_no_end() -> None:
    post, comment = _write(HighSchoolStudentFactory.create(birth_year=None))
    assert _copies(post, comment) == (MINOR_WITHOUT_END, MINOR_WITHOUT_END)
    assert _visitors_see(post, comment) == (False, False)


def test_writing_reads_the_authors_age_from_the_database_not_a_stale_copy() -> None:
    # The instance a request loaded says adult; the row was changed meanwhile.
    author = UserFactory.create(birth_year=ADULT)
    User.objects.filter(pk=author.pk).update(birth_year=MINOR)
    post, comment = _write(author)
    assert _copies(post, comment) == (datetime.date(MINOR + 19, 1, 1),) * 2
    assert _visitors_see(post, comment) == (False, False)


# --- Who reads a minor's writing -------------------------------------------------------------


@pytest.mark.parametrize(
    ("reader", "sees"),
    [("visitor", False), ("unconfirmed", False), ("confirmed", True), ("the minor", True)],
)
def test_a_minors_writing_is_for_confirmed_members_and_the_minor(reader: str, sees: bool) -> None:
    minor = HighSchoolStudentFactory.create(birth_year=MINOR)
    post, comment = _write(minor)
    # The minor reads as an unconfirmed member (their address changed since they wrote):
    # their own writing is still theirs to read.
    EmailAddress.objects.filter(user=minor).update(verified=False)
    viewer: User | AnonymousUser = {
        "visitor": AnonymousUser(),
        "unconfirmed": UserFactory.create(email_verified=False),
        "confirmed": UserFactory.create(),
        "the minor": User.objects.get(pk=minor.pk),
    }[reader]
    assert Post.objects.visible_to(viewer).filter(pk=post.pk).exists() is sees
    assert Comment.objects.visible_to(viewer).filter(pk=comment.pk).exists() is sees
    assert Comment.objects.under(comment.post, viewer).filter(pk=comment.pk).exists() is sees


def test_an_unconfirmed_reader_sees_adults_writing() -> None:
    post, comment = _write(UserFactory.create(birth_year=ADULT))
    reader = UserFactory.create(email_verified=False)
    assert Post.objects.visible_to(reader).filter(pk=post.pk).exists()
    assert Comment.objects.visible_to(reader).filter(pk=comment.pk).exists()


@pytest.mark.parametrize(
    "queryset",
    [
        lambda viewer: Post.objects.visible_to(viewer),
        lambda viewer: Post.objects.visible_to(viewer, include_gone=True),
        lambda viewer: Comment.objects.visible_to(viewer),
        lambda viewer: Comment.objects.under(Post(pk=1), viewer),
    ],
    ids=["posts", "posts with tombstones", "comments", "a post's comments"],
)
@pytest.mark.parametrize("kind", ["visitor", "unconfirmed"])
def test_the_rule_never_reads_the_members_table(queryset: Any, kind: str) -> None:
    viewer = AnonymousUser() if kind == "visitor" else UserFactory.create(email_verified=False)
    sql = str(queryset(viewer).query)
    assert "author_minor_until" in sql
    assert "accounts_user" not in sql


# --- The day a minor turns 18 --------------------------------------------------------------


def _turning_adult_next_new_year() -> tuple[Post, Comment, datetime.date]:
    """Writing by a minor (by birth year) who counts as an adult from next 1 January."""
    birth_year = THIS_YEAR - 18
    post, comment = _write(HighSchoolStudentFactory.create(birth_year=birth_year))
    new_year = datetime.date(THIS_YEAR + 1, 1, 1)
    assert _copies(post, comment) == (new_year, new_year)
    return post, comment, new_year


@pytest.mark.parametrize(("days_after_new_year", "shown"), [(-1, False), (0, True), (1, True)])
def test_a_minors_writing_shows_from_the_day_they_turn_adult(
    days_after_new_year: int, shown: bool
) -> None:
    post, comment, new_year = _turning_adult_next_new_year()
    day = new_year + datetime.timedelta(days=days_after_new_year)
    readable = minors_writing_shown_to(AnonymousUser(), today=day)
    assert readable is not None
    assert Post.objects.filter(readable).filter(pk=post.pk).exists() is shown
    assert Comment.objects.filter(readable).filter(pk=comment.pk).exists() is shown


@pytest.mark.parametrize(
    ("moment", "shown"),
    [((12, 31, 23, 59), False), ((1, 1, 0, 0), True)],
    ids=["new year's eve", "new year's day"],
)
def test_visitors_lists_follow_the_clock_with_no_update(
    moment: tuple[int, int, int, int], shown: bool
) -> None:
    post, comment, new_year = _turning_adult_next_new_year()
    month, day, hour, minute = moment
    year = new_year.year - 1 if month == 12 else new_year.year
    now = datetime.datetime(year, month, day, hour, minute, tzinfo=datetime.UTC)
    with (
        CaptureQueriesContext(connection) as queries,
        mock.patch("django.utils.timezone.now", return_value=now),
    ):
        assert _visitors_see(post, comment) == (shown, shown)
        assert post.author.is_minor is not shown
    assert not [query for query in queries.captured_queries if "UPDATE" in query["sql"]]


# --- The copy follows the author's birth year and role --------------------------------------


def test_a_role_change_hides_and_shows_existing_writing() -> None:
    member = UserFactory.create(birth_year=None, role=Role.PREMED)
    post, comment = _write(member)
    assert _visitors_see(post, comment) == (True, True)

    update_profile(member=member, role=Role.HIGH_SCHOOL)
    assert _copies(post, comment) == (MINOR_WITHOUT_END, MINOR_WITHOUT_END)
    assert _visitors_see(post, comment) == (False, False)

    update_profile(member=member, role=Role.MEDICAL_STUDENT)
    assert _copies(post, comment) == (None, None)
    assert _visitors_see(post, comment) == (True, True)


def test_a_profile_edit_that_keeps_the_age_class_writes_no_post_or_comment() -> None:
    member = UserFactory.create(birth_year=ADULT, role=Role.PREMED)
    _write(member)
    with CaptureQueriesContext(connection) as queries:
        update_profile(member=member, role=Role.MEDICAL_STUDENT, bio="Second year.")
    written = [query["sql"] for query in queries.captured_queries if "UPDATE" in query["sql"]]
    assert not [sql for sql in written if "posts_post" in sql or "posts_comment" in sql]


def test_only_the_authors_rows_change() -> None:
    member = UserFactory.create(birth_year=None, role=Role.PREMED)
    _write(member)
    bystander_post, bystander_comment = _write(UserFactory.create(birth_year=None))
    update_profile(member=member, role=Role.HIGH_SCHOOL)
    assert _copies(bystander_post, bystander_comment) == (None, None)


def _admin_change(client: Client, member: User, **changes: Any) -> None:
    """Submit the admin's change form of `member` as shown, with `changes`."""
    url = reverse("admin:accounts_user_change", args=[member.pk])
    form = client.get(url).context["adminform"].form
    data: dict[str, Any] = {}
    for name, field in form.fields.items():
        if field.disabled:
            continue
        value = form[name].value()
        subwidgets = getattr(field.widget, "widgets", None)
        if subwidgets:
            parts = field.widget.decompress(value)
            for index, part in enumerate(parts):
                data[f"{name}_{index}"] = "" if part is None else part
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        elif value is not None:
            data[name] = value
    data.update(changes)
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors


def test_a_birth_year_recorded_in_the_admin_hides_and_shows_existing_writing(
    client: Client,
) -> None:
    member = UserFactory.create(birth_year=ADULT)
    post, comment = _write(member)
    sign_in_with_two_factor(client, make_superuser())

    _admin_change(client, member, birth_year=MINOR)
    assert _copies(post, comment) == (datetime.date(MINOR + 19, 1, 1),) * 2
    assert _visitors_see(post, comment) == (False, False)

    _admin_change(client, member, birth_year=ADULT)
    assert _copies(post, comment) == (None, None)
    assert _visitors_see(post, comment) == (True, True)


def test_an_admin_edit_of_other_fields_leaves_the_copy_alone(client: Client) -> None:
    member = HighSchoolStudentFactory.create(birth_year=MINOR)
    post, comment = _write(member)
    # Set by hand to something the rule would never write: an edit must not touch it.
    Post.objects.filter(pk=post.pk).update(author_minor_until=datetime.date(2001, 1, 1))
    sign_in_with_two_factor(client, make_superuser())
    _admin_change(client, member, display_name="Zoe Y.")
    assert _copies(post, comment)[0] == datetime.date(2001, 1, 1)


def test_a_deleted_minors_kept_comments_stay_hidden_from_visitors() -> None:
    minor = HighSchoolStudentFactory.create(birth_year=MINOR)
    _, comment = _write(minor)
    delete_account(member=minor, keep_content=True)
    minor.refresh_from_db()
    assert not minor.is_minor  # the row forgot the age...
    comment.refresh_from_db()
    assert comment.author_minor_until == datetime.date(MINOR + 19, 1, 1)  # ...the copy did not
    assert not Comment.objects.visible_to(AnonymousUser()).filter(pk=comment.pk).exists()


# --- Rows written before the copy existed ----------------------------------------------------


def test_the_migration_fills_the_copy_of_existing_rows() -> None:
    minor = HighSchoolStudentFactory.create(birth_year=MINOR)
    no_year = HighSchoolStudentFactory.create(birth_year=None)
    adult = UserFactory.create(birth_year=ADULT)
    written = {author.pk: _write(author) for author in (minor, no_year, adult)}
    Post.objects.update(author_minor_until=None)
    Comment.objects.update(author_minor_until=None)

    migration = importlib.import_module("posts.migrations.0007_author_minor_until")
    migration.copy_minors_ages(apps, None)

    assert _copies(*written[minor.pk]) == (datetime.date(MINOR + 19, 1, 1),) * 2
    assert _copies(*written[no_year.pk]) == (MINOR_WITHOUT_END, MINOR_WITHOUT_END)
    assert _copies(*written[adult.pk]) == (None, None)
