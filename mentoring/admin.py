from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from django.http import HttpRequest

from moderation.models import ReportCase

from .models import (
    Feedback,
    Goal,
    Meeting,
    MenteePreferences,
    MentorProfile,
    MentorRequest,
    Mentorship,
    Message,
)
from .workflow import recount_ratings


@admin.register(MentorProfile)
class MentorProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "is_accepting", "capacity", "active_mentee_count", "time_zone"]
    list_filter = ["is_accepting"]
    raw_id_fields = ["user"]
    # The self-described background is private, even from the admin list.
    exclude = ["background", "share_background_for_matching"]
    search_fields = ["user__handle", "user__display_name"]


@admin.register(MenteePreferences)
class MenteePreferencesAdmin(admin.ModelAdmin):
    list_display = ["user", "language_required", "time_zone"]
    raw_id_fields = ["user"]
    exclude = ["background", "share_background_for_matching"]
    search_fields = ["user__handle", "user__display_name"]


@admin.register(MentorRequest)
class MentorRequestAdmin(admin.ModelAdmin):
    list_display = ["pk", "mentee", "mentor", "status", "created_at", "decided_at"]
    list_filter = ["status"]
    raw_id_fields = ["mentee", "mentor"]


class RecountsRatingsAdmin(admin.ModelAdmin):
    """Saving or deleting rows here can change which feedback rates which mentor: the
    ratings stored on the mentors' profiles are recounted, before and after."""

    def _mentor_ids(self, rows: QuerySet[Any]) -> set[int]:
        raise NotImplementedError

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        before = self._mentor_ids(self.model.objects.filter(pk=obj.pk)) if change else set()
        super().save_model(request, obj, form, change)
        recount_ratings(mentor_ids=before | self._mentor_ids(self.model.objects.filter(pk=obj.pk)))

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        mentors = self._mentor_ids(self.model.objects.filter(pk=obj.pk))
        super().delete_model(request, obj)
        recount_ratings(mentor_ids=mentors)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        mentors = self._mentor_ids(queryset)
        super().delete_queryset(request, queryset)
        recount_ratings(mentor_ids=mentors)


@admin.register(Mentorship)
class MentorshipAdmin(RecountsRatingsAdmin):
    list_display = ["pk", "mentor", "mentee", "status", "started_at", "ended_at"]
    list_filter = ["status"]
    raw_id_fields = ["request", "mentor", "mentee", "ended_by"]

    def _mentor_ids(self, rows: QuerySet[Any]) -> set[int]:
        return set(rows.values_list("mentor_id", flat=True))


@admin.register(Feedback)
class FeedbackAdmin(RecountsRatingsAdmin):
    list_display = ["pk", "mentorship", "author", "rating", "created_at"]
    raw_id_fields = ["mentorship", "author"]

    def _mentor_ids(self, rows: QuerySet[Any]) -> set[int]:
        return set(rows.values_list("mentorship__mentor_id", flat=True))


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ["pk", "mentorship", "sender", "created_at", "removed_by_moderators_at"]
    raw_id_fields = ["mentorship", "sender"]
    list_select_related = ["sender"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Message]:
        """Conversations are private: moderators see only messages someone reported."""
        messages = super().get_queryset(request)
        if request.user.is_superuser:
            return messages
        reported = ReportCase.objects.filter(
            target_type=ContentType.objects.get_for_model(Message)
        ).values("target_id")
        return messages.filter(pk__in=reported)


admin.site.register(Goal)
admin.site.register(Meeting)
