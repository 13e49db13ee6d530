"""The coordinators' outcomes dashboard of a program, as a page and as a CSV file.

Who may see it: the program's coordinators only. Anyone else who may see the program
(`Program.objects.visible_to`) gets a 403, moderators and coordinators of other programs
included (programs.permissions); anyone who may not see it gets the 404 of a program that
does not exist; visitors are sent to sign in first.
"""

from __future__ import annotations

import csv

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from ..charts import dashboard_charts
from ..models import ApplicationStatus, Form, Program, Side
from ..outcomes import MIN_GROUP, NOT_SHOWN, SURVEY_FORMS, csv_rows, program_outcomes
from ..permissions import is_coordinator


def _coordinated_program(request: HttpRequest, slug: str) -> Program:
    program = get_object_or_404(Program.objects.visible_to(request.user), slug=slug)
    if not is_coordinator(request.user, program):
        raise PermissionDenied("Only the program's coordinators see its dashboard.")
    return program


@login_required
@require_GET
def dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    program = _coordinated_program(request, slug)
    outcomes = program_outcomes(program)
    charts = dashboard_charts(outcomes)
    rows = [*outcomes.cohorts, outcomes.whole]
    return render(
        request,
        "programs/dashboard.html",
        {
            "program": program,
            "outcomes": outcomes,
            "charts": charts,
            "rows": rows,
            "application_rows": [
                {
                    "label": status.label,
                    "mentees": outcomes.applications_of(Side.MENTEE, status),
                    "mentors": outcomes.applications_of(Side.MENTOR, status),
                }
                for status in ApplicationStatus
            ],
            "milestone_rows": [
                {
                    "title": milestone.title,
                    "due_after_days": milestone.due_after_days,
                    "cells": [row.milestones[milestone.id] for row in rows],
                }
                for milestone in outcomes.milestones
            ],
            "satisfaction": [
                (item, charts[f"satisfaction_{item.form}"]) for item in outcomes.satisfaction
            ],
            "survey_forms": [(form, Form(form).label) for form in SURVEY_FORMS],
            "min_group": MIN_GROUP,
            "not_shown": NOT_SHOWN,
        },
    )


@login_required
@require_GET
def dashboard_csv(request: HttpRequest, slug: str) -> HttpResponse:
    program = _coordinated_program(request, slug)
    stamp = timezone.localdate().isoformat()
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{program.slug}-outcomes-{stamp}.csv"'
    response["Cache-Control"] = "private, no-store"
    csv.writer(response).writerows(csv_rows(program_outcomes(program)))
    return response
