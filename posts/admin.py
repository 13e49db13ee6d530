from __future__ import annotations

from django.contrib import admin

from .models import (
    Bookmark,
    Campaign,
    Circle,
    Comment,
    Hashtag,
    Membership,
    Post,
    PostImage,
    Reaction,
)


class PostImageInline(admin.TabularInline):
    model = PostImage
    extra = 0
    fields = ("thumbnail", "alt_text", "position")
    readonly_fields = ("thumbnail",)


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
    readonly_fields = ("body_html", "like_count", "helpful_count", "created_at")
    list_select_related = ("author",)


@admin.register(Circle)
class CircleAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "kind", "is_private", "member_count", "created_at")
    list_filter = ("kind", "is_private")
    search_fields = ("name", "description")
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = ("member_count",)
    raw_id_fields = ("created_by",)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("circle", "member", "role", "status", "created_at")
    list_filter = ("role", "status")
    search_fields = ("circle__name", "member__handle")
    raw_id_fields = ("circle", "member")
    list_select_related = ("circle", "member")


@admin.register(Hashtag)
class HashtagAdmin(admin.ModelAdmin):
    list_display = ("name", "created_at")
    search_fields = ("name",)


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ("title", "hashtag", "starts_on", "ends_on", "created_by")
    search_fields = ("title", "hashtag__name")
    raw_id_fields = ("hashtag", "created_by")


@admin.register(Reaction)
class ReactionAdmin(admin.ModelAdmin):
    list_display = ("member", "kind", "post", "comment", "created_at")
    list_filter = ("kind",)
    raw_id_fields = ("member", "post", "comment")


@admin.register(Bookmark)
class BookmarkAdmin(admin.ModelAdmin):
    list_display = ("member", "post", "created_at")
    raw_id_fields = ("member", "post")
