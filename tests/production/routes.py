"""Every named URL of the project, and the keyword arguments to reach each one.

The CSRF and permission-matrix tests walk the same list. `KWARGS` has one entry per named
URL outside the admin; a new URL without an entry fails both tests, so neither table can
fall behind the urlconf. Admin URLs are covered generically from their model and
permission (see `admin_kwargs`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver


@dataclass(frozen=True)
class Route:
    name: str
    pattern: str
    callback: Callable[..., Any]

    @property
    def is_admin(self) -> bool:
        return self.name.startswith("admin:")


def _walk(patterns: list[Any], prefix: str, namespace: str | None) -> Iterator[Route]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern) and entry.name:
            name = f"{namespace}:{entry.name}" if namespace else entry.name
            yield Route(name, prefix + str(entry.pattern), entry.callback)


def named_routes() -> list[Route]:
    """All named URL patterns, recursively (allauth, the admin and every app included)."""
    routes: dict[str, Route] = {}
    for route in _walk(get_resolver().url_patterns, "", None):
        # The first pattern with a name wins, as in reverse().
        routes.setdefault(route.name, route)
    return sorted(routes.values(), key=lambda route: route.name)


# name -> kwargs built from the world's real objects (tests/production/conftest.py).
KWARGS: dict[str, Callable[[Any], dict[str, Any]]] = {
    "home": lambda w: {},
    "healthz": lambda w: {},
    "favicon": lambda w: {},
    "manifest": lambda w: {},
    "service_worker": lambda w: {},
    "offline": lambda w: {},
    "events": lambda w: {"stream": f"post-{w.post.pk}"},
    # pages about Rounds
    "about": lambda w: {},
    "guidelines": lambda w: {},
    "privacy_policy": lambda w: {},
    "terms": lambda w: {},
    "contact": lambda w: {},
    # the component styleguide, for staff past two-factor
    "styleguide": lambda w: {},
    # allauth
    "account_login": lambda w: {},
    "account_logout": lambda w: {},
    "account_inactive": lambda w: {},
    "account_signup": lambda w: {},
    "account_reauthenticate": lambda w: {},
    "account_request_reauthentication_code": lambda w: {},
    "account_confirm_reauthentication_code": lambda w: {},
    "account_email": lambda w: {},
    "account_email_verification_sent": lambda w: {},
    "account_change_password": lambda w: {},
    "account_set_password": lambda w: {},
    "account_reset_password": lambda w: {},
    "account_confirm_login_code": lambda w: {},
    "account_confirm_email": lambda w: {"key": w.email_confirmation_key},
    "account_reset_password_from_key_done": lambda w: {},
    "account_reset_password_from_key": lambda w: {
        "uidb36": w.reset_uidb36,
        "key": w.reset_key,
    },
    "account_reset_password_done": lambda w: {},
    "mfa_index": lambda w: {},
    "mfa_authenticate": lambda w: {},
    "mfa_reauthenticate": lambda w: {},
    "mfa_activate_totp": lambda w: {},
    "mfa_deactivate_totp": lambda w: {},
    "mfa_view_recovery_codes": lambda w: {},
    "mfa_generate_recovery_codes": lambda w: {},
    "mfa_download_recovery_codes": lambda w: {},
    # accounts
    "accounts:profile": lambda w: {"handle": w.owner.handle},
    "accounts:followers": lambda w: {"handle": w.owner.handle},
    "accounts:following": lambda w: {"handle": w.owner.handle},
    "accounts:follow": lambda w: {"handle": w.mentor.handle},
    "accounts:unfollow": lambda w: {"handle": w.mentor.handle},
    "accounts:mute": lambda w: {"handle": w.mentor.handle},
    "accounts:unmute": lambda w: {"handle": w.mentor.handle},
    "accounts:block": lambda w: {"handle": w.mentor.handle},
    "accounts:unblock": lambda w: {"handle": w.mentor.handle},
    "accounts:profile_edit": lambda w: {},
    "accounts:blocked": lambda w: {},
    "accounts:verification": lambda w: {},
    "accounts:export": lambda w: {},
    "accounts:delete": lambda w: {},
    "accounts:verification_document": lambda w: {"pk": w.verification_request.pk},
    # notifications
    "notifications:list": lambda w: {},
    "notifications:read_all": lambda w: {},
    "notifications:read": lambda w: {"notification_id": w.notification.pk},
    "notifications:preferences": lambda w: {},
    "notifications:retry_email": lambda w: {},
    "notifications:push_subscribe": lambda w: {},
    "notifications:push_remove": lambda w: {"device_id": w.push_device.pk},
    "notifications:unsubscribe": lambda w: {"token": w.unsubscribe_token},
    # posts
    "posts:explore": lambda w: {},
    "posts:hashtag": lambda w: {"name": "rounds"},
    "posts:bookmarks": lambda w: {},
    "posts:search": lambda w: {},
    "posts:author_posts": lambda w: {"handle": w.owner.handle},
    "posts:create": lambda w: {},
    "posts:preview": lambda w: {},
    "posts:detail": lambda w: {"pk": w.post.pk},
    "posts:edit": lambda w: {"pk": w.post.pk},
    "posts:delete": lambda w: {"pk": w.post.pk},
    "posts:react": lambda w: {"pk": w.post.pk, "kind": "like"},
    "posts:bookmark": lambda w: {"pk": w.post.pk},
    "posts:event_questions": lambda w: {"pk": w.event.pk},
    "posts:event_rsvp": lambda w: {"pk": w.post.pk},
    "posts:cohost_add": lambda w: {"pk": w.post.pk},
    "posts:cohost_remove": lambda w: {"pk": w.post.pk},
    "posts:question_vote": lambda w: {"pk": w.comment.pk},
    "posts:question_move": lambda w: {"pk": w.comment.pk, "action": "pin"},
    "posts:comment_create": lambda w: {"pk": w.post.pk},
    "posts:replies": lambda w: {"pk": w.post.pk, "comment_pk": w.comment.pk},
    "posts:comment_edit": lambda w: {"pk": w.comment.pk},
    "posts:comment_delete": lambda w: {"pk": w.comment.pk},
    "posts:comment_react": lambda w: {"pk": w.comment.pk, "kind": "like"},
    "posts:circles": lambda w: {},
    "posts:circle_create": lambda w: {},
    "posts:circle": lambda w: {"slug": w.circle.slug},
    "posts:circle_join": lambda w: {"slug": w.circle.slug},
    "posts:circle_leave": lambda w: {"slug": w.circle.slug},
    "posts:circle_members": lambda w: {"slug": w.circle.slug},
    "posts:membership_approve": lambda w: {"slug": w.circle.slug, "pk": w.pending_membership.pk},
    "posts:membership_remove": lambda w: {"slug": w.circle.slug, "pk": w.pending_membership.pk},
    "posts:membership_promote": lambda w: {"slug": w.circle.slug, "pk": w.pending_membership.pk},
    "posts:circle_remove_post": lambda w: {"slug": w.circle.slug, "pk": w.circle_post.pk},
    "posts:campaign_create": lambda w: {},
    # moderation
    "moderation:report": lambda w: {"kind": "post", "pk": w.mentor_post.pk},
    "moderation:decisions": lambda w: {},
    "moderation:decision": lambda w: {"pk": w.decision.pk},
    # mentoring
    "mentoring:home": lambda w: {},
    "mentoring:mentor_profile": lambda w: {},
    "mentoring:preferences": lambda w: {},
    "mentoring:suggestions": lambda w: {},
    "mentoring:directory": lambda w: {},
    "mentoring:mentor": lambda w: {"handle": w.mentor.handle},
    "mentoring:request": lambda w: {"handle": w.free_mentor.handle},
    "mentoring:accept": lambda w: {"pk": w.mentor_request.pk},
    "mentoring:decline": lambda w: {"pk": w.mentor_request.pk},
    "mentoring:withdraw": lambda w: {"pk": w.mentor_request.pk},
    "mentoring:mentorship": lambda w: {"pk": w.mentorship.pk},
    "mentoring:messages": lambda w: {"pk": w.mentorship.pk},
    "mentoring:send_message": lambda w: {"pk": w.mentorship.pk},
    "mentoring:read_messages": lambda w: {"pk": w.mentorship.pk},
    "mentoring:add_goal": lambda w: {"pk": w.mentorship.pk},
    "mentoring:set_goal": lambda w: {"pk": w.mentorship.pk, "goal_pk": w.goal.pk},
    "mentoring:log_meeting": lambda w: {"pk": w.mentorship.pk},
    "mentoring:complete": lambda w: {"pk": w.mentorship.pk},
    "mentoring:end": lambda w: {"pk": w.mentorship.pk},
    "mentoring:feedback": lambda w: {"pk": w.mentorship.pk},
    # scheduled meetings and availability
    "mentoring:availability": lambda w: {},
    "mentoring:add_availability": lambda w: {},
    "mentoring:availability_zone": lambda w: {},
    "mentoring:remove_availability": lambda w: {"slot_pk": w.availability_slot.pk},
    "mentoring:propose_meeting": lambda w: {"pk": w.mentorship.pk},
    "mentoring:accept_meeting": lambda w: {"pk": w.mentorship.pk, "meeting_pk": w.meeting.pk},
    "mentoring:decline_meeting": lambda w: {"pk": w.mentorship.pk, "meeting_pk": w.meeting.pk},
    "mentoring:cancel_meeting": lambda w: {"pk": w.mentorship.pk, "meeting_pk": w.meeting.pk},
    "mentoring:reschedule_meeting": lambda w: {"pk": w.mentorship.pk, "meeting_pk": w.meeting.pk},
    "mentoring:meeting_invite": lambda w: {"pk": w.mentorship.pk, "meeting_pk": w.meeting.pk},
    "mentoring:meeting_board": lambda w: {"pk": w.mentorship.pk},
    # mentoring programs (the owner coordinates w.program)
    "programs:list": lambda w: {},
    "programs:new": lambda w: {},
    "programs:join": lambda w: {"token": w.program.invite_token},
    "programs:program": lambda w: {"slug": w.program.slug},
    "programs:edit": lambda w: {"slug": w.program.slug},
    "programs:status": lambda w: {"slug": w.program.slug},
    "programs:invite_link": lambda w: {"slug": w.program.slug},
    "programs:questions": lambda w: {"slug": w.program.slug},
    "programs:question": lambda w: {"slug": w.program.slug, "pk": w.question.pk},
    "programs:remove_question": lambda w: {"slug": w.program.slug, "pk": w.question.pk},
    "programs:move_question": lambda w: {"slug": w.program.slug, "pk": w.question.pk},
    "programs:apply": lambda w: {"slug": w.program.slug, "side": "mentee"},
    "programs:withdraw": lambda w: {"slug": w.program.slug},
    "programs:turn_down": lambda w: {"slug": w.program.slug},
    "programs:applications": lambda w: {"slug": w.program.slug},
    "programs:decide": lambda w: {"slug": w.program.slug, "pk": w.application.pk},
    "programs:invite": lambda w: {"slug": w.program.slug},
    "programs:coordinators": lambda w: {"slug": w.program.slug},
    "programs:remove_coordinator": lambda w: {"slug": w.program.slug},
    "programs:matching": lambda w: {"slug": w.program.slug},
    "programs:matching_method": lambda w: {"slug": w.program.slug},
    "programs:matching_run": lambda w: {"slug": w.program.slug},
    "programs:matching_lock": lambda w: {"slug": w.program.slug, "pk": w.proposed_pair.pk},
    "programs:matching_swap": lambda w: {"slug": w.program.slug},
    "programs:matching_exclude": lambda w: {
        "slug": w.program.slug,
        "pk": w.mentor_application.pk,
    },
    "programs:matching_discard": lambda w: {"slug": w.program.slug},
    "programs:matching_publish": lambda w: {"slug": w.program.slug},
    "programs:milestones": lambda w: {"slug": w.program.slug},
    "programs:milestone_edit": lambda w: {"slug": w.program.slug, "pk": w.milestone.pk},
    "programs:milestone_remove": lambda w: {"slug": w.program.slug, "pk": w.milestone.pk},
    "programs:milestone_move": lambda w: {"slug": w.program.slug, "pk": w.milestone.pk},
    "programs:pairs": lambda w: {"slug": w.program.slug},
    "programs:milestone_done": lambda w: {
        "slug": w.program.slug,
        "pair_pk": w.program_pair.pk,
        "milestone_pk": w.milestone.pk,
    },
    "programs:survey_results": lambda w: {"slug": w.program.slug},
    "programs:survey": lambda w: {"slug": w.program.slug, "form": "midpoint"},
    "programs:dashboard": lambda w: {"slug": w.program.slug},
    "programs:dashboard_csv": lambda w: {"slug": w.program.slug},
    # privacy
    "privacy:check_image": lambda w: {},
}

_PARAMETER = re.compile(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>")


def _admin_model(route: Route) -> Any:
    from django.contrib.admin.sites import site

    for model in site._registry:
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}_"
        if route.name.startswith(prefix):
            return model
    raise AssertionError(f"no admin model for {route.name}")


def admin_kwargs(route: Route, world: Any) -> dict[str, Any]:
    """Admin URLs take an app label, an object id or a custom action's name; the object is
    the model's first row when there is one."""
    from django.contrib.contenttypes.models import ContentType

    parameters = [a or b for a, b in _PARAMETER.findall(route.pattern)]
    if "content_type_id" in parameters:
        post_type = ContentType.objects.get_for_model(type(world.post))
        return {"content_type_id": post_type.pk, "object_id": str(world.post.pk)}
    kwargs: dict[str, Any] = {}
    for parameter in parameters:
        if parameter == "app_label":
            kwargs[parameter] = "posts"
        elif parameter in ("object_id", "pk"):
            first = _admin_model(route)._default_manager.order_by("pk").first()
            kwargs[parameter] = str(first.pk) if first else "1"
        elif parameter == "id":  # The user admin's password form.
            kwargs[parameter] = str(world.owner.pk)
        elif parameter == "name":  # A custom admin action's name.
            kwargs[parameter] = "action"
        else:
            raise AssertionError(f"{route.name}: no value for the admin parameter {parameter}")
    return kwargs


def route_kwargs(route: Route, world: Any) -> dict[str, Any]:
    if route.is_admin:
        return admin_kwargs(route, world)
    factory = KWARGS.get(route.name)
    assert factory is not None, (
        f"{route.name} ({route.pattern}) has no entry in tests/production/routes.py KWARGS: "
        "add one, and its row in the URL matrix"
    )
    return factory(world)
