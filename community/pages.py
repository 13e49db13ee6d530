"""The pages about Rounds itself, linked from every footer: About, Community guidelines,
Privacy and Terms (the Contact page, which writes, is moderation's). The same for every
reader and read from templates alone: no query of their own."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET


@require_GET
def about(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/about.html")


@require_GET
def guidelines(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/guidelines.html")


@require_GET
def privacy_policy(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/privacy.html")


@require_GET
def terms(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/terms.html")
