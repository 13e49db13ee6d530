"""`render_cached`: rendered template fragments reused between requests, keyed on what they
show, with each reader's CSRF token and each response's CSP nonce put in on the way out.

Replaces: rendering `posts/_post.html`, `posts/_comment.html`, mentor cards, notification
rows and the main navigation through the template engine for every request
(`{% include %}` with the same context).

How: the caller builds the key from every value the fragment shows, so a change to any of
them is a new key: nothing has to be invalidated and no reader is shown a stale fragment
or another reader's. The HTML is kept in the per-process `fragments` cache. The one part
that differs between readers whose key is the same is the CSRF token in a fragment's
forms: fragments are rendered with a placeholder there, and each reader's own token is put
in on the way out. The placeholder is derived from SECRET_KEY: no member can write it into
their text to have a token pasted there. The Content-Security-Policy nonce of a fragment's
script tags (the page's scripts, `_head_scripts.html`) differs on every response in the
same way, and is put in the same way, from its own placeholder (`csp_nonce` in context).

Relies on (Django internals, asserted by tests/perf/test_django_internals.py): the exact
markup `{% csrf_token %}` renders for a token (`<input type="hidden"
name="csrfmiddlewaretoken" value="...">`, whose value we replace, or drop when there is no
token) and the `"NOTPROVIDED"` value the `csrf` context processor gives outside a request
with a token; `Context.template.engine` and `Context.push(**values)`.

Gains: BENCHMARKS.md steps 7 (post, home and hashtag pages) and 16 (notifications).

Tests: tests/perf/test_fragments.py (the same HTML as the template rendered directly, for
visitors and members, their own, deleted, removed, private-group and blocked cases, and
each reader's own token), tests/perf/test_django_internals.py, tests/posts/test_posts_cards.py.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.template import Context
from django.utils.crypto import salted_hmac
from django.utils.safestring import SafeString, mark_safe

TIMEOUT = 3600


def render_cached(
    context: Context, template_name: str, parts: Sequence[Any], values: dict[str, Any]
) -> SafeString:
    """`template_name` rendered with `values` pushed on `context`, reused while `parts`
    (every value the fragment shows, as plain Python values) stay the same."""
    store = caches["fragments"]
    key = (
        "fragment:"
        + hashlib.md5(repr((template_name, *parts)).encode(), usedforsecurity=False).hexdigest()
    )
    placeholder = csrf_placeholder()
    html = store.get(key)
    if html is None:
        if context.template is None:
            raise ValueError("render_cached renders within a template being rendered.")
        template = context.template.engine.get_template(template_name)
        with context.push(values, csrf_token=placeholder, csp_nonce=nonce_placeholder()):
            html = template.render(context)
        store.set(key, html, TIMEOUT)
    html = _with_nonce(html, context.get("csp_nonce"))
    # The HTML came out of the template engine; a CSRF token is letters and digits, a nonce
    # base64 (letters, digits, "+", "/", "="): neither needs escaping in an attribute.
    return mark_safe(_with_token(html, placeholder, context.get("csrf_token")))  # nosec


def csrf_placeholder() -> str:
    return _placeholder_for(settings.SECRET_KEY)


def nonce_placeholder() -> str:
    return _placeholder_for(settings.SECRET_KEY, "nonce-placeholder")


@functools.lru_cache(maxsize=4)
def _placeholder_for(secret: str, purpose: str = "csrf-placeholder") -> str:
    return salted_hmac("community.perf.fragments", purpose, secret=secret).hexdigest()[:32]


def _with_nonce(html: str, nonce: Any) -> str:
    """`html` with the response's CSP nonce where it was rendered with the placeholder ("" when
    there is none, as the templates write `nonce="{{ csp_nonce }}"` then)."""
    placeholder = nonce_placeholder()
    if placeholder not in html:
        # No script in the fragment: the nonce is not asked for (asking makes one).
        return html
    # Not `nonce or ""`: django-csp's lazy nonce is false until something has read it.
    return html.replace(placeholder, "" if nonce is None else str(nonce))


def _with_token(html: str, placeholder: str, token: Any) -> str:
    if placeholder not in html:
        # No form in the fragment. The token is not asked for: asking makes the response
        # set the CSRF cookie, and a visitor's page must set none (community/page_cache.py).
        return html
    token = str(token) if token else ""
    if token and token != "NOTPROVIDED":
        return html.replace(placeholder, token)
    # No token to give (rendered outside a request): no hidden input, as {% csrf_token %}.
    return html.replace(
        f'<input type="hidden" name="csrfmiddlewaretoken" value="{placeholder}">', ""
    )
