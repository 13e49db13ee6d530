"""The gunicorn settings file: defaults and the worker hook."""

from __future__ import annotations

import gc
import runpy
from collections.abc import Iterator
from pathlib import Path

import pytest

CONFIG = Path(__file__).resolve().parents[2] / "community" / "gunicorn.conf.py"


@pytest.fixture
def unfrozen() -> Iterator[None]:
    thresholds = gc.get_threshold()
    gc.unfreeze()
    yield
    gc.unfreeze()
    gc.set_threshold(*thresholds)


def test_a_worker_freezes_what_the_app_loaded(unfrozen: None) -> None:
    config = runpy.run_path(str(CONFIG))
    assert gc.get_freeze_count() == 0

    config["post_worker_init"](object())

    assert gc.get_freeze_count() > 0


def test_a_worker_collects_cycles_after_50_000_new_objects_not_700(unfrozen: None) -> None:
    config = runpy.run_path(str(CONFIG))
    gc.set_threshold(700, 10, 10)

    config["post_worker_init"](object())

    assert gc.get_threshold() == (50_000, 20, 100)


def test_sync_workers_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GUNICORN_THREADS", raising=False)
    monkeypatch.setenv("GUNICORN_WORKERS", "3")

    config = runpy.run_path(str(CONFIG))

    assert config["threads"] == 1
    assert config["workers"] == 3


@pytest.mark.parametrize(("value", "expected"), [(None, 2048), ("4096", 4096)])
def test_the_backlog_holds_2048_connections_unless_set(
    monkeypatch: pytest.MonkeyPatch, value: str | None, expected: int
) -> None:
    if value is None:
        monkeypatch.delenv("GUNICORN_BACKLOG", raising=False)
    else:
        monkeypatch.setenv("GUNICORN_BACKLOG", value)

    config = runpy.run_path(str(CONFIG))

    assert config["backlog"] == expected
