from __future__ import annotations

from django.urls import path

from . import views

app_name = "posts"

urlpatterns = [
    # Feeds and pages
    path("explore/", views.explore, name="explore"),
    path("tags/<str:name>/", views.hashtag, name="hashtag"),
    path("saved/", views.bookmarks, name="bookmarks"),
    path("search/", views.search, name="search"),
    path("@<slug:handle>/posts/", views.author_posts, name="author_posts"),
    # Posts
    path("posts/new/", views.create, name="create"),
    path("posts/preview/", views.preview, name="preview"),
    path("posts/<int:pk>/", views.detail, name="detail"),
    path("posts/<int:pk>/edit/", views.edit, name="edit"),
    path("posts/<int:pk>/delete/", views.delete, name="delete"),
    path("posts/<int:pk>/react/<str:kind>/", views.react, name="react"),
    path("posts/<int:pk>/save/", views.bookmark, name="bookmark"),
    path("posts/<int:pk>/comments/", views.comment_create, name="comment_create"),
    path("posts/<int:pk>/comments/<int:comment_pk>/replies/", views.replies, name="replies"),
    # Live Q&As
    path("posts/<int:pk>/questions/", views.event_questions, name="event_questions"),
    path("posts/<int:pk>/rsvp/", views.event_rsvp, name="event_rsvp"),
    path("posts/<int:pk>/cohosts/", views.cohost_add, name="cohost_add"),
    path("posts/<int:pk>/cohosts/remove/", views.cohost_remove, name="cohost_remove"),
    path("comments/<int:pk>/vote/", views.question_vote, name="question_vote"),
    path("comments/<int:pk>/question/<str:action>/", views.question_move, name="question_move"),
    # Comments
    path("comments/<int:pk>/edit/", views.comment_edit, name="comment_edit"),
    path("comments/<int:pk>/delete/", views.comment_delete, name="comment_delete"),
    path("comments/<int:pk>/react/<str:kind>/", views.comment_react, name="comment_react"),
    # Groups
    path("groups/", views.circles, name="circles"),
    path("groups/new/", views.circle_create, name="circle_create"),
    path("groups/<slug:slug>/", views.circle_detail, name="circle"),
    path("groups/<slug:slug>/join/", views.circle_join, name="circle_join"),
    path("groups/<slug:slug>/leave/", views.circle_leave, name="circle_leave"),
    path("groups/<slug:slug>/members/", views.circle_members, name="circle_members"),
    path(
        "groups/<slug:slug>/members/<int:pk>/approve/",
        views.membership_approve,
        name="membership_approve",
    ),
    path(
        "groups/<slug:slug>/members/<int:pk>/remove/",
        views.membership_remove,
        name="membership_remove",
    ),
    path(
        "groups/<slug:slug>/members/<int:pk>/promote/",
        views.membership_promote,
        name="membership_promote",
    ),
    path(
        "groups/<slug:slug>/posts/<int:pk>/remove/",
        views.circle_remove_post,
        name="circle_remove_post",
    ),
    # Campaigns
    path("campaigns/new/", views.campaign_create, name="campaign_create"),
]
