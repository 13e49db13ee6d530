"""The request type of views, with what middleware adds to every request.

`HtmxHttpRequest` is every request once django-htmx's middleware has run (`request.htmx`).
Views behind sign-in take `accounts.http.AuthenticatedHttpRequest`, which adds the member.
"""

from __future__ import annotations

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

# In the session of a member's first sign-in ever (set by accounts.adapters on signing in,
# read by the home page to greet a newcomer as new rather than "back").
FIRST_SIGN_IN_SESSION_KEY = "first_sign_in"


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails
