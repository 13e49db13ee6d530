from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from . import icons, live, pages, service_worker, views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    # Live pages' Server-Sent Events (community/live.py; uvicorn in production)
    path("events/<str:stream>/", live.stream, name="events"),
    path("styleguide/", views.styleguide, name="styleguide"),
    path("favicon.ico", icons.favicon, name="favicon"),
    path("manifest.webmanifest", icons.manifest, name="manifest"),
    # The installable app: its service worker (from the root, to control every page) and
    # the page that worker shows offline.
    path("sw.js", service_worker.service_worker, name="service_worker"),
    path("offline/", service_worker.offline, name="offline"),
    # Pages about Rounds, linked from every footer (the contact page is moderation's)
    path("about/", pages.about, name="about"),
    path("guidelines/", pages.guidelines, name="guidelines"),
    path("privacy-policy/", pages.privacy_policy, name="privacy_policy"),
    path("terms/", pages.terms, name="terms"),
    path("", include("moderation.site_urls")),
    path("accounts/", include("allauth.urls")),
    path("", include("accounts.urls")),
    path("notifications/", include("notifications.urls")),
    path("", include("posts.urls")),
    path("moderation/", include("moderation.urls")),
    path("mentoring/", include("mentoring.urls")),
    path("programs/", include("programs.urls")),
    path("privacy/", include("privacy.urls")),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler400 = "community.views.bad_request"
handler403 = "community.views.permission_denied"
handler404 = "community.views.page_not_found"
handler500 = "community.views.server_error"
