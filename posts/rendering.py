"""Posts and comments in Markdown, with @mentions and #hashtags linked.

Built on `community.markdown`: the same parser configuration and the same allow-list
sanitiser. Mentions and hashtags are found in the parsed token stream, only in plain text
outside links and code, and turned into link tokens before rendering; the rendered HTML then
goes through `clean_html` like every other piece of member text. Nothing is done with
regular expressions on HTML.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db.models import Q
from django.urls import reverse
from markdown_it.token import Token

from accounts.models import User
from community.markdown import build_parser, clean_html

# A handle as accounts stores it (a slug), not ending in a hyphen so "@ana-" reads as "@ana".
# Not after a word character, "@", "." or "/": e-mail addresses and paths are not mentions.
_MENTION = r"(?<![\w@./])@(?P<handle>[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,28}[A-Za-z0-9_])?)(?![\w-])"
# A hashtag starts with a letter ("#1" is a number, not a tag) and is at most 50 long.
_HASHTAG = r"(?<![\w#&/])#(?P<tag>[^\W\d_]\w{0,49})(?!\w)"
_PATTERN = re.compile(f"{_MENTION}|{_HASHTAG}")

MENTION_CLASS = "mention"
HASHTAG_CLASS = "hashtag"
_ALLOWED_CLASSES = {"a": {MENTION_CLASS, HASHTAG_CLASS}}

MAX_MENTIONS = 20

_PARSER = build_parser()


@dataclass(frozen=True)
class Rendered:
    """Sanitised HTML plus what it refers to."""

    html: str
    mentions: tuple[User, ...] = field(default=())
    hashtags: tuple[str, ...] = field(default=())


def _plain_text_tokens(tokens: list[Token]) -> Iterator[tuple[Token, int]]:
    """(inline token, child index) of every text token that is not inside a link."""
    for token in tokens:
        if token.type != "inline" or not token.children:
            continue
        depth = 0
        for index, child in enumerate(token.children):
            if child.type == "link_open":
                depth += 1
            elif child.type == "link_close":
                depth -= 1
            elif child.type == "text" and depth == 0:
                yield token, index


def _link_tokens(href: str, text: str, css_class: str) -> list[Token]:
    opening = Token("link_open", "a", 1, attrs={"href": href, "class": css_class})
    content = Token("text", "", 0, content=text)
    closing = Token("link_close", "a", -1)
    return [opening, content, closing]


def _split(text: str, members: dict[str, User]) -> list[Token] | None:
    """Text with its mentions of existing members and its hashtags as link tokens, or None
    when there is nothing to link."""
    pieces: list[Token] = []
    position = 0
    for match in _PATTERN.finditer(text):
        handle, tag = match.group("handle"), match.group("tag")
        if handle is not None:
            member = members.get(handle.lower())
            if member is None:
                continue
            link = _link_tokens(member.get_absolute_url(), match.group(0), MENTION_CLASS)
        else:
            href = reverse("posts:hashtag", kwargs={"name": tag.lower()})
            link = _link_tokens(href, match.group(0), HASHTAG_CLASS)
        if match.start() > position:
            pieces.append(Token("text", "", 0, content=text[position : match.start()]))
        pieces.extend(link)
        position = match.end()
    if not pieces:
        return None
    if position < len(text):
        pieces.append(Token("text", "", 0, content=text[position:]))
    return pieces


def render_post_markdown(text: str) -> Rendered:
    """Render member Markdown to safe HTML with @mentions of existing members linked to
    their profiles and #hashtags linked to hashtag pages; report both."""
    if not text or not text.strip():
        return Rendered(html="")
    env: dict[str, object] = {}
    tokens = _PARSER.parse(text, env)

    handles: set[str] = set()
    tags: dict[str, None] = {}
    for inline, index in _plain_text_tokens(tokens):
        assert inline.children is not None
        for match in _PATTERN.finditer(inline.children[index].content):
            if match.group("handle") is not None:
                handles.add(match.group("handle").lower())
            else:
                tags.setdefault(match.group("tag").lower(), None)

    members: dict[str, User] = {}
    if handles:
        # A post mentioning dozens of people is spam, not a conversation: link the first few.
        wanted = sorted(handles)[:MAX_MENTIONS]
        matching = Q()
        for handle in wanted:
            matching |= Q(handle__iexact=handle)
        members = {
            member.handle.lower(): member
            for member in User.objects.filter(matching, is_active=True)
        }

    # Replace from the end so earlier indices stay valid within each inline token.
    for inline, index in reversed(list(_plain_text_tokens(tokens))):
        assert inline.children is not None
        replacement = _split(inline.children[index].content, members)
        if replacement is not None:
            inline.children[index : index + 1] = replacement

    html = _PARSER.renderer.render(tokens, _PARSER.options, env)
    cleaned = clean_html(html, allowed_classes=_ALLOWED_CLASSES).strip()
    mentioned = tuple(members[handle] for handle in sorted(handles) if handle in members)
    return Rendered(html=cleaned, mentions=mentioned, hashtags=tuple(tags))
