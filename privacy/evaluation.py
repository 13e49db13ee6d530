"""Measure the text scanner against a labelled set of posts.

Two sets exist:

* ``heldout`` (``tests/privacy/heldout/text.jsonl``): written once, apart from the
  scanner, and never used for tuning. See ``tests/privacy/heldout/README.md``.
* ``dev`` (``tests/privacy/phi_corpus.jsonl``): the corpus the scanner was built on.
  Its fine-grained kinds are mapped onto the coarse kinds below (``DEV_KINDS``).

Scoring is deliberately kind-blind, because any redaction protects the patient:

* a gold span is **caught** when one finding, of any kind, overlaps at least half of
  its characters;
* a finding is a **true positive** when it overlaps any gold span, and a **false
  alarm** otherwise.

Recall is reported per gold kind and overall; precision overall and per finding kind.
Only the standard library is used, so this runs without Django::

    from privacy.evaluation import evaluate, load_set
    report = evaluate(load_set("heldout"))
    print(format_report(report))
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

REPO_ROOT = Path(__file__).resolve().parent.parent
HELDOUT_PATH = REPO_ROOT / "tests" / "privacy" / "heldout" / "text.jsonl"
DEV_PATH = REPO_ROOT / "tests" / "privacy" / "phi_corpus.jsonl"
# Snippets in the style members post, in batches ("split": "batch20"); same format as DEV_PATH.
POSTS_PATH = REPO_ROOT / "tests" / "privacy" / "phi_dev.jsonl"
# Blind batches scored but not yet read: the next round's development data, kept apart from
# phi_dev.jsonl (and so from the model's training) until then. Same format.
FRESH_PATH = REPO_ROOT / "tests" / "privacy" / "phi_fresh.jsonl"
SET_PATHS: dict[str, Path] = {
    "heldout": HELDOUT_PATH,
    "dev": DEV_PATH,
    "posts": POSTS_PATH,
    "fresh": FRESH_PATH,
}

# The goals the scanner must meet on the held-out set. They live here and only here.
RECALL_GOAL = 0.97
NAME_RECALL_GOAL = 0.95
PLACE_RECALL_GOAL = 0.95
PRECISION_GOAL = 0.90

# Gold kinds of the held-out set. "place" and "postcode" together are what the place
# goal measures: both locate a person.
GOLD_KINDS: tuple[str, ...] = (
    "name",
    "place",
    "postcode",
    "age",
    "date",
    "phone",
    "id",
    "email",
    "url",
)
PLACE_KINDS: frozenset[str] = frozenset({"place", "postcode"})

# The dev corpus uses the scanner's own kinds; this folds them into the coarse ones.
# "biometric" ("fingerprints", "retinal scan") has no coarse equivalent and keeps its name.
DEV_KINDS: dict[str, str] = {
    "name": "name",
    "address": "place",
    "zip": "postcode",
    "age": "age",
    "date": "date",
    "phone": "phone",
    "fax": "phone",
    "email": "email",
    "url": "url",
    "ssn": "id",
    "mrn": "id",
    "health_plan": "id",
    "account": "id",
    "licence": "id",
    "vehicle": "id",
    "device": "id",
    "other_id": "id",
    "ip": "id",
    "biometric": "biometric",
}

CONTEXT_CHARS = 40


class SetFormatError(ValueError):
    """A labelled set that cannot be read: the message names the file and line."""


@dataclass(frozen=True, slots=True)
class GoldSpan:
    kind: str
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Snippet:
    id: str
    text: str
    spans: tuple[GoldSpan, ...]
    style: str = ""
    note: str = ""


class FindingLike(Protocol):
    """What a scanner returns; ``privacy.phi.Finding`` fits."""

    @property
    def kind(self) -> str: ...

    @property
    def start(self) -> int: ...

    @property
    def end(self) -> int: ...

    @property
    def text(self) -> str: ...


Scanner = Callable[[str], Sequence[FindingLike]]


# ---------------------------------------------------------------------------
# Loading
# ---------------------------------------------------------------------------


def occurrences(text: str, needle: str) -> list[int]:
    """Every offset where ``needle`` starts in ``text`` (overlapping ones included)."""
    found: list[int] = []
    start = text.find(needle)
    while start != -1:
        found.append(start)
        start = text.find(needle, start + 1)
    return found


def _fail(path: Path, line_no: int, message: str) -> SetFormatError:
    return SetFormatError(f"{path.name}:{line_no}: {message}")


def _read_rows(path: Path) -> Iterable[tuple[int, dict[str, Any]]]:
    for line_no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as error:
            raise _fail(path, line_no, f"not JSON ({error.msg})") from error
        if not isinstance(row, dict) or not isinstance(row.get("text"), str):
            raise _fail(path, line_no, 'each line must be an object with a "text" string')
        yield line_no, row


def _heldout_span(path: Path, line_no: int, text: str, raw: object) -> GoldSpan:
    if not isinstance(raw, dict):
        raise _fail(path, line_no, f"a span must be an object, not {raw!r}")
    kind, needle, occurrence = raw.get("kind"), raw.get("text"), raw.get("occurrence")
    if kind not in GOLD_KINDS:
        raise _fail(path, line_no, f"unknown kind {kind!r} (expected one of {GOLD_KINDS})")
    if not isinstance(needle, str) or not needle:
        raise _fail(path, line_no, 'a span needs a non-empty "text"')
    found = occurrences(text, needle)
    if not found:
        raise _fail(path, line_no, f"span {needle!r} does not occur in the text")
    if occurrence is None:
        if len(found) > 1:
            raise _fail(path, line_no, f'{needle!r} occurs {len(found)} times: give "occurrence"')
        occurrence = 1
    if isinstance(occurrence, bool) or not isinstance(occurrence, int):
        raise _fail(path, line_no, f'"occurrence" must be a whole number, not {occurrence!r}')
    if not 1 <= occurrence <= len(found):
        raise _fail(
            path,
            line_no,
            f"{needle!r} occurs {len(found)} {'time' if len(found) == 1 else 'times'}; "
            f"occurrence {occurrence} does not exist",
        )
    start = found[occurrence - 1]
    return GoldSpan(kind, start, start + len(needle), needle)


def _check_unique(path: Path, line_no: int, spans: Sequence[GoldSpan]) -> None:
    seen = {(span.start, span.end) for span in spans}
    if len(seen) != len(spans):
        raise _fail(path, line_no, "the same span is labelled twice")


def load_heldout(path: Path = HELDOUT_PATH) -> list[Snippet]:
    """Read the held-out set and resolve every span to offsets.

    Each line is ``{"id", "text", "spans": [{"kind", "text", "occurrence"?}], "style",
    "note"}``. ``occurrence`` (1 for the first) is required when the span's text appears
    more than once. Raises ``SetFormatError`` on anything malformed.
    """
    snippets: list[Snippet] = []
    ids: set[str] = set()
    for line_no, row in _read_rows(path):
        snippet_id = row.get("id")
        if not isinstance(snippet_id, str) or not snippet_id:
            raise _fail(path, line_no, 'each snippet needs an "id"')
        if snippet_id in ids:
            raise _fail(path, line_no, f"duplicate id {snippet_id!r}")
        ids.add(snippet_id)
        raw_spans = row.get("spans")
        if not isinstance(raw_spans, list):
            raise _fail(path, line_no, '"spans" must be a list')
        text = row["text"]
        spans = [_heldout_span(path, line_no, text, raw) for raw in raw_spans]
        _check_unique(path, line_no, spans)
        style, note = row.get("style", ""), row.get("note", "")
        if not isinstance(style, str) or not isinstance(note, str):
            raise _fail(path, line_no, '"style" and "note" must be strings')
        snippets.append(Snippet(snippet_id, text, tuple(spans), style, note))
    return snippets


def load_dev(path: Path = DEV_PATH) -> list[Snippet]:
    """Read the dev corpus (``{"text", "spans": [[kind, text, index?]], "neg"?, "split"?}``).

    Its span index, when present, is 0-based. Kinds are folded with ``DEV_KINDS``; the
    snippet id is ``d`` + the line number and the style is the corpus's ``split``.
    """
    snippets: list[Snippet] = []
    for line_no, row in _read_rows(path):
        text = row["text"]
        spans: list[GoldSpan] = []
        for raw in row.get("spans", []):
            if not isinstance(raw, list) or len(raw) not in (2, 3):
                raise _fail(path, line_no, f"a span must be [kind, text, index?], not {raw!r}")
            kind, needle, *rest = raw
            if kind not in DEV_KINDS:
                raise _fail(path, line_no, f"unknown kind {kind!r}")
            index = rest[0] if rest else 0
            found = occurrences(text, needle)
            if not isinstance(index, int) or not 0 <= index < len(found):
                raise _fail(path, line_no, f"span {needle!r} (index {index!r}) not in the text")
            start = found[index]
            spans.append(GoldSpan(DEV_KINDS[kind], start, start + len(needle), needle))
        _check_unique(path, line_no, spans)
        snippets.append(
            Snippet(f"d{line_no:03d}", text, tuple(spans), str(row.get("split", "dev")))
        )
    return snippets


def load_set(name: str) -> list[Snippet]:
    """``"heldout"``, ``"dev"``, ``"posts"`` (the dev snippets in the style members post) or
    ``"fresh"`` (blind batches scored but not yet read)."""
    if name == "heldout":
        return load_heldout()
    if name == "dev":
        return load_dev()
    if name == "posts":
        return load_dev(POSTS_PATH)
    if name == "fresh":
        return load_dev(FRESH_PATH)
    raise ValueError(f"unknown set {name!r}; choose one of {sorted(SET_PATHS)}")


# ---------------------------------------------------------------------------
# Scoring
# ---------------------------------------------------------------------------


def overlap(a_start: int, a_end: int, b_start: int, b_end: int) -> int:
    """Number of characters two half-open ranges share."""
    return max(0, min(a_end, b_end) - max(a_start, b_start))


def is_caught(span: GoldSpan, finding: FindingLike) -> bool:
    """The finding covers at least half of the gold span's characters."""
    return 2 * overlap(span.start, span.end, finding.start, finding.end) >= span.end - span.start


