from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from accounts.http import AuthenticatedHttpRequest, staff_request
from accounts.moderators import actor_of
from moderation.forms import ReasonForm
from moderation.panel import confirm_then_apply
from moderation.services import remove_group, remove_group_moderator, save_campaign_changes

from .forms import CampaignForm
from .models import (
    Bookmark,
    Campaign,
    Circle,
    Comment,
    EventCohost,
    EventRSVP,
    Hashtag,
    Membership,
    Post,
    PostImage,
    QuestionVote,
    Reaction,
)
from .services import create_campaign


class PostImageInline(admin.TabularInline):
    """A post's images, to look at: they change only through the post's author (the
    services keep `Post.image_count`), and go with the post when moderators remove it."""

    model = PostImage
    extra = 0
    can_delete = False
    fields = ("thumbnail", "alt_text", "position")
    readonly_fields = ("thumbnail", "alt_text", "position")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "author",
        "kind",
        "visibility",
        "circle",
        "created_at",
        "like_count",
        "helpful_count",
        "comment_count",
        "deleted_at",
        "removed_by_moderators_at",
    )
    list_filter = ("kind", "visibility", "created_at")
    search_fields = ("title", "body", "author__handle", "author__email")
    raw_id_fields = ("author", "circle")
    readonly_fields = ("body_html", "like_count", "helpful_count", "comment_count", "created_at")
    exclude = ("search_vector",)
    date_hierarchy = "created_at"
    inlines = [PostImageInline]
    list_select_related = ("author", "circle")


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ("id", "post", "author", "parent", "created_at", "deleted_at")
    search_fields = ("body", "author__handle")
    raw_id_fields = ("post", "author", "parent")
    readonly_fields = (
        "body_html",
        "like_count",
        "helpful_count",
        "vote_count",
        "is_host_answer",
        "created_at",
    )
    list_select_related = ("author",)


@admin.register(Circle)
class CircleAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "kind", "is_private", "member_count", "created_at")
    list_filter = ("kind", "is_private")
    search_fields = ("name", "description")
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = ("member_count",)
    raw_id_fields = ("created_by",)
    actions = ["remove_groups"]

    # Groups are removed only by the audited action below, with a reason.
    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_remove_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("posts.delete_circle")

    @admin.action(description="Remove the selected groups", permissions=["remove"])
    def remove_groups(self, request: AuthenticatedHttpRequest, queryset: QuerySet[Circle]) -> Any:
        return confirm_then_apply(
            self,
            request,
            queryset,
            form_class=ReasonForm,
            title="Remove the selected groups",
            intro=(
                "A removed group is deleted with its posts and memberships; this cannot be "
                "undone. Its moderators are told why, and the audit log keeps what it was."
            ),
            button="Remove the groups",
            apply=lambda circle, form: remove_group(
                moderator=request.user, circle=circle, reason=form.cleaned_data["reason"]
            ),
            done=("Removed {count} group.", "Removed {count} groups."),
        )


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("circle", "member", "role", "status", "created_at")
    list_filter = ("role", "status")
    search_fields = ("circle__name", "member__handle")
    raw_id_fields = ("circle", "member")
    list_select_related = ("circle", "member")
    actions = ["remove_group_moderators"]

    # Moderators change memberships only through the audited action.
    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser

    def has_demote_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("posts.change_membership")

    @admin.action(description="Remove as group moderators", permissions=["demote"])
    def remove_group_moderators(
        self, request: AuthenticatedHttpRequest, queryset: QuerySet[Membership]
    ) -> Any:
        return confirm_then_apply(
            self,
            request,
            queryset.select_related("circle", "member"),
            form_class=ReasonForm,
            title="Remove the selected group moderators",
            intro="They stay members of their groups; each is told why.",
            button="Remove as moderators",
            apply=lambda membership, form: remove_group_moderator(
                moderator=request.user, membership=membership, reason=form.cleaned_data["reason"]
            ),
            done=(
                "{count} member is no longer a group moderator.",
                "{count} members are no longer group moderators.",
            ),
        )


class _HashtagCampaignForm(CampaignForm):
    """The campaign form, for a hashtag already chosen."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["hashtag"]


@admin.register(Hashtag)
class HashtagAdmin(admin.ModelAdmin):
    list_display = ("name", "created_at")
    search_fields = ("name",)
    actions = ["turn_into_campaign"]

    def has_make_campaign_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("posts.add_campaign")

    @admin.action(description="Turn into a campaign", permissions=["make_campaign"])
    def turn_into_campaign(
        self, request: AuthenticatedHttpRequest, queryset: QuerySet[Hashtag]
    ) -> Any:
        if queryset.count() != 1:
            self.message_user(request, "Choose one hashtag for a campaign.", level="error")
            return None
        return confirm_then_apply(
            self,
            request,
            queryset,
            form_class=_HashtagCampaignForm,
            title="Turn a hashtag into a campaign",
            intro="While it runs, the campaign is featured on Explore under its hashtag.",
            button="Start the campaign",
            # The hashtag page's service too: it writes the audit entry.
            apply=lambda hashtag, form: create_campaign(
                creator=actor_of(request), hashtag=hashtag.name, **form.cleaned_data
            ),
            done=("The campaign is set up.", "The campaigns are set up."),
        )


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ("title", "hashtag", "starts_on", "ends_on", "created_by")
    search_fields = ("title", "hashtag__name")
    list_select_related = ("hashtag", "created_by")
    # Campaigns start from a hashtag (its "Turn into a campaign" action), and banners go
    # through the image pipeline there; here only the words and dates change, audited.
    readonly_fields = ("hashtag", "banner", "created_by", "created_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Campaign, form: Any, change: bool) -> None:
        save_campaign_changes(moderator=staff_request(request).user, campaign=obj)


@admin.register(Reaction)
class ReactionAdmin(admin.ModelAdmin):
    list_display = ("member", "kind", "post", "comment", "created_at")
    list_filter = ("kind",)
    raw_id_fields = ("member", "post", "comment")


@admin.register(Bookmark)
class BookmarkAdmin(admin.ModelAdmin):
    list_display = ("member", "post", "created_at")
    raw_id_fields = ("member", "post")


@admin.register(EventRSVP)
class EventRSVPAdmin(admin.ModelAdmin):
    list_display = ("member", "post", "created_at", "reminded_at")
    raw_id_fields = ("member", "post")
    readonly_fields = ("reminded_at",)


@admin.register(EventCohost)
class EventCohostAdmin(admin.ModelAdmin):
    list_display = ("member", "post", "created_at")
    raw_id_fields = ("member", "post")


@admin.register(QuestionVote)
class QuestionVoteAdmin(admin.ModelAdmin):
    list_display = ("member", "comment", "created_at")
    raw_id_fields = ("member", "comment")
