"""``bench/phi_crossval.py``: the folds, the model it swaps in, and what it refuses.

Training a fold takes half a minute, so the suite checks the parts around it; docs/phi.md
("Where the recall stops") gives the command and its figures.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from privacy.phi import model
from privacy.phi.patterns.common import CAPITALISED_RE

TEXT = "Lost a lovely man today. Fergus ran a chip shop for 50 years."


def _bench_module() -> ModuleType:
    path = Path(__file__).resolve().parents[2] / "bench" / "phi_crossval.py"
    spec = importlib.util.spec_from_file_location("phi_crossval", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclass looks its module up there
    spec.loader.exec_module(module)
    return module


def _model_names() -> list[str]:
    spans = [m.span() for m in CAPITALISED_RE.finditer(TEXT)]
    return [TEXT[start:end] for start, end, _ in model.model_names(TEXT, spans)]


def test_batch_number_reads_the_batch_of_a_split() -> None:
    bench = _bench_module()
    assert bench.batch_number("batch20") == 20
    assert bench.batch_number("batch7") == 7
    assert bench.batch_number("") is None
    assert bench.batch_number("holdout1") is None
    assert bench.batch_number("batch20b") is None


def test_the_scanner_reads_the_swapped_model_and_cut_offs_then_its_own_again() -> None:
    bench = _bench_module()
    assert _model_names() == ["Fergus"]
    tagger = model.TAGGER
    with bench.scanning_with(model.MODEL_PATH, (1.0, 1.0, 1.0)):
        assert model.TAGGER is not tagger
        assert _model_names() == []  # no probability reaches 1.0
    assert model.TAGGER is tagger
    assert (model.THRESHOLD, model.LOWER_THRESHOLD, model.PLACE_THRESHOLD) == (0.5, 0.8, 0.7)
    assert _model_names() == ["Fergus"]


def test_the_committed_model_and_cut_offs_come_back_after_an_error() -> None:
    bench = _bench_module()
    tagger = model.TAGGER
    with pytest.raises(RuntimeError), bench.scanning_with(model.MODEL_PATH, (0.1, 0.1, 0.1)):
        assert model.THRESHOLD == 0.1
        raise RuntimeError
    assert model.TAGGER is tagger
    assert model.THRESHOLD == 0.5


@pytest.mark.parametrize(
    "argv",
    [
        ["--thresholds", "0.5,0.8"],
        ["--thresholds", "0.5,0.8,1.5"],
        ["--thresholds", "a,b,c"],
        ["--fraction", "0"],
        ["--fraction", "1.5"],
        ["--fold", "5"],
    ],
)
def test_bad_arguments_are_refused_before_any_training(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    bench = _bench_module()
    with pytest.raises(SystemExit) as exit_info:
        bench.main(argv)
    assert exit_info.value.code == 2
    assert "error:" in capsys.readouterr().err
