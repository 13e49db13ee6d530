"""Programs in the moderation panel: moderators appoint and remove coordinators (through
`programs.services`, so a program never loses its last one) and read who applied. A
program's own settings, questions and decisions are its coordinators'; applicants' answers
are not shown here.

Moderators need the programs permissions (view and change programs, add, view and delete
coordinators, view applications) in their group to use these pages.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.forms import BaseInlineFormSet
from django.http import HttpRequest

from accounts.moderators import actor_of, may_moderate
from moderation.panel import REFUSALS, refusal_text

from .models import Application, Coordinator, Program
from .permissions import APPOINT_PERMISSION
from .services import programs as services


class CoordinatorInline(admin.TabularInline):
    model = Coordinator
    extra = 1
    fields = ["user", "appointed_by", "created_at"]
    readonly_fields = ["appointed_by", "created_at"]
    raw_id_fields = ["user"]
    verbose_name = "coordinator"

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return may_moderate(actor_of(request), APPOINT_PERMISSION)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A coordinator row is appointed or removed, never edited into someone else.
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return may_moderate(actor_of(request), APPOINT_PERMISSION)


class ApplicationInline(admin.TabularInline):
    model = Application
    extra = 0
    fields = ["applicant", "side", "status", "submitted_at", "decided_at"]
    readonly_fields = ["applicant", "side", "status", "submitted_at", "decided_at"]
    can_delete = False
    show_change_link = False
    max_num = 0

    def get_queryset(self, request: HttpRequest) -> QuerySet[Application]:
        return super().get_queryset(request).select_related("applicant")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "organisation",
        "status",
        "visibility",
        "term_starts_on",
        "term_ends_on",
    ]
    list_filter = ["status", "visibility"]
    search_fields = ["name", "slug", "organisation"]
    inlines = [CoordinatorInline, ApplicationInline]
    exclude = ["invite_token"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # The program's settings are its coordinators' to change, on the site.
        return [field.name for field in Program._meta.fields if field.name != "invite_token"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def save_formset(
        self, request: HttpRequest, form: Any, formset: BaseInlineFormSet, change: bool
    ) -> None:
        if formset.model is not Coordinator:
            # The applications inline is read-only: saving it changes nothing.
            super().save_formset(request, form, formset, change)
            return
        actor = actor_of(request)
        program: Program = form.instance
        formset.save(commit=False)
        for coordinator in formset.deleted_objects:
            try:
                services.remove_coordinator(actor=actor, program=program, member=coordinator.user)
            except REFUSALS as error:
                messages.error(request, refusal_text(error))
        for coordinator in formset.new_objects:
            try:
                services.appoint_coordinator(actor=actor, program=program, member=coordinator.user)
            except REFUSALS as error:
                messages.error(request, refusal_text(error))


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    """Who applied where, read-only: the answers are for the program's coordinators."""

    list_display = ["pk", "program", "applicant", "side", "status", "submitted_at", "decided_at"]
    list_filter = ["side", "status"]
    list_select_related = ["program", "applicant"]
    search_fields = ["program__name", "applicant__handle", "applicant__display_name"]
    # The answers are the coordinators' to read.
    exclude = ["answers"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [field.name for field in Application._meta.fields if field.name != "answers"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
