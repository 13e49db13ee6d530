"""The moderation panel: report and appeal queues, privacy overrides, the audit log.

Records here are never edited through admin forms. Every decision is an action (on a case
page or in bulk from a list) that goes through `moderation.services`, which closes the
reports it answers, notifies the people concerned and writes the audit log. Permissions
come from the "Moderators" group (migrations 0006, 0010 and 0011): `change_*` codenames
gate the actions.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html, format_html_join
from django.views.decorators.http import require_POST

from accounts.http import AuthenticatedHttpRequest, staff_request
from privacy.models import PrivacyOverride

from .forms import AppealDecisionForm, ReasonForm, RemoveForm, SuspendForm
from .models import (
    Appeal,
    AppealStatus,
    AuditEntry,
    CaseStatus,
    ContactMessage,
    ModerationAction,
    Report,
    ReportCase,
    ReportReason,
)
from .panel import REFUSALS, confirm_then_apply, refusal_text
from .selectors import (
    attach_targets,
    case_detail,
    item_label,
    kind_content_type_ids,
    kind_of,
    queue_prefetch,
    reason_summary,
)
from .services import (
    ModerationRefused,
    decide_appeal,
    dismiss_case,
    reinstate_member,
    remove_and_sanction,
    remove_content,
    review_privacy_override,
    suspend_member,
    warn_member,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Nobody adds, edits or deletes these through forms; decisions are actions."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class TargetChangeList(ChangeList):
    """Loads each row's target item in one query per kind once the page is known."""

    def get_results(self, request: HttpRequest) -> None:
        super().get_results(request)
        self.result_list = list(self.result_list)
        attach_targets(self.result_list)


def _member_link(member: Any) -> str:
    if member is None:
        return "—"
    url = reverse("admin:accounts_user_change", args=[member.pk])
    return format_html('<a href="{}">{}</a>', url, f"{member.display_name} (@{member.handle})")


def _item_link(item: Any) -> str:
    label = item_label(item)
    url = getattr(item, "get_absolute_url", None)
    if item is None or url is None:
        return label
    return format_html('<a href="{}">{}</a>', url(), label)


def _refused(request: HttpRequest, error: ValidationError | PermissionDenied) -> None:
    messages.error(request, refusal_text(error))


# --- Report queue ------------------------------------------------------------------------


class CaseStatusFilter(admin.SimpleListFilter):
    """Open cases by default: the queue is the open ones."""

    title = "status"
    parameter_name = "status"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("open", "Open"), ("closed", "Closed"), ("all", "All")]

    def queryset(self, request: HttpRequest, queryset: models.QuerySet[Any]) -> Any:
        value = self.value() or "open"
        if value == "all":
            return queryset
        return queryset.filter(status=value)

    def choices(self, changelist: Any) -> Any:
        current = self.value() or "open"
        for lookup, title in self.lookup_choices:
            yield {
                "selected": current == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }


class ReasonFilter(admin.SimpleListFilter):
    title = "reason"
    parameter_name = "reason"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return list(ReportReason.choices)

    def queryset(self, request: HttpRequest, queryset: models.QuerySet[Any]) -> Any:
        if self.value() not in ReportReason.values:
            return queryset
        return queryset.filter(
            Exists(Report.objects.filter(case=OuterRef("pk"), reason=self.value()))
        )


class KindFilter(admin.SimpleListFilter):
    title = "kind of item"
    parameter_name = "kind"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(kind, kind.capitalize()) for kind in kind_content_type_ids()]

    def queryset(self, request: HttpRequest, queryset: models.QuerySet[Any]) -> Any:
        type_id = kind_content_type_ids().get(self.value() or "")
        return queryset if type_id is None else queryset.filter(target_type_id=type_id)


CASE_ACTIONS = {
    # name: (label, form, needs can_moderate_members)
    "dismiss": ("Dismiss the reports", ReasonForm, False),
    "remove": ("Remove the item", RemoveForm, False),
    "warn": ("Warn the member", ReasonForm, True),
    "suspend": ("Suspend the member", SuspendForm, True),
    "reinstate": ("Reinstate the member", ReasonForm, True),
}