def _context(text: str, start: int, end: int) -> str:
    left = max(0, start - CONTEXT_CHARS)
    right = min(len(text), end + CONTEXT_CHARS)
    return (
        ("…" if left else "")
        + text[left:start]
        + "["
        + text[start:end]
        + "]"
        + text[end:right]
        + ("…" if right < len(text) else "")
    )


@dataclass(frozen=True, slots=True)
class Miss:
    snippet_id: str
    kind: str
    text: str
    context: str
    # Kinds of findings that touched the span but covered less than half of it.
    partial: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class FalseAlarm:
    snippet_id: str
    kind: str
    text: str
    context: str


@dataclass(frozen=True, slots=True)
class Goal:
    label: str
    value: float
    target: float

    @property
    def met(self) -> bool:
        return self.value >= self.target


def ratio(part: int, whole: int) -> float:
    """``part / whole``, and 1.0 when there is nothing to count (nothing was missed)."""
    return part / whole if whole else 1.0


@dataclass
class Report:
    """Counts for one run of a scanner over a set."""

    set_name: str
    snippets: int = 0
    snippets_without_gold: int = 0
    gold: Counter[str] = field(default_factory=Counter)
    caught: Counter[str] = field(default_factory=Counter)
    findings: Counter[str] = field(default_factory=Counter)
    true_positives: Counter[str] = field(default_factory=Counter)
    misses: list[Miss] = field(default_factory=list)
    false_alarms: list[FalseAlarm] = field(default_factory=list)

    def recall(self, kinds: Iterable[str] | None = None) -> float:
        """Share of gold spans caught, over ``kinds`` (all kinds when None)."""
        chosen = list(self.gold) if kinds is None else list(kinds)
        return ratio(sum(self.caught[k] for k in chosen), sum(self.gold[k] for k in chosen))

    def precision(self, kind: str | None = None) -> float:
        """Share of findings that overlap a gold span, for one finding kind or all."""
        if kind is None:
            return ratio(sum(self.true_positives.values()), sum(self.findings.values()))
        return ratio(self.true_positives[kind], self.findings[kind])

    def goals(self) -> list[Goal]:
        return [
            Goal("recall, all kinds", self.recall(), RECALL_GOAL),
            Goal("recall, names", self.recall(["name"]), NAME_RECALL_GOAL),
            Goal("recall, places (place + postcode)", self.recall(PLACE_KINDS), PLACE_RECALL_GOAL),
            Goal("precision, all findings", self.precision(), PRECISION_GOAL),
        ]


