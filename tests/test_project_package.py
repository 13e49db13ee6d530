"""The project package is the project: `community/` uses the apps' code only where a
site-wide page needs it, and the benchmark data set lives in `bench/`.

Imports are read from the source with `ast` (inside functions too, and the names given to
`import_module`), so a lazy import cannot slip past. Settings and URLs name the apps' modules
in strings (middleware, backends, tasks, `include()`): that is wiring, not an import.
"""

from __future__ import annotations

from pathlib import Path

from community.management.commands.seed_demo import SEEDERS
from tests.privacy.test_boundaries import imported_names, module_name

ROOT = Path(__file__).resolve().parent.parent
APPS = ("accounts", "mentoring", "moderation", "notifications", "posts", "privacy")

# Each module of community/ that imports an app, and what it imports: the home page shows a
# member their feed and a visitor recent public posts, live Q&As and campaigns; the
# styleguide is for staff past two-factor, as the moderation panel is; the right rail on
# every page shows live Q&As, campaigns, trending hashtags and mentoring.
ALLOWED = {
    # The live endpoint: each stream is opened by whom its page's selector lets read it, and
    # each event is rendered for its reader as the page shows it.
    "community.live": {
        "accounts.models",
        "accounts.models.User",
        "accounts.moderators",
        "accounts.moderators.actor_of",
        "mentoring.meetings",
        "mentoring.meetings.MEETINGS_EVENT",
        "mentoring.models",
        "mentoring.models.Message",
        "mentoring.selectors",
        "mentoring.selectors.Access",
        "mentoring.selectors.mentorship_access",
        "notifications.selectors",
        "notifications.selectors.member_time_zone",
        "notifications.selectors.notification_item",
        "notifications.selectors.unread_count",
        "posts.selectors",
        "posts.selectors.post_for_viewer",
    },
    "community.views": {
        "accounts.http",
        "accounts.http.AuthenticatedHttpRequest",
        "accounts.moderators",
        "accounts.moderators.two_factor_step",
        "posts.selectors",
        "posts.selectors.explore",
        "posts.selectors.home_feed",
        "posts.selectors.running_campaigns",
        "posts.selectors.upcoming_events",
    },
    "community.templatetags.rail": {
        "accounts.models",
        "accounts.models.User",
        "accounts.selectors",
        "accounts.selectors.walled_off_ids",
        "mentoring.matching",
        "mentoring.matching.suggest_mentors",
        "mentoring.models",
        "mentoring.models.MenteePreferences",
        "mentoring.selectors",
        "mentoring.selectors.pending_request_count",
        "mentoring.workflow",
        "mentoring.workflow.mentee_stage",
        "posts.selectors",
        "posts.selectors.running_campaigns",
        "posts.selectors.trending_hashtags",
        "posts.selectors.upcoming_events",
    },
}


def app_imports(package: str) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in sorted((ROOT / package).rglob("*.py")):
        name = module_name(path, ROOT)
        source = path.read_text(encoding="utf-8")
        names = imported_names(source, module=name, is_package=path.name == "__init__.py")
        used = {target for target in names if target.split(".")[0] in APPS}
        if used:
            found[name] = used
    return found


def test_community_uses_the_apps_only_for_site_wide_pages_and_the_demo_data() -> None:
    assert app_imports("community") == ALLOWED
    # seed_demo loads each app's own demo module, by name, and nothing else.
    assert SEEDERS == ["accounts.demo", "posts.demo", "mentoring.demo", "programs.demo"]


def test_the_scale_data_set_is_a_bench_package_not_part_of_the_project() -> None:
    assert not (ROOT / "community" / "scale.py").exists()
    assert (ROOT / "bench" / "scale" / "__main__.py").is_file()
    # bench/scale names the apps' tables and models; nothing of the project imports it back.
    for package in ("community", *APPS):
        for path in (ROOT / package).rglob("*.py"):
            name = module_name(path, ROOT)
            names = imported_names(path.read_text(encoding="utf-8"), module=name)
            assert not any(target.split(".")[0] == "bench" for target in names), path
