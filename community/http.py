"""The request type of views, with what middleware adds to every request.

`HtmxHttpRequest` is every request once django-htmx's middleware has run (`request.htmx`).
Views behind sign-in take `accounts.http.AuthenticatedHttpRequest`, which adds the member.
"""

from __future__ import annotations

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails
