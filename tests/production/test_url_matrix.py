"""Every named URL, visited by seven readers: anonymous, the member who owns the objects,
another member, a suspended member, a moderator whose session has not passed two-factor
(staff, in the Moderators group, signed in with the password alone: no authenticator app),
staff who signed in with a code but hold no moderation permission, and a moderator (staff,
in the Moderators group, signed in with a code). The table says what each should get; a
new URL without a row fails.

Outside the admin, the two staff readers get what another member gets wherever a
moderator gets more (accounts.moderators): a private group's members, removing a group's
post, starting a campaign, a reported mentorship, a verification document.

LOGIN is a redirect to the sign-in page; MOVED any other redirect (to the page the action
belongs on, to reauthentication, or away from a page a signed-in member doesn't need).
405 is a GET on an action that only takes POST: the action itself is never run by a GET.
Admin pages follow one rule, checked from the moderator's permissions (at the bottom).
"""

from __future__ import annotations

import pytest
from django.contrib.admin.sites import site
from django.test import Client
from django.urls import reverse

from tests.production.conftest import READERS, World
from tests.production.routes import Route, named_routes, route_kwargs

pytestmark = pytest.mark.django_db

LOGIN = "login"
MOVED = "moved"

# name: (anonymous, member, other_member, suspended, staff_without_two_factor,
#        staff_without_permission, moderator)
EXPECTED: dict[str, tuple[int | str, ...]] = {
    "account_change_password": (LOGIN, 200, 200, 200, 200, 200, 200),
    "account_confirm_email": (200, 200, 200, 200, 200, 200, 200),
    "account_confirm_login_code": (LOGIN, MOVED, MOVED, MOVED, MOVED, MOVED, MOVED),
    "account_email": (LOGIN, 200, 200, 200, 200, 200, 200),
    "account_email_verification_sent": (200, 200, 200, 200, 200, 200, 200),
    "account_inactive": (200, 200, 200, 200, 200, 200, 200),
    "account_login": (200, MOVED, MOVED, MOVED, MOVED, MOVED, MOVED),
    "account_logout": (MOVED, 200, 200, 200, 200, 200, 200),
    "account_request_reauthentication_code": (LOGIN, 403, 403, 403, 403, 403, 403),
    "account_confirm_reauthentication_code": (LOGIN, 403, 403, 403, 403, 403, 403),
    "account_reauthenticate": (LOGIN, 200, 200, 200, 200, 200, 200),
    "account_reset_password": (200, 200, 200, 200, 200, 200, 200),
    "account_reset_password_done": (200, 200, 200, 200, 200, 200, 200),
    "account_reset_password_from_key": (200, 200, 200, 200, 200, 200, 200),
    "account_reset_password_from_key_done": (200, 200, 200, 200, 200, 200, 200),
    "account_set_password": (LOGIN, MOVED, MOVED, MOVED, MOVED, MOVED, MOVED),
    "account_signup": (200, MOVED, MOVED, MOVED, MOVED, MOVED, MOVED),
    "accounts:block": (LOGIN, 405, 405, 405, 405, 405, 405),
    "accounts:blocked": (LOGIN, 200, 200, 200, 200, 200, 200),
    "accounts:delete": (LOGIN, MOVED, MOVED, MOVED, MOVED, MOVED, MOVED),
    "accounts:export": (LOGIN, 200, 200, 200, 200, 200, 200),
    "accounts:follow": (LOGIN, 405, 405, 405, 405, 405, 405),
    "accounts:followers": (200, 200, 200, 200, 200, 200, 200),
    "accounts:following": (200, 200, 200, 200, 200, 200, 200),
    "accounts:mute": (LOGIN, 405, 405, 405, 405, 405, 405),
    "accounts:profile": (200, 200, 200, 200, 200, 200, 200),
    "accounts:profile_edit": (LOGIN, 200, 200, 403, 200, 200, 200),
    "accounts:unblock": (LOGIN, 405, 405, 405, 405, 405, 405),
    "accounts:unfollow": (LOGIN, 405, 405, 405, 405, 405, 405),
    "accounts:unmute": (LOGIN, 405, 405, 405, 405, 405, 405),
    "accounts:verification": (LOGIN, 200, 200, 200, 200, 200, 200),
    "accounts:verification_document": (404, 404, 404, 404, 404, 404, 200),
    "about": (200, 200, 200, 200, 200, 200, 200),
    # Staff only, under the panel's rule: others 404, staff without two-factor sent to set it up.
    "styleguide": (LOGIN, 404, 404, 404, MOVED, 200, 200),
    "contact": (200, 200, 200, 200, 200, 200, 200),
    "favicon": (200, 200, 200, 200, 200, 200, 200),
    "guidelines": (200, 200, 200, 200, 200, 200, 200),
    # A stream answers as its page (here a post's; community/live.py).
    "events": (200, 200, 200, 200, 200, 200, 200),
    "healthz": (200, 200, 200, 200, 200, 200, 200),
    "home": (200, 200, 200, 200, 200, 200, 200),
    "manifest": (200, 200, 200, 200, 200, 200, 200),
    "service_worker": (200, 200, 200, 200, 200, 200, 200),
    "offline": (200, 200, 200, 200, 200, 200, 200),
    "privacy_policy": (200, 200, 200, 200, 200, 200, 200),
    "terms": (200, 200, 200, 200, 200, 200, 200),
    "mentoring:accept": (LOGIN, 405, 405, 403, 405, 405, 405),
    "mentoring:add_goal": (LOGIN, 405, 405, 403, 405, 405, 405),
    "mentoring:complete": (LOGIN, 200, 404, 403, 404, 404, 404),
    "mentoring:decline": (LOGIN, 405, 405, 403, 405, 405, 405),
    "mentoring:directory": (LOGIN, 200, 200, 200, 200, 200, 200),
    "mentoring:end": (LOGIN, 200, 404, 403, 404, 404, 404),
    "mentoring:feedback": (LOGIN, MOVED, 404, 403, 404, 404, 404),
    "mentoring:home": (LOGIN, 200, 200, 200, 200, 200, 200),
    "mentoring:log_meeting": (LOGIN, 405, 405, 403, 405, 405, 405),
    "mentoring:mentor": (LOGIN, 200, 200, 200, 200, 200, 200),
    "mentoring:mentor_profile": (LOGIN, 403, 403, 403, 200, 200, 200),
    "mentoring:mentorship": (LOGIN, 200, 404, 404, 404, 404, 200),
    "mentoring:messages": (LOGIN, 200, 404, 404, 404, 404, 200),
    "mentoring:preferences": (LOGIN, 200, 200, 403, 403, 403, 403),
    "mentoring:request": (LOGIN, 405, 405, 403, 405, 405, 405),
    "mentoring:read_messages": (LOGIN, 405, 405, 405, 405, 405, 405),
    "mentoring:send_message": (LOGIN, 405, 405, 403, 405, 405, 405),
    "mentoring:set_goal": (LOGIN, 405, 405, 403, 405, 405, 405),
    "mentoring:suggestions": (LOGIN, 200, 200, 200, 200, 200, 200),
    "mentoring:withdraw": (LOGIN, 405, 405, 403, 405, 405, 405),
    # Scheduled meetings: the pair's alone; the calendar file not even for a moderator let
    # into the space by a report.
    "mentoring:accept_meeting": (LOGIN, 405, 405, 403, 405, 405, 405),
    "mentoring:add_availability": (LOGIN, 405, 405, 403, 405, 405, 405),
    "mentoring:availability": (LOGIN, 200, 200, 200, 200, 200, 200),
    "mentoring:availability_zone": (LOGIN, 405, 405, 403, 405, 405, 405),
    "mentoring:cancel_meeting": (LOGIN, 405, 405, 403, 405, 405, 405),
    "mentoring:decline_meeting": (LOGIN, 405, 405, 403, 405, 405, 405),
    "mentoring:meeting_invite": (LOGIN, 200, 404, 404, 404, 404, 404),
    # The board's live fragment; without htmx, the page at #meetings.
    "mentoring:meeting_board": (LOGIN, MOVED, 404, 404, 404, 404, 404),
    "mentoring:propose_meeting": (LOGIN, 200, 404, 403, 404, 404, 404),
    "mentoring:remove_availability": (LOGIN, 405, 405, 403, 405, 405, 405),
    "mentoring:reschedule_meeting": (LOGIN, 200, 404, 403, 404, 404, 404),
    # Programs (the owner coordinates a running one): coordinators' pages 403 to members who
    # see the program; a site moderator appoints coordinators and sees nothing more.
    "programs:applications": (LOGIN, 200, 403, 403, 403, 403, 403),
    "programs:apply": (LOGIN, MOVED, 403, 403, 403, 403, 403),
    "programs:coordinators": (LOGIN, 200, 403, 403, 403, 403, 200),
    "programs:dashboard": (LOGIN, 200, 403, 403, 403, 403, 403),
    "programs:dashboard_csv": (LOGIN, 200, 403, 403, 403, 403, 403),
    "programs:decide": (LOGIN, 405, 405, 403, 405, 405, 405),
    "programs:edit": (LOGIN, 200, 403, 403, 403, 403, 403),
    "programs:invite": (LOGIN, 405, 405, 403, 405, 405, 405),
    "programs:invite_link": (LOGIN, 405, 405, 403, 405, 405, 405),
    "programs:join": (LOGIN, 200, 200, 200, 200, 200, 200),
    "programs:list": (LOGIN, 200, 200, 200, 200, 200, 200),
    "programs:matching": (LOGIN, 200, 403, 403, 403, 403, 403),
    "programs:matching_discard": (LOGIN, 405, 405, 405, 405, 405, 405),
    "programs:matching_exclude": (LOGIN, 405, 405, 405, 405, 405, 405),
    "programs:matching_lock": (LOGIN, 405, 405, 405, 405, 405, 405),
    "programs:matching_method": (LOGIN, 405, 405, 405, 405, 405, 405),
    "programs:matching_publish": (LOGIN, 200, 403, 403, 403, 403, 403),
    "programs:matching_run": (LOGIN, 405, 405, 405, 405, 405, 405),
    "programs:matching_swap": (LOGIN, 405, 405, 405, 405, 405, 405),
    "programs:milestone_done": (LOGIN, 405, 405, 403, 405, 405, 405),
    "programs:milestone_edit": (LOGIN, 200, 403, 403, 403, 403, 403),
    "programs:milestone_move": (LOGIN, 405, 405, 405, 405, 405, 405),
    "programs:milestone_remove": (LOGIN, 405, 405, 405, 405, 405, 405),
    "programs:milestones": (LOGIN, 200, 403, 403, 403, 403, 403),
    "programs:move_question": (LOGIN, 405, 405, 403, 405, 405, 405),
    "programs:new": (LOGIN, 403, 403, 403, 200, 200, 200),
    "programs:pairs": (LOGIN, 200, 403, 403, 403, 403, 403),
    "programs:program": (LOGIN, 200, 200, 200, 200, 200, 200),
    "programs:question": (LOGIN, 200, 403, 403, 403, 403, 403),
    "programs:questions": (LOGIN, 200, 403, 403, 403, 403, 403),
    "programs:remove_coordinator": (LOGIN, 405, 405, 403, 405, 405, 405),
    "programs:remove_question": (LOGIN, 405, 405, 403, 405, 405, 405),
    "programs:status": (LOGIN, 405, 405, 403, 405, 405, 405),
    "programs:survey": (LOGIN, 200, 403, 403, 403, 403, 403),
    "programs:survey_results": (LOGIN, 200, 403, 403, 403, 403, 403),
    "programs:turn_down": (LOGIN, 405, 405, 403, 405, 405, 405),
    "programs:withdraw": (LOGIN, 405, 405, 403, 405, 405, 405),
    "mfa_activate_totp": (LOGIN, MOVED, MOVED, MOVED, MOVED, MOVED, MOVED),
    "mfa_authenticate": (LOGIN, MOVED, MOVED, MOVED, MOVED, MOVED, MOVED),
    "mfa_deactivate_totp": (LOGIN, 404, 404, 404, 404, MOVED, MOVED),
    "mfa_download_recovery_codes": (LOGIN, 404, 404, 404, 404, 404, 404),
    "mfa_generate_recovery_codes": (LOGIN, MOVED, MOVED, MOVED, MOVED, MOVED, MOVED),
    "mfa_index": (LOGIN, 200, 200, 200, 200, 200, 200),
    "mfa_reauthenticate": (LOGIN, MOVED, MOVED, MOVED, MOVED, 200, 200),
    "mfa_view_recovery_codes": (LOGIN, 404, 404, 404, 404, 404, 404),
    "moderation:report": (LOGIN, 200, 200, 403, 200, 200, 200),
    "moderation:decisions": (LOGIN, 200, 200, 200, 200, 200, 200),
    "moderation:decision": (LOGIN, 200, 404, 404, 404, 404, 404),
    "notifications:list": (LOGIN, 200, 200, 200, 200, 200, 200),
    "notifications:preferences": (LOGIN, 200, 200, 200, 200, 200, 200),
    "notifications:read": (LOGIN, 405, 405, 405, 405, 405, 405),
    "notifications:retry_email": (LOGIN, 405, 405, 405, 405, 405, 405),
    "notifications:read_all": (LOGIN, 405, 405, 405, 405, 405, 405),
    "notifications:push_subscribe": (LOGIN, 405, 405, 403, 405, 405, 405),
    "notifications:push_remove": (LOGIN, 405, 405, 405, 405, 405, 405),
    "notifications:unsubscribe": (200, 200, 200, 200, 200, 200, 200),
    "posts:author_posts": (200, 200, 200, 200, 200, 200, 200),
    "posts:bookmark": (LOGIN, 405, 405, 405, 405, 405, 405),
    # A live Q&A's questions, re-fetched live by its page: read as the page is.
    "posts:event_questions": (200, 200, 200, 200, 200, 200, 200),
    "posts:event_rsvp": (LOGIN, 405, 405, 403, 405, 405, 405),
    "posts:cohost_add": (LOGIN, 405, 405, 403, 405, 405, 405),
    "posts:cohost_remove": (LOGIN, 405, 405, 403, 405, 405, 405),
    "posts:question_vote": (LOGIN, 405, 405, 403, 405, 405, 405),
    "posts:question_move": (LOGIN, 405, 405, 403, 405, 405, 405),
    "posts:bookmarks": (LOGIN, 200, 200, 200, 200, 200, 200),
    "posts:campaign_create": (LOGIN, 404, 404, 403, 404, 404, 200),
    "posts:circle": (200, 200, 200, 200, 200, 200, 200),
    "posts:circle_create": (LOGIN, 200, 200, 403, 200, 200, 200),
    "posts:circle_join": (LOGIN, 405, 405, 403, 405, 405, 405),
    "posts:circle_leave": (LOGIN, 405, 405, 405, 405, 405, 405),
    "posts:circle_members": (404, 200, 404, 404, 404, 404, 200),
    "posts:circle_remove_post": (LOGIN, 200, 404, 403, 404, 404, 200),
    "posts:circles": (200, 200, 200, 200, 200, 200, 200),
    "posts:comment_create": (LOGIN, 405, 405, 403, 405, 405, 405),
    "posts:comment_delete": (LOGIN, 405, 405, 405, 405, 405, 405),
    "posts:comment_edit": (LOGIN, 200, 404, 403, 404, 404, 404),
    "posts:comment_react": (LOGIN, 405, 405, 403, 405, 405, 405),
    "posts:create": (LOGIN, 200, 200, 403, 200, 200, 200),
    "posts:preview": (LOGIN, 405, 405, 403, 405, 405, 405),
    "posts:delete": (LOGIN, 405, 405, 405, 405, 405, 405),
    "posts:detail": (200, 200, 200, 200, 200, 200, 200),
    "posts:edit": (LOGIN, 200, 404, 403, 404, 404, 404),
    "posts:explore": (200, 200, 200, 200, 200, 200, 200),
    "posts:hashtag": (200, 200, 200, 200, 200, 200, 200),
    "posts:membership_approve": (LOGIN, 405, 405, 403, 405, 405, 405),
    "posts:membership_promote": (LOGIN, 405, 405, 403, 405, 405, 405),
    "posts:membership_remove": (LOGIN, 405, 405, 403, 405, 405, 405),
    "posts:react": (LOGIN, 405, 405, 403, 405, 405, 405),
    "posts:replies": (200, 200, 200, 200, 200, 200, 200),
    "posts:search": (200, 200, 200, 200, 200, 200, 200),
    "privacy:check_image": (LOGIN, 405, 405, 403, 405, 405, 405),
}


