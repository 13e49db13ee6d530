from __future__ import annotations

from django.urls import path

from . import views

app_name = "moderation"

urlpatterns = [
    # Members reporting what they see
    path("report/<str:kind>/<int:pk>/", views.report, name="report"),
    # Decisions about the member, and their appeals
    path("decisions/", views.decisions, name="decisions"),
    path("decisions/<int:pk>/", views.decision, name="decision"),
]
