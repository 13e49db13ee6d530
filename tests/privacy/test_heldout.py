"""The held-out set for the patient-privacy scanner, the scoring tool, and the goals.

Three layers:

* the set in ``tests/privacy/heldout/text.jsonl`` is well formed and covers what it must;
* ``privacy.evaluation`` scores correctly on tiny hand-made cases;
* the scanner meets the goals on the held-out set (``test_scanner_meets_the_goals``).

None of this needs the database.
"""

from __future__ import annotations

import importlib.util
import json
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import pytest

from privacy.evaluation import (
    DEV_PATH,
    GOLD_KINDS,
    NAME_RECALL_GOAL,
    PLACE_RECALL_GOAL,
    PRECISION_GOAL,
    RECALL_GOAL,
    GoldSpan,
    Report,
    SetFormatError,
    Snippet,
    evaluate,
    format_errors,
    format_report,
    is_caught,
    load_dev,
    load_heldout,
    load_set,
)

HELDOUT = load_heldout()

MIN_SNIPPETS = 320
# Every kind of post the set imitates, each with at least MIN_PER_STYLE snippets.
REQUIRED_STYLES = (
    "case-question",
    "story",
    "vent",
    "handoff",
    "long-case",
    "logistics",
    "reply",
    "hashtag",
    "pearl",
    "journal-club",
    "news",
    "humor",
)
MIN_PER_STYLE = 10
# Enough gold spans of each kind for its recall to mean something.
MIN_PER_KIND = {
    "name": 150,
    "place": 50,
    "postcode": 15,
    "age": 30,
    "date": 20,
    "phone": 15,
    "id": 18,
    "email": 5,
    "url": 4,
}

UK_POSTCODE = re.compile(r"[A-Z]{1,2}\d[A-Z\d]? \d[A-Z]{2}")
CANADIAN_POSTCODE = re.compile(r"[A-Z]\d[A-Z] \d[A-Z]\d")
US_ZIP = re.compile(r"\d{5}")
NHS_NUMBER = re.compile(r"\d{3} ?\d{3} ?\d{4}")
DD_MM_YYYY = re.compile(r"\d{2}[/.]\d{2}[/.]\d{4}")


def _spans(kind: str) -> list[GoldSpan]:
    return [span for snippet in HELDOUT for span in snippet.spans if span.kind == kind]


def _nhs_check_digit_ok(number: str) -> bool:
    digits = [int(c) for c in number if c.isdigit()]
    check = 11 - sum(d * (10 - i) for i, d in enumerate(digits[:9])) % 11
    return (0 if check == 11 else check) == digits[9]


# ---------------------------------------------------------------------------
# The set is well formed
# ---------------------------------------------------------------------------


def test_every_span_resolves_to_its_text() -> None:
    assert HELDOUT, "the held-out set is empty"
    for snippet in HELDOUT:
        for span in snippet.spans:
            assert snippet.text[span.start : span.end] == span.text, snippet.id


def test_every_labelled_occurrence_is_its_own_span() -> None:
    # "Gerald asked ... Gerald is 78": both mentions are labelled, at different offsets.
    gerald = next(s for s in HELDOUT if s.text.startswith("Gerald asked"))
    assert [(span.text, span.start) for span in gerald.spans] == [
        ("Gerald", 0),
        ("Gerald", gerald.text.index("Gerald", 1)),
    ]


def test_set_is_large_enough_and_a_third_has_no_identifier() -> None:
    assert len(HELDOUT) >= MIN_SNIPPETS
    negatives = [s for s in HELDOUT if not s.spans]
    assert 3 * len(negatives) >= len(HELDOUT)
    assert len({s.id for s in HELDOUT}) == len(HELDOUT)


def test_every_style_is_present() -> None:
    styles = Counter(s.style for s in HELDOUT)
    assert set(styles) == set(REQUIRED_STYLES), "every snippet names one of the known styles"
    thin = {style: styles[style] for style in REQUIRED_STYLES if styles[style] < MIN_PER_STYLE}
    assert not thin, f"styles with fewer than {MIN_PER_STYLE} snippets: {thin}"
    assert all(s.note for s in HELDOUT), "every snippet says what it tests"


def test_every_kind_has_enough_gold_spans() -> None:
    counts = Counter(span.kind for s in HELDOUT for span in s.spans)
    assert set(counts) == set(GOLD_KINDS)
    thin = {kind: counts[kind] for kind, least in MIN_PER_KIND.items() if counts[kind] < least}
    assert not thin, thin


def test_international_formats_are_covered() -> None:
    postcodes = [span.text for span in _spans("postcode")]
    assert sum(bool(UK_POSTCODE.fullmatch(p)) for p in postcodes) >= 6
    assert sum(bool(CANADIAN_POSTCODE.fullmatch(p)) for p in postcodes) >= 5
    assert sum(bool(US_ZIP.fullmatch(p)) for p in postcodes) >= 5
    phones = [span.text for span in _spans("phone")]
    assert sum(p.startswith("+") and not p.startswith("+1 ") for p in phones) >= 8
    nhs = [span.text for span in _spans("id") if NHS_NUMBER.fullmatch(span.text)]
    assert len(nhs) >= 6
    dates = [span.text for span in _spans("date")]
    assert sum(bool(DD_MM_YYYY.fullmatch(d)) for d in dates) >= 10


def test_nhs_numbers_carry_a_valid_check_digit() -> None:
    # NHS and CHI numbers end in a mod-11 check digit, which a scanner may verify:
    # invented numbers must pass it to be fair.
    candidates = [
        s.text
        for s in _spans("id")
        if NHS_NUMBER.fullmatch(s.text) and len(re.sub(r"\D", "", s.text)) == 10
    ]
    assert candidates
    assert [n for n in candidates if not _nhs_check_digit_ok(n)] == []


def test_negatives_hold_traps_not_identifiers() -> None:
    negatives = " ".join(s.text for s in HELDOUT if not s.spans)
    for trap in ("Parkinson", "Xarelto", "DAPA-HF", "NCT", "doi", "@", "in her 90s", "2/52"):
        assert trap in negatives, trap


def _write(tmp_path: Path, rows: list[object]) -> Path:
    path = tmp_path / "set.jsonl"
    path.write_text("\n".join(json.dumps(row) for row in rows) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"id": "x", "text": "pt Ana", "spans": [{"kind": "name", "text": "Bo"}]}, "not occur"),
        (
            {"id": "x", "text": "Ana and Ana", "spans": [{"kind": "name", "text": "Ana"}]},
            "occurs 2 times",
        ),
        (
            {
                "id": "x",
                "text": "Ana and Ana",
                "spans": [{"kind": "name", "text": "Ana", "occurrence": 3}],
            },
            "occurrence 3 does not exist",
        ),
        ({"id": "x", "text": "pt Ana", "spans": [{"kind": "person", "text": "Ana"}]}, "kind"),
        ({"id": "x", "text": "pt Ana", "spans": "Ana"}, "must be a list"),
        ({"text": "pt Ana", "spans": []}, '"id"'),
        ({"id": "x", "spans": []}, '"text"'),
        (
            {
                "id": "x",
                "text": "pt Ana",
                "spans": [{"kind": "name", "text": "Ana"}, {"kind": "name", "text": "Ana"}],
            },
            "labelled twice",
        ),
    ],
)
def test_loader_refuses_malformed_lines_with_a_clear_message(
    tmp_path: Path, row: dict[str, object], message: str
) -> None:
    with pytest.raises(SetFormatError, match=message) as raised:
        load_heldout(_write(tmp_path, [row]))
    assert "set.jsonl:1" in str(raised.value)


def test_loader_refuses_duplicate_ids_and_bad_json(tmp_path: Path) -> None:
    row = {"id": "x", "text": "nothing here", "spans": []}
    with pytest.raises(SetFormatError, match="duplicate id"):
        load_heldout(_write(tmp_path, [row, row]))
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x", "text": \n', encoding="utf-8")
    with pytest.raises(SetFormatError, match="bad.jsonl:1: not JSON"):
        load_heldout(bad)


def test_loader_picks_the_named_occurrence(tmp_path: Path) -> None:
    row = {
        "id": "x",
        "text": "Ana and Ana",
        "spans": [{"kind": "name", "text": "Ana", "occurrence": 2}],
    }
    (snippet,) = load_heldout(_write(tmp_path, [row]))
    assert snippet.spans == (GoldSpan("name", 8, 11, "Ana"),)


def test_dev_corpus_loads_with_coarse_kinds() -> None:
    dev = load_dev()
    rows = DEV_PATH.read_text(encoding="utf-8").splitlines()
    assert len(dev) == len([r for r in rows if r.strip()])
    kinds = {span.kind for s in dev for span in s.spans}
    assert kinds <= set(GOLD_KINDS) | {"biometric"}
    assert {"place", "postcode", "id", "phone"} <= kinds
    for snippet in dev:
        for span in snippet.spans:
            assert snippet.text[span.start : span.end] == span.text
    assert load_set("dev") == dev
    with pytest.raises(ValueError, match="unknown set"):
        load_set("train")


# ---------------------------------------------------------------------------
# Scoring on hand-made cases
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class FakeFinding:
    kind: str
    start: int
    end: int
    text: str


def _scanner(findings: dict[str, list[tuple[str, str]]]) -> Callable[[str], list[FakeFinding]]:
    """A scanner that reports the given (kind, substring) pairs for each text."""

    def scan(text: str) -> list[FakeFinding]:
        out: list[FakeFinding] = []
        for kind, needle in findings.get(text, []):
            start = text.index(needle)
            out.append(FakeFinding(kind, start, start + len(needle), needle))
        return out

    return scan


def _snippet(snippet_id: str, text: str, *spans: tuple[str, str]) -> Snippet:
    gold: list[GoldSpan] = []
    for kind, needle in spans:
        start = text.index(needle)
        gold.append(GoldSpan(kind, start, start + len(needle), needle))
    return Snippet(snippet_id, text, tuple(gold))


def test_a_span_is_caught_when_one_finding_covers_half_of_it() -> None:
    span = GoldSpan("name", 10, 20, "x" * 10)
    assert is_caught(span, FakeFinding("name", 10, 15, ""))  # exactly half
    assert is_caught(span, FakeFinding("date", 0, 30, ""))  # any kind, covering all
    assert not is_caught(span, FakeFinding("name", 10, 14, ""))  # 4 of 10
    assert not is_caught(span, FakeFinding("name", 20, 25, ""))  # touching, not overlapping
    odd = GoldSpan("name", 0, 5, "x" * 5)
    assert not is_caught(odd, FakeFinding("name", 0, 2, ""))  # 2 of 5 is under half
    assert is_caught(odd, FakeFinding("name", 2, 9, ""))  # 3 of 5


def test_two_small_findings_do_not_add_up_to_a_catch() -> None:
    snippet = _snippet("s1", "pt maria lopez here", ("name", "maria lopez"))
    report = evaluate([snippet], _scanner({snippet.text: [("name", "mari"), ("name", "lopez")]}))
    assert report.caught["name"] == 0
    assert report.misses[0].partial == ("name",)
    # Both findings touch the gold span, so neither is a false alarm.
    assert report.true_positives["name"] == 2
    assert report.false_alarms == []


def test_recall_per_gold_kind_and_precision_per_finding_kind() -> None:
    one = _snippet(
        "s1",
        "Mrs Haddad, 96, from Kenosha, call 555-0142",
        ("name", "Haddad"),
        ("age", "96"),
        ("place", "Kenosha"),
        ("phone", "555-0142"),
    )
    two = _snippet("s2", "GCS 14 on Xarelto, SPRINT trial")
    three = _snippet("s3", "lives at LS6 2QT", ("postcode", "LS6 2QT"))
    scanner = _scanner(
        {
            one.text: [("name", "Mrs Haddad"), ("address", "Kenosha"), ("phone", "call 555")],
            two.text: [("name", "Xarelto"), ("other_id", "SPRINT")],
            three.text: [("address", "LS6 2QT")],
        }
    )
    report = evaluate([one, two, three], scanner, set_name="tiny")

    assert report.snippets == 3 and report.snippets_without_gold == 1
    assert report.recall(["name"]) == 1.0
    assert report.recall(["age"]) == 0.0
    # "call 555" covers 3 of the 8 characters of "555-0142": a miss, but not a false alarm.
    assert report.recall(["phone"]) == 0.0
    assert report.recall(["place", "postcode"]) == 1.0
    assert report.recall() == pytest.approx(3 / 5)
    assert report.precision("name") == pytest.approx(1 / 2)
    assert report.precision("address") == 1.0
    assert report.precision("other_id") == 0.0
    assert report.precision() == pytest.approx(4 / 6)
    assert sorted((m.snippet_id, m.kind, m.text) for m in report.misses) == [
        ("s1", "age", "96"),
        ("s1", "phone", "555-0142"),
    ]
    assert [(a.snippet_id, a.kind, a.text) for a in report.false_alarms] == [
        ("s2", "name", "Xarelto"),
        ("s2", "other_id", "SPRINT"),
    ]
    assert report.false_alarms[0].context == "GCS 14 on [Xarelto], SPRINT trial"


def test_empty_counts_do_not_divide_by_zero() -> None:
    report = evaluate([_snippet("s1", "nothing to see")], _scanner({}))
    assert report.recall() == 1.0
    assert report.precision() == 1.0
    assert all(goal.met for goal in report.goals())


