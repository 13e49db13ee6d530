"""bench/lighthouse.py reads Lighthouse's report into scores and the audits that cost
points, and rewrites only the table between the README's markers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bench.lighthouse import (
    MARK_END,
    MARK_START,
    Audit,
    median_run,
    read_result,
    table,
    write_table,
)


def report() -> dict[str, Any]:
    return {
        "categories": {
            "performance": {
                "score": 0.934,
                "auditRefs": [
                    {"id": "largest-contentful-paint", "weight": 25},
                    {"id": "render-blocking-insight", "weight": 0},
                ],
            },
            "accessibility": {
                "score": 0.97,
                "auditRefs": [
                    {"id": "target-size", "weight": 7},
                    {"id": "image-alt", "weight": 10},
                    {"id": "manual-check", "weight": 0},
                ],
            },
            "best-practices": {"score": 1, "auditRefs": [{"id": "errors-in-console", "weight": 1}]},
            "seo": {"score": 0.91, "auditRefs": [{"id": "meta-description", "weight": 1}]},
        },
        "audits": {
            "largest-contentful-paint": {
                "score": 0.8,
                "title": "Largest Contentful Paint",
                "displayValue": "2.9 s",
            },
            "render-blocking-insight": {"score": 0, "title": "Render blocking requests"},
            "target-size": {"score": 0, "title": "Touch targets are too small"},
            "image-alt": {"score": 1, "title": "Images have alt text"},
            "manual-check": {"score": None, "title": "Checked by hand"},
            "errors-in-console": {"score": 1, "title": "No errors in the console"},
            "meta-description": {"score": 0, "title": "No meta description"},
        },
    }


def test_scores_and_the_audits_that_cost_points() -> None:
    audit = Audit("A profile", "profile", "member")
    read_result(audit, report())
    assert audit.scores == {
        "performance": 93,
        "accessibility": 97,
        "best-practices": 100,
        "seo": 91,
    }
    assert audit.failures == {
        "performance": ["largest-contentful-paint: Largest Contentful Paint (2.9 s)"],
        "accessibility": ["target-size: Touch targets are too small"],
        "seo": ["meta-description: No meta description"],
    }
    assert not audit.met


def test_a_page_on_target_is_met_whatever_its_seo() -> None:
    audit = Audit("Explore", "explore", "member")
    audit.scores = {"performance": 95, "accessibility": 100, "best-practices": 100, "seo": 80}
    assert audit.met
    audit.scores["best-practices"] = 96
    assert not audit.met


def test_a_failed_run_is_an_error_not_a_zero() -> None:
    with pytest.raises(RuntimeError, match="NO_FCP"):
        read_result(Audit("Home", "home", "visitor"), {"runtimeError": {"message": "NO_FCP"}})


def test_the_table_replaces_only_what_is_between_the_markers(tmp_path: Path) -> None:
    audit = Audit("Home, visitor", "home", "visitor")
    audit.scores = {"performance": 99, "accessibility": 100, "best-practices": 100, "seo": 100}
    readme = tmp_path / "README.md"
    readme.write_text(f"# Rounds\n\n{MARK_START}\nold figures\n{MARK_END}\n\n## After\n")
    write_table(readme, table([audit], "12.8.2", "Chromium 156"))
    text = readme.read_text()
    assert "old figures" not in text
    assert "| Home, visitor | 99 | 100 | 100 | 100 |" in text
    assert text.startswith("# Rounds\n\n" + MARK_START)
    assert text.endswith(MARK_END + "\n\n## After\n")


def test_a_readme_without_markers_is_refused(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text("# Rounds\n")
    with pytest.raises(SystemExit, match="markers"):
        write_table(readme, table([], "12.8.2", "Chromium 156"))
    assert readme.read_text() == "# Rounds\n"


def test_the_median_run_by_performance_counts() -> None:
    runs = [report(), report(), report()]
    for run, score in zip(runs, (0.81, 0.99, 0.96), strict=True):
        run["categories"]["performance"]["score"] = score
    assert median_run(runs)["categories"]["performance"]["score"] == 0.96
    assert median_run(runs[:2])["categories"]["performance"]["score"] == 0.81
