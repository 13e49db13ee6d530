"""The demo site, served as in production, for the page tools (screenshots, Lighthouse, axe).

`DemoSite` makes a throwaway site in a temporary folder: a SQLite database migrated and
loaded with `seed_demo`, static files collected for whitenoise, and gunicorn with DEBUG=0
serving it on a free port of 127.0.0.1. It waits for the server to answer (the listening
socket is bound before gunicorn starts, so a request simply queues until a worker takes it)
and stops the server and removes the folder on leaving::

    with DemoSite() as site:
        site.url            # http://127.0.0.1:<port>
        site.paths["post"]  # /posts/<pk>/, one of the demo's public posts

`MAIN_PAGES` names the pages people use most and who can see each: a visitor, the demo
student (a premed member with a mentor, matched in a mentoring program and invited to
another), the demo physician who coordinates "Pathways to Medicine" (programs/demo.py), or
the demo moderator (the moderation panel, behind a second sign-in step). Their paths
depend on the demo data, so the site works them out itself: `python -m bench.demo_site
paths` prints them as JSON for the running database.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, Literal

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
# How long to wait for the site to start, a page to load or the browser to start: generous
# because the machine may be busy (each wait ends as soon as its condition holds).
TIMEOUT_S = 180
TIMEOUT_MS = 60_000

Audience = Literal["visitor", "member", "coordinator", "moderator"]
AUDIENCES: tuple[Audience, ...] = ("visitor", "member", "coordinator", "moderator")
# Who signs in for each audience (accounts/demo.py; every demo member has the same password).
DEMO_EMAILS: dict[Audience, str] = {
    "member": "member@rounds.test",
    "coordinator": "physician@rounds.test",
    "moderator": "moderator@rounds.test",
}

SERVER_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "demo-site-only-secret-key-not-for-production-0123456789abcdef",
    "ALLOWED_HOSTS": "127.0.0.1",
    "SECURE_SSL_REDIRECT": "0",
    "SESSION_COOKIE_SECURE": "0",
    "CSRF_COOKIE_SECURE": "0",
    "SECURE_HSTS_SECONDS": "0",
    "LOG_LEVEL": "WARNING",
    "DJANGO_SETTINGS_MODULE": "community.settings",
}
# The demo site uses its own SQLite database and in-process tasks, whatever the shell says.
UNSET = ("DATABASE_URL", "DATABASE_REPLICA_URL", "REDIS_URL", "STATIC_ROOT", "MEDIA_ROOT")


@dataclass(frozen=True)
class MainPage:
    name: str
    audiences: tuple[Audience, ...]


# The order is the order of the screenshots and of the report. The trust pages may not exist
# yet on every branch: a page that answers 404 is skipped with a note.
MAIN_PAGES = (
    MainPage("home", ("visitor", "member")),
    MainPage("explore", ("visitor", "member")),
    MainPage("post", ("visitor", "member")),
    MainPage("profile", ("visitor", "member")),
    MainPage("groups", ("visitor", "member")),
    MainPage("group", ("visitor", "member")),
    MainPage("search", ("visitor", "member")),
    MainPage("mentoring", ("member",)),
    MainPage("mentor-suggestions", ("member",)),
    MainPage("mentorship", ("member",)),
    MainPage("notifications", ("member",)),
    MainPage("settings", ("member",)),
    MainPage("composer", ("member",)),
    MainPage("programs", ("member", "coordinator")),
    MainPage("program", ("member", "coordinator")),
    MainPage("program-apply", ("member",)),
    MainPage("program-matching", ("coordinator",)),
    MainPage("program-pairs", ("coordinator",)),
    MainPage("program-surveys", ("coordinator",)),
    MainPage("program-dashboard", ("coordinator",)),
    MainPage("sign-in", ("visitor",)),
    MainPage("sign-up", ("visitor",)),
    MainPage("about", ("visitor",)),
    MainPage("guidelines", ("visitor",)),
    MainPage("privacy", ("visitor",)),
    MainPage("terms", ("visitor",)),
    MainPage("contact", ("visitor",)),
    MainPage("moderation-panel", ("moderator",)),
)
PAGE_NAMES = tuple(page.name for page in MAIN_PAGES)
# A trust page's URL name (the first that exists) and, failing that, its usual path.
TRUST_PAGES = {
    "about": (("about", "pages:about"), "/about/"),
    "guidelines": (("guidelines", "pages:guidelines"), "/guidelines/"),
    "privacy": (("privacy_policy", "pages:privacy"), "/privacy-policy/"),
    "terms": (("terms", "pages:terms"), "/terms/"),
    "contact": (("contact", "pages:contact"), "/contact/"),
}


def page_paths() -> dict[str, str]:
    """Each main page's path on the current database (which holds the demo data)."""
    from django.urls import NoReverseMatch, reverse

    from accounts.models import User
    from mentoring.models import Mentorship
    from posts.models import Circle, Post, Visibility
    from programs.models import Program
    from programs.models import Visibility as ProgramVisibility

    student = User.objects.get(email=DEMO_EMAILS["member"])
    post = Post.objects.filter(visibility=Visibility.PUBLIC, circle=None).order_by("pk").first()
    group = Circle.objects.filter(is_private=False).order_by("pk").first()
    mentorship = Mentorship.objects.filter(mentee=student).order_by("pk").first()
    # The public program the demo physician runs and the student was matched in; the
    # invite-only one the student is invited to (its application page answers the invitation).
    program = Program.objects.filter(
        visibility=ProgramVisibility.PUBLIC, pairs__mentorship__mentee=student
    ).first()
    invited = Program.objects.filter(
        visibility=ProgramVisibility.INVITE_ONLY,
        applications__applicant=student,
        applications__status="invited",
    ).first()
    if post is None or group is None or mentorship is None:
        raise RuntimeError("The demo data lacks a public post, a public group or a mentorship")
    if program is None or invited is None:
        raise RuntimeError("The demo data lacks the student's program or invitation")
    paths = {
        "home": reverse("home"),
        "explore": reverse("posts:explore"),
        "post": post.get_absolute_url(),
        "profile": reverse("accounts:profile", args=["dr-amara-okafor"]),
        "groups": reverse("posts:circles"),
        "group": reverse("posts:circle", args=[group.slug]),
        "search": reverse("posts:search") + "?q=sepsis",
        "mentoring": reverse("mentoring:home"),
        "mentor-suggestions": reverse("mentoring:suggestions"),
        "mentorship": reverse("mentoring:mentorship", args=[mentorship.pk]),
        "notifications": reverse("notifications:list"),
        "settings": reverse("accounts:profile_edit"),
        "composer": reverse("posts:create"),
        "programs": reverse("programs:list"),
        "program": program.get_absolute_url(),
        "program-apply": reverse("programs:apply", args=[invited.slug, "mentee"]),
        "program-matching": reverse("programs:matching", args=[program.slug]),
        "program-pairs": reverse("programs:pairs", args=[program.slug]),
        "program-surveys": reverse("programs:survey_results", args=[program.slug]),
        "program-dashboard": reverse("programs:dashboard", args=[program.slug]),
        "sign-in": reverse("account_login"),
        "sign-up": reverse("account_signup"),
        "moderation-panel": reverse("admin:index"),
    }
    for name, (url_names, fallback) in TRUST_PAGES.items():
        paths[name] = fallback
        for url_name in url_names:
            try:
                paths[name] = reverse(url_name)
                break
            except NoReverseMatch:
                continue
    return paths


