"""Program pages: the list, a program's page and settings, its questions, applying and
invitations, the coordinators' review of applications, and its coordinators.

Who sees a program is `programs.selectors.program_by_slug` (`Program.objects.visible_to`,
or the invitation link's token): anyone else gets a 404. A coordinator's page on a program
the member may see but does not run answers 403.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.http import AuthenticatedHttpRequest
from accounts.moderators import actor_of
from accounts.permissions import participant_required
from accounts.specialties import SPECIALTIES
from community.ratelimit import rate_limited

from .. import workflow
from ..forms import (
    ROLE_LABELS,
    ApplicationForm,
    HandleForm,
    InviteForm,
    ProgramForm,
    QuestionForm,
    program_initial,
    question_initial,
)
from ..models import Application, ApplicationStatus, Form, Program, Question, Side
from ..permissions import is_coordinator, may_appoint_coordinators
from ..selectors import (
    ProgramPage,
    application_list,
    program_by_slug,
    program_by_token,
    program_list,
    program_page,
    question_lists,
)
from ..services import programs as services
from ..workflow import Refused

NOT_A_COORDINATOR = "Only the program's coordinators can see this page."


def _notice(
    request: HttpRequest,
    title: str,
    refusal: Refused | str,
    *,
    program: Program | None = None,
    status: int = 403,
) -> HttpResponse:
    return render(
        request,
        "programs/notice.html",
        {"title": title, "refusal": refusal, "program": program},
        status=status,
    )


def _token(request: HttpRequest) -> str:
    token = request.POST.get("token") or request.GET.get("token") or ""
    return token[:64]


def _program_for(request: HttpRequest, slug: str, *, token: str = "") -> Program:
    """The program `slug` if the member may see it; 404 for everyone else."""
    program = program_by_slug(request.user, slug, token=token or None)  # type: ignore[arg-type]
    if program is None:
        raise Http404("No such program.")
    return program


def _coordinated(request: AuthenticatedHttpRequest, slug: str) -> Program:
    """The program `slug` if the member runs it; 404 if they may not see it, 403 if they
    see it but do not run it."""
    program = _program_for(request, slug)
    if not is_coordinator(request.user, program):
        raise PermissionDenied(NOT_A_COORDINATOR)
    return program


def _side(side: str) -> str:
    if side not in Side.values:
        raise Http404("No such side.")
    return side


# --- The list and new programs -----------------------------------------------------------


@login_required
@require_GET
def program_list_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Public programs, and the member's own."""
    return render(
        request,
        "programs/list.html",
        {
            "lists": program_list(request.user),
            "may_create": services.creation_problem(actor_of(request)) is None,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def new_program(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Start a program (verified physicians and residents, and site moderators)."""
    actor = actor_of(request)
    problem = services.creation_problem(actor)
    if problem is not None:
        return _notice(request, "Starting a mentoring program", problem)
    form = ProgramForm(
        request.POST or None, initial={"visibility": "public", "matching_method": "optimal"}
    )
    if request.method == "POST" and form.is_valid():
        try:
            program = services.create_program(actor=actor, settings=form.settings())
        except Refused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(
                request,
                "Your program is saved as a draft. Add its questions, then open applications.",
            )
            return redirect(program)
    return render(
        request,
        "programs/program_form.html",
        {"form": form, "title": "Start a mentoring program", "program": None},
    )


# --- A program's page --------------------------------------------------------------------


def _count_rows(page: ProgramPage) -> list[tuple[str, list[int]]]:
    counts = page.counts
    if counts is None:
        return []
    return [
        (
            f"{label}s",
            [
                counts.get(side, ApplicationStatus.SUBMITTED),
                counts.get(side, ApplicationStatus.ACCEPTED),
                counts.get(side, ApplicationStatus.INVITED),
                counts.get(side, ApplicationStatus.DECLINED)
                + counts.get(side, ApplicationStatus.WITHDRAWN),
            ],
        )
        for side, label in Side.choices
    ]


def _render_program(
    request: AuthenticatedHttpRequest, program: Program, *, token: str = ""
) -> HttpResponse:
    actor = actor_of(request)
    page = program_page(actor, program)
    return render(
        request,
        "programs/program.html",
        {
            "page": page,
            "program": program,
            "count_rows": _count_rows(page),
            "role_labels": ROLE_LABELS,
            "specialty_labels": SPECIALTIES,
            "token": token,
            "token_query": f"?{urlencode({'token': token})}" if token else "",
            "status_actions": [
                (action, workflow.PROGRAM_ACTION_LABELS[action])
                for action in workflow.program_actions(program)
            ]
            if page.is_coordinator
            else [],
            "invite_url": request.build_absolute_uri(
                reverse("programs:join", kwargs={"token": program.invite_token})
            )
            if page.is_coordinator
            else "",
        },
    )


@login_required
@require_GET
def program_view(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """The program: what it is, who may join and how; the coordinators' panel."""
    return _render_program(request, _program_for(request, slug))


@login_required
@require_GET
def join(request: AuthenticatedHttpRequest, token: str) -> HttpResponse:
    """The invitation link: the program's page for whoever holds it."""
    program = program_by_token(token[:64])
    if program is None:
        raise Http404("This invitation link does not work any more.")
    return _render_program(request, program, token=token)


@login_required
@require_http_methods(["GET", "POST"])
def edit_program(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """The program's settings: description, term, eligibility, capacity, visibility."""
    program = _coordinated(request, slug)
    form = ProgramForm(request.POST or None, initial=program_initial(program))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_program(program=program, actor=request.user, settings=form.settings())
        except Refused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, "The program's settings are saved.")
            return redirect(program)
    return render(
        request,
        "programs/program_form.html",
        {"form": form, "title": f"Settings of {program.name}", "program": program},
    )


@participant_required
@require_POST
def change_status(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    program = _coordinated(request, slug)
    action = request.POST.get("action", "")
    try:
        services.change_program_status(program=program, actor=request.user, action=action)
    except Refused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, f"The program is now {program.get_status_display().lower()}.")
    return redirect(program)


@participant_required
@require_POST
def new_invite_link(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    program = _coordinated(request, slug)
    services.regenerate_invite_link(program=program, actor=request.user)
    messages.success(request, "The program has a new invitation link; the old one no longer works.")
    return redirect(reverse("programs:program", kwargs={"slug": slug}) + "#invite-link")


# --- Questions ---------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def questions(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """The program's questions by form, and a form to add one."""
    program = _coordinated(request, slug)
    form = QuestionForm(
        request.POST or None, initial={"kind": "text", "form": Form.APPLICATION, "required": True}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.add_question(program=program, actor=request.user, fields=form.fields_value())
        except Refused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, "Question added.")
            return redirect("programs:questions", slug=slug)
    grouped = question_lists(program)
    return render(
        request,
        "programs/questions.html",
        {
            "program": program,
            "form": form,
            "forms": [(value, label, grouped.get(value, [])) for value, label in Form.choices],
        },
    )


def _question(program: Program, pk: int) -> Question:
    return get_object_or_404(Question, program=program, pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def edit_question(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    program = _coordinated(request, slug)
    question = _question(program, pk)
    form = QuestionForm(request.POST or None, initial=question_initial(question))
    if request.method == "POST" and form.is_valid():
        try:
            services.edit_question(
                question=question, actor=request.user, fields=form.fields_value()
            )
        except Refused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, "Question saved.")
            return redirect("programs:questions", slug=slug)
    return render(
        request,
        "programs/question_form.html",
        {"program": program, "question": question, "form": form},
    )


@participant_required
@require_POST
def remove_question(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    program = _coordinated(request, slug)
    services.remove_question(question=_question(program, pk), actor=request.user)
    messages.success(request, "Question removed.")
    return redirect("programs:questions", slug=slug)


@participant_required
@require_POST
def move_question(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    program = _coordinated(request, slug)
    try:
        services.move_question(
            question=_question(program, pk),
            actor=request.user,
            direction=request.POST.get("direction", ""),
        )
    except Refused as refusal:
        messages.error(request, refusal.message)
    return redirect(reverse("programs:questions", kwargs={"slug": slug}) + f"#question-{pk}")


# --- Applying ----------------------------------------------------------------------------


@participant_required
@rate_limited("program_application")
@require_http_methods(["GET", "POST"])
def apply(request: AuthenticatedHttpRequest, slug: str, side: str) -> HttpResponse:
    """The application form, from the program's questions for `side`; for a member invited
    on that side, the same form answers the invitation."""
    side = _side(side)
    token = _token(request)
    program = _program_for(request, slug, token=token)
    user = request.user
    mine = (
        Application.objects.filter(program=program, applicant=user)
        .select_related("invited_by")
        .first()
    )
    invitation = mine if mine is not None and mine.status == ApplicationStatus.INVITED else None
    if mine is not None and invitation is None:
        messages.info(request, "You have already applied to this program.")
        return redirect(program)
    if invitation is not None and invitation.side != side:
        return redirect("programs:apply", slug=slug, side=invitation.side)
    if invitation is None:
        if program.status != "open":
            return _notice(
                request,
                f"Apply to {program.name}",
                "This program is not taking applications at the moment.",
                program=program,
            )
        if program.visibility != "public" and not services.token_matches(program, token):
            return _notice(
                request,
                f"Apply to {program.name}",
                "This program takes members through its invitation link only.",
                program=program,
            )
    problem = services.eligibility_problem(program, user, side)
    if problem is not None:
        return _notice(request, f"Join {program.name} as a {side}", problem, program=program)
    # Bound on every POST: a program with no questions for a side posts nothing but the token.
    form = ApplicationForm(
        request.POST if request.method == "POST" else None,
        questions=services.questions_for(program, side),
        side=side,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.apply(
                program=program,
                member=user,
                side=side,
                answers=form.answers(),
                capacity=form.capacity_value(),
                token=token,
            )
        except services.InvalidAnswers as invalid:
            for question_id, message in invalid.errors.items():
                form.add_error(form.field_name(question_id), message)
        except Refused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(
                request,
                f"You are in {program.name}. Welcome!"
                if invitation is not None
                else "Your application is sent. The coordinators will let you know.",
            )
            return redirect(program)
    return render(
        request,
        "programs/apply.html",
        {"program": program, "side": side, "form": form, "token": token, "invitation": invitation},
    )


def _my_application(request: AuthenticatedHttpRequest, slug: str) -> Application:
    program = _program_for(request, slug)
    return get_object_or_404(
        Application.objects.select_related("program"), program=program, applicant=request.user
    )


@participant_required
@require_POST
def withdraw(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    application = _my_application(request, slug)
    try:
        services.withdraw_application(application=application, actor=request.user)
    except Refused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, "Your application is withdrawn.")
    return redirect(application.program)


@participant_required
@require_POST
def turn_down(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    application = _my_application(request, slug)
    try:
        services.turn_down_invitation(application=application, actor=request.user)
    except Refused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, "You turned the invitation down.")
    return redirect("programs:list")


# --- Applications, for coordinators ------------------------------------------------------


def _applications_url(slug: str, side: str, status: str) -> str:
    query = urlencode({"side": side, "status": status})
    return f"{reverse('programs:applications', kwargs={'slug': slug})}?{query}"


@login_required
@require_GET
def applications(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """The program's applications by side and status, with their answers."""
    program = _coordinated(request, slug)
    side = request.GET.get("side", Side.MENTEE)
    side = side if side in Side.values else Side.MENTEE
    status = request.GET.get("status", ApplicationStatus.SUBMITTED)
    status = status if status in ApplicationStatus.values else ApplicationStatus.SUBMITTED
    listing = application_list(
        program, side=side, status=status, page_number=request.GET.get("page")
    )
    return render(
        request,
        "programs/applications.html",
        {
            "program": program,
            "listing": listing,
            "side_tabs": [
                (value, label, listing.counts.total(value)) for value, label in Side.choices
            ],
            "status_tabs": [
                (value, label, listing.counts.get(side, value))
                for value, label in ApplicationStatus.choices
            ],
            "status_label": f"{Side(side).label}s, {ApplicationStatus(status).label.lower()}",
            "invite_form": InviteForm(initial={"side": side}),
        },
    )


@participant_required
@require_POST
def decide(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    program = _coordinated(request, slug)
    application = get_object_or_404(
        Application.objects.select_related("applicant"), program=program, pk=pk
    )
    try:
        services.decide_application(
            application=application, actor=request.user, action=request.POST.get("action", "")
        )
    except Refused as refusal:
        messages.error(request, refusal.message)
    else:
        done = "accepted" if request.POST.get("action") == workflow.ACCEPT else "declined"
        messages.success(
            request, f"{application.applicant.display_name} is {done}; they have been told."
        )
    return redirect(_applications_url(slug, application.side, ApplicationStatus.SUBMITTED))


@participant_required
@require_POST
def invite(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    program = _coordinated(request, slug)
    form = InviteForm(request.POST)
    side = request.POST.get("side", Side.MENTEE)
    if not form.is_valid():
        messages.error(
            request, "Give the member's handle and whether they join as a mentee or a mentor."
        )
        return redirect(
            _applications_url(
                slug, side if side in Side.values else Side.MENTEE, ApplicationStatus.INVITED
            )
        )
    side = form.cleaned_data["side"]
    try:
        member = services.member_by_handle(form.cleaned_data["handle"])
        services.invite_member(program=program, actor=request.user, member=member, side=side)
    except Refused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, f"{member.display_name} is invited; they have been told.")
    return redirect(_applications_url(slug, side, ApplicationStatus.INVITED))


# --- Coordinators ------------------------------------------------------------------------


def _may_manage_coordinators(request: AuthenticatedHttpRequest, slug: str) -> Program:
    program = _program_for(request, slug)
    if not may_appoint_coordinators(actor_of(request), program):
        raise PermissionDenied(NOT_A_COORDINATOR)
    return program


@login_required
@require_http_methods(["GET", "POST"])
def coordinators(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """Who runs the program; appoint another coordinator by handle."""
    program = _may_manage_coordinators(request, slug)
    form = HandleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            member = services.member_by_handle(form.cleaned_data["handle"])
            services.appoint_coordinator(actor=actor_of(request), program=program, member=member)
        except Refused as refusal:
            form.add_error("handle", refusal.message)
        else:
            messages.success(
                request, f"{member.display_name} is now a coordinator; they have been told."
            )
            return redirect("programs:coordinators", slug=slug)
    context: dict[str, Any] = {
        "program": program,
        "form": form,
        "coordinators": list(
            program.coordinators.select_related("user", "appointed_by").order_by("created_at", "id")
        ),
        "is_coordinator": is_coordinator(request.user, program),
    }
    return render(request, "programs/coordinators.html", context)


@participant_required
@require_POST
def remove_coordinator(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    program = _may_manage_coordinators(request, slug)
    try:
        member = services.member_by_handle(request.POST.get("handle", "")[:40])
        services.remove_coordinator(actor=actor_of(request), program=program, member=member)
    except Refused as refusal:
        messages.error(request, refusal.message)
        return redirect("programs:coordinators", slug=slug)
    if member.pk == request.user.pk:
        messages.success(request, "You are no longer a coordinator of this program.")
        return redirect("programs:list")
    messages.success(request, f"{member.display_name} is no longer a coordinator.")
    return redirect("programs:coordinators", slug=slug)
