from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ("-date_joined",)
    list_display = ("email", "handle", "display_name", "role", "verification_status", "is_staff")
    list_filter = ("role", "verification_status", "is_staff", "is_superuser", "is_active")
    search_fields = ("email", "handle", "display_name")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Profile", {"fields": ("handle", "display_name", "role", "birth_year")}),
        ("Trust", {"fields": ("verification_status",)}),
        ("Suspension", {"fields": ("suspended_at", "suspended_until", "suspension_reason")}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"fields": ("email", "handle", "display_name", "password1", "password2")}),
    )