def test_goals_are_the_documented_numbers() -> None:
    snippet = _snippet("s1", "Ana from Lowell", ("name", "Ana"), ("place", "Lowell"))
    report = evaluate([snippet], _scanner({snippet.text: [("name", "Ana")]}))
    goals = {goal.label: goal for goal in report.goals()}
    assert [g.target for g in goals.values()] == [
        RECALL_GOAL,
        NAME_RECALL_GOAL,
        PLACE_RECALL_GOAL,
        PRECISION_GOAL,
    ]
    assert (RECALL_GOAL, NAME_RECALL_GOAL, PLACE_RECALL_GOAL, PRECISION_GOAL) == (
        0.97,
        0.95,
        0.95,
        0.90,
    )
    assert goals["recall, names"].met
    assert not goals["recall, places (place + postcode)"].met
    assert not goals["recall, all kinds"].met
    assert goals["precision, all findings"].met


def test_report_tables_are_markdown() -> None:
    snippet = _snippet("s1", "Ana from Lowell", ("name", "Ana"), ("place", "Lowell"))
    report = evaluate(
        [snippet], _scanner({snippet.text: [("name", "Ana"), ("date", "from")]}), set_name="t"
    )
    table = format_report(report)
    assert "| name | 1 | 1 | 1.000 |" in table
    assert "| place | 1 | 0 | 0.000 |" in table
    assert "| place + postcode | 1 | 0 | 0.000 |" in table
    assert "| **all** | **2** | **1** | **0.500** |" in table
    assert "| date | 1 | 0 | 0.000 |" in table
    assert "| recall, names | 1.000 | 0.95 | yes |" in table
    errors = format_errors(report)
    assert "- s1 place: Ana from [Lowell]" in errors
    assert "- s1 date: Ana [from] Lowell" in errors


def _bench_module() -> ModuleType:
    path = Path(__file__).resolve().parents[2] / "bench" / "phi_quality.py"
    spec = importlib.util.spec_from_file_location("phi_quality", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_bench_prints_the_table_and_the_misses(capsys: pytest.CaptureFixture[str]) -> None:
    bench = _bench_module()
    assert bench.main(["--set", "dev", "--misses"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"Set `dev`: {len(load_dev())} snippets")
    assert "| gold kind | gold | caught | recall |" in out
    assert "| finding kind | findings | true positives | precision |" in out
    assert "Misses (" in out and "False alarms (" in out
    with pytest.raises(SystemExit):
        bench.main(["--set", "train"])


# ---------------------------------------------------------------------------
# The goals
# ---------------------------------------------------------------------------


# What the scanner last measured on the held-out set (docs/phi.md, "Held-out evaluation"):
# a change that scores lower fails here. Raise these when the scanner improves. The model,
# retrained with each round's new dev batches, moves a name and a place here either way (lost
# in the seventeenth round, found in the twentieth, lost again in the twenty-first, while the
# dev, fresh and blind batches rose or held): it is kept each time, because choosing a model
# by this set would be tuning on it, and these floors are its last figures (the twenty-second
# round's, whose candidates were chosen by cross-validation on the dev posts; the last of them,
# capitalised words made of English words, "Ferrybridge", found a name more here and made one
# false alarm).
MEASURED_FLOORS = {
    "recall, all kinds": 0.919,
    "recall, names": 0.889,
    "recall, places (place + postcode)": 0.905,
    "precision, all findings": 0.970,
}


@pytest.fixture(scope="module")
def heldout_report() -> Report:
    return evaluate(HELDOUT, set_name="heldout")


def test_scanner_does_not_fall_below_its_last_measured_figures(heldout_report: Report) -> None:
    measured = {goal.label: goal.value for goal in heldout_report.goals()}
    assert set(measured) == set(MEASURED_FLOORS)
    fallen = {
        name: (round(value, 3), MEASURED_FLOORS[name])
        for name, value in measured.items()
        if round(value, 3) < MEASURED_FLOORS[name]
    }
    assert not fallen, "\n" + format_report(heldout_report)


@pytest.mark.xfail(
    strict=True,
    reason="The recall goals are not met yet (docs/phi.md, Held-out evaluation); when they "
    "are, this test passes, strict xfail fails the run, and the mark must go.",
)
def test_scanner_meets_the_goals(heldout_report: Report) -> None:
    missed = [goal for goal in heldout_report.goals() if not goal.met]
    assert not missed, "\n" + format_report(heldout_report)
