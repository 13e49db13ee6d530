from __future__ import annotations

from django.urls import URLPattern, path

from .views import dashboard, pairs

app_name = "programs"

urlpatterns: list[URLPattern] = []

# The coordinators' outcomes dashboard.
urlpatterns += [
    path("<slug:slug>/dashboard/", dashboard.dashboard, name="dashboard"),
    path("<slug:slug>/dashboard.csv", dashboard.dashboard_csv, name="dashboard_csv"),
]

# After the match: milestones, pairs and surveys (programs.views.pairs).
urlpatterns += [
    path("<slug:slug>/milestones/", pairs.milestones, name="milestones"),
    path("<slug:slug>/milestones/<int:pk>/edit/", pairs.milestone_edit, name="milestone_edit"),
    path(
        "<slug:slug>/milestones/<int:pk>/remove/", pairs.milestone_remove, name="milestone_remove"
    ),
    path("<slug:slug>/milestones/<int:pk>/move/", pairs.milestone_move, name="milestone_move"),
    path("<slug:slug>/pairs/", pairs.pairs, name="pairs"),
    path(
        "<slug:slug>/pairs/<int:pair_pk>/milestones/<int:milestone_pk>/done/",
        pairs.milestone_done,
        name="milestone_done",
    ),
    path("<slug:slug>/surveys/", pairs.survey_results, name="survey_results"),
    path("<slug:slug>/surveys/<str:form>/", pairs.survey, name="survey"),
]