def _apply_case_action(
    name: str, *, moderator: Any, case: ReportCase, form: forms.Form
) -> ModerationAction:
    reason = form.cleaned_data["reason"]
    if name == "dismiss":
        return dismiss_case(moderator=moderator, case=case, reason=reason)
    if name == "remove" and isinstance(form, RemoveForm):
        actions = remove_and_sanction(
            moderator=moderator,
            case=case,
            reason=reason,
            sanction=form.chosen_sanction(),
            sanction_reason=form.reason_for_sanction(),
            suspended_until=form.suspension_end(),
        )
        return actions[0]
    if name == "remove":
        if case.target is None:
            raise ModerationRefused("The item no longer exists.")
        return remove_content(moderator=moderator, target=case.target, reason=reason)
    if case.subject is None:
        raise ModerationRefused("There is no member to act on.")
    if name == "warn":
        return warn_member(moderator=moderator, member=case.subject, reason=reason, case=case)
    if name == "suspend":
        assert isinstance(form, SuspendForm)
        return suspend_member(
            moderator=moderator, member=case.subject, reason=reason, until=form.until(), case=case
        )
    return reinstate_member(moderator=moderator, member=case.subject, reason=reason)


@admin.register(ReportCase)
class ReportCaseAdmin(ReadOnlyAdmin):
    """The report queue: one row per reported item, most reported and oldest first."""

    list_display = (
        "kind_column",
        "item_column",
        "open_report_count",
        "reasons_column",
        "first_reported_at",
        "subject_column",
        "status",
    )
    list_display_links = ("item_column",)
    list_filter = (CaseStatusFilter, ReasonFilter, KindFilter)
    ordering = ("-open_report_count", "first_reported_at", "id")
    search_fields = ("subject__handle", "subject__display_name")
    actions = ["dismiss_cases", "remove_items", "warn_members", "suspend_members"]
    list_per_page = 50

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[ReportCase]:
        return (
            super()
            .get_queryset(request)
            .select_related("target_type", "subject")
            .prefetch_related(queue_prefetch())
        )

    def get_changelist(self, request: HttpRequest, **kwargs: Any) -> type[ChangeList]:
        return TargetChangeList

    def has_moderate_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("moderation.change_reportcase")

    def has_moderate_members_permission(self, request: HttpRequest) -> bool:
        return self.has_moderate_permission(request) and request.user.has_perm(
            "moderation.can_moderate_members"
        )

    @admin.display(description="Kind")
    def kind_column(self, case: ReportCase) -> str:
        return kind_of(case.target_type)

    @admin.display(description="Item")
    def item_column(self, case: ReportCase) -> str:
        return item_label(getattr(case, "item", None))

    @admin.display(description="Reasons")
    def reasons_column(self, case: ReportCase) -> str:
        reports = getattr(case, "report_list", [])
        return ", ".join(f"{label} ×{count}" for label, count in reason_summary(reports))

    @admin.display(description="Member", ordering="subject__handle")
    def subject_column(self, case: ReportCase) -> str:
        return _member_link(case.subject)

    # Bulk actions, each with a confirmation page asking for the reason.

    def _bulk(
        self, request: HttpRequest, queryset: models.QuerySet[ReportCase], name: str
    ) -> TemplateResponse | None:
        label, form_class, _ = CASE_ACTIONS[name]
        if form_class is RemoveForm:
            # Removing in bulk sanctions no one: each author's sanction is a decision about
            # them, taken on their case's page.
            form_class = ReasonForm
        return confirm_then_apply(
            self,
            request,
            queryset,
            form_class=form_class,
            title=f"{label}: selected reported items",
            intro=(
                "Each decision closes the item's open reports, tells the reporters and the "
                "member concerned, and is written to the audit log."
            ),
            button=label,
            apply=lambda case, form: _apply_case_action(
                name, moderator=request.user, case=case, form=form
            ),
            done=(f"{label}: done for {{count}} item.", f"{label}: done for {{count}} items."),
        )

    @admin.action(description="Dismiss the reports", permissions=["moderate"])
    def dismiss_cases(self, request: HttpRequest, queryset: Any) -> TemplateResponse | None:
        return self._bulk(request, queryset, "dismiss")

    @admin.action(description="Remove the items", permissions=["moderate"])
    def remove_items(self, request: HttpRequest, queryset: Any) -> TemplateResponse | None:
        return self._bulk(request, queryset, "remove")

    @admin.action(description="Warn the members concerned", permissions=["moderate_members"])
    def warn_members(self, request: HttpRequest, queryset: Any) -> TemplateResponse | None:
        return self._bulk(request, queryset, "warn")

    @admin.action(description="Suspend the members concerned", permissions=["moderate_members"])
    def suspend_members(self, request: HttpRequest, queryset: Any) -> TemplateResponse | None:
        return self._bulk(request, queryset, "suspend")

    # The case page: the item in context and one form per decision.

    def get_urls(self) -> list[URLPattern]:
        act = self.admin_site.admin_view(self.act_view)
        return [
            path("<int:pk>/act/<str:name>/", act, name="moderation_reportcase_act"),
            *super().get_urls(),
        ]

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        if not object_id.isdigit():
            raise Http404("No such case.")
        return self.case_view(request, int(object_id))

    def case_view(
        self,
        request: HttpRequest,
        pk: int,
        bound: dict[str, forms.Form] | None = None,
        status: int = 200,
    ) -> TemplateResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        case = get_object_or_404(ReportCase.objects.select_related("target_type", "subject"), pk=pk)
        detail = case_detail(case)
        may_act = self.has_moderate_permission(request)
        may_act_on_members = self.has_moderate_members_permission(request)
        subject = case.subject
        available = {
            "dismiss": may_act and case.status == CaseStatus.OPEN,
            "remove": may_act and detail.is_removable and not detail.is_removed,
            "warn": may_act_on_members and subject is not None,
            "suspend": may_act_on_members and subject is not None and not subject.is_suspended,
            "reinstate": may_act_on_members and subject is not None and subject.is_suspended,
        }
        bound = bound or {}
        case_forms = [
            {
                "name": name,
                "label": label,
                "form": bound.get(name) or self._case_form(request, case, name),
                "url": reverse("admin:moderation_reportcase_act", args=[case.pk, name]),
            }
            for name, (label, _form, _) in CASE_ACTIONS.items()
            if available[name]
        ]
        context = {
            **self.admin_site.each_context(request),
            "title": f"Reported {detail.kind}: {item_label(detail.item)}",
            "opts": self.model._meta,
            "case": case,
            "detail": detail,
            "case_forms": case_forms,
            "subject": subject,
            "has_view_user": request.user.has_perm("accounts.view_user"),
        }
        return TemplateResponse(
            request, "admin/moderation/reportcase/case.html", context, status=status
        )

    def _case_form(
        self, request: HttpRequest, case: ReportCase, name: str, data: Any = None
    ) -> forms.Form:
        """The form of one decision on the case page. Removal offers a sanction of the
        author to those who may act on members, when there is an author."""
        form_class = CASE_ACTIONS[name][1]
        if form_class is RemoveForm:
            offer = self.has_moderate_members_permission(request) and case.subject is not None
            return RemoveForm(data, prefix=name, offer_sanction=offer)
        return form_class(data, prefix=name)

    def act_view(self, request: HttpRequest, pk: int, name: str) -> HttpResponse:
        return require_POST(self._act)(request, pk, name)

    def _act(self, request: HttpRequest, pk: int, name: str) -> HttpResponse:
        if name not in CASE_ACTIONS:
            raise Http404("No such action.")
        on_members = CASE_ACTIONS[name][2]
        allowed = (
            self.has_moderate_members_permission(request)
            if on_members
            else self.has_moderate_permission(request)
        )
        if not allowed:
            raise PermissionDenied
        case = get_object_or_404(ReportCase.objects.select_related("subject"), pk=pk)
        form = self._case_form(request, case, name, data=request.POST)
        if not form.is_valid():
            return self.case_view(request, pk, bound={name: form}, status=400)
        try:
            _apply_case_action(name, moderator=request.user, case=case, form=form)
        except REFUSALS as error:
            _refused(request, error)
            return HttpResponseRedirect(reverse("admin:moderation_reportcase_change", args=[pk]))
        messages.success(request, f"{CASE_ACTIONS[name][0]}: done.")
        return HttpResponseRedirect(reverse("admin:moderation_reportcase_changelist"))


