"""Moderation's page at the site's top level: the contact page, /contact/."""

from __future__ import annotations

from django.urls import path

from . import views

urlpatterns = [
    path("contact/", views.contact, name="contact"),
]
