"""The coordinators' matching pages: the proposal, its review, and publishing it.

Who may see them: a program's coordinators. Anyone else who may see the program (a member,
an applicant, a moderator, a coordinator of another program) gets 403; anyone who may not
see it gets 404, as if it did not exist; visitors are asked to sign in.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.http import AuthenticatedHttpRequest

from ..matching_forms import MethodForm, PublishForm, SwapForm
from ..models import (
    Application,
    ApplicationStatus,
    MatchingMethod,
    MatchRun,
    Program,
    ProposedPair,
    RunStatus,
    Side,
)
from ..permissions import is_coordinator
from ..services import matching as services
from ..workflow import Refused

METHOD_WORDS = {
    MatchingMethod.OPTIMAL: (
        "Best total match: as many mentees as possible get a mentor, and among those "
        "matchings the one with the highest total quality is chosen."
    ),
    MatchingMethod.STABLE: (
        "Stable: mentees are placed by their preferences and mentors keep the mentees who "
        "suit them best, so no mentee and mentor would both rather have each other. It may "
        "match fewer mentees, or score lower in total, than the best total match."
    ),
}


def _program_for_coordinator(request: AuthenticatedHttpRequest, slug: str) -> Program:
    program = get_object_or_404(Program.objects.visible_to(request.user), slug=slug)
    if not is_coordinator(request.user, program):
        raise Refused("Only the program's coordinators can match its members.")
    return program


def _back(program: Program, anchor: str = "") -> HttpResponseRedirect:
    url = reverse("programs:matching", kwargs={"slug": program.slug})
    return redirect(url + (f"#{anchor}" if anchor else ""))


def _proposal(program: Program) -> MatchRun | None:
    return MatchRun.objects.filter(program=program, status=RunStatus.PROPOSED).first()


def _released(request: AuthenticatedHttpRequest, released: list[str]) -> None:
    for sentence in released:
        messages.warning(request, sentence)


@login_required
@require_GET
def matching(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """The proposal: its pairs with scores and reasons, the unmatched with reasons, the
    total against greedy, the method, and the actions."""
    program = _program_for_coordinator(request, slug)
    return render(request, "programs/matching.html", _page(program))


def _page(program: Program, **extra: Any) -> dict[str, Any]:
    run = _proposal(program)
    pairs: list[ProposedPair] = []
    unmatched: list[dict[str, Any]] = []
    if run is not None:
        pairs = list(
            run.pairs.select_related("mentee__applicant", "mentor__applicant").order_by(
                "-locked", "-score", "pk"
            )
        )
        names = dict(
            Application.objects.filter(
                program=program, pk__in=[entry["application"] for entry in run.unmatched]
            ).values_list("pk", "applicant__display_name")
        )
        unmatched = [
            {"name": names.get(entry["application"], "A former applicant"), **entry}
            for entry in run.unmatched
        ]
    mentors = list(
        Application.objects.filter(
            program=program, side=Side.MENTOR, status=ApplicationStatus.ACCEPTED
        )
        .select_related("applicant")
        .order_by("applicant__display_name", "pk")
    )
    excluded = {int(pk) for pk in run.excluded_mentors} if run else set()
    loads: dict[int, int] = {}
    for pair in pairs:
        loads[pair.mentor_id] = loads.get(pair.mentor_id, 0) + 1
    mentor_rows = [
        {"application": mentor, "excluded": mentor.pk in excluded, "load": loads.get(mentor.pk, 0)}
        for mentor in mentors
    ]
    cohorts = list(
        MatchRun.objects.filter(program=program, status=RunStatus.PUBLISHED)
        .order_by("published_at", "pk")
        .values("cohort", "published_at", "total_score")
    )
    gain = None
    if run is not None and run.greedy_score:
        gain = (run.total_score - run.greedy_score) / run.greedy_score * 100
    context: dict[str, Any] = {
        "program": program,
        "run": run,
        "pairs": pairs,
        "unmatched": unmatched,
        "mentor_rows": mentor_rows,
        "cohorts": cohorts,
        "gain": gain,
        "method_words": METHOD_WORDS.get(MatchingMethod(program.matching_method), ""),
        "run_method_label": MatchingMethod(run.method).label if run else "",
        "method_form": MethodForm(initial={"method": program.matching_method}),
        "swap_form": None,
        "matchable": program.status in services.MATCHABLE,
    }
    context.update(extra)
    return context


@login_required
@require_POST
def set_method(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    program = _program_for_coordinator(request, slug)
    form = MethodForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose one of the matching methods offered.")
        return _back(program, "method")
    try:
        services.set_matching_method(
            program=program, actor=request.user, method=form.cleaned_data["method"]
        )
    except Refused as refusal:
        messages.error(request, refusal.message)
    else:
        label = MatchingMethod(program.matching_method).label
        messages.success(
            request, f"The matching method is now: {label}. Run the matching to use it."
        )
    return _back(program, "method")


@login_required
@require_POST
def run(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    program = _program_for_coordinator(request, slug)
    released: list[str] = []
    try:
        result = services.run_matching(program=program, actor=request.user, released=released)
    except Refused as refusal:
        messages.error(request, refusal.message)
        return _back(program)
    _released(request, released)
    left, paired = len(result.unmatched), result.pairs.count()
    text = f"Matching done: {paired} {'pair' if paired == 1 else 'pairs'} proposed"
    if left:
        text += f", {left} {'mentee' if left == 1 else 'mentees'} without a mentor (see why below)"
    messages.success(request, text + ".")
    return _back(program, "proposal")


def _pair(program: Program, pk: int) -> ProposedPair:
    return get_object_or_404(
        ProposedPair.objects.select_related("run__program"),
        pk=pk,
        run__program=program,
        run__status=RunStatus.PROPOSED,
    )


@login_required
@require_POST
def lock(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    program = _program_for_coordinator(request, slug)
    pair = _pair(program, pk)
    locked = request.POST.get("locked") == "1"
    try:
        services.set_locked(pair=pair, actor=request.user, locked=locked)
    except Refused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(
            request,
            "Pair locked: running the matching again keeps it."
            if locked
            else "Pair unlocked: the next run may change it.",
        )
    return _back(program, f"pair-{pair.pk}")


@login_required
@require_POST
def swap(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    program = _program_for_coordinator(request, slug)
    run = _proposal(program)
    if run is None:
        messages.error(request, "There is no proposal to change; run the matching first.")
        return _back(program)
    pair_ids = list(run.pairs.values_list("pk", flat=True))
    form = SwapForm(request.POST, pair_ids=pair_ids)
    if not form.is_valid():
        for error in form.errors.get("pair", ["Tick exactly two pairs to swap their mentors."]):
            messages.error(request, str(error))
        return _back(program, "proposal")
    first, second = (_pair(program, pk) for pk in form.cleaned_data["pair"])
    try:
        services.swap_mentors(first=first, second=second, actor=request.user)
    except Refused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, "Mentors swapped; the two pairs were scored again.")
    return _back(program, "proposal")


@login_required
@require_POST
def exclude(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    program = _program_for_coordinator(request, slug)
    run = _proposal(program)
    mentor = get_object_or_404(
        Application.objects.select_related("applicant"),
        pk=pk,
        program=program,
        side=Side.MENTOR,
    )
    if run is None:
        messages.error(request, "There is no proposal to change; run the matching first.")
        return _back(program)
    excluded = request.POST.get("excluded") == "1"
    released: list[str] = []
    try:
        services.set_mentor_excluded(
            run=run, mentor=mentor, actor=request.user, excluded=excluded, released=released
        )
    except Refused as refusal:
        messages.error(request, refusal.message)
        return _back(program, "mentors")
    _released(request, released)
    name = mentor.applicant.display_name
    messages.success(
        request,
        f"{name} is left out and the matching ran again."
        if excluded
        else f"{name} is back in and the matching ran again.",
    )
    return _back(program, "mentors")


@login_required
@require_POST
def discard(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    program = _program_for_coordinator(request, slug)
    run = _proposal(program)
    if run is None:
        messages.info(request, "There is no proposal to discard.")
        return _back(program)
    try:
        services.discard(run=run, actor=request.user)
    except Refused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, "Proposal discarded. Nobody was told anything.")
    return _back(program)


@login_required
@require_http_methods(["GET", "POST"])
def publish(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """GET asks for confirmation; POST publishes the proposal it was shown."""
    program = _program_for_coordinator(request, slug)
    run = _proposal(program)
    if request.method == "POST":
        form = PublishForm(request.POST)
        if not form.is_valid():
            return _confirm(request, program, run, form, status=400)
        chosen = MatchRun.objects.filter(program=program, pk=form.cleaned_data["run"]).first()
        if chosen is not None and chosen.status == RunStatus.PUBLISHED:
            messages.info(request, f"{chosen.cohort} is already published.")
            return _back(program, "cohorts")
        if chosen is None or run is None or chosen.pk != run.pk:
            messages.error(
                request,
                "The proposal changed since you reviewed it. Look it over again, then publish.",
            )
            return _back(program, "proposal")
        try:
            published = services.publish(
                run=chosen, actor=request.user, cohort=form.cleaned_data["cohort"]
            )
        except Refused as refusal:
            messages.error(request, refusal.message)
            return _back(program, "proposal")
        messages.success(
            request,
            f"{published.cohort} is published: {published.published_pairs.count()} mentorships "
            "are open. Every member is being notified; it may take a few minutes for a "
            "large cohort.",
        )
        return _back(program, "cohorts")
    if run is None:
        messages.info(request, "There is no proposal to publish; run the matching first.")
        return _back(program)
    form = PublishForm(initial={"run": run.pk})
    return _confirm(request, program, run, form)


def _confirm(
    request: AuthenticatedHttpRequest,
    program: Program,
    run: MatchRun | None,
    form: PublishForm,
    status: int = 200,
) -> HttpResponse:
    context = {
        "program": program,
        "run": run,
        "form": form,
        "pair_count": run.pairs.count() if run else 0,
        "unmatched_count": len(run.unmatched) if run else 0,
        "default_name": services.default_cohort_name(program),
        "will_start": program.status != "running",
    }
    return render(request, "programs/matching_publish.html", context, status=status)
