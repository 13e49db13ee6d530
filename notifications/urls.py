from __future__ import annotations

from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("read-all/", views.mark_all_read, name="read_all"),
    path("<int:notification_id>/read/", views.mark_read, name="read"),
    # Email settings and the signed one-click unsubscribe link from every email.
    path("preferences/", views.preferences, name="preferences"),
    path("preferences/retry-email/", views.retry_email, name="retry_email"),
    # Web push: this device on (the browser's subscription as JSON), a device off.
    path("push/subscribe/", views.push_subscribe, name="push_subscribe"),
    path("push/<int:device_id>/remove/", views.push_remove, name="push_remove"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
