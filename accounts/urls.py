from __future__ import annotations

from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    # Profiles and relations, at /@handle/
    path("@<slug:handle>/", views.profile, name="profile"),
    path(
        "@<slug:handle>/followers/",
        views.follow_list,
        {"direction": "followers"},
        name="followers",
    ),
    path(
        "@<slug:handle>/following/",
        views.follow_list,
        {"direction": "following"},
        name="following",
    ),
    path("@<slug:handle>/follow/", views.follow, name="follow"),
    path("@<slug:handle>/unfollow/", views.unfollow, name="unfollow"),
    path("@<slug:handle>/mute/", views.mute, name="mute"),
    path("@<slug:handle>/unmute/", views.unmute, name="unmute"),
    path("@<slug:handle>/block/", views.block, name="block"),
    path("@<slug:handle>/unblock/", views.unblock, name="unblock"),
    # One's own settings
    path("settings/profile/", views.profile_edit, name="profile_edit"),
    path("settings/blocked/", views.blocked, name="blocked"),
    path("settings/verification/", views.verification, name="verification"),
    path("settings/export/", views.export, name="export"),
    path("settings/delete/", views.delete, name="delete"),
    # Moderators only
    path(
        "verification/<int:pk>/document/",
        views.verification_document,
        name="verification_document",
    ),
]
