"""The project's URLs plus one view that records an event, as a member's request would."""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from accounts.models import User
from community.urls import urlpatterns as project_urlpatterns
from notifications.models import Kind
from notifications.services import notify


@csrf_exempt
@require_POST
def comment_event(request: HttpRequest) -> HttpResponse:
    with transaction.atomic():
        recipient = User.objects.get(pk=request.POST["recipient"])
        actor = User.objects.get(pk=request.POST["actor"])
        notify(
            recipient=recipient,
            actor=actor,
            kind=Kind.COMMENT,
            title=f"{actor.display_name} commented on your post",
            url="/posts/1/",
        )
    return HttpResponse("Comment posted.", status=201)


urlpatterns = [path("test-event/comment/", comment_event), *project_urlpatterns]
