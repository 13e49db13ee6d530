"""Mentoring pages: thin views over `workflow`, `services`, `matching` and `selectors`."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.http import AuthenticatedHttpRequest
from accounts.models import User
from accounts.moderators import actor_of
from accounts.permissions import participant_required
from community.ratelimit import rate_limited
from moderation.services import record_reported_mentorship_opened
from privacy import guard
from privacy.forms import draft_review
from privacy.guard import GuardFinding

from . import services, workflow
from .forms import (
    DeclineForm,
    DirectoryFilterForm,
    EndForm,
    FeedbackForm,
    GoalForm,
    MeetingForm,
    MenteePreferencesForm,
    MentorProfileForm,
    MentorRequestForm,
    MessageForm,
)
from .matching import suggest_mentors
from .models import (
    Goal,
    MenteePreferences,
    MentorProfile,
    MentorRequest,
    Mentorship,
    MentorshipStatus,
)
from .selectors import (
    Access,
    DirectoryFilters,
    dashboard,
    directory_page,
    goal_progress,
    mentor_rating_summary,
    mentorship_access,
    message_page,
)
from .vocabulary import (
    AREA_LABELS,
    LANGUAGES,
    MODE_LABELS,
    STAGE_LABELS,
    specialties,
)
from .workflow import Refused


def _vocabularies() -> dict[str, Any]:
    return {
        "area_labels": AREA_LABELS,
        "stage_labels": STAGE_LABELS,
        "mode_labels": MODE_LABELS,
        "language_labels": LANGUAGES,
        "specialty_labels": specialties(),
    }


def _notice(request: HttpRequest, title: str, text: str, status: int = 403) -> HttpResponse:
    return render(request, "mentoring/notice.html", {"title": title, "text": text}, status=status)


# --- Overview and profiles --------------------------------------------------------------


@login_required
@require_GET
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The member's requests, mentorships and profiles in one place."""
    user = request.user
    board = dashboard(user)
    profile = MentorProfile.objects.filter(user=user).first()
    return render(
        request,
        "mentoring/home.html",
        {
            "dashboard": board,
            "mentor_profile": profile,
            "rating": mentor_rating_summary(user, with_comments=True) if profile else None,
            "has_preferences": MenteePreferences.objects.filter(user=user).exists(),
            "can_be_mentee": workflow.mentee_stage(user) is not None,
            "can_mentor": user.is_clinician,
            "decline_form": DeclineForm(),
        },
    )


def _from_member_profile(user: User) -> dict[str, Any]:
    """Start a new mentoring profile from what the member already told us on their profile."""
    return {
        "languages": list(user.languages) or ["en"],
        "time_zone": user.time_zone or "UTC",
    }


def _profile_initial(instance: Any, names: list[str]) -> dict[str, Any]:
    return {name: getattr(instance, name) for name in names}


@participant_required
@require_http_methods(["GET", "POST"])
def mentor_profile(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Create or edit the member's mentor profile (verified physicians and residents)."""
    user = request.user
    try:
        services.ensure_can_mentor(user)
    except Refused as refusal:
        return _notice(request, "Mentoring is for verified physicians", refusal.message)
    profile = MentorProfile.objects.filter(user=user).first()
    initial = (
        _profile_initial(profile, list(MentorProfileForm.base_fields))
        if profile
        else {
            "capacity": 3,
            "is_accepting": True,
            "specialties": [user.specialty] if user.specialty else [],
            **_from_member_profile(user),
        }
    )
    form = MentorProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_mentor_profile(user=user, **form.cleaned_data)
        except Refused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, "Your mentor profile is saved.")
            return redirect("mentoring:home")
    return render(
        request,
        "mentoring/profile_form.html",
        {
            "form": form,
            "title": "Your mentor profile" if profile else "Become a mentor",
            "intro": "Students see this profile in suggestions and the mentor directory. "
            "Your background stays private.",
        },
    )


