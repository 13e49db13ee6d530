"""community.perf.fragments: a page whose cards, notification rows and navigation come out
of the fragment cache is the page the templates give when rendered directly (the plain
`{% include %}` path, no cache and no placeholder), byte for byte but for the per-response
CSRF masking, for visitors and members, and with deleted, removed, private-group and
blocked cases on it. Every token on a page is the reader's own working one."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

import pytest
from django.core.cache import caches

# Private to Django, so django-stubs does not declare it.
from django.middleware.csrf import _unmask_cipher_token  # type: ignore[attr-defined]
from django.template import Context
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from accounts.models import User
from accounts.services import block
from community.perf import fragments
from moderation.services import remove_content
from posts.services import add_comment, delete_comment
from tests.factories import ModeratorFactory, PhysicianFactory
from tests.mentoring.factories import make_mentor
from tests.perf.conftest import World

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]*)"')
MENTOR_CARD = 'class="card mentor-card"'
HEADER_TOKEN = re.compile(r'"X-CSRFToken": "([A-Za-z0-9]+)"')


def _rendered_directly(
    context: Context, template_name: str, parts: Sequence[Any], values: dict[str, Any]
) -> SafeString:
    """What render_cached replaces: the template rendered with the request's context."""
    assert context.template is not None  # A context a template is rendering.
    template = context.template.engine.get_template(template_name)
    with context.push(values):
        return mark_safe(template.render(context))  # nosec: the template engine's output


def _normalised(html: str) -> tuple[str, set[str]]:
    tokens = set(TOKEN.findall(html)) | set(HEADER_TOKEN.findall(html))
    html = TOKEN.sub('name="csrfmiddlewaretoken" value="T"', html)
    html = HEADER_TOKEN.sub('"X-CSRFToken": "T"', html)
    html = re.sub(r'nonce="[^"]+"', 'nonce="N"', html)
    # The moment a page was rendered, from which its live stream starts (community/live.py).
    return re.sub(r"\?since=\d+", "?since=S", html), tokens


def _page(client: Client, url: str) -> tuple[str, set[str]]:
    response = client.get(url)
    assert response.status_code == 200, url
    return _normalised(response.content.decode())


def _assert_same_pages(client: Client, urls: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    caches["fragments"].clear()
    cached = {}
    for url in urls:
        _page(client, url)  # rendered into the cache
        cached[url] = _page(client, url)  # and reused
    with monkeypatch.context() as patch:
        for module in (
            "posts.cards",
            "community.templatetags.site",
            "notifications.templatetags.notifications_extras",
        ):
            patch.setattr(f"{module}.render_cached", _rendered_directly)
        direct = {url: _page(client, url) for url in urls}
    cookie = client.cookies.get("csrftoken")
    for url in urls:
        (cached_html, cached_tokens), (direct_html, _) = cached[url], direct[url]
        assert cached_html == direct_html, f"{url}: the cached fragments differ"
        assert fragments.csrf_placeholder() not in cached_html
        assert fragments.nonce_placeholder() not in cached_html
        if cookie is not None and cached_tokens:
            secrets = {_unmask_cipher_token(token) for token in cached_tokens}
            # The cookie holds the secret itself; every form's token masks that secret.
            assert secrets == {cookie.value}, url


def _urls(world: World, member: User) -> list[str]:
    """Pages with cards: feeds, a thread, a deleted post's tombstone, a profile,
    notifications; and for the reader, the private group's post."""
    urls = [
        reverse("home"),
        reverse("posts:explore"),
        world.posts[0].get_absolute_url(),
        world.posts[8].get_absolute_url(),
        reverse("accounts:profile", kwargs={"handle": world.members[0].handle}),
        reverse("notifications:list"),
        reverse("mentoring:directory"),
    ]
    if member == world.reader:
        urls.append(world.posts[3].get_absolute_url())
    return urls


def _mentors(world: World) -> None:
    """Two listed mentors, one of them walled off from the reader."""
    make_mentor(PhysicianFactory.create())
    make_mentor(PhysicianFactory.create())
    blocked_mentor = make_mentor(PhysicianFactory.create())
    block(blocker=world.reader, blocked=blocked_mentor.user)


def _thread_with_gone_comments(world: World) -> None:
    post = world.posts[0]
    gone = add_comment(author=world.reader, post=post, body="Deleted later.")
    add_comment(author=world.stranger, post=post, body="A reply.", parent=gone)
    delete_comment(comment=gone, member=world.reader)
    removed = add_comment(author=world.reader, post=post, body="Removed later.")
    remove_content(moderator=ModeratorFactory.create(), target=removed, reason="Off topic.")


@pytest.mark.parametrize("who", ["visitor", "reader", "stranger", "blocked"])
def test_pages_are_the_templates_rendered_directly(
    world: World, who: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _thread_with_gone_comments(world)
    _mentors(world)
    client = Client()
    urls = [reverse("home"), reverse("posts:explore"), world.posts[0].get_absolute_url()]
    if who != "visitor":
        member: User = getattr(world, who)
        client.force_login(member)
        urls = _urls(world, member)
    if who == "visitor":
        client.get(reverse("account_login"))  # a CSRF cookie, as a browser would have
    _assert_same_pages(client, urls, monkeypatch)
    if who != "visitor":
        directory = client.get(reverse("mentoring:directory")).content.decode()
        assert directory.count(MENTOR_CARD) == (2 if who == "reader" else 3)


@pytest.mark.parametrize("who", ["visitor", "reader"])
def test_each_response_gets_its_own_nonce_in_the_kept_script_tags(world: World, who: str) -> None:
    """The page's scripts are kept rendered (`_head_scripts.html`); every response's script
    tags carry that response's own nonce, the one its policy names."""
    client = Client()
    if who == "reader":
        client.force_login(world.reader)
    seen = []
    for _ in range(2):
        response = client.get(reverse("posts:explore"))
        policy_nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"])
        assert policy_nonce is not None
        tags = re.findall(r"<script\b[^>]*>", response.content.decode())
        assert tags and all(f'nonce="{policy_nonce.group(1)}"' in tag for tag in tags), tags
        seen.append(policy_nonce.group(1))
    assert seen[0] != seen[1]


def test_a_fragment_rendered_outside_a_request_has_no_token_and_no_placeholder(
    world: World,
) -> None:
    from django.template.loader import render_to_string

    from posts.models import Post
    from posts.selectors import Page

    post = Post.objects.for_display(world.reader).get(pk=world.posts[0].pk)
    html = render_to_string("posts/_post_page.html", {"page": Page(items=[post])})
    assert post.body_html in html or post.body[:20] in html
    assert "csrfmiddlewaretoken" not in html
    assert fragments.csrf_placeholder() not in html


def test_an_age_change_is_a_new_fragment(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """The key holds the age step: an hour later the cached card says so, as the template
    rendered directly does."""
    client = Client()
    client.force_login(world.reader)
    url = world.posts[0].get_absolute_url()
    _page(client, url)
    later = timezone.now() + timedelta(hours=2)
    monkeypatch.setattr("django.utils.timezone.now", lambda: later)
    monkeypatch.setattr("posts.cards.timezone.now", lambda: later)
    _assert_same_pages(client, [url], monkeypatch)