def free_listening_socket() -> socket.socket:
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(128)
    listener.set_inheritable(True)
    return listener


class DemoSite:
    """The demo site under gunicorn with DEBUG=0, in a temporary folder (see the module)."""

    def __init__(self, *, workers: int = 2, quiet: bool = True) -> None:
        self.workers = workers
        self.quiet = quiet
        self.folder = Path(tempfile.mkdtemp(prefix="rounds-demo-site-"))
        self.env = {key: value for key, value in os.environ.items() if key not in UNSET}
        self.env.update(
            SERVER_ENV,
            VAR_DIR=str(self.folder),
            STATIC_ROOT=str(self.folder / "static"),
            MEDIA_ROOT=str(self.folder / "media"),
            PRIVATE_MEDIA_ROOT=str(self.folder / "private"),
        )
        self.url = ""
        self.paths: dict[str, str] = {}
        self._server: subprocess.Popen[bytes] | None = None
        self._log = self.folder / "server.log"

    def manage(self, *args: str) -> str:
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=TIMEOUT_S * 2,
        )
        if result.returncode != 0:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stderr[-4000:]}")
        return result.stdout

    def start(self) -> DemoSite:
        self.manage("migrate", "--noinput", "--verbosity", "0")
        self.manage("seed_demo")
        self.manage("collectstatic", "--noinput", "--verbosity", "0")
        found = subprocess.run(
            [sys.executable, "-m", "bench.demo_site", "paths"],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            check=True,
            timeout=TIMEOUT_S,
        )
        self.paths = json.loads(found.stdout)
        listener = free_listening_socket()
        port = listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        gunicorn = str(Path(sys.executable).with_name("gunicorn"))
        with self._log.open("wb") as log:
            self._server = subprocess.Popen(
                [gunicorn, "-c", "community/gunicorn.conf.py"]
                + ["--bind", f"fd://{listener.fileno()}", "--workers", str(self.workers)]
                + ["--access-logfile", "/dev/null", "--max-requests", "0", "community.wsgi"],
                cwd=ROOT,
                env=self.env,
                pass_fds=(listener.fileno(),),
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        # gunicorn holds the socket now; without our copy, a server that fails to start
        # closes the last one and the request below fails at once instead of waiting.
        listener.close()
        try:
            with urllib.request.urlopen(f"{self.url}/healthz", timeout=TIMEOUT_S) as answer:
                if answer.status != 200:
                    raise RuntimeError(f"/healthz answered {answer.status}")
        except Exception as error:
            self.stop()
            raise RuntimeError(
                f"The demo site did not start: {error}\n{self.server_log()}"
            ) from None
        return self

    def server_log(self) -> str:
        return self._log.read_text(errors="replace")[-4000:] if self._log.exists() else ""

    def stop(self) -> None:
        if self._server is not None and self._server.poll() is None:
            self._server.send_signal(signal.SIGTERM)
            try:
                self._server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self._server.kill()
                self._server.wait()
        self._server = None
        shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> DemoSite:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()


def launch_chromium(playwright: Any) -> Any:
    return playwright.chromium.launch(
        executable_path=CHROMIUM, args=CHROMIUM_FLAGS, timeout=TIMEOUT_MS * 2
    )


def signed_in_state(browser: Any, site: DemoSite, audience: Audience) -> dict[str, Any] | None:
    """Sign in through the real forms as the audience's demo member (the moderator with the
    demo authenticator's current code) and return the browser's storage state, or None for
    a visitor. One sign-in serves every later context: a TOTP code is accepted only once."""
    if audience == "visitor":
        return None
    from accounts.demo import DEMO_PASSWORD, current_demo_code

    context = browser.new_context(base_url=site.url)
    context.set_default_timeout(TIMEOUT_MS)
    try:
        page = context.new_page()
        page.goto(site.paths["sign-in"])
        page.locator("input[name=login]").fill(DEMO_EMAILS[audience])
        page.locator("input[name=password]").fill(DEMO_PASSWORD)
        page.locator("input[name=password]").press("Enter")
        if audience == "moderator":
            code = page.locator("input[name=code]")
            code.wait_for()
            code.fill(current_demo_code())  # Read off only once the form asks for it.
            code.press("Enter")
        page.wait_for_url(lambda url: "/accounts/" not in url)
        state: dict[str, Any] = context.storage_state()
    finally:
        context.close()
    if not any(cookie["name"] == "sessionid" for cookie in state["cookies"]):
        raise RuntimeError(f"Signing in as the demo {audience} gave no session")
    return state


def main() -> None:
    if sys.argv[1:] != ["paths"]:
        raise SystemExit("usage: python -m bench.demo_site paths")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "community.settings")
    import django

    django.setup()
    print(json.dumps(page_paths()))


if __name__ == "__main__":
    main()