def _answer(client: Client, url: str) -> int | str:
    response = client.get(url)
    if response.status_code != 302:
        return response.status_code
    location = response["Location"]
    return LOGIN if location.startswith(("/accounts/login/", "/admin/login/")) else MOVED


def _admin_expectation(route: Route, world: World) -> tuple[int | str, ...]:
    """Anyone but staff is sent to sign in; staff whose session has not passed two-factor
    are sent to set up an authenticator app; staff without permissions see an empty index
    and get 403 on every list; the moderator sees the index and the lists of models their
    group may view or change, and gets 403 on every other list."""
    if route.name == "admin:index":
        return (LOGIN, LOGIN, LOGIN, LOGIN, MOVED, 200, 200)
    model = next(
        model
        for model in site._registry
        if route.name == f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"
    )
    opts = model._meta
    allowed = any(
        world.moderator.has_perm(f"{opts.app_label}.{action}_{opts.model_name}")
        for action in ("view", "change")
    )
    return (LOGIN, LOGIN, LOGIN, LOGIN, MOVED, 403, 200 if allowed else 403)


def _visited(route: Route) -> bool:
    return not route.is_admin or route.name == "admin:index" or route.name.endswith("_changelist")


def test_the_table_has_one_row_per_url_and_no_stale_rows() -> None:
    names = {route.name for route in named_routes() if not route.is_admin}
    assert sorted(names - set(EXPECTED)) == [], "URLs without a row in EXPECTED"
    assert sorted(set(EXPECTED) - names) == [], "rows for URLs that no longer exist"


def test_every_reader_gets_the_expected_answer_from_every_url(world: World) -> None:
    mismatches = []
    for route in filter(_visited, named_routes()):
        url = reverse(route.name, kwargs=route_kwargs(route, world))
        expected = _admin_expectation(route, world) if route.is_admin else EXPECTED.get(route.name)
        if expected is None:
            continue  # Reported by the test above.
        # A fresh client per visit: some pages sign a different member out.
        got = tuple(_answer(world.client_for(reader), url) for reader in READERS)
        if got != expected:
            mismatches.append(f"{route.name} {url}: expected {expected}, got {got}")
    assert mismatches == []
