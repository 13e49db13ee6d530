from __future__ import annotations

from django.urls import URLPattern, path

from .views import dashboard, matching, pairs, programs

app_name = "programs"

urlpatterns: list[URLPattern] = [
    # Programs, questions, applications and coordinators (views/programs.py).
    path("", programs.program_list_view, name="list"),
    path("new/", programs.new_program, name="new"),
    path("join/<str:token>/", programs.join, name="join"),
    path("<slug:slug>/", programs.program_view, name="program"),
    path("<slug:slug>/edit/", programs.edit_program, name="edit"),
    path("<slug:slug>/status/", programs.change_status, name="status"),
    path("<slug:slug>/invite-link/", programs.new_invite_link, name="invite_link"),
    path("<slug:slug>/questions/", programs.questions, name="questions"),
    path("<slug:slug>/questions/<int:pk>/", programs.edit_question, name="question"),
    path(
        "<slug:slug>/questions/<int:pk>/remove/", programs.remove_question, name="remove_question"
    ),
    path("<slug:slug>/questions/<int:pk>/move/", programs.move_question, name="move_question"),
    path("<slug:slug>/apply/<str:side>/", programs.apply, name="apply"),
    path("<slug:slug>/withdraw/", programs.withdraw, name="withdraw"),
    path("<slug:slug>/invitation/turn-down/", programs.turn_down, name="turn_down"),
    path("<slug:slug>/applications/", programs.applications, name="applications"),
    path("<slug:slug>/applications/<int:pk>/decide/", programs.decide, name="decide"),
    path("<slug:slug>/invite/", programs.invite, name="invite"),
    path("<slug:slug>/coordinators/", programs.coordinators, name="coordinators"),
    path(
        "<slug:slug>/coordinators/remove/", programs.remove_coordinator, name="remove_coordinator"
    ),
]

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
