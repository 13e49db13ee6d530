from typing import Any

from allauth.account.decorators import secure_admin_login
from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html

from moderation.forms import ReasonForm, SuspendForm
from moderation.panel import confirm_then_apply
from moderation.services import (
    approve_verification_request,
    reinstate_member,
    reject_verification_request,
    suspend_member,
    warn_member,
)

from .http import AuthenticatedHttpRequest
from .models import User, VerificationRequest, VerificationStatus
from .moderators import actor_of
from .services import copy_minor_until_to_writing, delete_account

# The admin's own login form would skip two-factor authentication: send staff through
# allauth's login (and its TOTP step) instead: its wrapper takes the bound view's place.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ("-date_joined",)
    list_display = ("email", "handle", "display_name", "role", "verification_status", "is_staff")
    list_filter = ("role", "verification_status", "is_staff", "is_superuser", "is_active")
    search_fields = ("email", "handle", "display_name")
    readonly_fields = ("verification_status",)
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Profile", {"fields": ("handle", "display_name", "role", "birth_year")}),
        ("Trust", {"fields": ("verification_status",)}),
        ("Suspension", {"fields": ("suspended_at", "suspended_until", "suspension_reason")}),
        (
            "Permissions",
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"fields": ("email", "handle", "display_name", "password1", "password2")}),
    )
    actions = ["warn_members", "suspend_members", "reinstate_members"]

    def save_model(
        self, request: HttpRequest, obj: User, form: forms.ModelForm, change: bool
    ) -> None:
        super().save_model(request, obj, form, change)
        # A superuser records a member's birth year here (a high-school student asks us to).
        if change and {"birth_year", "role"} & set(form.changed_data):
            copy_minor_until_to_writing(member=obj)

    # A superuser deleting a member erases them as their own account deletion does (other
    # apps' data, uploads, every count that included them), not by a bare cascade.
    def delete_model(self, request: HttpRequest, obj: User) -> None:
        delete_account(member=obj, keep_content=False)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for member in queryset:
            delete_account(member=member, keep_content=False)

    # Moderators read member records and act through these actions (moderation.services,
    # audited); only superusers edit the records themselves.
    def has_moderate_members_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("moderation.can_moderate_members")

    def _moderate(
        self, request: HttpRequest, queryset: QuerySet[User], *, verb: str, apply: Any, **form: Any
    ) -> TemplateResponse | None:
        return confirm_then_apply(
            self,
            request,
            queryset,
            title=f"{verb} the selected members",
            intro="Each member is told, with your reason; the decision goes into the audit log.",
            button=verb,
            apply=apply,
            done=(f"{verb}: done for {{count}} member.", f"{verb}: done for {{count}} members."),
            **form,
        )

    @admin.action(description="Warn the selected members", permissions=["moderate_members"])
    def warn_members(self, request: AuthenticatedHttpRequest, queryset: QuerySet[User]) -> Any:
        return self._moderate(
            request,
            queryset,
            verb="Warn",
            form_class=ReasonForm,
            apply=lambda member, form: warn_member(
                moderator=request.user, member=member, reason=form.cleaned_data["reason"]
            ),
        )

    @admin.action(description="Suspend the selected members", permissions=["moderate_members"])
    def suspend_members(self, request: AuthenticatedHttpRequest, queryset: QuerySet[User]) -> Any:
        return self._moderate(
            request,
            queryset,
            verb="Suspend",
            form_class=SuspendForm,
            apply=lambda member, form: suspend_member(
                moderator=request.user,
                member=member,
                reason=form.cleaned_data["reason"],
                until=form.until(),
            ),
        )

    @admin.action(description="Reinstate the selected members", permissions=["moderate_members"])
    def reinstate_members(self, request: AuthenticatedHttpRequest, queryset: QuerySet[User]) -> Any:
        return self._moderate(
            request,
            queryset,
            verb="Reinstate",
            form_class=ReasonForm,
            apply=lambda member, form: reinstate_member(
                moderator=request.user, member=member, reason=form.cleaned_data["reason"]
            ),
        )


class _NoFields(forms.Form):
    """Approval needs no reason: the confirmation page is the check."""


@admin.register(VerificationRequest)
class VerificationRequestAdmin(admin.ModelAdmin):
    """The verification queue: pending first, oldest first. Read-only records; approve and
    reject are actions that go through accounts.services and the audit log."""

    list_display = (
        "member",
        "method",
        "identifier",
        "status",
        "submitted_at",
        "document_link",
        "decided_by",
    )
    actions = ["approve", "reject"]
    list_filter = ("status", "method")
    search_fields = ("member__handle", "member__email", "npi", "licence_number")
    list_select_related = ("member", "decided_by")
    readonly_fields = (
        "member",
        "method",
        "npi",
        "licence_body",
        "licence_number",
        "country",
        "document_link",
        "status",
        "reason",
        "submitted_at",
        "decided_at",
        "decided_by",
    )
    exclude = ("document", "document_content_type")

    @admin.display(description="Document")
    def document_link(self, obj: VerificationRequest) -> str:
        url = reverse("accounts:verification_document", kwargs={"pk": obj.pk})
        return format_html('<a href="{}">Download the document</a>', url)

    def get_queryset(self, request: HttpRequest) -> QuerySet[VerificationRequest]:
        pending_first = Case(
            When(status=VerificationStatus.PENDING, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
        return (
            super()
            .get_queryset(request)
            .annotate(pending_first=pending_first)
            .order_by("pending_first", "submitted_at", "id")
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_decide_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("accounts.change_verificationrequest")

    @admin.action(description="Approve the selected requests", permissions=["decide"])
    def approve(
        self, request: AuthenticatedHttpRequest, queryset: QuerySet[VerificationRequest]
    ) -> Any:
        return confirm_then_apply(
            self,
            request,
            queryset.select_related("member"),
            form_class=_NoFields,
            title="Approve the selected verification requests",
            intro=(
                "The members become verified physicians and are told. Check each NPI or "
                "licence and its document before approving."
            ),
            button="Approve",
            apply=lambda verification, form: approve_verification_request(
                moderator=actor_of(request), request=verification
            ),
            done=("Approved {count} request.", "Approved {count} requests."),
        )

    @admin.action(description="Reject the selected requests", permissions=["decide"])
    def reject(
        self, request: AuthenticatedHttpRequest, queryset: QuerySet[VerificationRequest]
    ) -> Any:
        return confirm_then_apply(
            self,
            request,
            queryset.select_related("member"),
            form_class=ReasonForm,
            title="Reject the selected verification requests",
            intro="The members read your reason and may submit again.",
            button="Reject",
            apply=lambda verification, form: reject_verification_request(
                moderator=actor_of(request),
                request=verification,
                reason=form.cleaned_data["reason"],
            ),
            done=("Rejected {count} request.", "Rejected {count} requests."),
        )
