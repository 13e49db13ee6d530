"""Mentoring pages: thin views over `workflow`, `services`, `matching` and `selectors`."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.http import AuthenticatedHttpRequest
from accounts.models import User
from accounts.moderators import actor_of
from accounts.permissions import participant_required
from community.ratelimit import rate_limited
from community.time_zones import zone_or_utc
from moderation.services import record_reported_mentorship_opened
from privacy import guard
from privacy.forms import draft_review
from privacy.guard import GuardFinding

from . import meetings, services, workflow
from .forms import (
    AvailabilitySlotForm,
    AvailabilityZoneForm,
    DeclineForm,
    DirectoryFilterForm,
    EndForm,
    FeedbackForm,
    GoalForm,
    MeetingForm,
    MeetingLengthForm,
    MenteePreferencesForm,
    MentorProfileForm,
    MentorRequestForm,
    MessageForm,
    ProposeMeetingForm,
)
from .invitations import FILENAME as INVITE_FILENAME
from .invitations import invitation, method_for
from .matching import suggest_mentors
from .models import (
    AvailabilitySlot,
    Goal,
    MenteePreferences,
    MentorProfile,
    MentorRequest,
    Mentorship,
    MentorshipStatus,
    ScheduledMeeting,
)
from .selectors import (
    Access,
    DirectoryFilters,
    MeetingBoard,
    availability_of,
    dashboard,
    directory_page,
    goal_progress,
    meeting_board,
    mentor_rating_summary,
    mentorship_access,
    message_page,
    scheduled_meeting_for_member,
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


def _log_forms(board: MeetingBoard | None) -> dict[int, MeetingForm]:
    """ "Log how it went" for each meeting over and not logged yet, dated in the viewer's zone."""
    if board is None:
        return {}
    return {
        row.meeting.pk: MeetingForm(
            initial={
                "occurred_on": timezone.localtime(
                    row.meeting.starts_at, zone_or_utc(board.my_zone)
                ).date(),
                "mode": row.meeting.mode,
                "scheduled": row.meeting.pk,
            },
            auto_id=f"id_log{row.meeting.pk}_%s",
        )
        for row in board.past
        if not row.is_logged
    }


def _board_context(access: Access, user: User) -> dict[str, Any]:
    """What templates/mentoring/_scheduled_meetings.html reads, on the page and alone.
    Scheduled meetings are the pair's own: a moderator reading a report does not get them."""
    board = meeting_board(access.mentorship, user) if access.is_member else None
    return {
        "mentorship": access.mentorship,
        "access": access,
        "is_active": access.mentorship.status == MentorshipStatus.ACTIVE,
        "board": board,
        "log_forms": _log_forms(board),
    }


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
            # The mentorship, the access, whether it is active, and the meetings board.
            **_board_context(access, user),
            "other": mentorship.other_side(user) if access.is_member else None,
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
        data = dict(form.cleaned_data)
        scheduled_pk = data.pop("scheduled", None)
        scheduled = (
            ScheduledMeeting.objects.filter(pk=scheduled_pk, mentorship=found).first()
            if scheduled_pk
            else None
        )
        try:
            if scheduled_pk and scheduled is None:
                raise Refused("That meeting is not one of this mentorship's.")
            services.log_meeting(mentorship=found, actor=request.user, scheduled=scheduled, **data)
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


# --- Weekly availability -----------------------------------------------------------------


