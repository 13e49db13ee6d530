"""Site-wide views: the home page, the health check, the styleguide and the error pages."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts.http import AuthenticatedHttpRequest
from accounts.moderators import two_factor_step
from community.errors import Refused
from community.forms import StyleguideForm
from community.http import FIRST_SIGN_IN_SESSION_KEY, HtmxHttpRequest
from posts.selectors import explore, home_feed, running_campaigns, upcoming_events

# What the visitor's home shows of Rounds under the pitch.
VISITOR_HOME_POSTS = 5


@require_GET
def home(request: HtmxHttpRequest) -> HttpResponse:
    """Visitors see what Rounds is and the way in; members see their feed."""
    if not request.user.is_authenticated:
        return render(request, "home.html", _visitor_home(request))
    page = home_feed(request.user, request.GET.get("cursor"))
    if request.htmx and request.GET.get("cursor"):
        return render(request, "posts/_post_page.html", {"page": page})
    first_sign_in = bool(request.session.get(FIRST_SIGN_IN_SESSION_KEY))
    return render(request, "home.html", {"page": page, "first_sign_in": first_sign_in})


@login_required
@require_GET
def styleguide(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Every component of site.css in each of its states, for staff only, under the rule of
    the moderation panel: active staff in a session that passed two-factor. Others get a 404,
    as for any page that is not theirs; staff without two-factor go to that step first."""
    member = request.user
    if not (member.is_active and member.is_staff):
        raise Http404
    step = two_factor_step(request)
    if step is not None:
        return step
    # Bound with values that fail, so each field shows its error state; nothing is saved.
    invalid = StyleguideForm(
        data={"name": "Amara Okafor", "email": "amara@", "role": "physician"},
        auto_id="invalid_%s",
    )
    invalid.is_valid()
    return render(
        request,
        "styleguide.html",
        {"form": StyleguideForm(initial={"role": "student"}), "invalid_form": invalid},
    )


def _visitor_home(request: HtmxHttpRequest) -> dict[str, object]:
    """Real public content under the pitch: recent public posts, live Q&As and the running
    campaigns, each through the selector that decides what a visitor may read."""
    return {
        "recent_posts": explore(request.user, limit=VISITOR_HOME_POSTS).items,
        "events": upcoming_events(request.user),
        "campaigns": running_campaigns(),
    }


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        return False


def _broker_ok() -> bool:
    from community.celery import app

    try:
        with app.connection_for_write() as broker:
            broker.ensure_connection(max_retries=1, timeout=2)
        return True
    except Exception:
        return False


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when every configured dependency answers, 503 otherwise."""
    checks = {"database": "ok" if _database_ok() else "error"}
    if settings.REDIS_URL:
        checks["broker"] = "ok" if _broker_ok() else "error"
    healthy = all(status == "ok" for status in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", "checks": checks}, status=200 if healthy else 503
    )


def _error_page(
    request: HttpRequest, status: int, template: str, context: dict[str, str] | None = None
) -> HttpResponse:
    return render(request, template, context or {}, status=status)


def bad_request(
    request: HttpRequest, exception: Exception | None = None, *, reason: str = ""
) -> HttpResponse:
    """The 400 page; `reason`, when given, replaces its general explanation."""
    return _error_page(request, 400, "errors/400.html", {"reason": reason})


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """The 403 page; a refusal no view caught (community.errors.Refused) says why."""
    reason = exception.message if isinstance(exception, Refused) else ""
    return _error_page(request, 403, "errors/403.html", {"reason": reason})


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error_page(request, 404, "errors/404.html")


def server_error(request: HttpRequest) -> HttpResponse:
    # Rendered without context processors' database work: the database may be the fault.
    return _error_page(request, 500, "errors/500.html")