def default_scanner() -> Scanner:
    from privacy.phi import find_phi

    return find_phi


def evaluate(
    snippets: Iterable[Snippet], scanner: Scanner | None = None, *, set_name: str = ""
) -> Report:
    """Run ``scanner`` (``privacy.phi.find_phi`` by default) over ``snippets`` and score it."""
    scan = scanner if scanner is not None else default_scanner()
    report = Report(set_name=set_name)
    for snippet in snippets:
        report.snippets += 1
        if not snippet.spans:
            report.snippets_without_gold += 1
        findings = list(scan(snippet.text))
        for span in snippet.spans:
            report.gold[span.kind] += 1
            if any(is_caught(span, finding) for finding in findings):
                report.caught[span.kind] += 1
                continue
            partial = tuple(
                sorted(
                    {f.kind for f in findings if overlap(span.start, span.end, f.start, f.end) > 0}
                )
            )
            report.misses.append(
                Miss(
                    snippet.id,
                    span.kind,
                    span.text,
                    _context(snippet.text, span.start, span.end),
                    partial,
                )
            )
        for finding in findings:
            report.findings[finding.kind] += 1
            if any(
                overlap(span.start, span.end, finding.start, finding.end) > 0
                for span in snippet.spans
            ):
                report.true_positives[finding.kind] += 1
            else:
                report.false_alarms.append(
                    FalseAlarm(
                        snippet.id,
                        finding.kind,
                        finding.text,
                        _context(snippet.text, finding.start, finding.end),
                    )
                )
    return report