@admin.register(Report)
class ReportAdmin(ReadOnlyAdmin):
    list_display = ("reporter", "reason", "status", "created_at", "case_link")
    list_filter = ("reason", "status")
    list_select_related = ("reporter",)
    search_fields = ("reporter__handle",)
    readonly_fields = ("case", "reporter", "reason", "note", "status", "created_at")
    exclude = ("target_type", "target_id")

    @admin.display(description="Reported item")
    def case_link(self, report: Report) -> str:
        if report.case_id is None:
            return "—"
        url = reverse("admin:moderation_reportcase_change", args=[report.case_id])
        return format_html('<a href="{}">Case {}</a>', url, report.case_id)


@admin.register(ModerationAction)
class ModerationActionAdmin(ReadOnlyAdmin):
    list_display = ("kind", "subject", "moderator", "short_reason", "suspended_until", "created_at")
    list_filter = ("kind",)
    list_select_related = ("subject", "moderator")
    search_fields = ("subject__handle", "reason")
    exclude = ("target_type", "target_id")

    @admin.display(description="Reason")
    def short_reason(self, action: ModerationAction) -> str:
        return action.reason[:90]


# --- Appeals -----------------------------------------------------------------------------


def _decide(request: HttpRequest, appeal: Appeal, form: forms.Form, *, overturn: bool) -> Appeal:
    return decide_appeal(
        moderator=staff_request(request).user,
        appeal=appeal,
        overturn=overturn,
        note=form.cleaned_data["note"],
    )


