from __future__ import annotations

from django.urls import URLPattern, path

from .views import matching

app_name = "programs"

urlpatterns: list[URLPattern] = []

# Matching: the coordinators' proposal, its review and publishing it.
urlpatterns += [
    path("<slug:slug>/matching/", matching.matching, name="matching"),
    path("<slug:slug>/matching/method/", matching.set_method, name="matching_method"),
    path("<slug:slug>/matching/run/", matching.run, name="matching_run"),
    path("<slug:slug>/matching/pairs/<int:pk>/lock/", matching.lock, name="matching_lock"),
    path("<slug:slug>/matching/swap/", matching.swap, name="matching_swap"),
    path(
        "<slug:slug>/matching/mentors/<int:pk>/exclude/",
        matching.exclude,
        name="matching_exclude",
    ),
    path("<slug:slug>/matching/discard/", matching.discard, name="matching_discard"),
    path("<slug:slug>/matching/publish/", matching.publish, name="matching_publish"),
]
