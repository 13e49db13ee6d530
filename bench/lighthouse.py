"""Lighthouse scores of the main pages, written into README.md.

    make lighthouse                      # or: python -m bench.lighthouse
    python -m bench.lighthouse --only home --no-write

It starts the demo site (bench/demo_site.py: the demo data, gunicorn with DEBUG=0, static
files from whitenoise), signs in as the demo student through the real form, and runs npm's
`lighthouse` (package.json; `npm install`) with Debian's Chromium on each page: a member's
pages carry the member's session cookie in an extra request header. Lighthouse's default
mobile settings apply (a mid-range phone on a slow 4G connection, simulated). The table of
scores replaces the one between the markers in README.md; the audits that cost a page points
are printed.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.demo_site import CHROMIUM, ROOT, Audience, DemoSite, launch_chromium, signed_in_state

LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
MARK_START = "<!-- lighthouse:start -->"
MARK_END = "<!-- lighthouse:end -->"
CATEGORIES = {
    "performance": "Performance",
    "accessibility": "Accessibility",
    "best-practices": "Best practices",
    "seo": "SEO",
}
TARGETS = {"performance": 95, "accessibility": 100, "best-practices": 100, "seo": 0}


@dataclass
class Audit:
    label: str
    page: str
    audience: Audience
    scores: dict[str, int] = field(default_factory=dict)
    # Category -> the audits in it that did not pass ("id: title (score)").
    failures: dict[str, list[str]] = field(default_factory=dict)

    @property
    def met(self) -> bool:
        return all(self.scores.get(name, 0) >= target for name, target in TARGETS.items())


AUDITS = (
    Audit("Home, visitor", "home", "visitor"),
    Audit("Home, member", "home", "member"),
    Audit("A post", "post", "member"),
    Audit("A profile", "profile", "member"),
    Audit("Explore", "explore", "member"),
    Audit("Mentor suggestions", "mentor-suggestions", "member"),
    Audit("The mentorship space", "mentorship", "member"),
    Audit("Notifications", "notifications", "member"),
)


def lighthouse_version() -> str:
    return subprocess.run(
        [str(LIGHTHOUSE), "--version"], capture_output=True, text=True, check=True
    ).stdout.strip()


def run_lighthouse(url: str, cookie: str, report: Path) -> dict[str, Any]:
    command = [
        str(LIGHTHOUSE),
        url,
        "--quiet",
        "--output=json",
        f"--output-path={report}",
        "--only-categories=" + ",".join(CATEGORIES),
        "--chrome-flags=--headless --no-sandbox --disable-gpu",
        "--max-wait-for-load=60000",
    ]
    if cookie:
        command.append("--extra-headers=" + json.dumps({"Cookie": cookie}))
    # A busy machine now and then fails Chromium's start: one more try before giving up.
    for attempt in (1, 2):
        finished = subprocess.run(
            command,
            env={**os.environ, "CHROME_PATH": CHROMIUM},
            capture_output=True,
            text=True,
            timeout=300,
        )
        if finished.returncode == 0:
            break
        print(f"    Lighthouse failed on {url} (try {attempt}): {finished.stderr[-600:]}")
    else:
        raise SystemExit(f"Lighthouse failed twice on {url}")
    result: dict[str, Any] = json.loads(report.read_text())
    return result


def read_result(audit: Audit, result: dict[str, Any]) -> None:
    """Read the scores, and the audits that cost points: in a weighted category, every
    audit with a weight that did not score full marks."""
    if result.get("runtimeError"):
        raise RuntimeError(f"{audit.label}: {result['runtimeError']['message']}")
    audits = result["audits"]
    for name, category in result["categories"].items():
        audit.scores[name] = round((category["score"] or 0) * 100)
        failed = []
        for ref in category["auditRefs"]:
            detail = audits[ref["id"]]
            score = detail.get("score")
            if ref.get("weight", 0) > 0 and score is not None and score < 1:
                shown = f" ({detail['displayValue']})" if detail.get("displayValue") else ""
                failed.append(f"{ref['id']}: {detail['title']}{shown}")
        if failed:
            audit.failures[name] = failed


def median_run(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The run with the median performance score (Lighthouse's advice for noisy machines);
    the lower middle one of an even number."""
    ranked = sorted(runs, key=lambda run: run["categories"]["performance"]["score"] or 0)
    return ranked[(len(ranked) - 1) // 2]


def _load_average() -> str:
    """Other work on the machine shares its cores, and performance depends on it."""
    return ", ".join(f"{value:.2f}" for value in os.getloadavg())


def table(
    audits: list[Audit], version: str, chromium: str, *, runs: int = 1, load: str = ""
) -> str:
    today = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    busy = f" Load average (1, 5, 15 min) before: {load}; after: {_load_average()}." if load else ""
    lines = [
        MARK_START,
        f"Lighthouse {version}, {chromium}, mobile settings (simulated slow 4G), "
        f"gunicorn with DEBUG=0, the demo data, median of {runs} run{'s' * (runs != 1)} "
        f"by performance; {today}.{busy}",
        "",
        "| Page | Performance | Accessibility | Best practices | SEO |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for audit in audits:
        cells = " | ".join(str(audit.scores.get(name, "")) for name in CATEGORIES)
        lines.append(f"| {audit.label} | {cells} |")
    lines.append(MARK_END)
    return "\n".join(lines)


def write_table(path: Path, block: str) -> None:
    text = path.read_text()
    pattern = re.compile(re.escape(MARK_START) + ".*?" + re.escape(MARK_END), re.DOTALL)
    if not pattern.search(text):
        raise SystemExit(f"{path} has no {MARK_START} ... {MARK_END} markers")
    path.write_text(pattern.sub(lambda _match: block, text))


def chromium_version() -> str:
    output = subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True, check=True)
    return output.stdout.strip()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", default="", help="Audit only pages whose label has this.")
    parser.add_argument("--output", type=Path, default=ROOT / "README.md")
    parser.add_argument("--no-write", action="store_true", help="Print the table only.")
    parser.add_argument("--reports", type=Path, help="Keep Lighthouse's JSON reports here.")
    parser.add_argument(
        "--runs", type=int, default=3, help="Runs per page; the median run by performance counts."
    )
    args = parser.parse_args(argv)
    if not LIGHTHOUSE.exists():
        raise SystemExit("Lighthouse is missing: npm install (package.json)")
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        raise SystemExit(f"Chromium is missing at {CHROMIUM}: apt-get install chromium")
    audits = [audit for audit in AUDITS if args.only.lower() in audit.label.lower()]
    version = lighthouse_version()

    import django
    from playwright.sync_api import sync_playwright

    django.setup()  # accounts.demo's password for signing in
    reports = args.reports or Path(tempfile.mkdtemp(prefix="rounds-lighthouse-"))
    reports.mkdir(parents=True, exist_ok=True)
    print("Starting the demo site (migrate, seed_demo, collectstatic, gunicorn)...", flush=True)
    with DemoSite() as site:
        cookies: dict[Audience, str] = {"visitor": ""}
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            try:
                for audience in {audit.audience for audit in audits} - {"visitor"}:
                    state = signed_in_state(browser, site, audience) or {"cookies": []}
                    cookies[audience] = "; ".join(
                        f"{cookie['name']}={cookie['value']}" for cookie in state["cookies"]
                    )
            finally:
                browser.close()
        load = _load_average()
        for audit in audits:
            runs = []
            for run in range(args.runs):
                report = reports / f"{audit.page}-{audit.audience}-{run + 1}.json"
                url = site.url + site.paths[audit.page]
                runs.append(run_lighthouse(url, cookies[audit.audience], report))
            read_result(audit, median_run(runs))
            scores = " ".join(f"{name}={audit.scores.get(name)}" for name in CATEGORIES)
            print(f"{audit.label:<24} {scores}", flush=True)
            for category, failed in audit.failures.items():
                for line in failed:
                    print(f"    {category}: {line}")
    if args.reports is None:
        shutil.rmtree(reports, ignore_errors=True)
    block = table(audits, version, chromium_version(), runs=args.runs, load=load)
    print(block)
    missed = [audit.label for audit in audits if not audit.met]
    if missed:
        print(
            "Below target (performance 95, accessibility 100, best practices 100): "
            + ", ".join(missed)
        )
    if not args.no_write:
        write_table(args.output, block)
    return 0


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "community.settings")
    sys.exit(main())