@participant_required
@require_http_methods(["GET", "POST"])
def preferences(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Create or edit what the member looks for in a mentor."""
    user = request.user
    if workflow.mentee_stage(user) is None:
        return _notice(
            request,
            "Mentor matching is for students and residents",
            "Physicians and other health professionals can offer mentoring instead.",
        )
    current = MenteePreferences.objects.filter(user=user).first()
    initial = (
        _profile_initial(current, list(MenteePreferencesForm.base_fields))
        if current
        else {
            "specialties": [user.specialty] if user.specialty else [],
            **_from_member_profile(user),
        }
    )
    form = MenteePreferencesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_mentee_preferences(user=user, **form.cleaned_data)
        except Refused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, "Your preferences are saved. Here are your suggestions.")
            return redirect("mentoring:suggestions")
    return render(
        request,
        "mentoring/profile_form.html",
        {
            "form": form,
            "title": "What you look for in a mentor",
            "intro": "We use this to suggest mentors and to explain each suggestion. "
            "Your background stays private.",
        },
    )


# --- Finding a mentor --------------------------------------------------------------------


@login_required
@require_GET
def suggestions(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Mentors ranked for the member, with the reasons for each."""
    user = request.user
    preferences = MenteePreferences.objects.filter(user=user).first()
    eligible = workflow.mentee_stage(user) is not None
    return render(
        request,
        "mentoring/suggestions.html",
        {
            "eligible": eligible,
            "has_preferences": preferences is not None,
            "suggestions": (
                suggest_mentors(user, preferences=preferences)
                if eligible and preferences is not None
                else []
            ),
            **_vocabularies(),
        },
    )


@login_required
@require_GET
def directory(request: AuthenticatedHttpRequest) -> HttpResponse:
    """All listed mentors with filters, a fixed-size page at a time."""
    form = DirectoryFilterForm(request.GET or None)
    filters = DirectoryFilters()
    after = None
    if form.is_valid():
        data = form.cleaned_data
        filters = DirectoryFilters(
            area=data["area"],
            specialty=data["specialty"],
            stage=data["stage"],
            language=data["language"],
            meeting_mode=data["meeting_mode"],
            accepting_only=data["accepting"],
        )
        after = data["after"]
    page = directory_page(request.user, filters, after=after)
    next_query = request.GET.copy()
    if page.next_cursor is not None:
        next_query["after"] = str(page.next_cursor)
    return render(
        request,
        "mentoring/directory.html",
        {
            "form": form,
            "page": page,
            "next_query": next_query.urlencode() if page.next_cursor is not None else "",
            **_vocabularies(),
        },
    )


def _listed_profile(request: HttpRequest, handle: str) -> MentorProfile:
    profile = (
        MentorProfile.objects.visible_to(request.user).for_cards().filter(user__handle=handle)
    ).first()
    if profile is None:
        raise Http404("No such mentor.")
    return profile


@login_required
@require_GET
def mentor(request: AuthenticatedHttpRequest, handle: str) -> HttpResponse:
    """A mentor's public profile, with a request form when the member may ask."""
    user = request.user
    profile = _listed_profile(request, handle)
    refusal = None
    if user.pk != profile.user_id:
        refusal = workflow.mentor_refusal(
            mentee=user,
            mentor=profile.user,
            profile=profile,
            preferences=MenteePreferences.objects.filter(user=user).first(),
        )
    return render(
        request,
        "mentoring/mentor.html",
        {
            "profile": profile,
            "is_self": user.pk == profile.user_id,
            "refusal": refusal,
            "form": MentorRequestForm(),
            **_vocabularies(),
        },
    )


@participant_required
@rate_limited("mentor_request")
@require_POST
def request_mentor(request: AuthenticatedHttpRequest, handle: str) -> HttpResponse:
    """Send a mentor request."""
    user = request.user
    profile = _listed_profile(request, handle)
    form = MentorRequestForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Keep your note under 1,000 characters.")
        return redirect("mentoring:mentor", handle=handle)
    try:
        workflow.do_request_mentor(
            mentee=user, mentor=profile.user, message=form.cleaned_data["message"]
        )
    except Refused as refusal:
        messages.error(request, refusal.message)
        return redirect("mentoring:mentor", handle=handle)
    messages.success(
        request,
        f"Your request is on its way to {profile.user.display_name}. They have 14 days to answer.",
    )
    return redirect(reverse("mentoring:home") + "#sent-requests")


# --- Answering requests ------------------------------------------------------------------


def _get_request_for_user(request: AuthenticatedHttpRequest, pk: int) -> MentorRequest:
    """The request `pk` if the member sent or received it; 404 for anyone else."""
    return get_object_or_404(
        MentorRequest.objects.involving(request.user).select_related("mentee", "mentor"),
        pk=pk,
    )


@participant_required
@require_POST
def accept(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    mentor_request = _get_request_for_user(request, pk)
    try:
        mentorship = workflow.do_accept_request(mentor_request=mentor_request, actor=request.user)
    except Refused as refusal:
        messages.error(request, refusal.message)
        return redirect(reverse("mentoring:home") + "#requests")
    messages.success(
        request, f"You are now mentoring {mentor_request.mentee.display_name}. Say hello!"
    )
    return redirect(mentorship)


@participant_required
@require_POST
def decline(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    mentor_request = _get_request_for_user(request, pk)
    form = DeclineForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    if not form.is_valid():
        messages.error(request, "Keep your note under 1,000 characters.")
        return redirect(reverse("mentoring:home") + "#requests")
    try:
        workflow.do_decline_request(mentor_request=mentor_request, actor=request.user, note=note)
    except Refused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, "Request declined. The student has been told.")
    return redirect(reverse("mentoring:home") + "#requests")


@participant_required
@require_POST
def withdraw(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    mentor_request = _get_request_for_user(request, pk)
    try:
        workflow.do_withdraw_request(mentor_request=mentor_request, actor=request.user)
    except Refused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, "Request withdrawn.")
    return redirect(reverse("mentoring:home") + "#sent-requests")


# --- The mentorship space ----------------------------------------------------------------


def _get_access(request: HttpRequest, pk: int) -> Access:
    """The pair, or a moderator acting on a report; 404 for everyone else."""
    access = mentorship_access(actor_of(request), pk)
    if access is None:
        raise Http404("No such mentorship.")
    return access


def _get_access_to_read(request: AuthenticatedHttpRequest, pk: int) -> Access:
    """`_get_access` for the pages that show the conversation. A moderator opening it is
    written to the audit log, once per open report that let them in: the one read the
    site records (docs/security.md)."""
    access = _get_access(request, pk)
    if access.is_moderator:
        record_reported_mentorship_opened(
            moderator=request.user, mentorship=access.mentorship, reports=access.reports
        )
    return access


def _get_mentorship_for_user(request: HttpRequest, pk: int) -> Mentorship:
    """The mentorship `pk` if the member is its mentor or mentee (writes); 404 otherwise."""
    access = _get_access(request, pk)
    if not access.is_member:
        raise Http404("No such mentorship.")
    return access.mentorship


def _render_mentorship(
    request: AuthenticatedHttpRequest,
    access: Access,
    *,
    message_form: MessageForm | None = None,
    warnings: list[GuardFinding] | None = None,
    goal_form: GoalForm | None = None,
    meeting_form: MeetingForm | None = None,
    status: int = 200,
) -> HttpResponse:
    mentorship = access.mentorship
    before = request.GET.get("before", "")
    page = message_page(mentorship, before=int(before) if before.isdigit() else None)
    goals = list(mentorship.goals.all())
    user = request.user
    my_feedback = mentorship.feedback.filter(author=user).first() if access.is_member else None
    last = page.messages[-1] if page.messages else None
    return render(
        request,
        "mentoring/mentorship.html",
        {
            "mentorship": mentorship,
            "access": access,
            "other": mentorship.other_side(user) if access.is_member else None,
            "is_active": mentorship.status == MentorshipStatus.ACTIVE,
            "page": page,
            "goals": goals,
            "progress": goal_progress(goals),
            "meetings": list(mentorship.meetings.select_related("logged_by")),
            "message_form": message_form or MessageForm(),
            "review": _review(message_form, warnings),
            "goal_form": goal_form or GoalForm(),
            "meeting_form": meeting_form or MeetingForm(),
            "my_feedback": my_feedback,
            "involves_minor": services.involves_minor(mentorship),
            # The read receipt: "Seen" under the viewer's own last message once the other
            # member read it; and the page marks what it shows read, by a POST from htmx
            # (a GET writes nothing; without JavaScript, replying marks it read).
            "is_seen": bool(last and last.sender_id == user.pk and last.read_at),
            "has_unread": access.is_member
            and any(m.sender_id != user.pk and m.read_at is None for m in page.messages),
        },
        status=status,
    )


def _review(form: MessageForm | None, warnings: list[GuardFinding] | None) -> guard.Review | None:
    """The draft with what the guard found marked in it, for the shared partial."""
    return draft_review(form, warnings, labels={"body": "Message"})


@login_required
@require_GET
def mentorship(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The pair's private space: messages, goals, meetings, and the way out."""
    return _render_mentorship(request, _get_access_to_read(request, pk))


@login_required
@require_GET
def earlier_messages(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Earlier messages: a fragment for htmx, the whole page otherwise."""
    access = _get_access_to_read(request, pk)
    if not request.htmx:
        return _render_mentorship(request, access)
    before = request.GET.get("before", "")
    page = message_page(access.mentorship, before=int(before) if before.isdigit() else None)
    return render(
        request,
        "mentoring/_earlier_messages.html",
        {"page": page, "mentorship": access.mentorship, "access": access},
    )


@participant_required
@rate_limited("message")
@require_POST
def send_message(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Send a message; the guard may ask the sender to confirm first."""
    found = _get_mentorship_for_user(request, pk)
    access = Access(mentorship=found, is_member=True)
    form = MessageForm(request.POST)
    htmx = bool(request.htmx)
    warnings: list[GuardFinding] = []
    if form.is_valid():
        try:
            message = services.send_message(
                mentorship=found,
                sender=request.user,
                body=form.cleaned_data["body"],
                # A ticked "send anyway" counts only for the findings that were shown.
                confirmed=form.cleaned_data["confirm"],
                privacy_digest=form.cleaned_data["privacy_digest"],
            )
        except services.MessageNeedsConfirmation as needs:
            warnings = needs.findings
        except Refused as refusal:
            form.add_error("body", refusal.message)
        else:
            if htmx:
                return render(
                    request,
                    "mentoring/_message_sent.html",
                    {
                        "message": message,
                        "mentorship": found,
                        "access": access,
                        "message_form": MessageForm(),
                        "involves_minor": services.involves_minor(found),
                    },
                )
            return redirect(reverse("mentoring:mentorship", kwargs={"pk": pk}) + "#messages")
    if htmx:
        return render(
            request,
            "mentoring/_message_form.html",
            {
                "mentorship": found,
                "message_form": form,
                "review": _review(form, warnings),
                "involves_minor": services.involves_minor(found),
            },
        )
    return _render_mentorship(request, access, message_form=form, warnings=warnings)


@login_required
@require_POST
def read_messages(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Mark the other member's messages read (htmx, as the conversation shows them)."""
    found = _get_mentorship_for_user(request, pk)
    services.mark_messages_read(mentorship=found, reader=request.user)
    if request.htmx:
        return HttpResponse(status=204)
    return redirect(reverse("mentoring:mentorship", kwargs={"pk": pk}) + "#messages")


@participant_required
@require_POST
def add_goal(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    found = _get_mentorship_for_user(request, pk)
    form = GoalForm(request.POST)
    if form.is_valid():
        try:
            services.add_goal(
                mentorship=found, actor=request.user, title=form.cleaned_data["title"]
            )
        except Refused as refusal:
            form.add_error("title", refusal.message)
        else:
            form = GoalForm()
    return _goals_response(request, found, form)


@participant_required
@require_POST
def set_goal(request: AuthenticatedHttpRequest, pk: int, goal_pk: int) -> HttpResponse:
    """Tick or untick a goal; the posted value says which, so a double submit is harmless."""
    found = _get_mentorship_for_user(request, pk)
    goal = get_object_or_404(Goal, pk=goal_pk, mentorship=found)
    goal.mentorship = found
    try:
        services.set_goal_done(
            goal=goal, actor=request.user, is_done=request.POST.get("done") == "1"
        )
    except Refused as refusal:
        messages.error(request, refusal.message)
    return _goals_response(request, found, GoalForm())


def _goals_response(
    request: AuthenticatedHttpRequest, found: Mentorship, form: GoalForm
) -> HttpResponse:
    if request.htmx:
        goals = list(found.goals.all())
        return render(
            request,
            "mentoring/_goals.html",
            {
                "mentorship": found,
                "goals": goals,
                "progress": goal_progress(goals),
                "goal_form": form,
                "is_active": found.status == MentorshipStatus.ACTIVE,
                "access": Access(mentorship=found, is_member=True),
            },
        )
    if form.errors:
        return _render_mentorship(request, Access(mentorship=found, is_member=True), goal_form=form)
    return redirect(reverse("mentoring:mentorship", kwargs={"pk": found.pk}) + "#goals")


@participant_required
@require_POST
def log_meeting(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    found = _get_mentorship_for_user(request, pk)
    form = MeetingForm(request.POST)
    if form.is_valid():
        try:
            services.log_meeting(mentorship=found, actor=request.user, **form.cleaned_data)
        except Refused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, "Meeting logged.")
            return redirect(reverse("mentoring:mentorship", kwargs={"pk": pk}) + "#meetings")
    return _render_mentorship(request, Access(mentorship=found, is_member=True), meeting_form=form)


@participant_required
@require_http_methods(["GET", "POST"])
def complete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Mark the mentorship completed, with the member's feedback."""
    found = _get_mentorship_for_user(request, pk)
    form = FeedbackForm(request.POST or None, as_mentor=found.mentor_id == request.user.pk)
    if request.method == "POST" and form.is_valid():
        try:
            workflow.do_complete_mentorship(
                mentorship=found,
                actor=request.user,
                rating=form.cleaned_data["rating"],
                comment=form.cleaned_data["comment"],
            )
        except Refused as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(request, "Mentorship completed. Thank you for your feedback.")
        return redirect(found)
    return render(
        request,
        "mentoring/feedback_form.html",
        {
            "mentorship": found,
            "form": form,
            "other": found.other_side(request.user),
            "title": "Complete this mentorship",
            "action": reverse("mentoring:complete", kwargs={"pk": pk}),
            "submit": "Complete the mentorship",
        },
    )


@participant_required
@require_http_methods(["GET", "POST"])
def end(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """End the mentorship early, with a reason."""
    found = _get_mentorship_for_user(request, pk)
    form = EndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            workflow.do_end_mentorship(
                mentorship=found, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except Refused as refusal:
            messages.error(request, refusal.message)
            return redirect(found)
        messages.success(request, "The mentorship has ended. Tell us how it went.")
        return redirect("mentoring:feedback", pk=pk)
    return render(
        request,
        "mentoring/end.html",
        {"mentorship": found, "form": form, "other": found.other_side(request.user)},
    )


@participant_required
@require_http_methods(["GET", "POST"])
def feedback(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Feedback once the mentorship is over: a rating from 1 to 5 and comments."""
    found = _get_mentorship_for_user(request, pk)
    user = request.user
    if found.feedback.filter(author=user).exists():
        messages.info(request, "You have already given feedback on this mentorship. Thank you.")
        return redirect(found)
    if found.status == MentorshipStatus.ACTIVE:
        messages.info(request, "Feedback opens when the mentorship is completed or ended.")
        return redirect(found)
    form = FeedbackForm(request.POST or None, as_mentor=found.mentor_id == user.pk)
    if request.method == "POST" and form.is_valid():
        try:
            services.give_feedback(
                mentorship=found,
                author=user,
                rating=form.cleaned_data["rating"],
                comment=form.cleaned_data["comment"],
            )
        except Refused as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(request, "Thank you for your feedback.")
        return redirect(found)
    return render(
        request,
        "mentoring/feedback_form.html",
        {
            "mentorship": found,
            "form": form,
            "other": found.other_side(user),
            "title": "How did the mentorship go?",
            "action": reverse("mentoring:feedback", kwargs={"pk": pk}),
            "submit": "Send feedback",
        },
    )
