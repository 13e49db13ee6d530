"""The proxy's micro-cache of visitors' pages (deploy/nginx/rounds.conf, docs/deploy.md "The
proxy"), run with nginx in front of the app on gunicorn: a visitor's page is answered by
nginx, a member's request never is, nor a POST, and an author's edit reaches visitors
within two seconds (PAGE_S_MAXAGE of 1 s, and as long again at most while nginx fetches the
new page).

The one bound on wall-clock time in the suite: it is the promise being tested. Everything
else waits on a condition with a generous deadline.
"""

from __future__ import annotations

import http.client
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.test import Client

from accounts.models import User
from deploy.local_nginx import CONFIG, running_nginx
from posts.models import Post
from tests.factories import UserFactory
from tests.notifications.test_delivery_integration import _database_url, _stop, _wait_for
from tests.posts.factories import PostFactory
from tests.production.test_faults import CSRF_SECRET, _start_app, static_root  # noqa: F401
from tests.production.test_proxy import Answer, Stack

pytestmark = [pytest.mark.postgres, pytest.mark.slow, pytest.mark.usefixtures("nginx_installed")]

# How long after an author's edit visitors may still be shown the page before it: the
# second nginx keeps a page (PAGE_S_MAXAGE), and at most as long again while it fetches the
# new one (stale-while-revalidate).
EDIT_VISIBLE_WITHIN = 2.0


@dataclass
class Scene:
    stack: Stack
    author: User
    post: Post

    def get(
        self,
        path: str,
        cookies: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> Answer:
        headers = dict(headers or {})
        if cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in cookies.items())
        return self.stack.get(path, headers)

    def post_form(self, path: str, cookies: dict[str, str], data: dict[str, str]) -> Answer:
        connection = http.client.HTTPConnection("127.0.0.1", self.stack.proxy.port, timeout=60)
        connection.request(
            "POST",
            path,
            body=urlencode({**data, "csrfmiddlewaretoken": CSRF_SECRET}),
            headers={
                "Host": "127.0.0.1",
                "Cookie": "; ".join(f"{name}={value}" for name, value in cookies.items()),
                "Content-Type": "application/x-www-form-urlencoded",
            },
        )
        answer = Answer.read(connection.getresponse())
        connection.close()
        return answer


def _member_cookies(member: User) -> dict[str, str]:
    client = Client()
    client.force_login(member)
    return {"sessionid": client.cookies["sessionid"].value, "csrftoken": CSRF_SECRET}


@pytest.fixture
def scene(transactional_db: None, static_root: Path, tmp_path: Path) -> Iterator[Scene]:  # noqa: F811
    author = UserFactory.create(display_name="Dr. Viral Author")
    post = PostFactory.create(author=author, title="The pearl everyone shares")
    files = tmp_path / "files"
    (files / "media").mkdir(parents=True)
    (files / "static").symlink_to(static_root)
    app = _start_app(
        {
            "DATABASE_URL": _database_url(),
            # One process, so the app's own cache of pages (in its memory, without Redis)
            # sees the edit it serves.
            "GUNICORN_WORKERS": "1",
            "GUNICORN_THREADS": "1",
            "PAGE_CACHE_SECONDS": "60",
            "PAGE_S_MAXAGE": "1",
            "MEDIA_ROOT": str(files / "media"),
        },
        static_root,
        tmp_path,
    )
    try:
        with running_nginx(
            upstream_port=app.port, files_root=files, directory=tmp_path / "nginx"
        ) as proxy:
            yield Scene(stack=Stack(app=app, proxy=proxy, files=files), author=author, post=post)
    finally:
        _stop(app.process)


def _cache_status(answer: Answer) -> str | None:
    return answer.header("X-Cache-Status")