def _availability_page(
    request: AuthenticatedHttpRequest,
    *,
    slot_form: AvailabilitySlotForm | None = None,
    zone_form: AvailabilityZoneForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    zone_name = meetings.member_zone_name(user)
    return render(
        request,
        "mentoring/availability.html",
        {
            "slots": availability_of(user),
            "zone_name": zone_name,
            "slot_form": slot_form or AvailabilitySlotForm(),
            "zone_form": zone_form or AvailabilityZoneForm(initial={"time_zone": zone_name}),
        },
        status=status,
    )


@login_required
@require_GET
def availability(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The member's own weekly availability and their zone; nobody else's."""
    return _availability_page(request)


@participant_required
@require_POST
def add_availability(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = AvailabilitySlotForm(request.POST)
    if form.is_valid():
        try:
            slot = meetings.add_availability_slot(
                user=request.user,
                weekday=form.cleaned_data["weekday"],
                start=form.cleaned_data["start"],
                end=form.cleaned_data["end"],
            )
        except Refused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, f"Added {slot}.")
            return redirect("mentoring:availability")
    return _availability_page(request, slot_form=form, status=400)


@participant_required
@require_POST
def remove_availability(request: AuthenticatedHttpRequest, slot_pk: int) -> HttpResponse:
    """Remove one of the member's slots; another member's is a 404."""
    slot = get_object_or_404(AvailabilitySlot, pk=slot_pk, user=request.user)
    meetings.remove_availability_slot(user=request.user, slot_id=slot.pk)
    messages.success(request, f"Removed {slot}.")
    return redirect("mentoring:availability")


@participant_required
@require_POST
def availability_zone(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = AvailabilityZoneForm(request.POST)
    if form.is_valid():
        try:
            meetings.set_availability_zone(
                user=request.user, time_zone=form.cleaned_data["time_zone"]
            )
        except Refused as refusal:
            form.add_error("time_zone", refusal.message)
        else:
            messages.success(request, "Your time zone is saved.")
            return redirect("mentoring:availability")
    return _availability_page(request, zone_form=form, status=400)


# --- Scheduled meetings ------------------------------------------------------------------


def _get_meeting_for_user(
    request: AuthenticatedHttpRequest, pk: int, meeting_pk: int
) -> ScheduledMeeting:
    """The scheduled meeting if the member is in its pair; 404 for anyone else (moderators
    too: a meeting's time and place are the pair's alone)."""
    meeting = scheduled_meeting_for_member(request.user, mentorship_pk=pk, pk=meeting_pk)
    if meeting is None:
        raise Http404("No such meeting.")
    return meeting


def _meetings_anchor(pk: int) -> str:
    return reverse("mentoring:mentorship", kwargs={"pk": pk}) + "#meetings"


def _time_select_choices(choices: list[meetings.TimeChoice], other_name: str) -> list[Any]:
    """The free times grouped by the viewer's day, for a <select> with <optgroup>s."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for choice in choices:
        day, _, clock = choice.mine.partition(", ")
        groups.setdefault(day, []).append(
            (choice.value, f"{clock} your time · {choice.theirs} for {other_name}")
        )
    return list(groups.items())


def _plan_page(
    request: AuthenticatedHttpRequest,
    found: Mentorship,
    *,
    meeting: ScheduledMeeting | None = None,
) -> HttpResponse:
    """Propose a meeting, or move `meeting`: GET shows the free times for a length, POST
    proposes one of them."""
    user = request.user
    other = found.other_side(user)
    length_form = MeetingLengthForm(request.GET or None)
    length = length_form.cleaned_data["length"] if length_form.is_valid() else 30
    if request.method == "POST":
        posted_length = request.POST.get("length", "")
        length = int(posted_length) if posted_length in {"30", "45", "60"} else length
    choices = meetings.time_choices(
        mentorship=found, viewer=user, length_minutes=length, exclude=meeting
    )
    initial: dict[str, Any] = {"length": length}
    if meeting is not None:
        initial.update(mode=meeting.mode, video_url=meeting.video_url, place=meeting.place)
    form = ProposeMeetingForm(
        request.POST or None,
        initial=initial,
        choices=_time_select_choices(choices, other.display_name or other.handle),
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            starts_at = meetings.parse_choice(form.cleaned_data["starts_at"])
            try:
                if starts_at is None:
                    raise Refused("Choose one of the times shown.")
                details = meetings.check_details(
                    length_minutes=form.cleaned_data["length"],
                    mode=form.cleaned_data["mode"],
                    video_url=form.cleaned_data["video_url"],
                    place=form.cleaned_data["place"],
                )
                if meeting is None:
                    meetings.propose_meeting(
                        mentorship=found, actor=user, starts_at=starts_at, details=details
                    )
                else:
                    meetings.do_reschedule_meeting(
                        meeting=meeting, actor=user, starts_at=starts_at, details=details
                    )
            except Refused as refusal:
                form.add_error(None, refusal.message)
            else:
                messages.success(
                    request,
                    f"Proposed. {other.display_name} can accept or decline it here; "
                    "you will hear either way.",
                )
                return redirect(_meetings_anchor(found.pk))
    return render(
        request,
        "mentoring/plan_meeting.html",
        {
            "mentorship": found,
            "meeting": meeting,
            "other": other,
            "form": form,
            "length_form": MeetingLengthForm(initial={"length": length}),
            "length": length,
            "has_choices": bool(choices),
            "my_zone": meetings.member_zone_name(user),
            "their_zone": meetings.member_zone_name(other),
            "has_my_availability": AvailabilitySlot.objects.filter(user=user).exists(),
        },
        status=status,
    )


@participant_required
@rate_limited("meeting_proposal")
@require_http_methods(["GET", "POST"])
def propose_meeting(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Propose a meeting at a time both members are free (members of an active pair)."""
    found = _get_mentorship_for_user(request, pk)
    if found.status != MentorshipStatus.ACTIVE:
        return _notice(
            request,
            "This mentorship has ended",
            "Meetings can be planned only while a mentorship is active.",
        )
    return _plan_page(request, found)


@participant_required
@rate_limited("meeting_proposal")
@require_http_methods(["GET", "POST"])
def reschedule_meeting(request: AuthenticatedHttpRequest, pk: int, meeting_pk: int) -> HttpResponse:
    """Move a meeting to another free time; it waits for the other member's answer again."""
    meeting = _get_meeting_for_user(request, pk, meeting_pk)
    try:
        meetings.check_meeting_transition(
            meeting=meeting, action=meetings.RESCHEDULE, actor=request.user
        )
    except Refused as refusal:
        return _notice(request, "This meeting cannot be moved", refusal.message)
    return _plan_page(request, meeting.mentorship, meeting=meeting)


@login_required
@require_GET
def meeting_board_fragment(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The pair's scheduled meetings as the viewer sees them: what the mentorship page swaps
    in when its stream announces a change (a proposal, an answer, a move, a cancellation;
    meetings.MEETINGS_EVENT), so the other member's open page follows without a reload.

    Each member asks for their own view (the times in their zone, the buttons that are
    theirs to press) through the same selector as the page. For the two members only: 404
    for anyone else, moderators too (the board is not in their view of the page). Without
    htmx, the page itself at its meetings. Read-only: a GET writes nothing."""
    access = _get_access(request, pk)
    if not access.is_member:
        raise Http404("No such mentorship.")
    response: HttpResponse
    if not request.htmx:
        response = redirect(_meetings_anchor(pk))
    else:
        response = render(
            request, "mentoring/_scheduled_meetings.html", _board_context(access, request.user)
        )
    patch_vary_headers(response, ["HX-Request"])
    return response


_MEETING_ACTIONS = {
    meetings.ACCEPT: (meetings.do_accept_meeting, "Confirmed. The invitation is in your email."),
    meetings.DECLINE: (meetings.do_decline_meeting, "Declined. They can propose another time."),
    meetings.CANCEL: (meetings.do_cancel_meeting, "The meeting is cancelled."),
}


@participant_required
@require_POST
def meeting_action(
    request: AuthenticatedHttpRequest, pk: int, meeting_pk: int, action: str
) -> HttpResponse:
    """Accept, decline or cancel a meeting; a refusal (a double submit, a meeting the other
    member cancelled meanwhile) is shown as a message and changes nothing."""
    meeting = _get_meeting_for_user(request, pk, meeting_pk)
    perform, success = _MEETING_ACTIONS[action]
    try:
        perform(meeting=meeting, actor=request.user)
    except Refused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, success)
    return redirect(_meetings_anchor(pk))


@login_required
@require_GET
def meeting_invite(request: AuthenticatedHttpRequest, pk: int, meeting_pk: int) -> HttpResponse:
    """The meeting's current calendar file, for its two members only (404 for anyone
    else, moderators included), once it has been confirmed."""
    meeting = _get_meeting_for_user(request, pk, meeting_pk)
    method = method_for(meeting)
    if method is None:
        raise Http404("This meeting is not in a calendar yet.")
    response = HttpResponse(
        invitation(meeting, recipient=request.user, method=method),
        content_type=f"text/calendar; charset=utf-8; method={method}",
    )
    response["Content-Disposition"] = f'attachment; filename="{INVITE_FILENAME}"'
    response["Cache-Control"] = "private, no-store"
    return response