# ---------------------------------------------------------------------------
# Formatting (markdown)
# ---------------------------------------------------------------------------


def _kind_order(kinds: Iterable[str]) -> list[str]:
    known = [k for k in GOLD_KINDS if k in kinds]
    return known + sorted(set(kinds) - set(GOLD_KINDS))


def format_report(report: Report) -> str:
    """Per-kind recall and precision tables, then the goals, in markdown."""
    lines = [
        f"Set `{report.set_name}`: {report.snippets} snippets, "
        f"{report.snippets_without_gold} with no identifier, "
        f"{sum(report.gold.values())} gold spans, {sum(report.findings.values())} findings.",
        "",
        "| gold kind | gold | caught | recall |",
        "|---|---:|---:|---:|",
    ]
    for kind in _kind_order(report.gold):
        lines.append(
            f"| {kind} | {report.gold[kind]} | {report.caught[kind]} "
            f"| {report.recall([kind]):.3f} |"
        )
    places = sorted(PLACE_KINDS)
    lines.append(
        f"| place + postcode | {sum(report.gold[k] for k in places)} "
        f"| {sum(report.caught[k] for k in places)} | {report.recall(places):.3f} |"
    )
    lines.append(
        f"| **all** | **{sum(report.gold.values())}** | **{sum(report.caught.values())}** "
        f"| **{report.recall():.3f}** |"
    )
    lines += [
        "",
        "| finding kind | findings | true positives | precision |",
        "|---|---:|---:|---:|",
    ]
    for kind in sorted(report.findings):
        lines.append(
            f"| {kind} | {report.findings[kind]} | {report.true_positives[kind]} "
            f"| {report.precision(kind):.3f} |"
        )
    lines.append(
        f"| **all** | **{sum(report.findings.values())}** "
        f"| **{sum(report.true_positives.values())}** | **{report.precision():.3f}** |"
    )
    lines += ["", "| goal | measured | target | met |", "|---|---:|---:|---|"]
    for goal in report.goals():
        lines.append(
            f"| {goal.label} | {goal.value:.3f} | {goal.target:.2f} | "
            f"{'yes' if goal.met else 'no'} |"
        )
    return "\n".join(lines)


def format_errors(report: Report) -> str:
    """Every miss and false alarm, one line each, the span in [brackets]."""
    lines = [f"Misses ({len(report.misses)}):"]
    for miss in report.misses:
        touched = f" (touched by {', '.join(miss.partial)})" if miss.partial else ""
        lines.append(f"- {miss.snippet_id} {miss.kind}{touched}: {miss.context}")
    lines += ["", f"False alarms ({len(report.false_alarms)}):"]
    for alarm in report.false_alarms:
        lines.append(f"- {alarm.snippet_id} {alarm.kind}: {alarm.context}")
    return "\n".join(lines)
