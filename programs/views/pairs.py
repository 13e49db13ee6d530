"""Program pages after the match: the coordinators' milestone editor, list of pairs and
survey results; the members' surveys and their custom milestones.

Who sees what: coordinators' pages answer 403 to anyone else who can see the program and
404 to those who cannot; a member's survey is for the mentors and mentees of the
program's pairs; a pair's milestone is the pair's alone (404 to anyone else).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.http import AuthenticatedHttpRequest
from accounts.permissions import participant_required

from ..forms_pairs import MilestoneForm, SurveyForm
from ..models import Milestone, Program, ProgramPair, SurveyResponse
from ..permissions import is_coordinator
from ..progress import (
    SATISFACTION_LABELS,
    SURVEY_FORMS,
    SURVEY_MINIMUM_RESPONDENTS,
    program_milestones,
    program_pair_rows,
    side_in,
    survey_opens_on,
    survey_questions,
    survey_summaries,
)
from ..services import pairs as services
from ..workflow import Refused

COORDINATORS_ONLY = "Only the program's coordinators can see this page."


def _visible_program(request: AuthenticatedHttpRequest, slug: str) -> Program:
    """The program if the member may know it exists; 404 otherwise."""
    program = Program.objects.visible_to(request.user).filter(slug=slug).first()
    if program is None:
        raise Http404("No such program.")
    return program


def _coordinated_program(request: AuthenticatedHttpRequest, slug: str) -> Program:
    """The program if the member coordinates it; 403 to others who can see it, 404 to the
    rest."""
    program = _visible_program(request, slug)
    if not is_coordinator(request.user, program):
        raise Refused(COORDINATORS_ONLY)
    return program


def _milestone_of(program: Program, pk: int) -> Milestone:
    milestone = Milestone.objects.filter(program=program, pk=pk).select_related("program").first()
    if milestone is None:
        raise Http404("No such milestone.")
    return milestone


# --- Milestones: the coordinators' editor ----------------------------------------------------


def _milestone_page(
    request: AuthenticatedHttpRequest,
    program: Program,
    *,
    form: MilestoneForm | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "programs/milestones.html",
        {
            "program": program,
            "milestones": list(program_milestones(program)),
            "form": form or MilestoneForm(prefix_id="new"),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def milestones(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """The program's milestones, in order, with a form to add one (coordinators)."""
    program = _coordinated_program(request, slug)
    if request.method != "POST":
        return _milestone_page(request, program)
    form = MilestoneForm(request.POST, prefix_id="new")
    if form.is_valid():
        try:
            milestone = services.add_milestone(
                program=program, actor=request.user, **form.cleaned_data
            )
        except Refused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, f"Milestone “{milestone.title}” added.")
            return redirect("programs:milestones", slug=program.slug)
    return _milestone_page(request, program, form=form, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def milestone_edit(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    """Change one milestone (coordinators)."""
    program = _coordinated_program(request, slug)
    milestone = _milestone_of(program, pk)
    status = 200
    if request.method == "POST":
        form = MilestoneForm(request.POST)
        if form.is_valid():
            try:
                services.update_milestone(
                    milestone=milestone, actor=request.user, **form.cleaned_data
                )
            except Refused as refusal:
                form.add_error(None, refusal.message)
            else:
                messages.success(request, f"Milestone “{milestone.title}” saved.")
                return redirect("programs:milestones", slug=program.slug)
        status = 400
    else:
        form = MilestoneForm.for_milestone(milestone)
    return render(
        request,
        "programs/milestone_edit.html",
        {"program": program, "milestone": milestone, "form": form},
        status=status,
    )


@login_required
@require_POST
def milestone_remove(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    """Remove a milestone, and the pairs' completions of it (coordinators)."""
    program = _coordinated_program(request, slug)
    milestone = _milestone_of(program, pk)
    services.remove_milestone(milestone=milestone, actor=request.user)
    messages.success(request, f"Milestone “{milestone.title}” removed.")
    return redirect("programs:milestones", slug=program.slug)


@login_required
@require_POST
def milestone_move(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    """Move a milestone one place up or down (coordinators)."""
    program = _coordinated_program(request, slug)
    milestone = _milestone_of(program, pk)
    direction = request.POST.get("direction", "")
    if direction not in ("up", "down"):
        messages.error(request, "Move a milestone up or down.")
    else:
        services.move_milestone(milestone=milestone, actor=request.user, direction=direction)
    return redirect(
        reverse("programs:milestones", kwargs={"slug": program.slug}) + f"#milestone-{pk}"
    )


# --- Milestones: the pair ----------------------------------------------------------------------


@participant_required
@require_POST
def milestone_done(
    request: AuthenticatedHttpRequest, slug: str, pair_pk: int, milestone_pk: int
) -> HttpResponse:
    """A member of the pair marks one of its custom milestones done."""
    user = request.user
    pair = (
        ProgramPair.objects.filter(pk=pair_pk, program__slug=slug)
        .filter(Q(mentorship__mentor=user) | Q(mentorship__mentee=user))
        .select_related("program", "mentorship")
        .first()
    )
    if pair is None:
        raise Http404("No such pair.")
    milestone = _milestone_of(pair.program, milestone_pk)
    try:
        services.mark_milestone_done(pair=pair, milestone=milestone, member=user)
    except Refused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, f"“{milestone.title}” is done. Well done, both of you!")
    return redirect(pair.mentorship.get_absolute_url() + "#program-progress")


# --- Pairs: the coordinators' list ------------------------------------------------------------


@login_required
@require_GET
def pairs(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """Every pair of the program, stalled ones first, with their last contact, milestone
    progress and open alerts (coordinators)."""
    program = _coordinated_program(request, slug)
    rows = program_pair_rows(program)
    return render(
        request,
        "programs/pair_list.html",
        {
            "program": program,
            "rows": rows,
            "stalled_count": sum(1 for row in rows if row.is_stalled),
            "milestone_count": len(rows[0].milestones) if rows else 0,
            "today": timezone.localdate(),
        },
    )


# --- Surveys ---------------------------------------------------------------------------------


@login_required
@require_GET
def survey_results(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """The program's survey answers, aggregated, for its coordinators only."""
    program = _coordinated_program(request, slug)
    return render(
        request,
        "programs/survey_results.html",
        {
            "program": program,
            "summaries": survey_summaries(program),
            "minimum": SURVEY_MINIMUM_RESPONDENTS,
        },
    )


def _members_pairs(request: AuthenticatedHttpRequest, program: Program) -> list[ProgramPair]:
    user = request.user
    return list(
        ProgramPair.objects.filter(program=program)
        .filter(Q(mentorship__mentor=user) | Q(mentorship__mentee=user))
        .select_related("program", "mentorship__mentor", "mentorship__mentee")
        .order_by("matched_at", "pk")
    )


def _chosen_pair(request: AuthenticatedHttpRequest, own: list[ProgramPair]) -> ProgramPair | None:
    """The member's pair the survey is about: their only one, or the one named by `pair`
    (a mentor may have several mentees in a program)."""
    wanted = request.POST.get("pair") or request.GET.get("pair") or ""
    if wanted:
        if not wanted.isdigit():
            raise Http404("No such pair.")
        found = next((pair for pair in own if pair.pk == int(wanted)), None)
        if found is None:
            raise Http404("No such pair.")
        return found
    return own[0] if len(own) == 1 else None


@participant_required
@require_http_methods(["GET", "POST"])
def survey(request: AuthenticatedHttpRequest, slug: str, form: str) -> HttpResponse:
    """A member of a pair answers one of the program's surveys, once."""
    if form not in SURVEY_FORMS:
        raise Http404("No such survey.")
    program = _visible_program(request, slug)
    own = _members_pairs(request, program)
    if not own:
        raise Refused("This survey is for the mentors and mentees of the program's pairs.")
    context: dict[str, Any] = {"program": program, "form_name": form, "own_pairs": own}
    pair = _chosen_pair(request, own)
    if pair is None:
        return render(request, "programs/survey_choose.html", context)
    user = request.user
    context.update(pair=pair, other=pair.mentorship.other_side(user))
    today = timezone.localdate()
    if SurveyResponse.objects.filter(pair=pair, respondent=user, form=form).exists():
        return render(
            request, "programs/survey_done.html", {**context, "again": request.method == "POST"}
        )
    try:
        services.check_may_answer_survey(pair=pair, respondent=user, form=form, today=today)
    except Refused as refusal:
        context.update(reason=refusal.message, opens_on=survey_opens_on(pair, form))
        return render(
            request,
            "programs/survey_closed.html",
            context,
            status=403 if request.method == "POST" else 200,
        )
    questions = survey_questions(program, form, side_in(pair, user))
    status = 200
    if request.method == "POST":
        survey_form = SurveyForm(request.POST, questions=questions)
        if survey_form.is_valid():
            try:
                services.submit_survey(
                    pair=pair,
                    respondent=user,
                    form=form,
                    satisfaction=survey_form.cleaned_data["satisfaction"],
                    answers=survey_form.answers(),
                )
            except services.AlreadyAnswered:
                return render(request, "programs/survey_done.html", {**context, "again": True})
            except Refused as refusal:
                survey_form.add_error(None, refusal.message)
            else:
                messages.success(request, "Thank you! Your answers were received.")
                return redirect(pair.mentorship.get_absolute_url() + "#program-progress")
        status = 400
    else:
        survey_form = SurveyForm(questions=questions)
    return render(
        request,
        "programs/survey_form.html",
        {**context, "form": survey_form, "satisfaction_labels": SATISFACTION_LABELS},
        status=status,
    )
