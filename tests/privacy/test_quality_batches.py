"""bench/phi_quality.py on the dev posts, one batch at a time (never the held-out set)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from privacy.evaluation import evaluate, load_set

SCRIPT = Path(__file__).resolve().parents[2] / "bench" / "phi_quality.py"


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("phi_quality", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["phi_quality"] = module
    spec.loader.exec_module(module)
    return module


def test_posts_set_is_the_dev_posts_with_their_batches() -> None:
    posts = load_set("posts")
    styles = {s.style for s in posts}
    assert {"dev", "batch20", "batch29"} <= styles
    assert len([s for s in posts if s.style == "batch20"]) == 46


def test_batch_filter_scores_only_that_batch(capsys: pytest.CaptureFixture[str]) -> None:
    assert _script().main(["--set", "posts", "--batch", "batch20", "--batch", "batch21"]) == 0
    assert "Set `posts`: 92 snippets" in capsys.readouterr().out


def test_an_unknown_batch_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        _script().main(["--set", "posts", "--batch", "batch999"])
    assert exit_info.value.code == 2
    assert "batch999" in capsys.readouterr().err


def test_fresh_set_holds_the_unread_blind_batches_apart_from_training() -> None:
    fresh = load_set("fresh")
    assert {s.style for s in fresh} == {
        f"batch{n}"
        for n in (
            *range(57, 62),
            *range(86, 90),
            *range(118, 126),
            *range(146, 150),
            *range(162, 166),
            *range(178, 182),
            *range(188, 190),
            *range(196, 198),
            *range(206, 208),
        )
    }
    assert len(fresh) == 1_750
    # Never in the posts the model is trained on (privacy.phi.train reads phi_dev.jsonl).
    assert not {s.text for s in fresh} & {s.text for s in load_set("posts")}


def test_fresh_set_does_not_fall_below_its_last_measured_figures() -> None:
    # docs/phi.md, "Twelfth round", "Thirteenth to fifteenth rounds" and "Sixteenth to
    # twenty-first rounds": batches 57-61, 86-89 and 118-125 (0.902 recall and 0.916
    # precision after the fifteenth round), 146-149, 162-165, 178-181, 188-189, 196-197 and
    # 206-207, written in the sixteenth to twenty-first rounds and never read; together 0.918,
    # 0.918, and 0.926, 0.918 after the twenty-second round.
    report = evaluate(load_set("fresh"), set_name="fresh")
    assert round(report.recall(), 3) >= 0.926
    assert round(report.precision(), 3) >= 0.918


def test_dev_posts_hold_the_figures_the_readme_gives() -> None:
    # README, "Measured quality": 0.947 recall on the dev posts (kind-blind, as the held-out
    # set is scored), at 0.940 precision (docs/phi.md, "Twenty-second round").
    report = evaluate(load_set("posts"), set_name="posts")
    assert round(report.recall(), 3) >= 0.947
    assert round(report.precision(), 3) >= 0.940