def test_a_visitors_second_request_is_answered_by_nginx(scene: Scene) -> None:
    url = scene.post.get_absolute_url()
    first = scene.get(url)

    # Within the second the page may be kept, the next visitor gets nginx's copy.
    def next_is_a_hit() -> bool:
        scene.get(url)
        return _cache_status(scene.get(url)) == "HIT"

    _wait_for(next_is_a_hit, "a visitor's request to be answered from nginx's cache")
    hit = scene.get(url)
    hits = [scene.get(url) for _ in range(3)]

    assert first.status == 200
    assert _cache_status(first) in {"MISS", "EXPIRED"}
    assert (
        first.header("Cache-Control") == "public, max-age=0, s-maxage=1, stale-while-revalidate=1"
    )
    assert first.header("Set-Cookie") is None
    assert "The pearl everyone shares" in hit.body
    # Each answer has its own request id, a kept one too.
    ids = {answer.header("X-Request-ID") for answer in [first, hit, *hits]}
    assert len(ids) == 5 and None not in ids


def test_a_visitor_who_has_the_page_gets_304_from_nginx(scene: Scene) -> None:
    url = scene.post.get_absolute_url()

    def answered_304_by_nginx() -> bool:
        etag = scene.get(url).header("ETag") or ""
        answer = scene.get(url, headers={"If-None-Match": etag})
        return answer.status == 304 and _cache_status(answer) == "HIT"

    _wait_for(answered_304_by_nginx, "nginx to answer a conditional request itself")


def test_a_members_requests_are_never_answered_nor_kept_by_nginx(scene: Scene) -> None:
    url = scene.post.get_absolute_url()
    member = _member_cookies(UserFactory.create(display_name="Member Reader"))
    _wait_for(lambda: _cache_status(scene.get(url)) == "HIT", "the visitor's copy in nginx")

    answers = [scene.get(url, member) for _ in range(3)]
    with_csrf_cookie_only = scene.get(url, {"csrftoken": CSRF_SECRET})
    visitor = scene.get(url)

    for answer in answers:
        assert answer.status == 200
        assert _cache_status(answer) == "BYPASS"
        assert answer.header("Cache-Control") == "private, no-cache"
        assert "Sign out" in answer.body
    assert _cache_status(with_csrf_cookie_only) == "BYPASS"
    assert "Sign out" not in visitor.body


def test_a_post_is_never_answered_from_the_cache(scene: Scene) -> None:
    posted = scene.post_form(
        "/accounts/login/",
        {"csrftoken": CSRF_SECRET},
        {"login": "nobody@example.org", "password": "wrong"},
    )

    assert posted.status == 200
    assert "The email address and/or password you specified are not correct." in posted.body
    assert _cache_status(posted) is None


def test_an_authors_edit_reaches_visitors_within_two_seconds(scene: Scene) -> None:
    url = scene.post.get_absolute_url()
    _wait_for(lambda: _cache_status(scene.get(url)) == "HIT", "the page in nginx's cache")

    edited = scene.post_form(
        f"/posts/{scene.post.pk}/edit/",
        _member_cookies(scene.author),
        {"title": "The pearl, corrected", "body": "Now with the right dose."},
    )
    edited_at = time.monotonic()
    seen = []
    while time.monotonic() - edited_at < EDIT_VISIBLE_WITHIN:
        answer = scene.get(url)
        seen.append(_cache_status(answer))
        if "The pearl, corrected" in answer.body:
            break
    else:
        raise AssertionError(f"visitors still saw the old post after 2 s: {seen}")

    assert edited.status == 302
    # The app itself answered the new page at once (its own cache was retired by the edit).
    direct = scene.stack.get(url, port=scene.stack.app.port)
    assert "The pearl, corrected" in direct.body


def test_nginx_keeps_only_what_the_app_allows_and_nothing_for_a_request_with_a_cookie() -> None:
    directives = [
        line.strip() for line in CONFIG.read_text().splitlines() if not line.strip().startswith("#")
    ]
    # No default lifetime: an answer without the app's Cache-Control is never kept.
    assert not [
        line for line in directives if line.startswith(("proxy_cache_valid", "proxy_ignore"))
    ]
    # An old copy is given while a new one is fetched only within the app's
    # stale-while-revalidate: never a page kept before a quiet hour, to its first visitor.
    assert not [line for line in directives if line.startswith("proxy_cache_use_stale")]
    assert "proxy_cache_bypass $http_cookie;" in directives
    assert "proxy_no_cache $http_cookie;" in directives
    (key,) = [line for line in directives if line.startswith("proxy_cache_key")]
    assert "$http_hx_request" in key
