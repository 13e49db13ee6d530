from __future__ import annotations

from django.urls import path

from . import views

app_name = "moderation"

urlpatterns = [
    # Members reporting what they see
    path("report/<str:kind>/<int:pk>/", views.report, name="report"),
]
