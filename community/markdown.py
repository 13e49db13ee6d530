"""Markdown for member-written text (bios, posts, comments): one renderer, one sanitiser.

Rendering is CommonMark with raw HTML turned off, then the HTML goes through an allow-list
sanitiser (nh3, Rust's ammonia) all the same: the parser is not a security boundary, the
sanitiser is. Store the output of `render_markdown` at save time and mark it safe when
displaying; never render at request time from untrusted text with a different function.

To add syntax (mentions, hashtags), build on `build_parser()` with a plugin and pass the
result through `clean_html`, so every path ends in the same allow-list.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import nh3
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.renderer import RendererHTML
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

ALLOWED_TAGS = frozenset(
    {
        "p", "br", "hr", "strong", "em", "del", "s", "code", "pre", "blockquote",
        "ul", "ol", "li", "a", "h3", "h4", "h5", "h6",
        "table", "thead", "tbody", "tr", "th", "td",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES: dict[str, set[str]] = {
    "a": {"href", "title"},
    "ol": {"start"},
}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
# Links in member text are the member's, not ours: no search-engine credit, no opener.
LINK_REL = "nofollow noopener ugc"
# Tags whose content goes too, not just the tag (a <script> body is never text to show).
_DROP_WITH_CONTENT = frozenset({"script", "style", "iframe", "object", "embed", "template"})

# Member text sits under the page's own h1 and h2, so its headings start at h3.
_HEADING_OFFSET = 2


def _shift_headings(state: StateCore) -> None:
    for token in state.tokens:
        if token.type in ("heading_open", "heading_close"):
            level = min(int(token.tag[1]) + _HEADING_OFFSET, 6)
            token.tag = f"h{level}"


def _image_as_link(
    renderer: RendererHTML,
    tokens: Sequence[Token],
    index: int,
    options: OptionsDict,
    env: EnvType,
) -> str:
    """Images from elsewhere would track readers and are blocked by our CSP anyway, so
    `![alt](url)` becomes a plain link whose text is the alt text."""
    token = tokens[index]
    source = str(token.attrGet("src") or "")
    alt = renderer.renderInlineAsText(token.children or [], options, env) or source
    return f'<a href="{escapeHtml(source)}">{escapeHtml(alt)}</a>'


def build_parser() -> MarkdownIt:
    """The configured parser: CommonMark, no raw HTML, bare URLs linked, GFM tables and
    strikethrough, headings shifted below the page's own."""
    parser = MarkdownIt("commonmark", {"html": False, "linkify": True, "typographer": False})
    parser.enable(["linkify", "strikethrough", "table"])
    parser.core.ruler.push("shift_headings", _shift_headings)
    parser.add_render_rule("image", _image_as_link)
    return parser


def clean_html(html: str, **overrides: Any) -> str:
    """Sanitise HTML with the shared allow-list (keyword overrides go to nh3.clean)."""
    options: dict[str, Any] = {
        "tags": set(ALLOWED_TAGS),
        "clean_content_tags": set(_DROP_WITH_CONTENT),
        "attributes": {tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        "url_schemes": set(URL_SCHEMES),
        "link_rel": LINK_REL,
        "strip_comments": True,
    }
    options.update(overrides)
    return nh3.clean(html, **options)


_PARSER = build_parser()


def render_markdown(text: str) -> str:
    """Member Markdown to safe HTML, ready to store and display with `|safe`."""
    if not text or not text.strip():
        return ""
    return clean_html(_PARSER.render(text)).strip()
