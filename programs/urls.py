from __future__ import annotations

from django.urls import URLPattern, path

from .views import dashboard

app_name = "programs"

urlpatterns: list[URLPattern] = []

# The coordinators' outcomes dashboard.
urlpatterns += [
    path("<slug:slug>/dashboard/", dashboard.dashboard, name="dashboard"),
    path("<slug:slug>/dashboard.csv", dashboard.dashboard_csv, name="dashboard_csv"),
]