@admin.register(Appeal)
class AppealAdmin(ReadOnlyAdmin):
    """Appeals queue: open first, oldest first; uphold or overturn with a note."""

    list_display = ("member", "action_kind", "action_reason", "status", "created_at")
    list_filter = ("status",)
    list_select_related = ("member", "action")
    ordering = ("status", "created_at")
    search_fields = ("member__handle", "text")
    actions = ["uphold", "overturn"]

    def has_decide_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("moderation.change_appeal")

    @admin.display(description="Decision appealed")
    def action_kind(self, appeal: Appeal) -> str:
        return appeal.action.get_kind_display()

    @admin.display(description="Its reason")
    def action_reason(self, appeal: Appeal) -> str:
        return appeal.action.reason[:90]

    def _bulk(self, request: HttpRequest, queryset: Any, *, overturn: bool) -> Any:
        verb = "Overturn" if overturn else "Uphold"
        return confirm_then_apply(
            self,
            request,
            queryset,
            form_class=AppealDecisionForm,
            title=f"{verb} the selected appeals",
            intro=(
                "Overturning a removal restores the item; overturning a suspension lifts it. "
                "The member is told, with your note."
            ),
            button=f"{verb} the decisions",
            apply=lambda appeal, form: _decide(request, appeal, form, overturn=overturn),
            done=(f"{verb}: {{count}} appeal decided.", f"{verb}: {{count}} appeals decided."),
        )

    @admin.action(description="Uphold the decisions", permissions=["decide"])
    def uphold(self, request: HttpRequest, queryset: Any) -> Any:
        return self._bulk(request, queryset, overturn=False)

    @admin.action(description="Overturn the decisions", permissions=["decide"])
    def overturn(self, request: HttpRequest, queryset: Any) -> Any:
        return self._bulk(request, queryset, overturn=True)

    def get_urls(self) -> list[URLPattern]:
        decide = self.admin_site.admin_view(self.decide_view)
        return [
            path("<int:pk>/decide/", decide, name="moderation_appeal_decide"),
            *super().get_urls(),
        ]

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        if not object_id.isdigit():
            raise Http404("No such appeal.")
        return self.appeal_view(request, int(object_id))

    def appeal_view(
        self, request: HttpRequest, pk: int, form: forms.Form | None = None, status: int = 200
    ) -> TemplateResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        appeal = get_object_or_404(
            Appeal.objects.select_related(
                "member", "decided_by", "action", "action__moderator", "action__target_type"
            ),
            pk=pk,
        )
        action = appeal.action
        context = {
            **self.admin_site.each_context(request),
            "title": f"Appeal by {appeal.member.display_name}",
            "opts": self.model._meta,
            "appeal": appeal,
            "action": action,
            "item": action.target,
            "item_label": item_label(action.target),
            "form": form or AppealDecisionForm(),
            "may_decide": self.has_decide_permission(request)
            and appeal.status == AppealStatus.OPEN,
        }
        return TemplateResponse(
            request, "admin/moderation/appeal/appeal.html", context, status=status
        )

    def decide_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        return require_POST(self._decide_posted)(request, pk)

    def _decide_posted(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not self.has_decide_permission(request):
            raise PermissionDenied
        appeal = get_object_or_404(Appeal, pk=pk)
        form = AppealDecisionForm(request.POST)
        decision = request.POST.get("decision")
        if decision not in ("uphold", "overturn"):
            form.add_error(None, "Choose to uphold or to overturn the decision.")
        if not form.is_valid():
            return self.appeal_view(request, pk, form=form, status=400)
        try:
            _decide(request, appeal, form, overturn=decision == "overturn")
        except REFUSALS as error:
            _refused(request, error)
            return HttpResponseRedirect(reverse("admin:moderation_appeal_change", args=[pk]))
        messages.success(request, "The appeal is decided and the member is told.")
        return HttpResponseRedirect(reverse("admin:moderation_appeal_changelist"))


# --- Privacy-guard overrides ---------------------------------------------------------------


class ReviewedFilter(admin.SimpleListFilter):
    title = "reviewed"
    parameter_name = "reviewed"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("no", "Not reviewed yet"), ("yes", "Reviewed")]

    def queryset(self, request: HttpRequest, queryset: models.QuerySet[Any]) -> Any:
        if self.value() == "no":
            return queryset.filter(reviewed_at__isnull=True)
        if self.value() == "yes":
            return queryset.filter(reviewed_at__isnull=False)
        return queryset


