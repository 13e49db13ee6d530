"""Render an email from its folder of templates.

Each kind of email is a folder under `templates/emails/`: `subject.txt`, `body.txt` and
`body.html`. Every message gets a plain-text part and an HTML alternative, the site's name
and address in its context, and any extra headers (List-Unsubscribe) the caller gives.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string


def absolute_url(path: str) -> str:
    """SITE_URL + path, leaving an already absolute address alone."""
    if not path:
        return settings.SITE_URL + "/"
    if path.startswith(("http://", "https://")):
        return path
    return settings.SITE_URL + (path if path.startswith("/") else "/" + path)


def render_email(folder: str, context: Mapping[str, Any]) -> tuple[str, str, str]:
    """Return (subject, text body, HTML body) rendered from `templates/emails/<folder>/`."""
    full_context = {
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL,
        **context,
    }
    rendered_subject = render_to_string(f"emails/{folder}/subject.txt", full_context)
    # A subject is one line: a stray newline would let a template inject headers.
    subject = " ".join(rendered_subject.split())
    text = render_to_string(f"emails/{folder}/body.txt", full_context).strip() + "\n"
    html = render_to_string(f"emails/{folder}/body.html", full_context)
    return subject, text, html


def make_message(
    folder: str,
    *,
    to: str,
    context: Mapping[str, Any],
    headers: Mapping[str, str] | None = None,
) -> EmailMultiAlternatives:
    """Build the message for one recipient without sending it."""
    subject, text, html = render_email(folder, context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers=dict(headers or {}),
    )
    message.attach_alternative(html, "text/html")
    return message
