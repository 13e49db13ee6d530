"""The shared Markdown renderer: what members can write, and what can never come out."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from community.markdown import ALLOWED_TAGS, clean_html, render_markdown


class _Elements(HTMLParser):
    """Collects the real elements and attributes of an HTML fragment (escaped text is not
    markup, so `&lt;img onerror=...&gt;` shown as text is fine)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, {name: value or "" for name, value in attrs}))


def _no_active_content(html: str) -> None:
    parser = _Elements()
    parser.feed(html)
    parser.close()
    for tag, attributes in parser.elements:
        assert tag in ALLOWED_TAGS, html
        for name, value in attributes.items():
            assert not name.startswith("on"), html
            assert name in {"href", "title", "rel", "start"}, html
            if name == "href":
                scheme = value.split(":", 1)[0].strip().lower() if ":" in value else ""
                assert scheme in {"", "http", "https", "mailto"}, html


def test_it_renders_ordinary_markdown() -> None:
    html = render_markdown("Hello **bold** and *italic*\n\n- one\n- two\n\n> quote\n\n`code`")
    assert "<strong>bold</strong>" in html
    assert "<em>italic</em>" in html
    assert "<ul>" in html and "<li>one</li>" in html
    assert "<blockquote>" in html
    assert "<code>code</code>" in html


def test_it_links_bare_urls_with_nofollow() -> None:
    html = render_markdown("See https://www.nejm.org/ and www.cdc.gov")
    assert '<a href="https://www.nejm.org/" rel="nofollow noopener ugc">' in html
    assert 'href="http://www.cdc.gov"' in html


def test_it_keeps_mailto_links() -> None:
    assert 'href="mailto:dr@example.org"' in render_markdown("[write](mailto:dr@example.org)")


def test_headings_start_below_the_pages_own() -> None:
    html = render_markdown("# Title\n\n## Sub")
    assert "<h3>Title</h3>" in html and "<h4>Sub</h4>" in html
    assert "<h1" not in html and "<h2" not in html


def test_empty_text_renders_nothing() -> None:
    assert render_markdown("") == ""
    assert render_markdown("   \n ") == ""


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>",
        "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
        '<img src=x onerror="alert(1)">',
        '<a href="https://ok.example" onclick="alert(1)">hi</a>',
        '<div style="background:url(javascript:alert(1))">x</div>',
        "<iframe src=https://evil.example></iframe>",
        "<style>body{display:none}</style>",
        "[click](javascript:alert(1))",
        "[click](JaVaScRiPt:alert(1))",
        "[click](&#106;avascript:alert(1))",
        "[click](java\tscript:alert(1))",
        "[click](vbscript:msgbox(1))",
        "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "![x](javascript:alert(1))",
        '![x](https://evil.example/p.png "onerror=alert(1)")',
        "[x][ref]\n\n[ref]: javascript:alert(1)",
        "<javascript:alert(1)>",
        "**<i>*x**</i>*<b>",
        "<<script>script>alert(1)<</script>/script>",
        '[x](https://ok.example/?a="><script>alert(1)</script>)',
        "<!-- <script>alert(1)</script> -->",
        "`<script>alert(1)</script>`",
        "```html\n<script>alert(1)</script>\n```",
        "<svg onload=alert(1)>",
        "<math><mi xlink:href=javascript:alert(1)>x</mi></math>",
    ],
)
def test_it_never_outputs_active_content(text: str) -> None:
    _no_active_content(render_markdown(text))


def test_raw_html_is_shown_as_text_not_interpreted() -> None:
    assert render_markdown("<b>hi</b>") == "<p>&lt;b&gt;hi&lt;/b&gt;</p>"


def test_markdown_images_become_plain_links() -> None:
    html = render_markdown("![a chest X-ray](https://example.org/xray.png)")
    assert "<img" not in html
    assert 'href="https://example.org/xray.png"' in html
    assert ">a chest X-ray</a>" in html


def test_link_titles_cannot_break_out_of_the_attribute() -> None:
    html = render_markdown('[x](https://ok.example "a\\" onmouseover=\\"alert(1)")')
    _no_active_content(html)


# The sanitiser is the boundary even for HTML that did not come from our parser (plugins).


@pytest.mark.parametrize(
    "html",
    [
        "<script>alert(1)</script><p>kept</p>",
        '<p onclick="alert(1)">kept</p>',
        '<a href="javascript:alert(1)">kept</a>',
        '<a href="data:text/html,hi">kept</a>',
        '<img src="x" onerror="alert(1)">',
        '<p style="position:fixed">kept</p>',
        "<form action=https://evil.example><input name=password></form>",
        "<p>unclosed <em>nesting <strong>kept",
    ],
)
def test_clean_html_strips_everything_outside_the_allow_list(html: str) -> None:
    cleaned = clean_html(html)
    _no_active_content(cleaned)
    assert "<form" not in cleaned and "<input" not in cleaned


def test_clean_html_drops_script_content_not_just_the_tag() -> None:
    assert "alert" not in clean_html("<script>alert(1)</script>safe")


def test_clean_html_closes_malformed_nesting() -> None:
    cleaned = clean_html("<p>open <em>and <strong>more")
    assert cleaned.count("<em>") == cleaned.count("</em>")
    assert cleaned.count("<strong>") == cleaned.count("</strong>")


def test_clean_html_forces_the_link_rel() -> None:
    cleaned = clean_html('<a href="https://x.example" rel="opener">x</a>')
    assert 'rel="nofollow noopener ugc"' in cleaned
    assert 'rel="opener"' not in cleaned