@admin.register(PrivacyOverride)
class PrivacyOverrideAdmin(ReadOnlyAdmin):
    """Posts and messages whose authors went past the privacy guard's warnings."""

    list_display = ("author", "item_column", "kinds_column", "excerpts_column", "created_at")
    list_display_links = ("item_column",)
    list_filter = (ReviewedFilter,)
    list_select_related = ("author", "target_type")
    ordering = ("reviewed_at", "-created_at")
    actions = ["mark_reviewed"]
    readonly_fields = (
        "author",
        "item_column",
        "kinds",
        "excerpts",
        "boxes",
        "created_at",
        "reviewed_at",
    )
    fields = readonly_fields

    def get_changelist(self, request: HttpRequest, **kwargs: Any) -> type[ChangeList]:
        return TargetChangeList

    def has_review_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("privacy.change_privacyoverride")

    @admin.display(description="Item")
    def item_column(self, override: PrivacyOverride) -> str:
        item = getattr(override, "item", None)
        if item is None and not hasattr(override, "item"):
            item = override.target
        return _item_link(item)

    @admin.display(description="Kinds")
    def kinds_column(self, override: PrivacyOverride) -> str:
        return ", ".join(override.kinds)

    @admin.display(description="Flagged text")
    def excerpts_column(self, override: PrivacyOverride) -> str:
        return format_html_join(", ", "“{}”", ((text[:60],) for text in override.excerpts[:3]))

    @admin.display(description="Reviewed", boolean=True)
    def is_reviewed(self, override: PrivacyOverride) -> bool:
        return override.reviewed_at is not None

    @admin.action(description="Mark as reviewed", permissions=["review"])
    def mark_reviewed(self, request: AuthenticatedHttpRequest, queryset: Any) -> None:
        for override in queryset.filter(reviewed_at__isnull=True):
            review_privacy_override(moderator=request.user, override=override)
        self.message_user(request, "Marked as reviewed.", messages.SUCCESS)


# --- Audit log ---------------------------------------------------------------------------


class ActorFilter(admin.SimpleListFilter):
    title = "moderator"
    parameter_name = "actor"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        actors = (
            AuditEntry.objects.order_by("actor_label")
            .values_list("actor_id", "actor_label")
            .distinct()
        )
        return [(str(actor_id), label) for actor_id, label in actors if actor_id is not None]

    def queryset(self, request: HttpRequest, queryset: models.QuerySet[Any]) -> Any:
        value = self.value()
        return queryset.filter(actor_id=int(value)) if value and value.isdigit() else queryset


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    """Append-only: readable by moderators, changeable by nobody (the database agrees)."""

    list_display = ("created_at", "actor_label", "action", "target_label", "short_reason")
    list_filter = ("action", ActorFilter)
    search_fields = ("target_label",)
    date_hierarchy = "created_at"
    readonly_fields = (
        "created_at",
        "actor_label",
        "action",
        "target_label",
        "reason",
        "state_before",
        "state_after",
    )
    fields = readonly_fields

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        return {}

    @admin.display(description="Reason")
    def short_reason(self, entry: AuditEntry) -> str:
        return entry.reason[:90]

    @admin.display(description="Before")
    def state_before(self, entry: AuditEntry) -> str:
        return _state(entry.before)

    @admin.display(description="After")
    def state_after(self, entry: AuditEntry) -> str:
        return _state(entry.after)


def _state(state: dict[str, Any]) -> str:
    if not state:
        return "—"
    return format_html(
        "<dl class='moderation-state'>{}</dl>",
        format_html_join("", "<dt>{}</dt><dd>{}</dd>", sorted(state.items())),
    )


# --- Contact messages ------------------------------------------------------------------------


@admin.register(ContactMessage)
class ContactMessageAdmin(ReadOnlyAdmin):
    """What people wrote through the contact page (each moderator was emailed a copy)."""

    list_display = ("created_at", "topic", "email", "sender", "short_message")
    list_filter = ("topic",)
    list_select_related = ("sender",)
    search_fields = ("email", "message", "sender__handle")
    readonly_fields = ("topic", "email", "sender", "message", "created_at")
    date_hierarchy = "created_at"

    @admin.display(description="Message")
    def short_message(self, contact: ContactMessage) -> str:
        return contact.message[:90]
