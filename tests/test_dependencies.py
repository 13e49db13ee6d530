"""The lock files agree with pyproject.toml's ranges, pin everything with hashes, and are what
this environment runs on.

`make lock` writes requirements/base.txt (the application) and requirements/dev.txt (the
application with the tools of `make test`) from pyproject.toml; `make install` installs
requirements/dev.txt with --require-hashes. A range edited without `make lock`, a lock edited by
hand or an environment installed some other way fails here.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import pytest
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from tools.audit import advisories_path
from tools.osv_server import AdvisoryIndex, load_advisories

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
BASE = ROOT / "requirements" / "base.txt"
DEV = ROOT / "requirements" / "dev.txt"


@dataclass(frozen=True)
class Pin:
    version: str
    marker: Marker | None
    hashes: int

    def applies(self) -> bool:
        return self.marker is None or self.marker.evaluate()


PIN = re.compile(
    r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)==(?P<version>\S+)(?:\s*;\s*(?P<marker>.+?))?\s*\\?$"
)


def read_lock(path: Path) -> dict[str, Pin]:
    """name -> pin, from a pip requirements file of `name==version ; marker` lines, each
    followed by its `--hash=` lines."""
    pins: dict[str, Pin] = {}
    name = ""
    for line in path.read_text().splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.startswith("--hash="):
            pin = pins[name]
            pins[name] = Pin(pin.version, pin.marker, pin.hashes + 1)
            continue
        match = PIN.match(stripped)
        assert match, f"{path.name}: not a pinned requirement: {line!r}"
        name = canonicalize_name(match["name"])
        marker = Marker(match["marker"]) if match["marker"] else None
        pins[name] = Pin(match["version"], marker, 0)
    return pins


def requirements(*, extras: tuple[str, ...]) -> list[Requirement]:
    listed = list(PYPROJECT["project"]["dependencies"])
    for extra in extras:
        listed += PYPROJECT["project"]["optional-dependencies"][extra]
    return [Requirement(text) for text in listed]


@pytest.mark.parametrize(
    ("lock", "extras"), [(BASE, ()), (DEV, ("dev",))], ids=["base.txt", "dev.txt"]
)
def test_every_range_in_pyproject_is_pinned_inside_it(lock: Path, extras: tuple[str, ...]) -> None:
    pins = read_lock(lock)
    wrong = []
    for requirement in requirements(extras=extras):
        pin = pins.get(canonicalize_name(requirement.name))
        if pin is None:
            wrong.append(f"{requirement.name} is not in {lock.name}")
        elif not requirement.specifier.contains(pin.version, prereleases=True):
            wrong.append(f"{requirement.name}=={pin.version} is outside {requirement.specifier}")
    assert wrong == [], "pyproject.toml and the lock disagree; run `make lock`"


@pytest.mark.parametrize("lock", [BASE, DEV], ids=["base.txt", "dev.txt"])
def test_every_pin_carries_hashes(lock: Path) -> None:
    unhashed = [name for name, pin in read_lock(lock).items() if pin.hashes == 0]
    assert unhashed == []


def test_the_tools_lock_the_same_releases_as_the_application() -> None:
    base, dev = read_lock(BASE), read_lock(DEV)
    differ = {
        name: (pin.version, dev[name].version)
        for name, pin in base.items()
        if name not in dev or dev[name].version != pin.version
    }
    assert differ == {}


def test_the_environment_runs_exactly_the_locked_releases() -> None:
    installed: dict[str, str] = {
        canonicalize_name(dist.metadata["Name"]): dist.version for dist in metadata.distributions()
    }
    differ = {
        name: (pin.version, installed.get(name))
        for name, pin in read_lock(DEV).items()
        if pin.applies() and installed.get(name) != pin.version
    }
    assert differ == {}, "the virtualenv is not the lock's: run `make install`"


@pytest.fixture(scope="module")
def advisories() -> AdvisoryIndex:
    path = advisories_path()
    if not path.is_file():
        reason = f"needs the advisory file at {path} (AUDIT_ADVISORIES_FILE)"
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail(f"REQUIRE_SERVICES=1 but this test {reason}")
        pytest.skip(reason)
    return load_advisories(path)


def test_no_floor_in_pyproject_admits_a_release_with_a_known_advisory(
    advisories: AdvisoryIndex,
) -> None:
    """The lowest release each range admits has no advisory (the lock's own releases are
    checked by `make audit`)."""
    vulnerable = {}
    for requirement in requirements(extras=("dev",)):
        floors = [spec.version for spec in requirement.specifier if spec.operator == ">="]
        assert floors, f"{requirement} has no floor"
        found = advisories.find(name=requirement.name, version=Version(floors[0]))
        if found:
            vulnerable[f"{requirement.name}=={floors[0]}"] = [advisory["id"] for advisory in found]
    assert vulnerable == {}
