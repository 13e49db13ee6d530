from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html

from .models import User, VerificationRequest

# The admin's own login form would skip two-factor authentication: send staff through
# allauth's login (and its TOTP step) instead.
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


@admin.register(VerificationRequest)
class VerificationRequestAdmin(admin.ModelAdmin):
    """Read-only listing; decisions go through accounts.services (the moderation queue)."""

    list_display = ("member", "method", "identifier", "status", "submitted_at", "decided_by")
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

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
