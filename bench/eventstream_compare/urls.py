"""One channel, `bench`, at /events/ (django-eventstream's view)."""

from django.urls import include, path

urlpatterns = [path("events/", include("django_eventstream.urls"), {"channels": ["bench"]})]
