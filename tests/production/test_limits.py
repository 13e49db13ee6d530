"""Per-member rate limits on every write the issue names, and request size limits."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse

from tests.production.conftest import World

pytestmark = pytest.mark.django_db

# url name, scope, kwargs, form
LIMITED: list[tuple[str, str, Callable[[World], dict[str, Any]], dict[str, str]]] = [
    ("posts:create", "post", lambda w: {}, {"kind": "discussion", "body": "A pearl."}),
    ("posts:comment_create", "comment", lambda w: {"pk": w.post.pk}, {"body": "Agreed."}),
    ("posts:comment_edit", "comment", lambda w: {"pk": w.comment.pk}, {"body": "Edited."}),
    ("posts:react", "reaction", lambda w: {"pk": w.post.pk, "kind": "like"}, {}),
    ("posts:comment_react", "reaction", lambda w: {"pk": w.comment.pk, "kind": "like"}, {}),
    ("mentoring:send_message", "message", lambda w: {"pk": w.mentorship.pk}, {"body": "Hi"}),
    ("mentoring:request", "mentor_request", lambda w: {"handle": w.free_mentor.handle}, {}),
    ("mentoring:propose_meeting", "meeting_proposal", lambda w: {"pk": w.mentorship.pk}, {}),
    ("moderation:report", "report", lambda w: {"kind": "post", "pk": w.mentor_post.pk}, {}),
    ("notifications:retry_email", "email_retry", lambda w: {}, {}),
    (
        "contact",
        "contact",
        lambda w: {},
        {"topic": "question", "email": "a@example.org", "message": "How do I verify my NPI?"},
    ),
]


@pytest.mark.parametrize(("name", "scope", "kwargs", "form"), LIMITED, ids=[r[0] for r in LIMITED])
def test_each_write_is_limited_by_its_own_scope(
    world: World,
    settings: Any,
    name: str,
    scope: str,
    kwargs: Callable[[World], dict[str, Any]],
    form: dict[str, str],
) -> None:
    url = reverse(name, kwargs=kwargs(world))
    client = world.client_for("member")
    # Every other scope wide open: only this view's own scope can refuse it.
    settings.RATE_LIMITS = {key: "1000/h" for key in settings.RATE_LIMITS}
    assert client.post(url, form).status_code != 429

    settings.RATE_LIMITS = {**settings.RATE_LIMITS, scope: "1/h"}
    refused = client.post(url, form)
    assert refused.status_code == 429
    assert "Slow down" in refused.content.decode()
    assert 0 < int(refused["Retry-After"]) <= 3600


def test_another_member_is_not_slowed_by_someone_elses_limit(world: World, settings: Any) -> None:
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "comment": "1/h"}
    url = reverse("posts:comment_create", kwargs={"pk": world.post.pk})
    assert world.client_for("member").post(url, {"body": "One."}).status_code == 302
    assert world.client_for("member").post(url, {"body": "Two."}).status_code == 429
    assert world.client_for("other_member").post(url, {"body": "Mine."}).status_code == 302


def test_an_oversized_form_body_is_refused_before_it_is_read(world: World, settings: Any) -> None:
    body = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    response = world.client_for("member").post(
        reverse("posts:create"), {"kind": "discussion", "body": body}
    )
    assert response.status_code == 400
    assert not world.owner.posts.filter(body__startswith="xxx").exists()
    # Files are another matter: uploads over FILE_UPLOAD_MAX_MEMORY_SIZE stream to disk, and
    # images and documents have their own size checks (tests/accounts/test_images.py).


@pytest.mark.parametrize("url", ["/posts/new/?group=%2Fe%00", "/search/?q=heart%00"])
def test_a_nul_byte_in_a_query_parameter_is_not_a_server_error(world: World, url: str) -> None:
    # PostgreSQL refuses NUL in text; a scanner found the group parameter answering 500.
    assert world.client_for("member").get(url).status_code in (200, 400)
