"""Tests for the patient-privacy scanner ``privacy.phi``.

Two layers:

* unit tests, one parametrised case per rule of the spec (positives with the
  expected confidence, and the hard negatives that must stay silent), plus
  offsets, empty and very long input, and speed;
* a measured-quality test over the hand-labelled corpus in
  ``phi_corpus.jsonl``, printing precision and recall per kind (run with
  ``-s`` to see the table).

The tests are plain pytest and need no Django; they also run unchanged under
pytest-django.
"""

from __future__ import annotations

import dataclasses
import json
import statistics
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

from privacy.phi import HIGH, KIND_EXPLANATIONS, KIND_LABELS, LOW, Finding, find_phi
from privacy.phi.model import joined_to_previous

CORPUS_PATH = Path(__file__).with_name("phi_corpus.jsonl")
# Snippets in the style members really post (lower-case and cue-less names,
# towns, UK and Canadian formats) with traps; the scanner was tuned on them.
DEV_PATH = Path(__file__).with_name("phi_dev.jsonl")

# A fax number is a phone number with a different use; the scanner decides
# between them from nearby words ("fax", "call"), which a number printed on
# its own does not have. Matching treats the two kinds as one.
EQUIVALENT_KINDS = {"fax": "phone"}


# ---------------------------------------------------------------------------
# Corpus loading
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class GoldSpan:
    kind: str
    start: int
    end: int


@dataclass(frozen=True)
class Snippet:
    text: str
    spans: tuple[GoldSpan, ...]
    negatives: tuple[str, ...]
    split: str


def _locate(text: str, needle: str, occurrence: int) -> int:
    """Offset of the ``occurrence``-th (0-based) appearance of ``needle``."""
    start = -1
    for _ in range(occurrence + 1):
        start = text.find(needle, start + 1)
        if start == -1:
            raise ValueError(f"{needle!r} (occurrence {occurrence}) not in {text!r}")
    return start


def load_corpus(path: Path = CORPUS_PATH) -> list[Snippet]:
    """Read the JSONL corpus; gold spans are given as substrings.

    Each line is ``{"text": ..., "spans": [[kind, substring], ...]}`` with an
    optional third element per span for the occurrence index when the
    substring appears more than once, an optional ``"neg"`` list naming the
    hard negatives in the snippet, and an optional ``"split"`` (``"dev"`` when
    absent; ``"holdout1"``/``"holdout2"`` were written and first scored
    before the scanner was tuned on them, see docs/phi.md).
    """
    snippets: list[Snippet] = []
    for line_no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        row = json.loads(line)
        text = row["text"]
        spans: list[GoldSpan] = []
        for kind, needle, *rest in row["spans"]:
            if kind not in KIND_LABELS:
                raise ValueError(f"line {line_no}: unknown kind {kind!r}")
            start = _locate(text, needle, rest[0] if rest else 0)
            spans.append(GoldSpan(kind, start, start + len(needle)))
        snippets.append(
            Snippet(text, tuple(spans), tuple(row.get("neg", ())), row.get("split", "dev"))
        )
    return snippets


CORPUS = load_corpus()
DEV = load_corpus(DEV_PATH)


# ---------------------------------------------------------------------------
# Measured quality
# ---------------------------------------------------------------------------


def _same_kind(a: str, b: str) -> bool:
    return EQUIVALENT_KINDS.get(a, a) == EQUIVALENT_KINDS.get(b, b)


def _overlap(a_start: int, a_end: int, b_start: int, b_end: int) -> bool:
    return a_start < b_end and b_start < a_end


@dataclass
class Tally:
    """Counts for one kind: recall over gold spans, precision over findings."""

    gold: int = 0
    gold_found: int = 0
    findings: int = 0
    findings_correct: int = 0

    @property
    def recall(self) -> float:
        return self.gold_found / self.gold if self.gold else 1.0

    @property
    def precision(self) -> float:
        return self.findings_correct / self.findings if self.findings else 1.0

    def add(self, other: Tally) -> None:
        self.gold += other.gold
        self.gold_found += other.gold_found
        self.findings += other.findings
        self.findings_correct += other.findings_correct


def score(snippets: list[Snippet]) -> dict[str, Tally]:
    """Per-kind tallies. A finding matches a gold span of the same kind that it overlaps."""
    tallies: dict[str, Tally] = {kind: Tally() for kind in KIND_LABELS}
    for snippet in snippets:
        findings = find_phi(snippet.text)
        for gold in snippet.spans:
            tally = tallies[gold.kind]
            tally.gold += 1
            tally.gold_found += any(
                _same_kind(f.kind, gold.kind) and _overlap(f.start, f.end, gold.start, gold.end)
                for f in findings
            )
        for f in findings:
            tally = tallies[f.kind]
            tally.findings += 1
            tally.findings_correct += any(
                _same_kind(f.kind, gold.kind) and _overlap(f.start, f.end, gold.start, gold.end)
                for gold in snippet.spans
            )
    return tallies


def _total(tallies: dict[str, Tally]) -> Tally:
    total = Tally()
    for tally in tallies.values():
        total.add(tally)
    return total


def _table(tallies: dict[str, Tally]) -> str:
    rows = [f"{'kind':<12} {'gold':>5} {'recall':>7} {'found':>6} {'precision':>9}"]
    for kind, t in tallies.items():
        rows.append(f"{kind:<12} {t.gold:>5} {t.recall:>7.3f} {t.findings:>6} {t.precision:>9.3f}")
    total = _total(tallies)
    rows.append(
        f"{'overall':<12} {total.gold:>5} {total.recall:>7.3f} "
        f"{total.findings:>6} {total.precision:>9.3f}"
    )
    return "\n".join(rows)


def test_corpus_precision_and_recall() -> None:
    tallies = score(CORPUS)
    print(f"\nPHI scanner on {len(CORPUS)} labelled snippets (fax and phone count as one)")
    print(_table(tallies))
    for split in sorted({s.split for s in CORPUS}):
        part = [s for s in CORPUS if s.split == split]
        total = _total(score(part))
        print(
            f"  {split:<9} {len(part):>4} snippets  recall {total.recall:.3f}  "
            f"precision {total.precision:.3f}"
        )
    total = _total(tallies)
    assert total.recall >= 0.95, _table(tallies)
    assert total.precision >= 0.90, _table(tallies)


def kind_blind(snippets: list[Snippet]) -> Tally:
    """Recall and precision ignoring kinds: a gold span is found when findings cover at
    least half of its characters; a finding is correct when it touches a gold span."""
    total = Tally()
    for snippet in snippets:
        findings = find_phi(snippet.text)
        for gold in snippet.spans:
            total.gold += 1
            covered = sum(max(0, min(gold.end, f.end) - max(gold.start, f.start)) for f in findings)
            total.gold_found += 2 * covered >= gold.end - gold.start
        for f in findings:
            total.findings += 1
            total.findings_correct += any(
                _overlap(f.start, f.end, g.start, g.end) for g in snippet.spans
            )
    return total


def test_dev_set_precision_and_recall() -> None:
    tallies = score(DEV)
    print(f"\nPHI scanner on {len(DEV)} dev snippets (tuned on them)")
    print(_table(tallies))
    for split in sorted({s.split for s in DEV}):
        part = [s for s in DEV if s.split == split]
        blind = kind_blind(part)
        print(
            f"  {split:<9} {len(part):>4} snippets  kind-blind recall {blind.recall:.3f}  "
            f"precision {blind.precision:.3f}"
        )
    total = _total(tallies)
    # The floors are the figures measured after batches 52-56, 62-69, 70-85, 90-117, 126-145,
    # 150-161, 166-177, 182-187, 190-195 and 198-205 (6,050 posts written blind, most of them
    # sign-outs, stories, notes pasted from abroad and the hardest cases on purpose) joined the
    # set (docs/phi.md, ninth to twenty-first rounds), and the model's candidates of the
    # twenty-second round: 0.937 recall, 0.9207 precision, names 0.957, addresses 0.953.
    assert total.recall >= 0.936, _table(tallies)
    assert total.precision >= 0.920, _table(tallies)
    assert tallies["name"].recall >= 0.956, _table(tallies)
    assert tallies["address"].recall >= 0.952, _table(tallies)


def test_dev_set_covers_the_new_styles() -> None:
    assert len(DEV) >= 250
    assert len({s.text for s in DEV}) == len(DEV), "duplicate snippets"
    assert not {s.text for s in DEV} & {s.text for s in CORPUS}
    negatives = [s for s in DEV if not s.spans]
    assert len(negatives) >= len(DEV) / 4
    kinds = Counter(span.kind for s in DEV for span in s.spans)
    for kind in ("name", "address", "zip", "age", "phone", "health_plan", "date"):
        assert kinds[kind] >= 2, kind


def test_corpus_is_large_varied_and_has_hard_negatives() -> None:
    assert len(CORPUS) >= 300
    assert len({s.text for s in CORPUS}) == len(CORPUS), "duplicate snippets"
    positives = Counter(span.kind for s in CORPUS for span in s.spans)
    assert set(positives) == set(KIND_LABELS), "every kind needs positives"
    with_negatives = [s for s in CORPUS if s.negatives or not s.spans]
    assert len(with_negatives) >= len(CORPUS) / 3
    negative_tags = Counter(tag for s in CORPUS for tag in s.negatives)
    for tag in (
        "dose",
        "lab",
        "vitals",
        "icd",
        "cpt",
        "eponym",
        "year",
        "age_under_90",
        "conference",
        "doi",
        "orcid",
        "npi_signature",
        "mention",
        "pmid",
        "colleague",
    ):
        assert negative_tags[tag] >= 2, f"too few hard negatives tagged {tag!r}"


# ---------------------------------------------------------------------------
# Rules of the spec, one case each
# ---------------------------------------------------------------------------

# (text, kind, expected finding text, expected confidence)
POSITIVES: list[tuple[str, str, str, str]] = [
    # names
    ("Mr. Okafor came back with dyspnea.", "name", "Okafor", HIGH),
    ("Saw Mrs. Delgado-Rivera again today.", "name", "Delgado-Rivera", HIGH),
    ("Ms. Haverford's daughter called.", "name", "Haverford", HIGH),
    ("Miss Pennington fainted in the ED.", "name", "Pennington", HIGH),
    ("patient John Barrow presented with chest pain.", "name", "John Barrow", HIGH),
    ("We had a patient named Tobias Wren.", "name", "Tobias Wren", HIGH),
    ("My patient, Maria Lopez, asked about running.", "name", "Maria Lopez", HIGH),
    ("Pt. initials J.D. admitted 2/3/2024 with DKA.", "name", "J.D.", HIGH),
    ("His wife, Gloria, says he snores.", "name", "Gloria", HIGH),
    ("Frances Whitley, a 72-year-old teacher, has LBBB.", "name", "Frances Whitley", HIGH),
    ("pt Jimenez refused the colonoscopy.", "name", "Jimenez", LOW),
    ("Mrs. Van der Berg has an effusion.", "name", "Van der Berg", HIGH),
    # geography
    (
        "He lives at 1420 Maple Avenue, Dayton, OH 45402.",
        "address",
        "1420 Maple Avenue, Dayton, OH 45402",
        HIGH,
    ),
    (
        "Mailing address: PO Box 4471, Bozeman, MT 59771.",
        "address",
        "PO Box 4471, Bozeman, MT 59771",
        HIGH,
    ),
    ("Hit by a car at 5th Ave and 42nd Street.", "address", "5th Ave and 42nd Street", HIGH),
    ("She lives in Tulsa with her grandmother.", "address", "Tulsa", LOW),
    ("Her ZIP is 02139.", "zip", "02139", HIGH),
    ("Lives in 10453 near the expressway.", "zip", "10453", HIGH),
    ("The kit went to 60629 by courier.", "zip", "60629", LOW),
    # dates tied to a person
    ("DOB 03/14/1952, new atrial fibrillation.", "date", "03/14/1952", HIGH),
    ("She was born on March 14, 1952.", "date", "March 14, 1952", HIGH),
    ("Admitted 2/3/2024 for pneumonia.", "date", "2/3/2024", HIGH),
    ("Discharged on 12 Jan 2024 on amoxicillin.", "date", "12 Jan 2024", HIGH),
    ("He died 5/6/23 at home.", "date", "5/6/23", HIGH),
    ("Surgery on 4/12/2024 went well.", "date", "4/12/2024", HIGH),
    ("Intubated 3/15, extubated two days later.", "date", "3/15", HIGH),
    ("The rash first appeared April 22.", "date", "April 22", LOW),
    ("Photos from 2024-03-14 were attached to the post.", "date", "2024-03-14", LOW),
    # ages over 89
    ("A 93-year-old woman with aortic stenosis.", "age", "93-year-old", HIGH),
    ("Aged 91, she still plays bridge.", "age", "Aged 91", HIGH),
    ("My patient is age 102.", "age", "age 102", HIGH),
    ("94 yo M with HFrEF.", "age", "94 yo", HIGH),
    ("She is 96 and wants surgery.", "age", "96", HIGH),
    # contact details
    ("Call her daughter at (555) 214-8890.", "phone", "(555) 214-8890", HIGH),
    ("555-867-5309 was written on the chart.", "phone", "555-867-5309", LOW),
    ("Tel. 555-0199 ext 22 is the group home.", "phone", "555-0199 ext 22", HIGH),
    ("Fax: (555) 440-1200", "fax", "(555) 440-1200", HIGH),
    ("Please fax the records to 555-301-9987.", "fax", "555-301-9987", HIGH),
    ("Her email is maria.lopez82@gmail.com.", "email", "maria.lopez82@gmail.com", HIGH),
    # numbers and codes
    ("SSN 123-45-6789 was on the form.", "ssn", "123-45-6789", HIGH),
    ("Found 531-70-2284 on a requisition.", "ssn", "531-70-2284", HIGH),
    ("Last four of her SSN: 4417.", "ssn", "4417", HIGH),
    ("MRN 00482913, please pull the cath report.", "mrn", "00482913", HIGH),
    ("Medical record number: A7730214", "mrn", "A7730214", HIGH),
    ("Member ID: XGH882341907", "health_plan", "XGH882341907", HIGH),
    ("Medicare ID 1EG4-TE5-MK73 was rejected.", "health_plan", "1EG4-TE5-MK73", HIGH),
    ("acct no. 7720193388 went to collections.", "account", "7720193388", HIGH),
    ("Driver's license D1234-56789-01234 was in his wallet.", "licence", "D1234-56789-01234", HIGH),
    ("Birth certificate no. 136-2019-044871 for the NICU.", "licence", "136-2019-044871", HIGH),
    ("License plate 7XYZ123 was noted by EMS.", "vehicle", "7XYZ123", HIGH),
    ("VIN 1HGCM82633A004352 from the crash report.", "vehicle", "1HGCM82633A004352", HIGH),
    ("Pacemaker serial number PJN219882H.", "device", "PJN219882H", HIGH),
    ("UDI (01)00884838012345(17)260101 scanned.", "device", "(01)00884838012345(17)260101", HIGH),
    ("Passport number 548812093 was in the bag.", "other_id", "548812093", HIGH),
    ("Claim number 2024-CL-0088123 was denied.", "other_id", "2024-CL-0088123", HIGH),
    # network and biometrics
    ("A login from 192.168.14.23 opened her chart.", "ip", "192.168.14.23", HIGH),
    ("Attached are his fingerprints from the police.", "biometric", "fingerprints", HIGH),
    ("We keep a voiceprint for telehealth.", "biometric", "voiceprint", HIGH),
]


@pytest.mark.parametrize(("text", "kind", "expected", "confidence"), POSITIVES)
def test_flags_identifier(text: str, kind: str, expected: str, confidence: str) -> None:
    findings = find_phi(text)
    matching = [f for f in findings if f.kind == kind and f.text == expected]
    assert matching, f"expected {kind} {expected!r}, got {findings}"
    assert matching[0].confidence == confidence
    assert matching[0].start == text.index(expected)


# Text that must produce no finding at all.
NEGATIVES: list[tuple[str, str]] = [
    ("dose", "Started metformin 500 mg BID, then 1000 mg BID."),
    ("dose with units", "Insulin glargine 20 units at bedtime, heparin 18 units/kg/hr."),
    ("lab values", "Na 134 mmol/L, K 3.2 mmol/L, Cr 1.4 mg/dL, HbA1c 7.2%."),
    ("large lab value", "Platelets 98,000/uL, BNP 1240 pg/mL, troponin 0.04 ng/mL."),
    ("vital signs", "BP 120/80, HR 88, RR 16, SpO2 97% on RA, T 37.1 C."),
    ("fractions", "Strength 4/5 on the left, pain 7/10, grade 3/6 murmur, acuity 20/40."),
    ("device setting", "OSA on CPAP 12/8 cmH2O."),
    ("icd-10", "Coded E11.9 and I50.22 for the admission."),
    ("cpt", "Billed 99213 for the visit and 93306 for the echo."),
    ("eponyms", "Parkinson's tremor, Crohn's flare, Hodgkin lymphoma, Cushing's triad."),
    ("scores", "Apgar score 8 and 9; Glasgow coma scale 15 on arrival."),
    ("eponym with a first name", "Charles Bonnet syndrome and a Marcus Gunn pupil."),
    ("year alone", "In 2019 we switched to high-sensitivity troponin."),
    ("age under 90", "A 67-year-old man with chest pain; an 89-year-old with delirium."),
    ("age category", "Aged 90 and over is one census category."),
    ("conference date", "ACC.24 in Atlanta, April 6–8, 2024 - who's going?"),
    ("publication date", "The SPRINT trial (published Nov 26, 2015) changed BP targets."),
    ("doi", "Great review: 10.1056/NEJMoa2034577"),
    ("orcid", "My ORCID is 0000-0002-1825-0097."),
    ("npi after a dash", "Happy to discuss.\n- Anna Kowalski, MD, NPI 1234567893"),
    ("npi after a credential", "Dr. Ruth Abara, DO, FACP, NPI 1982736450"),
    ("pmid", "PMID: 12345678 is the trial I meant."),
    ("trial registry", "NCT04368728 is closed to enrollment."),
    ("mention", "@drmchen what would you do? cc @RPatel_cards"),
    ("colleague with title", "Dr. Smith from nephrology and Prof. Okonkwo agreed."),
    ("colleague full name", "Shout-out to Dr. Lena Fischer for the teaching."),
    ("drug after pt", "Gave pt Zofran 4 mg IV."),
    ("title-case note", "Pt Denies Chest Pain, Shortness Of Breath, Or Palpitations."),
    ("temperature", "Tmax 99F overnight."),
    ("version number", "Upgraded the EHR to version 2.3.1.4 yesterday."),
]


@pytest.mark.parametrize(("label", "text"), NEGATIVES, ids=[n[0] for n in NEGATIVES])
def test_stays_silent_on_hard_negative(label: str, text: str) -> None:
    assert find_phi(text) == [], label


def test_author_npi_elsewhere_is_a_low_other_id() -> None:
    findings = find_phi("The referring NPI 1234567893 is not in the directory.")
    assert [(f.kind, f.text, f.confidence) for f in findings] == [("other_id", "1234567893", LOW)]


def test_url_around_a_doi_is_still_a_url() -> None:
    text = "Full text: https://files.example.net/10.1056/NEJMoa2034577"
    assert [(f.kind, f.confidence) for f in find_phi(text)] == [("url", LOW)]


def test_a_doi_link_is_a_reference() -> None:
    assert find_phi("Full text: https://doi.org/10.1056/NEJMoa2034577") == []


def test_mention_is_never_a_name_but_the_patient_is() -> None:
    findings = find_phi("@DrEmilyStone thoughts on Mr. Patel's rash?")
    assert [(f.kind, f.text) for f in findings] == [("name", "Patel")]


# ---------------------------------------------------------------------------
# Output contract
# ---------------------------------------------------------------------------


def test_empty_and_blank_text() -> None:
    assert find_phi("") == []
    assert find_phi("   \n\t ") == []


def test_finding_is_frozen() -> None:
    finding = find_phi("MRN 00482913")[0]
    assert finding == Finding("mrn", 4, 12, "00482913", HIGH)
    with pytest.raises(dataclasses.FrozenInstanceError):
        finding.start = 0  # type: ignore[misc]


def test_every_kind_has_a_label_and_a_one_sentence_explanation() -> None:
    assert set(KIND_LABELS) == set(KIND_EXPLANATIONS)
    for kind in KIND_LABELS:
        assert KIND_LABELS[kind].strip()
        explanation = KIND_EXPLANATIONS[kind]
        assert explanation.endswith(".") and explanation.count(". ") == 0, kind


@pytest.mark.parametrize("snippet", CORPUS, ids=lambda s: s.text[:40])
def test_offsets_order_and_overlap_contract(snippet: Snippet) -> None:
    findings = find_phi(snippet.text)
    assert findings == sorted(findings, key=lambda f: f.start)
    for f in findings:
        assert snippet.text[f.start : f.end] == f.text
        assert f.kind in KIND_LABELS
        assert f.confidence in (HIGH, LOW)
    for left, right in zip(findings, findings[1:], strict=False):
        assert left.end <= right.start, "findings must not overlap"


def test_overlaps_resolve_to_the_longest_span() -> None:
    text = "Address: 88 Clover St, Paterson, NJ 07501."
    assert [(f.kind, f.text) for f in find_phi(text)] == [
        ("address", "88 Clover St, Paterson, NJ 07501")
    ]


def test_offsets_survive_characters_that_change_length_when_lower_cased() -> None:
    text = "İİİ Mr. Öztürk, MRN 4410293, İstanbul"
    findings = find_phi(text)
    assert [(f.kind, f.text) for f in findings] == [("name", "Öztürk"), ("mrn", "4410293")]
    for f in findings:
        assert text[f.start : f.end] == f.text


# ---------------------------------------------------------------------------
# Size and speed
# ---------------------------------------------------------------------------


def _realistic_text(chars: int) -> str:
    """Corpus snippets joined into one long, varied post of exactly ``chars`` characters."""
    parts: list[str] = []
    length = 0
    while length < chars:
        for snippet in CORPUS:
            parts.append(snippet.text)
            length += len(snippet.text) + 1
            if length >= chars:
                break
    return " ".join(parts)[:chars]


def test_very_long_input_is_scanned_completely() -> None:
    text = _realistic_text(1_000_000) + " Final note: MRN 7720041, call 555-902-3312."
    # The scanner's own CPU time, not the wall clock: a bound on its work that holds
    # however busy the machine is (likewise below).
    start = time.thread_time()
    findings = find_phi(text)
    elapsed = time.thread_time() - start
    assert elapsed < 10, f"1 MB took {elapsed:.1f} s"
    tail = [(f.kind, f.text) for f in findings[-2:]]
    assert tail == [("mrn", "7720041"), ("phone", "555-902-3312")]
    assert all(text[f.start : f.end] == f.text for f in findings)


# Texts of up to 120,000 characters: linear work takes one to two seconds of CPU on this
# machine under load, a quadratic pattern minutes.
LINEAR_SECONDS = 5


@pytest.mark.parametrize(
    "text",
    [
        "MRN " + "A" * 50_000 + "1x",
        "a@" * 25_000,
        "1-" * 25_000,
        "Dr " * 20_000,
        "Ab, 45, " * 5_000,
        "11 " * 20_000,
    ],
    ids=["long-code", "at-signs", "dashes", "street-words", "name-age", "digit-groups"],
)
def test_adversarial_input_stays_fast(text: str) -> None:
    start = time.thread_time()
    find_phi(text)
    assert time.thread_time() - start < LINEAR_SECONDS


def test_5000_character_post_scans_quickly() -> None:
    # The real figure (median and p95 over 500 runs) comes from
    # bench/phi_bench.py; this bound is loose, and on CPU time, so a busy CI box does not flake.
    text = _realistic_text(5_000)
    assert len(text) == 5_000
    find_phi(text)  # warm-up
    runs: list[float] = []
    for _ in range(25):
        start = time.thread_time()
        find_phi(text)
        runs.append(time.thread_time() - start)
    # About 15 ms at best on the 2-core machines of 2026-12-07, whose neighbours push the
    # median to 30 ms at times; a quadratic rule would take seconds.
    assert statistics.median(runs) < 0.060


# ---------------------------------------------------------------------------
# Names without a cue, towns, ages over 89 written any way, formats from
# outside the US
# ---------------------------------------------------------------------------

# (text, kind, expected finding text)
UNCUED_POSITIVES: list[tuple[str, str, str]] = [
    # names with no cue word, in lower case, of relatives, in hashtags and handles
    ("Lucia came back today, still dizzy.", "name", "Lucia"),
    ("pt maria lopez, 58, sugars in the 300s", "name", "maria lopez"),
    ("mr. okonkwo is refusing chemo", "name", "okonkwo"),
    ("Her son Tyrell drives her to dialysis.", "name", "Tyrell"),
    ("Keanu P. was the kid with intussusception.", "name", "Keanu P."),
    ("saw aisha again, asthma finally controlled", "name", "aisha"),
    ("Obinna Eze is a 34M with sickle cell.", "name", "Obinna Eze"),
    ("Nguyen Van Thanh, 71, presented with jaundice.", "name", "Nguyen Van Thanh"),
    ("Please pray for my patient. #StrongForSofia", "name", "Sofia"),
    ("Her mom posts updates on instagram @prayers4kayla", "name", "@prayers4kayla"),
    ("Fundraiser for Mateo's surgery next week.", "name", "Mateo"),
    ("Chidi missed his third appointment in a row.", "name", "Chidi"),
    ("Rahim, a taxi driver, with a new diagnosis of TB.", "name", "Rahim"),
    ("Femi's dad is a pastor.", "name", "Femi"),
    ("spoke to the daughter (priya) who wants everything done", "name", "priya"),
    ("her daughter-in-law priya takes her to appointments", "name", "priya"),
    ("So proud of little Oluwadamilare today.", "name", "Oluwadamilare"),
    ("#FlyHighMaya - we lost her last night.", "name", "Maya"),
    # towns and neighbourhoods tied to a patient, corners
    ("transferred from Lowell General late last night", "address", "Lowell"),
    ("a welder in Kenosha with metal fume fever", "address", "Kenosha"),
    ("A 92-year-old from Reading with delirium.", "address", "Reading"),
    ("She lives in Bath with her husband.", "address", "Bath"),
    ("He lives near Jackson Heights with his brother.", "address", "Jackson Heights"),
    ("A young man from Moss Side, stabbed twice.", "address", "Moss Side"),
    ("found down at the bus stop at 9th and Pine", "address", "bus stop at 9th and Pine"),
    ("Lives on the corner of Queen and Bathurst.", "address", "Queen and Bathurst"),
    ("Transferred from a small hospital in Mobile, AL.", "address", "Mobile, AL"),
    ("he's been wheezing since they moved to luton", "address", "luton"),
    ("Spent an hour on the phone with the son in Gdansk.", "address", "Gdansk"),
    ("Lives in a trailer park on the edge of Yakima.", "address", "Yakima"),
    # ages over 89 without "years old"
    ("92 and still mowing his own lawn", "age", "92"),
    ("A 96yo woman with aortic stenosis", "age", "96yo"),
    ("Jelena is 97 and does her own shopping.", "age", "97"),
    ("Ms. Petrovic, 93, has had three falls.", "age", "93"),
    ("Patient is ninety-three and sharp.", "age", "ninety-three"),
    ("96 years young and still doing the crossword.", "age", "96 years young"),
    ("my pt mrs ahmed (91) is getting worse", "age", "91"),
    ("At 98 she is still the sharpest person on the ward.", "age", "98"),
    ("Happy 100th birthday to my longest-serving patient!", "age", "100th birthday"),
    # UK and Canadian formats, international phones, day/month dates
    ("Postcode SW1A 2AA, lives alone above the shop.", "zip", "SW1A 2AA"),
    ("He lives at M5V 3L9 in a rooming house.", "zip", "M5V 3L9"),
    ("NHS number 943 476 5919 on the referral.", "health_plan", "943 476 5919"),
    ("OHIP 1234-567-890-AB was on the requisition.", "health_plan", "1234-567-890-AB"),
    ("Call his daughter on +44 7700 900123.", "phone", "+44 7700 900123"),
    ("Family reachable at +91 98765 43210.", "phone", "+91 98765 43210"),
    ("Ring the care home on 0161 496 0352.", "phone", "0161 496 0352"),
    ("Admitted 14/03/2024 with a fractured neck of femur.", "date", "14/03/2024"),
]


@pytest.mark.parametrize(("text", "kind", "expected"), UNCUED_POSITIVES)
def test_flags_identifier_without_a_cue(text: str, kind: str, expected: str) -> None:
    findings = find_phi(text)
    matching = [f for f in findings if f.kind == kind and f.text == expected]
    assert matching, f"expected {kind} {expected!r}, got {findings}"
    assert matching[0].start == text.index(expected)


UNCUED_NEGATIVES: list[tuple[str, str]] = [
    ("eponym lymphoma", "Hodgkin lymphoma stage IIA, ABVD x4 then reassess."),
    ("apgar", "Apgar 8 and 9, baby went to the well nursery."),
    ("drug brands", "Ambien 10 mg made her sleepwalk; Valium and alcohol do not mix."),
    ("trial names", "SPRINT and DAPA-HF changed practice; EMPEROR-Preserved too."),
    ("byline", "Great talk at grand rounds today — Dr. Amara Obi"),
    ("colleague mentions", "Thanks @dr_mensah and @kwame.md for the teaching pearls."),
    ("public figure", "Jimmy Carter's melanoma story still comes up with patients."),
    ("public figure 2", "Florence Nightingale's polar area diagram is still great teaching."),
    ("a range of ages", "She's in her 90s and lives alone."),
    ("over 90", "Patients over 90 have different risks."),
    ("May", "May is stroke awareness month."),
    ("Will", "Will the new guidelines change anything?"),
    ("Grace and Hope", "Grace and Hope are virtues in palliative care."),
    ("Reading", "Reading the chest film before rounds saves time."),
    ("Bath", "Bath salts intoxication is rare now."),
    ("Mobile", "Mobile stroke units cut door-to-needle times."),
    ("Victoria", "Victoria Cross recipients have lots of PTSD according to one paper."),
    ("Orange", "Orange urine after rifampin is expected."),
    ("conference town", "Seen at a conference in London last week: great talks on SGLT2."),
    ("meeting year", "EuroPCR 2025 in Paris was excellent."),
    ("paper town", "A Lancet paper from Oxford shows the same thing."),
    ("score towns", "Wells, Geneva and PERC before a CTPA."),
    ("lab after was", "Creatinine was 110 umol/L this morning."),
    ("time after is", "The door-to-balloon goal is 90 minutes."),
    ("signature", "Hope this helps — Mark"),
    ("colleagues from a team", "Jennifer and Carlos from pharmacy will update the nomogram."),
    ("hospital saint", "Transferred from St. Jude's with a head injury."),
    ("NHS news", "Big NHS news: the new GP contract starts in April."),
    ("guideline code", "The NICE guideline NG136 covers hypertension."),
    ("in-law", "Her sister-in-law does all the cooking."),
    ("reference", "Per Tintinalli, the dose is 1 mg/kg."),
    ("citation", "Published in JAMA by Chen and colleagues."),
    ("lower-case word town", "in time for the bath chair delivery"),
    ("drug brands 2", "Started Aimovig; Nexplanon removal; Trikafta has transformed CF."),
    ("province", "OHIP n/a as she's from Saskatchewan."),
]


@pytest.mark.parametrize(("label", "text"), UNCUED_NEGATIVES, ids=[n[0] for n in UNCUED_NEGATIVES])
def test_stays_silent_on_trap(label: str, text: str) -> None:
    assert find_phi(text) == [], label


def test_nhs_number_needs_a_valid_check_digit_after_chi() -> None:
    # After "NHS" any ten digits are flagged; after "CHI" only a valid mod-11 number.
    assert [f.text for f in find_phi("CHI 943 476 5919 checked")] == ["943 476 5919"]
    assert not [f for f in find_phi("CHI 943 476 5918 checked") if f.kind == "health_plan"]


def test_patient_handle_is_a_name_but_a_colleague_handle_is_not() -> None:
    text = "Follow baby Rowan's journey at @rowans_heart_journey, thanks @dr_mensah"
    names = [f.text for f in find_phi(text) if f.kind == "name"]
    assert "@rowans_heart_journey" in names
    assert "@dr_mensah" not in names


def test_name_and_place_lists_load_from_the_committed_files() -> None:
    from privacy.phi import vocabulary

    assert vocabulary.NAME_FLAGS["lucia"] & vocabulary.STRONG
    assert vocabulary.NAME_FLAGS["will"] & vocabulary.WORD
    assert not vocabulary.NAME_FLAGS["will"] & vocabulary.STRONG
    assert vocabulary.PLACE_POPULATION["Kenosha"] > 50_000
    assert "Reading" in vocabulary.PLACE_WORDS
    assert "Kenosha" not in vocabulary.PLACE_WORDS


def _in_fresh_interpreter(code: str) -> str:
    root = Path(__file__).resolve().parents[2]
    return subprocess.run(
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True
    ).stdout


# CPU work to measure the import against, in the same interpreter: a loaded machine slows
# both alike (docs/phi.md, "Name and place data").
_IMPORT_FLOOR = "sorted(str(i) for i in range(300_000))"
IMPORT_TIMES_FLOOR = 10


def test_first_import_is_quick_and_small() -> None:
    # A fresh interpreter, as in a new gunicorn worker; CPU time against a floor of CPU work.
    floor, seconds = map(
        float,
        _in_fresh_interpreter(
            f"import time; t = time.process_time(); {_IMPORT_FLOOR};"
            "f = time.process_time() - t; t = time.process_time(); import privacy.phi;"
            "print(f, time.process_time() - t)"
        ).split(),
    )
    allocated = int(
        _in_fresh_interpreter(
            "import tracemalloc; tracemalloc.start(); import privacy.phi;"
            "print(tracemalloc.get_traced_memory()[0])"
        )
    )
    print(
        f"\nimport privacy.phi: {seconds:.3f} s CPU ({seconds / floor:.1f} times the floor),"
        f" {allocated / 2**20:.1f} MiB held"
    )
    assert seconds < IMPORT_TIMES_FLOOR * floor, (seconds, floor)
    assert allocated < 32 * 2**20, allocated


@pytest.mark.parametrize(
    "text",
    [
        "#StrongFor" * 5_000,
        "in Lowell " * 10_000,
        "Lucia " * 20_000,
        "SW1A 2AA " * 10_000,
        "+44 " * 20_000,
        "corner of A and " * 5_000,
        "she is 95, " * 10_000,
    ],
    ids=["hashtags", "places", "names", "postcodes", "plus-signs", "corners", "ages"],
)
def test_new_rules_stay_linear(text: str) -> None:
    start = time.thread_time()
    find_phi(text)
    assert time.thread_time() - start < LINEAR_SECONDS


def _model_names(text: str) -> list[str]:
    from privacy.phi.model import model_names
    from privacy.phi.patterns.common import CAPITALISED_RE

    spans = [m.span() for m in CAPITALISED_RE.finditer(text)]
    return [text[s:e] for s, e, _ in model_names(text, spans)]


def test_model_reads_names_that_are_also_words_from_their_context() -> None:
    # "Hunter" is a listed name and a common word: the rules leave it to the model.
    assert _model_names("Her son Hunter drives her in.") == ["Hunter"]
    assert [f.text for f in find_phi("Her son Hunter drives her in.")] == ["Hunter"]


@pytest.mark.parametrize(
    "text",
    [
        "Will the guidelines change anything?",
        "Grace periods for prior auth are shorter.",
        "Troponin was 0.4 and Dyspnea improved.",
        "Hope this helps.",
    ],
)
def test_model_leaves_words_alone(text: str) -> None:
    assert _model_names(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "Lactate, cultures, antibiotics and fluids **within the hour**. #SepsisAwareness",
        "Café, naïve, 心電図, 🩺",
        "Ferritin, iron studies and B12 first.",
    ],
)
def test_a_list_of_things_opening_a_sentence_is_no_name(text: str) -> None:
    # The model reads a capitalised word before a comma as someone addressed; the list after
    # it says it is a thing.
    assert find_phi(text) == []


def test_someone_addressed_before_a_comma_is_still_a_name() -> None:
    assert [f.text for f in find_phi("Maria, your scan was fine")] == ["Maria"]


def test_model_file_is_committed_and_small() -> None:
    from privacy.phi.model import MODEL_PATH, READS_PLACES, TAGGER

    assert TAGGER is not None
    assert READS_PLACES
    # The model grows with the dev set (about 3% for each hundred posts); under a megabyte and a
    # half it stays a small part of the repository and of a worker's memory.
    assert MODEL_PATH.stat().st_size < 1_500_000


def _model_places(text: str) -> list[str]:
    from privacy.phi.model import model_places
    from privacy.phi.patterns.common import CAPITALISED_RE

    spans = [m.span() for m in CAPITALISED_RE.finditer(text)]
    return [text[s:e] for s, e, _ in model_places(text, spans)]


@pytest.mark.parametrize(
    ("text", "town"),
    [
        # Towns no list holds (made up here), read from the words around them.
        ("Back home in Okorobo his mum looks after the kids now.", "Okorobo"),
        ("Sheep farmer from out past Wirrabundi, 3 weeks of fevers, Q fever?", "Wirrabundi"),
        # A listed town after a name: the model tells the two apart.
        ("Her son Hunter drives her in from Kenosha every week.", "Kenosha"),
    ],
)
def test_model_reads_a_town_from_the_words_around_it(text: str, town: str) -> None:
    assert _model_places(text) == [town]
    assert ("address", town) in [(f.kind, f.text) for f in find_phi(text)]


@pytest.mark.parametrize(
    "text",
    [
        "Heading to the conference in Barcelona next week, anyone want tapas?",
        "Moving to Dunedin in January to start my fellowship!",
        "Hope this helps, and Reading the guideline again is worth it.",
    ],
)
def test_model_leaves_the_posters_own_towns_and_words_alone(text: str) -> None:
    assert _model_places(text) == []


def test_phones_far_apart_in_a_long_post_are_all_found() -> None:
    # The phone passes run only around a digit, a separator and a digit: each phone gets its
    # own stretch of text, however far from the others.
    filler = "Na 138, K 4.1, creat 1.2. " * 80
    text = (
        f"Call her daughter on (555) 201-0144. {filler} Or the son on 555-201-0199 after 5, "
        f"{filler} or on +44 7700 900123."
    )
    phones = [f.text for f in find_phi(text) if f.kind == "phone"]
    assert phones == ["(555) 201-0144", "555-201-0199", "+44 7700 900123"]


@pytest.mark.parametrize(
    "word", ["Vasopressors", "Inotropes", "Benzodiazepines", "Anticoagulants", "Bronchodilators"]
)
def test_a_plural_class_of_drugs_is_no_name(word: str) -> None:
    # Before a bracket the model reads any unknown capitalised word as someone's name.
    text = f"{word} (see the protocol) if MAP stays under 65"
    assert _model_names(text) == []
    assert find_phi(text) == []


# ---------------------------------------------------------------------------
# Names, places, numbers and dates with no list entry (December, second round)
# ---------------------------------------------------------------------------

UNLISTED_POSITIVES = [
    ("object of told", "i told marco his a1c was 11", "name", "marco"),
    (
        "object of asked, unlisted",
        "asked oluwadamilare whether he wanted company",
        "name",
        "oluwadamilare",
    ),
    (
        "lower-case name after a relative",
        "call his daughter priyanka on 07700 900 812",
        "name",
        "priyanka",
    ),
    ("unlisted name opening a sentence", "Seo-yeon came with her dad", "name", "Seo-yeon"),
    ("accented name before an age", "Ruairí is 6 and has had four UTIs", "name", "Ruairí"),
    ("pair of names before a verb", "Femi and Tolu are the parents", "name", "Femi"),
    (
        "pair of names after a person noun",
        "The twins, Aditi and Anika, have a rash",
        "name",
        "Aditi",
    ),
    ("name between commas after a noun", "an old farmer, Gwilym, walks in", "name", "Gwilym"),
    ("sign-out bed line", "bed 12 oyelaran, 67M chf", "name", "oyelaran"),
    ("sign-out bed line with dashes", "bed 4 - kowalczyk - post op day 2", "name", "kowalczyk"),
    ("Vietnamese middle name", "Nguyen Van Thanh refuses the NG tube", "name", "Nguyen Van Thanh"),
    ("initial before a surname", "Mr K. Adeyemi, hosp no 5502913", "name", "K. Adeyemi"),
    (
        "contact with a number",
        "Please contact Siobhán Ní Bhriain at 087 123 4567",
        "name",
        "Siobhán Ní Bhriain",
    ),
    ("town before native", "Kamloops native, 30s, sprained ankle", "address", "Kamloops"),
    ("town after a full date", "Born 02/11/1937 in Lahore, came over later", "address", "Lahore"),
    ("hospital number", "hosp no K4471902, please chase the MRI", "mrn", "K4471902"),
    ("unit number", "unit no 7734102, ward 5", "mrn", "7734102"),
    ("patient hash number", "Patient #A20394 in bay 3", "mrn", "A20394"),
    (
        "NHS number without a label",
        "the form says 450 557 7104 for her",
        "health_plan",
        "450 557 7104",
    ),
    ("CHI number without a label", "1212489993 on the sticker", "health_plan", "1212489993"),
    ("RAMQ number", "RAMQ TREM 5512 3456 for the form", "health_plan", "TREM 5512 3456"),
    ("OHIP with version code", "card 3456 789 012 AB expired", "health_plan", "3456 789 012 AB"),
    ("ordinal day", "dc'd home on the 22nd with VNA", "date", "22nd"),
    ("lower-case name owning a relative", "seen with tolu's mum again", "name", "tolu"),
    (
        "lower-case name after pt and before an age",
        "my pt yusra (28F) is 34 weeks",
        "name",
        "yusra",
    ),
    ("name with the writer", "Olamide and I talked about hospice", "name", "Olamide"),
    ("object of lost", "Lost Tavita today. 22, RHD", "name", "Tavita"),
    ("listed surname with the copula", "Rafferty was the sweetest kid", "name", "Rafferty"),
    ("age after an activity", "she still makes tamales at 93", "age", "93"),
    ("age after a party", "Born in 1930, wants a big party at 95.", "age", "95"),
    ("short unknown name before an age", "Hine is 17 and pregnant", "name", "Hine"),
    ("name before was admitted", "Tamsin was admitted with a hip fracture", "name", "Tamsin"),
    (
        "town whose first word is jargon",
        "transferred from Prince Albert at 2am",
        "address",
        "Prince Albert",
    ),
    (
        "unknown word after for",
        "d/c planning for Eskandar: OT to assess stairs",
        "name",
        "Eskandar",
    ),
    ("lower-case month with a year", "dob 23rd feb 1941, lives alone", "date", "23rd feb 1941"),
    ("lower-case month first", "seen mar 3, 2024 in clinic", "date", "mar 3, 2024"),
    ("borough that is also a word", "He drives a cab in Queens.", "address", "Queens"),
    (
        "neighbourhood no list holds",
        "a young mum from Wythenshawe, third baby",
        "address",
        "Wythenshawe",
    ),
    ("weekday and ordinal", "admitted on Thursday 14th with a fall", "date", "Thursday 14th"),
]

UNLISTED_NEGATIVES = [
    ("service after asked", "asked radiology to expedite the CT"),
    ("service after told", "told gastro we'd scope him tomorrow"),
    ("family after told", "Told the family we'd call with results"),
    ("relative before a verb", "daughter lives in town but visits rarely"),
    ("lab before is and a number", "Troponin is 45 and rising, cards aware"),
    ("drug opening a sentence", "Vancomycin was stopped after the levels came back high"),
    ("diagnosis on a bed line", "bay 3 nstemi, trop peaked at 2000"),
    ("organism", "Candida auris on the unit, full barrier nursing"),
    ("eponymous sign", "Reading the ECG again, I think it's Wellens"),
    ("lab pair", "Sodium and Potassium were both fine on repeat"),
    ("colleagues pair", "Jennifer and Carlos from pharmacy will update the nomogram."),
    ("weather in a town", "Snow in Buffalo again so half my clinic cancelled"),
    ("study from a town", "RCT from Toronto showed no difference in mortality"),
    ("job in a town in a year", "Worked a locum in Cornwall in 2019, lovely hospitals"),
    ("team based in a town", "Our Leeds-based team published the audit"),
    ("floor, not a day", "She is on the 3rd floor, room 12"),
    ("dose, not a day", "This is the 2nd dose of rituximab"),
    ("issue number", "Issue #4471 on the EHR tracker is still open"),
    ("service owning a relative", "the pt's wife and the patient's mum both came"),
    ("colleague named with the job", "Gaurav, our HCA, translated for the family"),
    ("therapy dog", "We had Harvey the therapy dog on the ward today!"),
    ("exam results day", "MRCP part 2 results out on the 14th!"),
    ("talk day", "Great talk by Dr. Nakamura on the 12th at grand rounds"),
    ("sats after still", "sats still at 94"),
    ("heart rate after still", "HR still sitting at 96."),
    ("voice assistant", "Ask Siri what the dose of adrenaline is, honestly"),
    ("lower-case may without a day", "may 2024 be kinder to us all"),
    ("brand after started", "Started Aimovig for her migraines"),
    ("drug with the copula", "Metformin is the first line for most"),
    ("mixed-case jargon after for", "dose for CrCl 28 please"),
    ("eponymous adjective", "a great podcast about Addisonian crisis"),
    ("possessive eponym", "Crohn's vs UC: transmural inflammation favours Crohn's."),
    ("ward manager", "Met Sister Bernadette, the ward manager, about the rota"),
    ("ward phone is a phone", "Bleep 4471 if you need the reg overnight"),
]


@pytest.mark.parametrize(
    ("label", "text", "kind", "needle"),
    UNLISTED_POSITIVES,
    ids=[p[0] for p in UNLISTED_POSITIVES],
)
def test_finds_unlisted_identifiers(label: str, text: str, kind: str, needle: str) -> None:
    start = text.index(needle)
    hits = [
        f
        for f in find_phi(text)
        if _same_kind(f.kind, kind) and _overlap(f.start, f.end, start, start + len(needle))
    ]
    assert hits, (label, find_phi(text))


@pytest.mark.parametrize(
    ("label", "text"), UNLISTED_NEGATIVES, ids=[n[0] for n in UNLISTED_NEGATIVES]
)
def test_unlisted_rules_stay_silent_on_traps(label: str, text: str) -> None:
    assert find_phi(text) == [], label


def test_health_number_without_label_needs_a_valid_check_digit() -> None:
    # 450 557 7104 is valid; changing the last digit breaks the mod-11 check.
    assert [f.kind for f in find_phi("the form says 450 557 7105 for her")] in ([], ["phone"])
    assert not any(f.kind == "health_plan" for f in find_phi("the form says 450 557 7105"))


def test_health_number_with_a_phone_cue_stays_a_phone() -> None:
    findings = find_phi("call her on 450 557 7104 after six")
    assert [f.kind for f in findings] == ["phone"]


def test_english_word_list_is_loaded_and_keeps_names_out() -> None:
    from privacy.phi.vocabulary import ENGLISH_WORDS

    assert {"lives", "family", "pharmacy"} <= ENGLISH_WORDS
    assert not {"oluwadamilare", "priyanka", "kowalczyk"} & ENGLISH_WORDS


def test_dev_batches_are_labelled() -> None:
    batches = Counter(s.split for s in DEV if s.split.startswith("batch"))
    assert batches["batch13"] == batches["batch14"] == batches["batch15"] == 50
    assert batches["batch16"] >= 45
    # The third round: eleven batches in members' styles, a third of them traps.
    third = [s for s in DEV if s.split in {f"batch{n}" for n in range(20, 31)}]
    assert all(batches[f"batch{n}"] >= 40 for n in range(20, 31))
    assert len(third) >= 500
    assert sum(not s.spans for s in third) >= len(third) / 3


@pytest.mark.parametrize(
    "text",
    [
        "told " * 20_000,
        "bed 1 - " * 15_000,
        "Aa and " * 15_000,
        ", Gwilym" * 15_000,
        "#1234567" * 12_000,
        "1234 567 890 " * 8_000,
        "on the 14th " * 8_000,
        "contact Ab " * 10_000,
        "Kamloops native " * 6_000,
    ],
    ids=["told", "bed", "pairs", "commas", "hash", "ten-digit", "ordinal", "contact", "native"],
)
def test_unlisted_rules_stay_linear(text: str) -> None:
    start = time.thread_time()
    find_phi(text)
    assert time.thread_time() - start < 3


def test_ordinal_day_keeps_its_article() -> None:
    assert [f.text for f in find_phi("on the 2nd he was fine")] == ["the 2nd"]


@pytest.mark.parametrize(
    "text",
    [
        "You're welcome, Maya.",
        "Thanks Priyanka!",
        "Great point, Sam, I'd add that the lactate matters more.",
        "hi Tomasz, the slides are up",
        "Ask an EM resident: the Match, MCAT and night shifts",
    ],
)
def test_a_reply_greeting_its_reader_and_a_name_after_a_determiner_are_not_patients(
    text: str,
) -> None:
    assert [f for f in find_phi(text) if f.kind == "name"] == []


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Welcome, Maya was discharged this morning", "Maya"),
        ("Maya came back today, thanks", "Maya"),
        ("Thanks to Mr. Okafor for letting me share this", "Okafor"),
    ],
)
def test_a_greeting_does_not_hide_a_name_the_sentence_goes_on_about(text: str, name: str) -> None:
    assert name in [f.text for f in find_phi(text) if f.kind == "name"]


# --- third round: the model on lower-case posts, and the rules added with batches 20-29 ---


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("spoke to rashida today, she's finally agreed to the endoscopy", "rashida"),
        ("jobs: cannulate gallagher, chase patel echo, bloods on oyedepo", "oyedepo"),
    ],
)
def test_model_reads_names_in_a_post_written_in_lower_case(text: str, expected: str) -> None:
    assert expected in [f.text for f in find_phi(text) if f.kind == "name"]


def test_lower_case_jargon_is_not_a_name() -> None:
    assert find_phi("jobs: cannulate bed 4, chase echo, bloods on ward 7") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Can't stop thinking about the Oduya family.", "Oduya"),
        ("Patient asked me to call her Babs instead of Barbara", "Babs"),
        ("She told me her name was Precious and that she walked", "Precious"),
        ("the referral says Ravi Iyer but he goes by Shankar", "Shankar"),
        ("NOK: Parisa Karimi (niece) on the ward", "Parisa Karimi"),
        ("Found out today that Abimbola passed. She was lovely.", "Abimbola"),
        ("Sione, Lupe and Mele all share a room", "Mele"),
        ("Jean-Baptiste, her partner, is very supportive.", "Jean-Baptiste"),
        ("our patient Hye-jin, 44, with lupus", "Hye-jin"),
        ("Łukasz came in with his mum", "Łukasz"),
        ("kullecin: 45f, urosepsis, improving", "kullecin"),
        ("gave kullecin the results, she cried", "kullecin"),
        ("Kowalczyk doing well post op", "Kowalczyk"),
        ("re the patient I posted about (Adaeze) - it was TB", "Adaeze"),
        ("Went to see Oyelaran on the ward round", "Oyelaran"),
        ("Smt. Lakshmi Devi, 92, from Nashik, admitted", "Lakshmi Devi"),
        ("He's a lobster fisherman out of Yarmouth and would not stay", "Yarmouth"),
        ("He's a Kirkcaldy lad, moved down for work", "Kirkcaldy"),
        ("the matriarch of a big Lewisham family", "Lewisham"),
        ("She lives up in Fort St. John with her daughter", "Fort St. John"),
        ("She moved from Lahore to Bradford in 2015.", "Bradford"),
        ("They have a farm somewhere past Dauphin, took 3 hours", "Dauphin"),
        ("The GP letter says Mohinder Kaur, Southall, UB1 3HX", "Southall"),
        ("Shri Ramesh Kumar, village Khed, snake bite", "Khed"),
        ("Pt's address: 12 MG Road, Pune 411001, ph +91 98220 55123", "12 MG Road, Pune 411001"),
        ("address 7 Wattle St, Dubbo NSW 2830", "2830"),
        ("her niece, Parisa, on 07469 555 210", "07469 555 210"),
        ("Pt Hemi Walker, NHI ABC1234, lives in Rotorua", "ABC1234"),
        ("Aadhaar 4521 8876 3012 was on the form", "4521 8876 3012"),
        ("Patient identifier HRN 4410983 (Perth)", "4410983"),
        ("pt is a 94f with new af", "94f"),
        ("He was seen in clinic on 14/02 and the referral", "14/02"),
        ("He fell on Boxing Day 2025 and nobody found him", "Boxing Day 2025"),
        ("Nonagenarian, lives alone, still manages her own meds", "Nonagenarian"),
        ("Turning ninety next month and refuses to use a frame", "ninety"),
        ("text her husband on 0412 555 019", "0412 555 019"),
        ("He fell on Diwali 2024 and broke his hip", "Diwali 2024"),
        ("seen on Canada Day 2025 with burns", "Canada Day 2025"),
        ("Dist. Satara, Maharashtra, snake bite", "Satara"),
        ("He lives in Sault Ste. Marie and never saw a specialist", "Sault Ste. Marie"),
        ("Morning all, Cillian's bloods are back", "Cillian"),
        ("We discharged Nnamdi yesterday and he was back by midnight", "Nnamdi"),
        ("national ID number 8812 4471 09", "8812 4471 09"),
        ("His family is spread between Multan and Lahore, video calls only", "Multan"),
        ("Asked where she grew up and she said Kottayam, then switched", "Kottayam"),
    ],
)
def test_third_round_phrasings_are_found(text: str, expected: str) -> None:
    assert expected in [f.text for f in find_phi(text)]


@pytest.mark.parametrize(
    "text",
    [
        "I call her Mum",
        "a drug called Ozempic works",
        "aspiration pneumonitis, named after Curtis Mendelson",
        "Victoria, Alexandra and Albert wards are all closing for refurb",
        "Reply: Agree with Sam. We stopped using it.",
        "Happy retirement to Sister Bernadette, 45 years of nursing",
        "Shout out to Ebony and Tariq in the cath lab",
        "Metformin is the first line for most",
        "amber on the news2 so escalated to outreach",
        "Ivy league grads don't make better doctors",
        "walked 100m today",
        "Mean age 92 in the cohort, so results may not generalise",
        "Clinic moved to Wednesdays",
        "nonagenarians do well after TAVI",
        "Fibrinogen 0.9, gave cryo, Hb holding",
        "The Macmillan nurse was amazing with the family",
        "Anyone at SAEM in Phoenix this year? Meetup Thursday",
        "the address is on the form",
        "Kerry and Tipperary both had outbreaks last year",
        "a whole jar of his wife's gabapentin is fine",
        "Nova Scotia man",
        "Tmax 99F overnight, 45F patients were all fine",
        "Epworth 16, his wife says he snores",
        "She swears by the Manchester triage system",
        "Publicword pearl #matrix",
        "Openclubword pearl #matrix",
    ],
)
def test_third_round_traps_stay_silent(text: str) -> None:
    assert find_phi(text) == []


def test_an_inflected_word_after_a_name_is_not_a_name() -> None:
    assert [f.text for f in find_phi("Latoya's mom messaged me on facebook")] == ["Latoya"]


def test_a_centenarian_with_an_age_reports_the_age_only() -> None:
    assert [f.text for f in find_phi("Centenarian (101) with a hip fracture.")] == ["101"]


def test_sign_out_heads_are_read_in_short_posts_only() -> None:
    from privacy.phi.detectors.unlisted_names import SIGN_OUT_MAX_CHARS

    head = "kullecin: 45f, urosepsis, improving"
    assert [f.text for f in find_phi(head)] == ["kullecin"]
    filler = "Plan: fluids and review in the morning. "
    long_post = head + "\n" + filler * (SIGN_OUT_MAX_CHARS // len(filler))
    assert "kullecin" not in [f.text for f in find_phi(long_post)]


@pytest.mark.parametrize(
    "text",
    [
        "address: " * 12_000,
        "a Leeds man " * 9_000,
        "kullecin: 45f\n" * 140,
        "(Abc) " * 16_000,
        "out of " * 14_000,
        "that Abc came in " * 6_000,
    ],
    ids=["address", "town-person", "sign-out", "brackets", "out-of", "clause"],
)
def test_third_round_rules_stay_linear(text: str) -> None:
    start = time.thread_time()
    find_phi(text)
    assert time.thread_time() - start < 3


# --- fourth round: places, loose ids, ages over 89, which URLs identify someone ---


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a person word before "from": any capitalised words are the town
        ("Bloke from Tumbarumba came in with a snake bite", "Tumbarumba"),
        ("The elderly couple from Nelspruit came in together", "Nelspruit"),
        ("He's a fisherman from Twillingate, refuses to stay", "Twillingate"),
        # a home or a living just outside a town
        ("He's a dairy farmer just outside Tillamook, brought his own milk", "Tillamook"),
        ("Lady from a farm outside Dubbo drove 5 hours", "Dubbo"),
        # a small word inside the town's name
        ("pt from Surigao del Norte, speaks Cebuano only", "Surigao del Norte"),
        # a town of any words before a state, province or county
        ("Our patient from Hope, BC needed a helicopter out", "Hope, BC"),
        ("She lives in Normal, Illinois, and yes she made the joke", "Normal, Illinois"),
        ("Guy came in from Battle, East Sussex with a sting", "Battle, East Sussex"),
        ("Our frequent flyer from Opp, Alabama was back again", "Opp, Alabama"),
        # a country after the town, a visit to a relative in a town
        ("She was raised in Kingston, Jamaica.", "Kingston, Jamaica"),
        ("Visiting her daughter in Wagga when she fell", "Wagga"),
        # a corner with a street type, a home "at" a town
        (
            "She runs the chip shop on the corner of Main St and Elm in Bemidji",
            "Main St and Elm in Bemidji",
        ),
        ("Pt is from Reading originally, now lives in a caravan at Clacton", "Clacton"),
        ("lives on a farm at Gundagai with his dog", "Gundagai"),
        # hospital numbers written loosely
        ("UR 448120, 78F, for review of her warfarin", "448120"),
        ("pt in bed 14, hosp number is RX559102, sats dropping", "RX559102"),
        ("hosp no. for the lady in 4B is G774199", "G774199"),
        ("ihi 8003 6012 3456 7890 wrong in the discharge", "8003 6012 3456 7890"),
        # ages over 89
        ("wee man of 92 from Larne, first time in hospital", "92"),
        ("She celebrated her 99th last week on the ward", "99th"),
        ("still lives alone and will be 97 this year", "97"),
        ("nonagenarian with a hip fracture, 95 next month", "95"),
        # URLs of people
        (
            "Her GoFundMe is https://www.gofundme.com/f/help-maria if you can",
            "https://www.gofundme.com/f/help-maria",
        ),
        ("my patient's page https://example.com/jo-recovers", "https://example.com/jo-recovers"),
        ("his channel youtube.com/@tomsfight has the ICU videos", "youtube.com/@tomsfight"),
    ],
)
def test_fourth_round_phrasings_are_found(text: str, expected: str) -> None:
    assert expected in [f.text for f in find_phi(text)]


@pytest.mark.parametrize(
    "text",
    [
        # references, the poster's own pages and their unit's pages
        "Guidelines: https://www.acc.org/guidelines.",
        "See www.uptodate.com for dosing.",
        "Great guideline on sepsis: https://www.nice.org.uk/guidance/ng51",
        "https://www.youtube.com/watch?v=x7Rt2Uq0abc great lecture on DKA",
        "Our department site: https://www.rpa.health.nsw.gov.au/emergency",
        "I wrote about this on my blog: https://drjennywrites.com/2026/burnout",
        "Our unit's page has the referral form: https://www.stjames.ie/services/renal",
        "Journal club paper: https://jamanetwork.com/journals/jama/fullarticle/2812345",
        # the poster's career and questions for a colleague
        "Worked in Stoke for 6 years before moving to the Gold Coast",
        "Moved from Leeds to Auckland for the registrar job last year",
        "Moved to Toronto for fellowship in 2019 and never left",
        "Does anyone know a good endo in Cork for a referral?",
        "I trained in Kottayam and loved it",
        # a region after a comma with no locative word, a credential after a name
        "Thanks Sarah, Texas is huge",
        "The conference in Banff, Alberta was great",
        "referred from Dr Smith, MD for review",
        # numbers that are not ages or ids
        "a cohort of 95 patients",
        "his weight is in the 95th percentile",
        "bed 92 next week",
        "ur bp is fine",
        "UR 12 beds are free",
        "we live in a house at the end of the road",
        "Meet me at Starbucks at 5",
    ],
)
def test_fourth_round_traps_stay_silent(text: str) -> None:
    assert find_phi(text) == []


def test_a_patient_in_the_sentence_keeps_a_colleague_question_s_town() -> None:
    text = "Does anyone know a good endo for my patient in Cork?"
    assert "Cork" in [f.text for f in find_phi(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Does anyone know a good endo for my patient in Cork?", "Cork"),
        ("We flew her home to Cork on Sunday", "Cork"),
        ("moved to Newcastle upon Tyne last year", "Newcastle upon Tyne"),
        # a reference on a host the scanner does not know is still reported
        (
            "Society statement: https://www.somesociety.example/guidance",
            "https://www.somesociety.example/guidance",
        ),
    ],
)
def test_fourth_round_limits_as_documented(text: str, expected: str) -> None:
    assert expected in [f.text for f in find_phi(text)]


def test_a_town_after_the_poster_s_career_is_not_flagged_even_with_a_person_after_it() -> None:
    assert "Cork" not in [f.text for f in find_phi("I trained in Cork, where she lives")]


@pytest.mark.parametrize(
    "text",
    [
        ", Texas" * 20_000,
        "from Abc, BC " * 12_000,
        "man of 92 " * 14_000,
        "her 99th " * 16_000,
        "95 next year " * 12_000,
        "hosp no for " * 14_000,
        "my blog https://a.example/x " * 5_000,
        "anyone know a good endo in " * 5_000,
        "lives in a caravan at " * 6_000,
        "visiting her daughter in " * 6_000,
        "corner of Main St and " * 6_000,
    ],
    ids=[
        "region",
        "town-region",
        "man-of",
        "ordinal",
        "next",
        "hosp-no",
        "own-url",
        "ask",
        "home-at",
        "visiting",
        "corner-street",
    ],
)
def test_fourth_round_rules_stay_linear(text: str) -> None:
    start = time.thread_time()
    find_phi(text)
    assert time.thread_time() - start < 3


# ---------------------------------------------------------------------------
# Fifth and sixth rounds: the place model and what batches 34-42 missed
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind", "expected"),
    [
        # Dates without a year after a person's event.
        ("adm 14/03. wife Funmi wants a call", "date", "14/03"),
        ("RIP to Mr. Ferreira who passed 11/02 at 0340", "date", "11/02"),
        ("from Kenema, arrived 12/02 and collapsed at arrivals", "date", "12/02"),
        # Seven-digit local numbers after a cue; a UK mobile in brackets after a name.
        ("mom is Guadalupe, best number 555-0172, works nights", "phone", "555-0172"),
        ("bed 5, daughter Karen (07700 900417) wants a call", "phone", "07700 900417"),
        # Ages after a name or a town.
        ("Astrid S., 91, NOF #, on apixaban", "age", "91"),
        ("Babcia Zofia — Mrs. Wiśniewska — 96, came in", "age", "96"),
        ("92 today and still beating me at cribbage", "age", "92"),
        ("pt is mrs fitzgerald 93 from kilkee", "age", "93"),
        ("Housecall to see Peadar, 96 in May, lives alone", "age", "96"),
        ("mrs mcphee from the Castlemilk scheme, 99 on thursday, wants a cake", "age", "99"),
        ("Mr Gurdev Sahota, 93 (he says 95), from Smethwick", "age", "93"),
        ("old Mr Tipene from out past Kaikohe, 97 and still chopping wood", "age", "97"),
        ("deleting later. ninety-eight y/o from Moose Jaw, severe AS", "age", "ninety-eight"),
        # Names.
        ("Babcia Zofia — Mrs. Wiśniewska — came in", "name", "Wiśniewska"),
        ("mr bishop in side room 7 refused his enoxaparin", "name", "bishop"),
        ("mrs brown's grandson picked her up", "name", "brown"),
        ("handover bed 4: Rose Bell 94F #NOF day 2", "name", "Rose Bell"),
        ("Jerome now has a collections letter for a colonoscopy.", "name", "Jerome"),
        (
            "that day. Edith Marchbanks, oldest pt on the ward, says she's 24",
            "name",
            "Edith Marchbanks",
        ),
        ("Handover: Yousef Al-Khatib bed 22, POD1 lap chole", "name", "Yousef Al-Khatib"),
        ("Doña Remedios came up from the coast to stay", "name", "Remedios"),
        ("share the cake pic #HappyBirthdayAuntieMere", "name", "Mere"),
        ("follow for updates #PrayersForHunter", "name", "Hunter"),
        ("today she smiled #KiaKahaTaini", "name", "Taini"),
        ("Faith in bed 12 pulled her NG again", "name", "Faith"),
        ("Our ICU in Leeds took her from the flat in Hulme", "address", "flat in Hulme"),
        ("transferred from Leeds post op, lives alone", "address", "Leeds"),
        ("Twins Mason and Grace Tupou (ex-29 weekers) both off CPAP", "name", "Grace Tupou"),
        (
            "PSA: Declan's wife @siobhan.mcgrath.76 has been tagging the team",
            "name",
            "@siobhan.mcgrath.76",
        ),
        ("ortho washout. Dad (@kyle.brandt88) messaged me to say thanks", "name", "@kyle.brandt88"),
        # Places.
        ("she lives up in Hope and the highway was closed", "address", "Hope"),
        ("Mrs Beauchamp from Trois-Rivières, whose granddaughter", "address", "Trois-Rivières"),
        ("village Bichhua, Chhindwara district — 23F, krait bite", "address", "Chhindwara"),
        (
            "lives on the Broadwater Farm estate in Tottenham",
            "address",
            "Broadwater Farm estate in Tottenham",
        ),
        # Labelled numbers of other countries.
        ("Wanjiru Kamau 45F IP no 2291847, from Kawangware", "mrn", "2291847"),
        ("from guntur, UHID 2024/00871. alcoholic hepatitis", "mrn", "2024/00871"),
        ("NHIS no. NHIS/KAD/774203. Presented with pain", "health_plan", "NHIS/KAD/774203"),
        ("PhilHealth 02-251847390-6. Day 5 dengue", "health_plan", "02-251847390-6"),
        (
            "with an Aadhaar photocopy every visit: 4521 8890 3317, not hers",
            "other_id",
            "4521 8890 3317",
        ),
        ("someone keyed his SSN as 666-24-3817 instead", "ssn", "666-24-3817"),
        ("from Kumbakonam, presented 12-Jan-2024 with heart block", "date", "12-Jan-2024"),
        ("PT/OT, daughter at 555-0147", "phone", "555-0147"),
        ("son Minh 555-0193, email on file", "phone", "555-0193"),
        ("HCP, best # is 555-0142. Furosemide 80 IV", "phone", "555-0142"),
        ("Sione, 19, from Nuku'alofa, staying with his aunty", "address", "Nuku'alofa"),
        ("the surgery in Dingle. 90 and cycles in every week for his INR", "age", "90"),
    ],
)
def test_what_the_new_batches_missed_is_found(text: str, kind: str, expected: str) -> None:
    assert (kind, expected) in [(f.kind, f.text) for f in find_phi(text)]


@pytest.mark.parametrize(
    "text",
    [
        "Vancomycin dosing: call pharmacy. CrCl 20-49 mL/min: 500-1000 mg q24h",
        "call pharmacy re trough 250-1000",
        "HR 95 on Monday, 110 on Tuesday",
        "Sats were low, 92 on Monday",
        "Power 4/5 in the left arm, adm with weakness",
        "XR shows osteo of the 2nd MT head.",
        "Lyme serology negative but with Rocky Mountain spotted fever on the table",
        "Anyone else seeing more Ross River virus? Murray Valley encephalitis warnings are out",
        "Zika, Hendra, Nipah, Hantaan, Norwalk: the list of place-named bugs",
        "hyponatremia Na 118. Son wants her on the same floor his dad was on",
        "John Doe found down at the corner, no ID",
        "Spanish-speaking family in rm 14, interpreter booked",
        "#TeamDexamethasone all day for croup",
        "Enzyme replacement is idursulfase (Elaprase).",
        "Presenting at the Royal College in Edinburgh in May on Wernicke's",
        "she lives in Florida with her son",
        "Metformin has been the first line for years",
        "Warfarin now has a rival",
        "the Lake District was lovely",
        "#PrayForHope in these times",
        "#GoLive tomorrow at 8",
        "Sepsis in bed 4 again, third time this week",
        "Moved from Leeds to Bath for the new consultant post. Any tips?",
        "Landed in Kyoto for APSC. Anyone want ramen?",
        "ESMO in Barcelona was a blur.",
        "Back from ATS in San Diego, jet-lagged and full of tacos.",
        "covering my nights while I was at ESC in London",
        "Finerenone (Kerendia) gets a class I recommendation",
        "Long QT: Romano-Ward vs Jervell and Lange-Nielsen",
        "Our charge nurse swears Lyrica and Celexa are the top baby names on the ward",
        "Cardiology on ward 7 are great",
        "thanks to @dr_amara_k for the referral",
    ],
)
def test_what_the_new_batches_warned_about_is_left_alone(text: str) -> None:
    assert find_phi(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "Rose Bell 94F, " * 150,
        "Lucia, 95 on Monday " * 5_000,
        "Chhindwara district " * 8_000,
        "adm 14/03 " * 10_000,
        "Ross River " * 10_000,
        "Edith Marchbanks " * 10_000,
        "call 555-0172 " * 8_000,
    ],
    ids=["age-sex", "age-day", "district", "adm-date", "disease", "whole-name", "local-phone"],
)
def test_fifth_round_rules_stay_linear(text: str) -> None:
    start = time.thread_time()
    find_phi(text)
    assert time.thread_time() - start < 3


# --- seventh round: batches 46-48 (names that are words, a day's feed, places abroad) ---


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A listed given name that is a word, right after a relative.
        ("Wife Hope is hoping to make the 10am family meeting.", "Hope"),
        ("Her daughter Grace brings her in every week.", "Grace"),
        # A reduplicated nickname, whatever its halves are ("Jun" is a month).
        ("Her grandson Jun-Jun stays at the bedside 24/7.", "Jun-Jun"),
        # An eponym that is the surname of a full name before an age.
        ("Had a lady last week, Shoshana Weiss, 91, on Valium since 1974.", "Shoshana Weiss"),
        # Initials in lower case after a cue, before an age or where the patient lies.
        ("quick q re pt j.k., dob 03/11/1931, on warfarin", "j.k."),
        ("j.r. in bay 3 keeps pulling his ng", "j.r."),
        ("sign out rm 412 - k.b., 45M, etoh w/d", "k.b."),
        # A patient on a ward is no colleague.
        ("Pani Zofia on 5 North: ninety-four, sharp as a tack.", "Zofia"),
        # Numbers dialled with a leading 0 in Nigeria, Kenya, the Philippines, Australia.
        ("Husband is texting me non-stop on 0998 555 0167, please help", "0998 555 0167"),
        ("Dad (Baba Otieno): 0711 555 284.", "0711 555 284"),
        ("eldest son speaks for the family: 0803 555 7721", "0803 555 7721"),
        ("mum Leanne on (07) 5550 1834 or by email", "(07) 5550 1834"),
        # Identity and insurance numbers of other countries.
        ("His CNIC 12101-4567890-3 was needed for the drug programme", "12101-4567890-3"),
        ("IC 560418-10-5326 for the pharmacy record", "560418-10-5326"),
        ("His NHIS card: 07234519. If anyone knows an NGO", "07234519"),
        ("NHIF no. 44182093, please confirm with records", "44182093"),
        ("NDIS 431 872 905 for the OT referral", "431 872 905"),
        ("CM insurance card no. 4471 2290 0815, will this cover dialysis", "4471 2290 0815"),
        # An age in brackets after a titled surname.
        ("Pearl courtesy of Mrs Abernethy (97, still drives herself to Mass)", "97"),
        # A unit's town tells where its patients are: still flagged, as in the dev set.
        ("Our ED in Swindon saw three overdoses on the same night.", "Swindon"),
    ],
)
def test_seventh_round_phrasings_are_found(text: str, expected: str) -> None:
    assert expected in [f.text for f in find_phi(text)]


@pytest.mark.parametrize(
    "text",
    [
        # A relative word ending a sentence is no cue for the next one.
        "Spent 20 mins with her and the daughter. Restarted, added lisinopril 10mg.",
        "KFC in the waiting room. Love that man. Furosemide 80 IV and a long chat about salt.",
        # Drugs, from the drug list, and diseases opening a sentence.
        "Rate 142. Diltiazem drip, converted overnight.",
        "Lassa PCR positive. Ribavirin started the same day.",
        "Cyclophosphamide works wonders when we have it.",
        "Dengue is up again this monsoon.",
        "Anecdotally we've had six cases this summer.",
        # States and regions of other countries.
        "Japanese encephalitis is still a thing in Sarawak.",
        "Heatwave in Sindh again and our ED is full.",
        # The poster's own places.
        "Flying back to Boston now, clinic at 8am.",
        "Resident doctors in Lagos, how are you coping?",
        "I'm at Hopkins in Baltimore, so I blame Osler for all of this.",
        "We see it every week at the referral hospital here in Eldoret.",
        "Moving to Leeds next month for my exams, wish me luck.",
        # Institutions, snakes and elders' titles.
        "Grand ward round at Hospital Sultanah Aminah this morning.",
        "Russell's viper suspected: 20WBCT prolonged.",
        "Kaumātua in bed 6 today made our whole team laugh.",
        # Colleagues from a ward, abbreviations that look like initials.
        "Jennifer from 4B sorted the bed for us.",
        "e.g. in bay 3 we give i.e. the usual dose",
    ],
)
def test_seventh_round_traps_stay_silent(text: str) -> None:
    assert find_phi(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "Wife Hope " * 10_000,
        "Jun-Jun " * 10_000,
        "pt j.k. in bay " * 8_000,
        "Mrs Abernethy (97, " * 6_000,
        "on 0711 555 284 " * 8_000,
        "Flying back to Leeds " * 6_000,
    ],
    ids=["kin-word-name", "reduplicated", "initials", "bracket-age", "leading-zero", "poster"],
)
def test_seventh_round_rules_stay_linear(text: str) -> None:
    start = time.thread_time()
    find_phi(text)
    assert time.thread_time() - start < LINEAR_SECONDS


# --- eighth round: batches 49-51 (sign-outs, stories, places abroad) ---


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A relative before a listed given name the eponym rule would take ("Linda cell").
        ("albumin given. Wife Linda cell (617) 555-0134, call her with any change", "Linda"),
        # An age after a titled surname, a comma after it.
        ("Ward round jots. Mrs Brennan 91, from Ballinasloe, CAP.", "91"),
        # Names after a bed or a room and a dash, one word or two, any case.
        ("Overnight sign-out. Rm 812 – garcia, 59M, UGIB, 2u PRBC.", "garcia"),
        ("Rm 820 – esperanza reyes, DKA, gap closed.", "esperanza reyes"),
        ("handover: bed 6 seamus o'dwyer 88, COPD exac", "seamus o'dwyer"),
        ("ED board 14:00: Cub 3 – Tui 19F, asthma, salbutamol back to back", "Tui"),
        # A bed, a listed name and an age.
        ("bed 8 nora 95, ?aspiration, NBM", "95"),
        # An age in brackets after a relative's title and a name, or a full name.
        ("Uncle Tevita Fifita (94) wants to go home for his birthday", "94"),
        ("To the family of Esther Goldberg (99, of Teaneck): thank you", "99"),
        # Initials and a town.
        ("To J.M. in Ballymena, who sent a card to the unit", "J.M."),
        # Malaysia's identity card in any case, Kenya's and Jamaica's numbers.
        ("ic 340911-10-6683. daughter on the ward", "340911-10-6683"),
        ("SHA no. 48215530. grandson's number if anyone needs it", "48215530"),
        ("TRN 104-392-817 is on the consent form", "104-392-817"),
    ],
)
def test_eighth_round_phrasings_are_found(text: str, expected: str) -> None:
    assert expected in [f.text for f in find_phi(text)]


@pytest.mark.parametrize(
    "text",
    [
        "Pharmacist Mele is a legend, sorted the renal dosing.",
        "Lassa fever confirmed in Bauchi and Ondo again this week.",
        "Nipah alert in Kozhikode again. Remdesivir?",
        "Greetings from Ibadan, the whole team says hi.",
        "If you're in Davao, how are your blood stocks?",
        "Dadi ji was so pleased with her new glasses.",
        "21 - Murray Valley enceph r/o, LP done.",
        "bed 4 sats 95 on 2L, bed 5 sepsis 92",
        "bed 12 – nstemi, trop 400",
        "lot 991399-99-1234 expired",
        "sha 256 of the file",
        "Back in the U.S. in March for the boards",
    ],
)
def test_eighth_round_traps_stay_silent(text: str) -> None:
    assert find_phi(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "bed 8 nora 95, " * 8_000,
        "Rm 812 – garcia, " * 8_000,
        "Esther Goldberg (99, " * 6_000,
        "ic 340911-10-6683 " * 6_000,
        "J.M. in Ballymena " * 8_000,
        "cases in Leeds " * 8_000,
    ],
    ids=["bed-age", "bed-name", "bracket-age", "identity-card", "initials-town", "outbreak"],
)
def test_eighth_round_rules_stay_linear(text: str) -> None:
    start = time.thread_time()
    find_phi(text)
    assert time.thread_time() - start < LINEAR_SECONDS


# --- ninth round: batches 52-56 (sign-out lines, nicknames, places abroad, numbers abroad) ---


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Initials before what a patient does, or before an age in brackets.
        ("Insurer wants it documented. K.T. has been on metformin since 2015.", "K.T."),
        ("she was mine too! j.o. (the 94 y/o from Mobile) came back on 7", "j.o."),
        # Particles and a nickname in quotes belong to the name they open.
        ("van der Merwe is back in resus, third time this month", "van der Merwe"),
        ("dc planning for 'Big Ron' Tsosie: 340 lb, lovely man", "'Big Ron' Tsosie"),
        ("Whiteboard said 'De La Rosa, M.' and we had two of them", "De La Rosa"),
        # Vietnamese letters.
        ("Trần Văn Nam, 93M, transferred from Cabramatta with urosepsis", "Trần Văn Nam"),
        # A nickname in quotes before its verb or its real name.
        ("'Boeta' came back to say thank you. 2 years ago he was on the ward", "Boeta"),
        ("- bed 12: 'Oupa' (real name Pieter), folder 4418273, delirium", "Oupa"),
        # A sign-out line that opens with a lower-case name: an age after it, or its bed.
        ("night sign out\n- mohd. irfan 90, hemiplegia, aspiration risk", "mohd. irfan"),
        ("night sign out\n- mohd. irfan 90, hemiplegia, aspiration risk", "90"),
        ("ward 5\n- harpreet kaur gill 47F, dengue, plt 18k", "harpreet kaur gill"),
        ("handover\n• wanjiru (bed 2) - admitted 03/03 with DKA", "wanjiru"),
        # Hashtags that cheer a patient on.
        ("91 years young and training again. #GoFaithGo", "Faith"),
        ("to support, contact her husband on 0803 555 2917. #SaveBlessing", "Blessing"),
        # Ages: spelled out after a comma, before a colon, after "I'm", after a bed, with "yrs".
        ("#RIP to the sweetest lady on our ward, ninety-six and sharp as a tack.", "ninety-six"),
        ("The best advice came from Mrs. Fitzgerald-Yeo, 92: 'ask twice'", "92"),
        ("'Doutora, I'm 92, I want to see my sister again'", "92"),
        ("Our Lola in bed 3, 95, from Marikina, refuses the NGT", "95"),
        ("bed 7 - t.b., 99, from ballincollig, incarcerated hernia", "99"),
        ("Ref: Mrs Lalitha Subramaniam, 90 yrs, IP No. 784512", "90 yrs"),
        # Places: a county, a care home's suburb, an Irish county, an Eircode, a lower-case
        # place after an age and sex, a visitor's home, a hyphenated town, two capitalised words
        # after an age and sex.
        ("Hantavirus: 38M, works a ranch in McKinley County, cleaned a shed", "McKinley County"),
        ("News crew filmed the Port Credit care home outbreak today", "Port Credit"),
        ("Case Q: farmer from Co. Leitrim, 71M, 3 weeks of fever", "Co. Leitrim"),
        ("79M from Belmullet, Eircode F26 K7P3. Painless jaundice.", "F26 K7P3"),
        ("rounding: 96f from east boston, found on kitchen floor", "east boston"),
        ("sign out: 91m from bath, fell at the weekend, sdh 6mm", "bath"),
        ("Ahmad, visiting from Kuala Terengganu, STEMI on day 3 of his trip", "Kuala Terengganu"),
        ("1. siobhan ní bhriain, 93, from Carrick-on-Shannon, urosepsis", "Carrick-on-Shannon"),
        ("- bed 7: Mrs Van der Berg, 89F, from Fish Hoek, CAP, for WR review", "Fish Hoek"),
        # Six-digit postcodes closing a street address, and India's PIN.
        ("r/o 12 Gandhi Street, Tiruvannamalai 606601, c/o fever", "606601"),
        ("12 Adeola Odeku St, Victoria Island 101241, ph 0809 112 4478", "101241"),
        ("address on file, PIN 560034", "560034"),
        # Numbers abroad: Nova Scotia's card, a bike's plate, Ireland's medical card, a
        # South African folder number, Pakistan's identity card by its shape.
        ("now in Halifax, MSI 0012 345 678. Changing pigmented lesion", "0012 345 678"),
        ("23M polytrauma RTA, bike no MH12 KT 4471, police informed", "MH12 KT 4471"),
        ("GMS card no: 1184562T", "1184562T"),
        ("hyperactive delirium, folder 4418273, sitter needed", "4418273"),
        ("the CNIC on the form (35202-4418276-3) doesn't match", "35202-4418276-3"),
    ],
)
def test_ninth_round_phrasings_are_found(text: str, expected: str) -> None:
    assert expected in [f.text for f in find_phi(text)]


def test_a_name_or_town_found_once_is_found_wherever_the_post_writes_it_again() -> None:
    names = [f.text for f in find_phi("#PrayForNiall tonight. Niall from Tallaght is in theatre")]
    assert names.count("Niall") == 2
    towns = find_phi("My patient lives in Normal. Yes, Normal, Illinois. Her sodium was 118.")
    assert [f.kind for f in towns if f.text.startswith("Normal")] == ["address", "address"]


def test_a_full_name_s_given_name_is_found_again_alone() -> None:
    text = "Faith Mensah was discharged today. Her sister said Faith never gave up."
    assert [f.text for f in find_phi(text)] == ["Faith Mensah", "Faith"]


def test_a_name_found_once_is_not_repeated_where_it_names_a_sign() -> None:
    palsy = find_phi("Mrs Bell asked if Bell's palsy was named after her family.")
    assert [f.text for f in palsy] == ["Bell"]


@pytest.mark.parametrize(
    "text",
    [
        "#TipsForNewInterns: grace under pressure beats speed.",
        "He swears it's indigestion from his wife's mansaf. Cath lab called.",
        "The form asks for Aadhaar and the Ayushman card won't link.",
        "Kenosha County has a new free clinic program.",
        "Our new intern Rose asked if Valium and diazepam were different.",
        "Daily dressing, Braden 12.",
        "OT says frame and stairlift. Council says 8 weeks.",
        "Three flu admissions on our ward in Bristol today.",
        "Moving from Lagos to Baltimore in June. Any tips on housing?",
        "contact Prof Lindqvist's team in Uppsala for the protocol",
        "ED shift in Thunder Bay: -38°C outside, 6 frostbite",
        "Just finished my rural term in Broken Hill. More snakebites than Sydney.",
        "plt 150000 after 2 units",
        "pin site care twice daily",
        "ICD-10 E11 9 and F32 A were both on the form",
    ],
)
def test_ninth_round_traps_stay_silent(text: str) -> None:
    assert find_phi(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "#PrayForPaddy " + "Paddy from Tallaght " * 8_000,
        "Normal, Illinois " * 8_000,
        "- mohd. irfan 90,\n" * 6_000,
        "bike no MH12 KT 4471 " * 6_000,
        "12 Gandhi Street, Tiruvannamalai 606601 " * 4_000,
        "van der Merwe " * 8_000,
        "'Big Ron' Tsosie " * 6_000,
        "F26 K7P3 " * 8_000,
        "a ranch in McKinley County " * 6_000,
        "96f from east boston " * 6_000,
    ],
    ids=[
        "repeated-name",
        "repeated-town",
        "heading-line",
        "plate",
        "six-digit-postcode",
        "particles",
        "nickname",
        "eircode",
        "county",
        "age-sex-from",
    ],
)
def test_ninth_round_rules_stay_linear(text: str) -> None:
    start = time.thread_time()
    find_phi(text)
    assert time.thread_time() - start < LINEAR_SECONDS


# --- tenth round: batches 62-65 (sign-out lines, addresses abroad, the poster's places) ---


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Sign-out lines: a name in lower case after a bullet, a number, a bed or a room, then
        # an age with its sex in any form; a bracket holds a name too.
        ("handover\n- bed 7 reg o'hare M/91 ?asp pneumonia", "M/91"),
        ("handover\n- aroha t. 90F fall at home", "aroha t"),
        ("ward 3\n1) m. aslam 55M DKA, insulin infusion", "m. aslam"),
        ("ward 3\n1. lola remedios 91/F CAP-HR", "remedios"),
        ("ward 3\n2. jun-jun 8yo dengue w/ warning signs", "jun-jun"),
        ("ward 3\n- 418 okafor-reyes 54F DVT on heparin", "okafor-reyes"),
        ("ward 3\n- pakcik hamid 93, urosepsis, meropenem", "hamid"),
        ("lytes. bed 14 - nguyen thi lan, 91F, UTI", "nguyen thi lan"),
        ("handover 4 North: 18 - jacinta murray 34F, pyelo", "jacinta murray"),
        ("ward 3\n• rm 16 jp (jean-philippe) 33M DKA", "jean-philippe"),
        ("ward 3\n2. pinky (real name gurpreet) 23F, DKA", "gurpreet"),
        ("ward 3\n- bed 6 'nana jo' (josephine), 93, chest infection", "josephine"),
        ("ward 3\n- bed 6 'nana jo' (josephine), 93, chest infection", "93"),
        # Ages with a slash anywhere, after "at" and a comma, after "sahib".
        ("interesting one: M/92, Ramesh Iyer, retired headmaster", "M/92"),
        ("Rogelio Dimaculangan, 90/M, Brgy. San Isidro", "90/M"),
        ("Koro Hemi passed last night at 96, at home", "96"),
        ("Abdul Qadir sahib (90, still bossing everyone)", "90"),
        # Homes named before their noun.
        ("- bed 1 wiremu 91M, from rosewood rest home, slow mobility", "rosewood rest home"),
        (
            "Passed 28 Sept at Yoogali Gardens Aged Care with her family",
            "Yoogali Gardens Aged Care",
        ),
        ("turned 97 yesterday at Banksia Lodge in Toowoomba", "Banksia Lodge in Toowoomba"),
        # Postcodes by their towns in an address, before or after them.
        ("Pt: Mr K, 4/22 Rawson St, Auburn NSW 2144. Medicare", "2144"),
        ("res. 2311 Vilakazi St, Orlando West, Soweto 1804. DKA", "1804"),
        ("alamat No. 8, Jalan SS2/64, 47300 Petaling Jaya. RN 1", "47300"),
        ("alamat No. 8, Jalan SS2/64, 47300 Petaling Jaya. RN 1", "Petaling Jaya"),
        ("Blk 412 Bedok North Ave 2 #08-117, Singapore 460412. neighbour", "460412"),
        # Names: thanked with the family, between an age and a home, "w/o" and "s/o", "And"
        # in a hashtag, initials between commas after a person, a relative's title abroad.
        ("huge asante to wanjiku & family who drove 3hrs", "wanjiku"),
        ("6yo tanvi from Nashik rang the bell today", "tanvi"),
        (
            "SKMCH Lahore. Bibi Nasreen w/o Ghulam Rasool, 55F, CNIC",
            "Bibi Nasreen w/o Ghulam Rasool",
        ),
        ("updating her church group with #KosiAndDera every day", "Dera"),
        ("I have a 91yo vet, J.T., discharging from our SNF", "J.T."),
        ("bhai imran says he worked in a brick kiln", "imran"),
        ("Tok Wan Ismail, 94, dari Kuala Krai, pesakit kami", "Kuala Krai"),
        # Numbers: shapes of their own, more labels, India's mobiles.
        ("medicare no should be 2953 41877 1", "2953 41877 1"),
        ("philhealth pending bed 3, PIN 12-050338271-9", "12-050338271-9"),
        ("ABHA 91-4455-6677-8899. husband can't afford RT", "91-4455-6677-8899"),
        ("the MBI was wrong, correct one is 1EG4-TE5-MK72", "1EG4-TE5-MK72"),
        ("owner of a silver Corolla, reg KX19 TYU, parked", "KX19 TYU"),
        ("19F, hosp no UCH/23/09471, recurrent fever", "UCH/23/09471"),
        ("MRD no. 2019/44718 for the record dept", "2019/44718"),
        ("brought by grandson, ID 28845173, SHA no. pending", "28845173"),
        ("99yo RAAF vet, DVA Gold Card NX204517, needs a hearing aid", "NX204517"),
        ("relatives v anxious, son's no 98410 22736", "98410 22736"),
        ("medisave claim needs the daughter, hp 9127 4450", "9127 4450"),
    ],
)
def test_tenth_round_phrasings_are_found(text: str, expected: str) -> None:
    assert expected in [f.text for f in find_phi(text)]


@pytest.mark.parametrize(
    "text",
    [
        "the 95-yr-old had a GI bleed on apixaban",
        "my 92yo pt outwalked me on the ward today",
        "she's 92 and rides the bus",
        "A 92 year old mzee from the valley walked into clinic",
    ],
)
def test_tenth_round_words_before_an_age_are_no_names(text: str) -> None:
    assert [f.kind for f in find_phi(text)] == ["age"]


@pytest.mark.parametrize(
    "text",
    [
        "handover\n- bed 4 sats 85 on 2L\n- lactate 4.1, repeat\n- plt 42, no bleed",
        "tl;dr the PE was massive",
        "huge thanks to dr. amira haddad & the whole ID team",
        "Dr H. Brennan (GPST2), kind regards",
        "Minister Pate please see us",
        "sent back to the nursing home today",
        "#RockAndRoll #BlackAndWhite",
        "dengue season back in pune, plt 18,000",
        "we have 6 machines at our center in multan",
        "Naegleria alert again in Karachi, tap water",
        "ACLS refresher in Ipoh this weekend",
        "NUM on ext 40215",
        "#SalamatPo #centenarian",
        "call reg 2 in ED, the ID team saw him",
    ],
)
def test_tenth_round_traps_stay_silent(text: str) -> None:
    assert find_phi(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "- bed 7 reg o'hare M/91\n" * 90,
        "x " + "M/91 " * 12_000,
        "from rosewood rest home " * 6_000,
        "res. 2311 Vilakazi St, Soweto 1804 " * 4_000,
        "Nasreen w/o Ghulam " * 6_000,
        "#KosiAndDera " * 6_000,
        "2953 41877 1 " * 6_000,
        "to wanjiku & family " * 6_000,
        "ID 28845173 " * 8_000,
        "6yo tanvi from Nashik " * 6_000,
    ],
    ids=[
        "heading-lines",
        "slash-ages",
        "facility",
        "postcode-by-town",
        "kin-of",
        "hashtag-and",
        "health-shapes",
        "family",
        "bare-id",
        "age-name-from",
    ],
)
def test_tenth_round_rules_stay_linear(text: str) -> None:
    start = time.thread_time()
    find_phi(text)
    assert time.thread_time() - start < LINEAR_SECONDS


def test_a_year_after_a_month_near_a_street_is_no_postcode() -> None:
    found = find_phi("12 Baker St closed in March 2021 for review")
    assert "zip" not in [f.kind for f in found]


def test_names_found_again_the_same_with_few_names_or_many() -> None:
    # A few names are looked for one by one, many in one pass over the words: both find the
    # second mention of each.
    given = "Amara Bongani Ciaran Dagny Eitan Folake Gwilym Hamid Ines Jomo Kiri Lowri Mehmet"
    text = " ".join(f"Mrs {name} came in." for name in given.split())
    text += " " + " ".join(f"Later {name}'s son rang." for name in given.split())
    found = [f.text for f in find_phi(text)]
    for name in given.split():
        assert found.count(name) == 2, name
    assert [f.text for f in find_phi("Mrs Dagny came in. Later Dagny's son rang.")] == [
        "Dagny",
        "Dagny",
    ]


# --- eleventh round: batches 66-69 (a day's feed of every kind, read after a blind scoring) ---


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A title in lower case and a full name; Malay titles.
        ("referral: re: mrs hilda fairweather, dob 14/02/1931", "hilda fairweather"),
        ("need advice pls: mdm siti aminah, 90, staying at Jurong", "siti aminah"),
        # Pakistan's mobiles.
        ("JazzCash 0300-4417829 (Tariq Baig) for the fees", "0300-4417829"),
        # A place after an age and a person ("96yo lady from ballina").
        ("q for the geris: 96yo lady from ballina, mmse 18", "ballina"),
        ("101yo gentleman from moose jaw told me he'd outlived 4 GPs", "moose jaw"),
        # Ages: in brackets after a full name with its macrons or an exclamation, after a
        # bracketed name and a comma, after a spaced hyphen.
        ("Farewell to Koro Hemi Tāwhiri (91) who taught me", "91"),
        ("Lola Nena (Leonora Dimaculangan), 90, stroke, nasa ward", "90"),
        ("his sister nuala (101!) is still going strong", "101"),
        ("keep my patient mabel in your thoughts - 98, came in from home", "98"),
        # Sign-out names inside a line, after a label's colon or a list's number.
        ("handover from surg on call: seán ó murchú 92, bed 6, #nof", "seán ó murchú"),
        ("sign out: 1. abdul-rahman 90, sepsis ?source 2. 88F cap", "abdul-rahman"),
        # A mother named by her baby, a letter's subject, a full name in brackets, "s/o" whole.
        ("alhamdulillah! baby of zainab bibi (1.1kg at birth) went home", "zainab bibi"),
        ("'Re: Aroha Te Whata, NHI ZAC4821, 47 Kowhai Street", "Aroha Te Whata"),
        ("Re: GAGNON Marie-Claude   DOB 14/07/1961", "GAGNON Marie-Claude"),
        ("- bed 3 Dazza (Darren Pitcher) 44M from Moe, MVA", "Darren Pitcher"),
        ("uncle Ramasamy s/o Pillai in bed 22 keeps asking for makan", "Ramasamy s/o Pillai"),
        # Homes named before a hospice, a residence or "living" (capitalised, or a saint's).
        ("Dispo: Maple Grove Senior Living, 2204 Orchard Ln", "Maple Grove Senior Living"),
        (
            "looked after by the team at St Luke's Hospice in Sheffield",
            "St Luke's Hospice in Sheffield",
        ),
        ("came in from st. agnes residence in dubuque", "st. agnes residence in dubuque"),
        # A retirement home in lower case is named as a rest home is (not only in capitals).
        ("discharged back to sunnyvale retirement home today", "sunnyvale retirement home"),
    ],
)
def test_eleventh_round_phrasings_are_found(text: str, expected: str) -> None:
    assert expected in [f.text for f in find_phi(text)]


@pytest.mark.parametrize(
    "text",
    [
        "just treat: doxy 100 bd 10-14 days",
        "He died at home with hospice, family at the bedside.",
        "Hunter syndrome (MPS II) is X-linked",
        "BP 140 - 92, HR 88",
        "Re: Referral for MRI",
        "baby of the month award goes to our NICU team",
        "independent living skills group on Tuesdays",
    ],
)
def test_eleventh_round_traps_stay_silent(text: str) -> None:
    assert find_phi(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "mrs hilda fairweather " * 8_000,
        "0300-4417829 " * 8_000,
        "Re: Aroha Te Whata, " * 6_000,
        "Dazza (Darren Pitcher) " * 6_000,
        "baby of zainab bibi " * 6_000,
        "at Maple Grove Senior Living, " * 6_000,
        "mabel - 98, came " * 8_000,
    ],
    ids=["lower-title", "pk-mobile", "letter", "brackets", "baby-of", "facility", "dash-age"],
)
def test_eleventh_round_rules_stay_linear(text: str) -> None:
    start = time.thread_time()
    find_phi(text)
    assert time.thread_time() - start < LINEAR_SECONDS


# --- twelfth round: batches 70-75 (notes pasted from abroad, sign-out lists, nicknames) ---


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mme Odile Marchetti, 96 ans, chambre 4", "96 ans"),
        ("la señora Pilar, 102 años, de Triana", "102 años"),
        ("Pan Kazimierz, 94 lat, z Radomia", "94"),
        ("Nagy Erzsébet, 91 éves, Szegedről", "91"),
        ("our 93岁 patient", "93"),
        ("a 95세 grandmother", "95"),
        ("Salo Helmi, hetu 051130-123A, 94 v, Tampere", "94"),
        ("Mrs Ada Brandt, DOB 02/05/1932, 93, from the coast", "93"),
        ("Mr. Pieter de Wit, 97!! walked in", "97"),
        ("Happy 101st to our Nana Joan!", "101st"),
        ("sortie prévue le 21 mars", "21 mars"),
        ("falleció el 9 de abril", "9 de abril"),
        ("entlassen am 19.3. nach Hause", "19.3."),
        ("admitted 2026年4月2日 by ambulance", "2026年4月2日"),
        ("DOA 02/11. good night team", "02/11"),
        ("Pt: Lindgren, pnr 19320412-5521, Malmö", "19320412-5521"),
        ("Aufnahme, Fall-Nr. 26004519, Station 3", "26004519"),
        ("mother's SIN (046 454 287) on the form", "046 454 287"),
        ("silver Corsa (reg WR19 KXE) outside", "WR19 KXE"),
        ("booking ref TR-558219 rejected", "TR-558219"),
        ("her card said 321014-2048517, sadly", "321014-2048517"),
        ("Sato Ken, ID 4471-0931, admitted", "4471-0931"),
        ("flat in Shibuya-ku, 〒150-0002.", "150-0002"),
        ("her brother's number is 0333 5551290.", "0333 5551290"),
        ("Bed 4 - MORGAN, Elin (93F) - CAP", "MORGAN, Elin"),
        ("Pt: BEGAYE, Lorraine T   MRN: 00418824", "BEGAYE, Lorraine T"),
        ("Bed 6 - Nowakowski, Zbigniew (78M) - post-op", "Nowakowski, Zbigniew"),
        ("Tipene, Hemi ('Hemz') | 64M | cellulitis", "Hemz"),
        ("李秀英 (Li Xiuying), 92, from the village", "李秀英"),
        ("Kim Young-ja (김영자) came in alone", "김영자"),
        ("'Bubba' (legal name Tyrell Banks) is back", "Bubba"),
        ("58M, pt JT, welder at the docks", "JT"),
        ("Pt initials RN, DOB 12.06.1985", "RN"),
        ("pt 'HS', 52, farmer from near Sangli", "HS"),
        ("Pt L.O'D., 17, collapsed", "L.O'D."),
        ("Mrs DELAHAYE, 67, never-smoker", "DELAHAYE"),
        ("Mr O'DONOVAN, 94, NIHSS 22", "O'DONOVAN"),
        ("fell at home at 12 rue de la Paix, on", "12 rue de la Paix"),
        ("address 14 Sharia Ramses, Dokki", "14 Sharia Ramses"),
        ("from ul. Mokotowska 14/2, 00-561 Warszawa", "ul. Mokotowska 14/2"),
        ("from ul. Mokotowska 14/2, 00-561 Warszawa", "00-561"),
        ("Pt: Berg, Sagavägen 22, 116 47 Stockholm", "Sagavägen 22"),
        ("Pt: Berg, Sagavägen 22, 116 47 Stockholm", "116 47"),
        ("from the home, dtr ingrid 555-0188, Medicare", "ingrid"),
        ("a neighbor named skip (555-0159) is his only contact", "skip"),
        ("Regular we call 'Preacher' is back again", "Preacher"),
        ("Client 'Pockets' lives behind the station", "Pockets"),
        ("rm 15 fitzgerald - admit 3-9, cellulitis", "fitzgerald"),
        ("rm 15 fitzgerald - admit 3-9, cellulitis", "3-9"),
        ("4-22 admit, NSTEMI, heparin gtt", "4-22"),
        ("Docket no. 22-MD-4472, judge wants proof", "22-MD-4472"),
        ("Probation # P-448211, his PO is", "P-448211"),
        ("client ID CL-30918. Her grandma", "CL-30918"),
        ("SNAP EBT card #5077 1234 8891", "5077 1234 8891"),
        ("housing voucher (HCV #HV-0098813)", "HV-0098813"),
        ("band # 219 0045 9, G3P2 at 36/40", "219 0045 9"),
        ("keeps calling the unit at 555-0179 demanding", "555-0179"),
        ("needed her cédula 21.456.788 to register her", "21.456.788"),
        ("Sra. Inés, RUT 4.567.891-3, 95 años", "4.567.891-3"),
        ("alguém colou o CPF 387.214.096-51 na capa", "387.214.096-51"),
        ("Encarnación Gil (la Encarni), 97 a., vive sola", "97"),
        ("his mom gave me her cel 11 5555-0149 por si acaso", "11 5555-0149"),
        ("ingresó el 28/07 con TBC pulmonar", "28/07"),
        ("(0010,0010) PatientName: SATO^HANAKO\n", "SATO^HANAKO"),
        ("PatientID: HSP-00918274\nStudyDate: 20240612", "HSP-00918274"),
        ("PatientID: HSP-00918274\nStudyDate: 20240612", "20240612"),
        ("PatientAge = '094Y'", "094Y"),
        ("file named IMG_mensah_kofi_0611.jpg, oops", "mensah_kofi"),
        ("'rash_Nowak_Ewa_DOB_03-09-1947.png'", "Nowak_Ewa"),
        ("'rash_Nowak_Ewa_DOB_03-09-1947.png'", "03-09-1947"),
        ("Nora Keane, in her 94th year, still keeps hens", "94th"),
        ("Mr Fraser (nearly 97!!) refused to come in", "97"),
        ("Mrs Lévesque, 99 and a half and furious", "99"),
        ("Mrs Ivy Blenkinsop 102, Mr Stan Earnshaw 91, and Dot", "91"),
        ("home visit to 7 Mill Cottages, Little Hadley", "7 Mill Cottages"),
        ("Kenosha County kid, 14, came in with DKA", "Kenosha County"),
        ("our Tuam lady is 94 today", "Tuam"),
        ("Tangipahoa Parish man, 67, bitten by a copperhead", "Tangipahoa Parish"),
        ("MK 97M back in resus again tonight", "MK"),
        ("Son DH called twice asking for an update", "DH"),
        ("BED 9 - SZYMANSKI J, 90M, AKI", "SZYMANSKI J"),
        ("Mrs K (91) keeps asking if I'm old enough", "91"),
        ("wife Brenda (also 90!!) who is his carer", "90"),
        ("312 jabs today, oldest 99, youngest 65", "99"),
    ],
)
def test_twelfth_round_phrasings_are_found(text: str, expected: str) -> None:
    assert expected in [f.text for f in find_phi(text)]


@pytest.mark.parametrize(
    "text",
    [
        "Tsutsugamushi season: doxycycline 100 mg bid for 7 days.",
        "World Kidney Day is on the calendar again",
        "INR 7.4. Recheck in the morning.",
        "walked 95 m, then stopped",
        "CPR 30:2 until the pads arrive",
        "registration closes soon for the course",
        "the reg is drowning tonight, help if you can",
        "pt HR 110, BP 90/60, CT head clear",
        "pt ED visit booked; the LAB called back",
        "via IV route 3 times a day",
        "the rue is lovely in spring",
        "his wife will come tomorrow; her son made dinner",
        "bed 4 copd exacerbation, bed 5 cleaned, bed 10 quiet, 45F pyelo",
        "rm 7 etoh again, bed 1 - LRTI, bed 12 NEWS 5",
        "admitted 3-4 times this year; transferred 6-12 hours later",
        "HCV RNA 850000 IU/mL, genotype 1a",
        "f/u 3/12 in clinic with bloods",
        "Dra. Benítez taught ondansetrón 4 mg to the R1s",
        "see fig_2_results.png and ct_chest_axial.jpg",
        "waited 90 and a half minutes for the scan",
        "StudyDescription: CT HEAD",
        "Greenbrier Family Health newsletter draft",
        "a 45M with chest pain, ED 45M, pt AF 80M",
        "the oldest trial is 95% complete",
        "The Monday crowd was big",
    ],
)
def test_twelfth_round_traps_stay_silent(text: str) -> None:
    assert find_phi(text) == []


def test_markup_quoted_in_a_post_names_no_one() -> None:
    text = '<input type="hidden" name="csrfmiddlewaretoken" value="x"> `{% csrf_token %}`'
    assert find_phi(text) == []


def test_an_acronym_before_a_comma_is_no_surname() -> None:
    assert [f.text for f in find_phi("on the CAP bundle, CAP, Gwen said")] == ["Gwen"]


@pytest.mark.parametrize(
    "text",
    [
        "12 de marzo " * 8_000,
        "adm 14.03. " * 8_000,
        "92세 " * 8_000,
        "李建国 (Li Jianguo) " * 6_000,
        "JONES, Gwen " * 8_000,
        "Hemi ('Hems') " * 8_000,
        "ID 4471-0928 " * 8_000,
        "DOB 03/07/1931, 93, " * 6_000,
        "pt JK, " * 8_000,
        "Mr FINNEGAN " * 8_000,
        "12 rue de la Paix, " * 6_000,
        "Götgatan 22, 116 46 " * 6_000,
        "dtr ingrid " * 8_000,
        "rm 15 fitzgerald - admit 3-9, " * 4_000,
        "goes by 'Lucky' " * 6_000,
        "RUT 4.567.890-3 " * 6_000,
        "PatientName: A^B " * 6_000,
        "IMG_okafor_chidi_" * 4_000 + ".jpg",
        "Mrs Ivy Blenkinsop 102, " * 4_000,
    ],
    ids=[
        "month",
        "dotted",
        "hangul-age",
        "two-scripts",
        "surname-comma",
        "nick",
        "id",
        "long-no",
        "pt-initials",
        "titled-capitals",
        "rue",
        "gatan",
        "kin-lower",
        "room-surname",
        "quoted-nick",
        "dotted-id",
        "dicom",
        "file-name",
        "titled-age",
    ],
)
def test_twelfth_round_rules_stay_linear(text: str) -> None:
    start = time.thread_time()
    find_phi(text)
    assert time.thread_time() - start < LINEAR_SECONDS


# --- thirteenth round: batches 94-105 (word-names, towns before trades, colleagues) ---


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a Kenosha welder with silicosis", "Kenosha"),
        ("Barnsley bus driver, 61, collapsed at the wheel", "Barnsley"),
        ("we saw a 92yo retired Whitby fisherman today", "Whitby"),
        ("home visit to her Lewisham flat, 3rd floor, no lift", "Lewisham"),
        ("53M Peckham cleaner, nights, recurrent cellulitis", "Peckham"),
        ("an Aberdeen oil-rig widow, 88, with a fall", "Aberdeen"),
        ("Our Mobile AL crab fisherman with Vibrio", "Mobile AL"),
        ("pippa's mum rang the ward four times", "pippa"),
        ("but Mark's wife says he never drank", "Mark"),
        ("lotte in bed 7 keeps pulling her cannula", "lotte"),
        ("handover:\n1. ambrose - sepsis, lactate 3\n2. keziah - DKA, FRIII\n", "keziah"),
        ("sign out:\n- Grace (rm 14): CHF, diuresing\n", "Grace"),
        ("ek 93 saal ki amma from Pune", "93 saal"),
        ("Mak Cik Rohani, 91 tahun, hypo again", "91 tahun"),
        ("would you start a DOAC at 94 with a CrCl of 25?", "94"),
        ("she will be 100. The ward is planning a party", "100"),
        ("Bed 4 Mrs Q - Hartmann's 14/10, stoma pink", "14/10"),
        ("fistula (created 09/02, needled last week)", "09/02"),
        ("PICC inserted 18/06, line infection since", "18/06"),
        ("HbSS, crisis. Sister Fatmata is driving down from Kenema", "Fatmata"),
        ("Okafor, Ngozi - RM 12 - ninety-two y/o F, #NOF", "ninety-two"),
        ("Age: ninety-seven\nAllergies: nil", "ninety-seven"),
        ("ED FACESHEET\nName: PEMBERLEY, ROSALIND K    DOB: 02/11/1950", "PEMBERLEY, ROSALIND K"),
        ("Patient name: derrick holloway; ward 7", "derrick holloway"),
    ],
)
def test_thirteenth_round_phrasings_are_found(text: str, expected: str) -> None:
    assert expected in [f.text for f in find_phi(text)]


@pytest.mark.parametrize(
    "text",
    [
        "Congrats to our charge nurse Bronwyn on 30 years!",
        "Thanks SN Farah for covering my break",
        "our senior sister Margaret ran the department tonight",
        "Cheers to our SpR Ollie for the teaching",
        "the patient's daughter says he was fine yesterday",
        "everyone's parents worry about this",
        "today's family meeting went well",
        "she runs the Down's parents support group",
        "the lady in bed 4 is lovely",
        "Plan:\n1. Sepsis - cultures\n2. Hyponatremia - fluid restrict\n",
        "keep MAP at 90 or above and sats at 92 on 2L",
        "start the drip at 100 and titrate",
        "would you Mohs this or excise?",
        "low = Somogyi, normal or high = dawn phenomenon",
        "a Glasgow coma scale of 14",
        "Consultant on: Mr Falkner.",
        "Mr Chaudhry (the consultant) let me close",
        "thank you Sister Mary and the night team",
        "hernia repaired 6/12 ago, no recurrence",
        "PCI 2/3 vessels, staged",
        "the case took ninety minutes and ninety percent of the team stayed",
        "the hospital opened ninety years ago",
        "Name: Osteomyelitis protocol",
        "the drug name: Entresto",
    ],
)
def test_thirteenth_round_traps_stay_silent(text: str) -> None:
    assert find_phi(text) == []


def test_a_sister_is_a_relative_unless_her_ward_says_otherwise() -> None:
    assert [f.text for f in find_phi("her sister Margaret flew in last night")] == ["Margaret"]


@pytest.mark.parametrize(
    "text",
    [
        "a Kenosha welder " * 6_000,
        "her Hackney flat " * 6_000,
        "45F Pimlico cleaner " * 6_000,
        "Mobile AL oyster shucker " * 5_000,
        "rose's mum " * 8_000,
        "s' kids " * 8_000,
        "rose in bed 3 " * 6_000,
        "1. ambrose - sepsis\n" * 5_000,
        "our charge nurse Bronwyn " * 5_000,
        "thank you Sister Mary " * 6_000,
        "92 saal " * 8_000,
        "would you start at 91 with " * 4_000,
        "she will be 100. " * 6_000,
        "ninety-four y/o " * 6_000,
        "\nName: A B C D E F" * 5_000,
    ],
    ids=[
        "town-trade",
        "town-home",
        "age-town",
        "town-state",
        "kin-possessive",
        "plural-possessive",
        "lower-bed",
        "list-dash",
        "staff",
        "sister",
        "saal",
        "at-choice",
        "to-come",
        "ninety",
        "form-name",
    ],
)
def test_thirteenth_round_rules_stay_linear(text: str) -> None:
    start = time.thread_time()
    find_phi(text)
    assert time.thread_time() - start < LINEAR_SECONDS


# --- fourteenth round: batches 106-117 (streets without numbers, names people go by, lists) ---


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("sleeps in the doorway on King St E most nights", "doorway on King St E"),
        ("stabbed outside the garage on Vilakazi Rd last night", "garage on Vilakazi Rd"),
        ("the regulars know him as Stosh, never got a surname", "Stosh"),
        ("her neighbour only knew her as 'Dolly'. Found down at home", "Dolly"),
        ("he introduced himself as 'Sarge' and saluted the registrar", "Sarge"),
        ("hip replaced in March, 93 and sharp as a tack", "93"),
        ("1. Winifred Castle 92 – NR3 1AB – home visit", "92"),
        ("URN 5561931; Ada Pemble 90, NOF, for theatre", "90"),
        ("handover: R.T. 96F, ?UTI, for bloods", "R.T."),
        ("handover: R.T. 96F, ?UTI, for bloods", "96"),
        ("bed 4 s/p ERCP 12/2, levo weaning", "12/2"),
        ("croup, dex given 28/09, home if settled", "28/09"),
        ("two charts: MRN 4412290 and 4412291, merged today", "4412291"),
        ("wristband said MRN 00918275 instead of 00918257", "00918257"),
    ],
)
def test_fourteenth_round_phrasings_are_found(text: str, expected: str) -> None:
    assert expected in [f.text for f in find_phi(text)]


@pytest.mark.parametrize(
    "text",
    [
        "on Monday St Mary's called about the referral",
        "we all know him as the guy with the hat",
        "HR 95, and BP fine; sats 92, and still on 2L",
        "Mrs Jones was 95% sure",
        "the U.S. 45M figure is for all of the country",
        "given 2/3 of the dose, taken 1/2 tab",
    ],
)
def test_fourteenth_round_traps_stay_silent(text: str) -> None:
    assert [f for f in find_phi(text) if f.kind != "name" or f.text != "Jones"] == []


def test_a_list_of_record_numbers_stops_at_what_is_not_one() -> None:
    text = "MRN 1234567, 45M, BP 120/80 and 2024"
    assert [f.text for f in find_phi(text)] == ["1234567"]


@pytest.mark.parametrize(
    "text",
    [
        "on Queen St W " * 6_000,
        "know him as Stosh " * 6_000,
        ", 93 and sharp " * 6_000,
        "Ada Pemble 90, " * 6_000,
        "P.K. 97F " * 8_000,
        "s/p ERCP 10/2 " * 6_000,
        "MRN 1234567 and " + "1234568 and " * 6_000,
    ],
    ids=[
        "street-on",
        "known-as",
        "and-sharp",
        "name-age",
        "initials-age",
        "procedure-date",
        "id-list",
    ],
)
def test_fourteenth_round_rules_stay_linear(text: str) -> None:
    start = time.thread_time()
    find_phi(text)
    assert time.thread_time() - start < LINEAR_SECONDS


# --- fifteenth round: batches 126-133 (counties, towns in lists of patients, odd labels) ---


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a Tipperary man, 98, ruptured AAA, refused surgery", "Tipperary"),
        ("78M, eGFR 22, Wolverhampton lad originally, wt 58kg", "Wolverhampton"),
        ("71M, Mbeya, anterior STEMI, flown in", "Mbeya"),
        ("into her cornrows. Faith is nine and has CF", "Faith"),
        ("Pharmacy called re: Rx 4410029-03 (refill 3 of 5)", "4410029-03"),
        ("the label said 'RX: 0412558 / 0412559' two refills", "0412559"),
        ("specimen S25-014882 (part A) for review", "S25-014882"),
        ("'Subscriber ID' 998 41 22 07 (spouse's plan)", "998 41 22 07"),
        ("Bed 1 Mr P. 96 fine. Bed 2 Mrs Q. 90 fine.", "96"),
        ("pt: Kalani Akana, DOB Sept 4 1931, 94. from Hilo", "94"),
    ],
)
def test_fifteenth_round_phrasings_are_found(text: str, expected: str) -> None:
    assert expected in [f.text for f in find_phi(text)]


@pytest.mark.parametrize(
    "text",
    [
        "Hodgkin lymphoma in the mother's history, Parkinson in the grandfather.",
        "Plan: K 4.5, Sodium 135, Leeds protocol",
        "Protein is one of the markers; the plan is one. Two more to go",
        "Rx 500 mg amoxicillin; Rx: amoxicillin 500 mg tds",
        "admitted 3/4/2024, 95% sats on air",
    ],
)
def test_fifteenth_round_traps_stay_silent(text: str) -> None:
    assert [f for f in find_phi(text) if f.kind != "date"] == []


@pytest.mark.parametrize(
    "text",
    [
        ", Tipperary man in the grandfather " * 4_000,
        "71M, Mbeya, " * 6_000,
        "Faith is nine. " * 6_000,
        "Rx 4410029-03 " * 6_000,
        "Mr P. 96 fine. " * 5_000,
    ],
    ids=["town-comma", "age-town", "is-nine", "rx", "initial-age"],
)
def test_fifteenth_round_rules_stay_linear(text: str) -> None:
    start = time.thread_time()
    find_phi(text)
    assert time.thread_time() - start < LINEAR_SECONDS


# --- sixteenth round: batches 134-145 (word-names with an age or a person's verb, whole
# lower-case names, landmarks and corners, colleagues by more jobs, handles of patients) ---


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mr. tran in 4B had ANC 0.3 and spiked", "tran"),
        ("GoFundMe for our patient Summer's transplant travel", "Summer"),
        ("pt says her name is Sunny and refuses a surname", "Sunny"),
        ("Pt: Summer Delacroix. If anyone calls, page me", "Summer Delacroix"),
        ("Sunny is 91 today!! Our longest-staying rehab pt", "Sunny"),
        ("Will is doing so much better. Extubated yesterday", "Will"),
        ("Summer, 27, status asthmaticus, ROSC after 9 min", "Summer"),
        ("Hope is home!!! After 112 days in PICU", "Hope"),
        ("Grace turned 94 yesterday on our ward", "Grace"),
        ("Joseph prefers mornings, works nights", "Joseph"),
        ("pt dorota wiśniewska, 93F, fell at home", "dorota wiśniewska"),
        ("sign out: nguyen van thanh 91M s/p hip ORIF", "nguyen van thanh"),
        ("Can't stop thinking about Mrs Iris Pemberton, admitted", "Iris Pemberton"),
        ("her husband (Faisal al-Hashimi) ever had a trach", "Faisal al-Hashimi"),
        ("Can't stop thinking about J.K., 17, the boy from", "J.K."),
        ("3rd call from J.M.'s brother asking why", "J.M."),
        ("R.T., 93, lives alone", "93"),
        ("pt @navajo_rose_nez posted about her chair", "@navajo_rose_nez"),
        (
            "A pt's wife DM'd me on here from @rebecca_loves_jim_82 to say thanks",
            "@rebecca_loves_jim_82",
        ),
        ("the OHIP number was wrong: 4382-917-455-KT. Who", "4382-917-455-KT"),
        ("DOB 14/07/1958, Hosp no. LG-772104, lives in", "LG-772104"),
        ("Brazilian CPF on the form 123.456.789-09, for billing", "123.456.789-09"),
        ("his bank card ending 4471 was in the wallet", "4471"),
        ("Nana, you're 92 and still out-cooking all of us!", "92"),
        ("She lives on Ridge St in Parkersburg, no car.", "Ridge St in Parkersburg"),
        ("hit by a truck outside the Biedronka in Wola on the 22nd", "Biedronka in Wola"),
        ("works night shifts at the Amazon warehouse in Rugeley.", "Amazon warehouse in Rugeley"),
        (
            "Found by police at the bus shelter on Dundas and Ossington.",
            "bus shelter on Dundas and Ossington",
        ),
        (
            "line cook at the Denny's on Route 9 in Saugerties, 3 kids",
            "Denny's on Route 9 in Saugerties",
        ),
    ],
)
def test_sixteenth_round_phrasings_are_found(text: str, expected: str) -> None:
    assert expected in [f.text for f in find_phi(text)]


@pytest.mark.parametrize(
    "text",
    [
        "To the parents reading: the MR vaccine is free at your health center.",
        "Our ward's therapy dog is called Hope and she has done more than any SSRI.",
        "Med student question: why is it called Bell's palsy if it's idiopathic?",
        "Huge shout-out to nurse practitioner Dawn Reilly and the night team.",
        "Thank you to CNO Patricia Alvarez and every nurse on the unit.",
        "Rant courtesy of our podiatrist Nkechi after three missed cases.",
        "You're 90 minutes late to the handover, and you are 95% of the way there.",
        "The study ending 2024 was stopped early for benefit.",
        "Summer is here and so are the ticks. Hope is a strategy? No.",
        "a Marcus Gunn pupil on the left",
    ],
)
def test_sixteenth_round_traps_stay_silent(text: str) -> None:
    assert find_phi(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "outside the big old shop in Wola on " * 3_000,
        "on Dundas and Ossington in Leeds " * 3_000,
        "pt dorota wiśniewska van " * 4_000,
        "J.K., 17, " * 8_000,
        "Nana, you're 92 " * 6_000,
        "card ending 4471 " * 6_000,
        "Will is doing so much better. " * 3_000,
    ],
    ids=["landmark", "corner", "lower-name", "initials", "you-are", "card", "word-name"],
)
def test_sixteenth_round_rules_stay_linear(text: str) -> None:
    start = time.thread_time()
    find_phi(text)
    assert time.thread_time() - start < LINEAR_SECONDS


# --- seventeenth round: batches 150-161 (a name with the poster's patient after it, handles
# after a relative, ages opening a sentence, more health numbers and colleagues' jobs) ---


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Shout out to Bill, my 90-year-old regular in clinic", "Bill"),
        ("Summer, my 16yo patient with anorexia, sent me a card", "Summer"),
        ("Will, our 8yo with Kawasaki, is going home!", "Will"),
        ("Our PICU patient Sunny went home today!!", "Sunny"),
        ("His dad @daveyk_outdoors posted the whole journey", "@daveyk_outdoors"),
        ("His mokopuna Anahera (@anahera.k.w) made a slideshow", "@anahera.k.w"),
        ("admitted on 02/09/2024. 97 and tougher than all of us.", "97"),
        ("my pt, 67, SHN 912 448 017, can't keep driving", "912 448 017"),
        ("Echo EF 25%, needs CRT-D. PMJAY card 8834 2219 0045.", "8834 2219 0045"),
    ],
)
def test_seventeenth_round_phrasings_are_found(text: str, expected: str) -> None:
    assert expected in [f.text for f in find_phi(text)]


@pytest.mark.parametrize(
    "text",
    [
        "Dr Patel, my attending, said no. Leeds, my hometown, agreed.",
        "Thanks, my little team!",
        "Great thread by Dr Eric Topol (@EricTopol) on trials.",
        "Our midwife Siobhán was unflappable.",
        "Thank you to my clinical instructor Ms. Thandeka and everyone.",
        "Contact practice manager Fiona at the front desk.",
        "Thanks Mr. Duncan (my consultant) for every ward round.",
        "Sats 88. 95 and stable on 2L.",
    ],
)
def test_seventeenth_round_traps_stay_silent(text: str) -> None:
    assert find_phi(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "Bill, my 90-year-old regular, " * 4_000,
        "Anahera (@anahera " * 5_000,
        ". 97 and tougher " * 6_000,
    ],
    ids=["my-patient", "handle", "age-and"],
)
def test_seventeenth_round_rules_stay_linear(text: str) -> None:
    start = time.thread_time()
    find_phi(text)
    assert time.thread_time() - start < LINEAR_SECONDS


# --- eighteenth round: batches 166-177 (names before an age after "pt", whole ages, dates by
# their appointment or weekday, more colleagues, contractions and jargon kept out) ---


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Pt summer, 23F, from Tupelo, presenting", "summer"),
        ("pt tran van minh, 93M, came up from Garden Grove", "tran van minh"),
        ("Will (pt, 23, T1DM) finally got his CGM approved", "Will"),
        ("Mrs. Park Soon-ja, 91 yrs, admitted 9/3", "91 yrs"),
        ("Seu Jurandir Bezerra, 97 anos, from Campo Grande", "97 anos"),
        ("Booked him for 11/18.", "11/18"),
        ("Mohs booked 5/19.", "5/19"),
        ("ins #HMO-4471920 f/u 5/22. Deleted", "5/22"),
        ("J.T., 58M, trach/PEG, review Fri 22nd at 2pm", "Fri 22nd"),
        ("the dad gave me his Venmo, @marco-bellini-77, to buy coffee", "@marco-bellini-77"),
    ],
)
def test_eighteenth_round_phrasings_are_found(text: str, expected: str) -> None:
    assert expected in [f.text for f in find_phi(text)]


@pytest.mark.parametrize(
    "text",
    [
        "pt will (if stable) go home tomorrow, pt has 3 kids",
        "Pip-tazo, f/u BCx (GNRs in 2/2 so far).",
        "Huge shoutout to our NICU RN Siobhan and our CRNA Ferdinand.",
        "Our CMIO Rachel Ferreira promised a fix. Our CNE Marguerite agrees.",
        "Asking for our med student Aisha, and my study buddy Ifeoma.",
        "Her mom didn't come. Trop came back 8,000. Bed 9 — nil issues.",
        "Great talk, posted by @sarah_j at journal club.",
    ],
)
def test_eighteenth_round_traps_stay_silent(text: str) -> None:
    assert find_phi(text) == []


def test_a_student_is_a_colleague_only_with_a_word_before_the_job() -> None:
    assert [f.text for f in find_phi("a nursing student Brianna came in with chest pain")] == [
        "Brianna"
    ]


@pytest.mark.parametrize(
    "text",
    [
        "pt summer van " * 6_000,
        "Will (pt " * 8_000,
        "91 yrs " * 8_000,
        "f/u booked him for " * 4_000,
        "Fri 22nd " * 8_000,
    ],
    ids=["pt-name", "pt-bracket", "age-unit", "appointment", "weekday"],
)
def test_eighteenth_round_rules_stay_linear(text: str) -> None:
    start = time.thread_time()
    find_phi(text)
    assert time.thread_time() - start < LINEAR_SECONDS


def test_a_landmark_holding_a_date_keeps_the_date_apart_from_the_place() -> None:
    found = find_phi("she collapsed at the 3 March fun run in Leeds and")
    assert [(f.kind, f.text) for f in found] == [("date", "3 March"), ("address", "Leeds")]


# --- nineteenth round: batches 182-187 (a surname's initial before an age, Ireland's PPS) ---


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Sign-out: 19 — Nkosana D., 34M, TB meningitis", "Nkosana"),
        ("Mrs O'Sullivan bed 9, PPS 0123456T, daughter ringing", "0123456T"),
    ],
)
def test_nineteenth_round_phrasings_are_found(text: str, expected: str) -> None:
    assert expected in [f.text for f in find_phi(text)]


def test_nineteenth_round_traps_stay_silent() -> None:
    assert find_phi("The PPS 1234 figures are out; see the PPS section.") == []


# --- twentieth round: batches 190-195 (Dublin's Eircodes, Brazil's CEP, Korea's mobiles, a
# landmark's own name, word-names in hashtags when the post names them) ---


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("the discharge summary I was reviewing, D08 XY52, for a patient", "D08 XY52"),
        ("Patient: Seán Ó Briain, D6W X234, seen 03/02/2025", "D6W X234"),
        ("CEP 05433-010 on the referral.", "05433-010"),
        ("His wife Park Ji-yeon prefers texts — 010-4821-7763.", "010-4821-7763"),
        (
            "They live in the bungalows behind St Mary's church in Thornbury.",
            "St Mary's church in Thornbury",
        ),
        ("a suya seller at Wuse Market in Abuja, was discharged", "Wuse Market in Abuja"),
        ("Her neighbour Sunny usually drives her.", "Sunny"),
        ("Will (the pt, not the verb) is 19 and has", "Will"),
        ("Hope is home!!! After 112 days in PICU. #HopeStrong", "Hope"),
    ],
)
def test_twentieth_round_phrasings_are_found(text: str, expected: str) -> None:
    assert expected in [f.text for f in find_phi(text)]


def test_a_word_name_in_a_hashtag_needs_the_name_elsewhere_in_the_post() -> None:
    found = find_phi("Hope is home!!! After 112 days in PICU. #HopeStrong")
    assert [f.start for f in found if f.text == "Hope"] == [0, 41]
    assert find_phi("Keep the hope alive. #HopeStrong") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Dose D10 W1234 and D08 2024 plan", []),
        (
            "He commutes from Slough to a warehouse in Feltham.",
            [("address", "Slough"), ("address", "Feltham")],
        ),
        (
            "Massive thank you from Aunty Dulcie Walker's mob in Bourke",
            [("name", "Dulcie Walker"), ("address", "Bourke")],
        ),
    ],
)
def test_twentieth_round_leaves_other_things_apart(
    text: str, expected: list[tuple[str, str]]
) -> None:
    # No Eircode without a letter and a digit; no place swallows a person or a journey.
    assert [(f.kind, f.text) for f in find_phi(text)] == expected


@pytest.mark.parametrize(
    "text",
    [
        "D08 XY52 " * 8_000,
        "CEP 05433-010 " * 6_000,
        "behind St Mary's church in Thornbury " * 3_000,
    ],
    ids=["eircode", "cep", "named-landmark"],
)
def test_twentieth_round_rules_stay_linear(text: str) -> None:
    start = time.thread_time()
    find_phi(text)
    assert time.thread_time() - start < LINEAR_SECONDS


# --- twenty-first round: batches 198-205 (corners after a stop, Australian postcodes before a
# full stop, a health card after a comma, dates by the sample drawn or the evaluation) ---


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("the lady at the bus stop on Queen and Bathurst collapsed", "Queen and Bathurst"),
        ("patient Aaliyah Haddad, Liverpool NSW 2170. Reported it.", "2170"),
        ("His health card, 874 309 112, was laminated", "874 309 112"),
        ("specimen for MRN 7734-2201 drawn 9/14 came back", "9/14"),
        ("Pt eval'd 11/03, DOB 04/17/1929", "11/03"),
    ],
)
def test_twenty_first_round_phrasings_are_found(text: str, expected: str) -> None:
    found = find_phi(text)
    assert any(expected in f.text for f in found), found


@pytest.mark.parametrize("text", ["Dubbo NSW 2830.5 mg", "drawn 2/3 of the way"])
def test_twenty_first_round_traps_stay_silent(text: str) -> None:
    assert find_phi(text) == []


# --- twenty-second round: the model's candidates, from cross-validation on the dev posts (a
# model trained without a fifth of the batches, its misses on them sorted by cause): a word
# after an opening quote, and given names that are also words, read by their neighbours ---


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("note pasted into the group: 'Rangi, 14 Kowhai St, Gisborne' please delete", "Rangi"),
        ("Her mum said 'Leilani' was the name of her grandmother", "Leilani"),
        ("I hope Summer comes back to clinic", "Summer"),
        # A dash inside a line before a name the sentence goes on about: no sign-off.
        ("Quick q — Nkechi (NHS 485 777 3456) on warfarin, INR 6.2, what would you do?", "Nkechi"),
        ("the Kowalchuk place — Olena, ninety-seven, still makes pyrohy for the ward", "Olena"),
        # A video's file name is read as a photo's is (the pass skipped .mp4 and .mov).
        ("sent me IMG_okafor_chidi_0611.mov of the seizure", "okafor_chidi"),
    ],
)
def test_twenty_second_round_names_are_found(text: str, expected: str) -> None:
    names = [f.text for f in find_phi(text) if f.kind == "name"]
    assert expected in names, names


@pytest.mark.parametrize(
    "text",
    [
        "Will check the potassium again at 6pm.",
        "Summer rotations start in June for the new interns.",
        "The 'Hope' ward was renamed last year.",
        "Seen by Dr 'Tex' Morgan from cardiology",  # a colleague, his nickname in quotes
        "Seen by Dr “Tex” Morgan from cardiology",
        "Bridgewater trial results were presented today",
        # Sign-offs: after a dash that opens a line, or inside one when little follows.
        "Great work team, proud of you all — Priya",
        "Thanks all for the help today\n— Sam",
        "Lovely shift everyone — Sam K., MD\nSee you tomorrow",
        "New grads, hang in there — Rashida (PGY3)",
    ],
)
def test_twenty_second_round_traps_stay_silent(text: str) -> None:
    assert find_phi(text) == []


@pytest.mark.parametrize(
    ("text", "town"),
    [
        ("She moved back to Hollowbrook after the stroke, lives alone", "Hollowbrook"),
        ("works nights at the depot in Mossgate", "depot in Mossgate"),
    ],
)
def test_a_town_made_of_english_words_is_a_place(text: str, town: str) -> None:
    # "Hollow" + "brook", "Moss" + "gate": read by the model, not turned away as compounds.
    assert [(f.kind, f.text) for f in find_phi(text)] == [("address", town)]


def test_an_apostrophe_inside_a_name_still_joins_it() -> None:
    assert joined_to_previous("O'Donnell", 2)  # "Donnell" goes on from "O'"
    assert joined_to_previous("Mary-Kate", 5)
    assert not joined_to_previous("says 'Marisol'", 6)  # an opening quote
    assert not joined_to_previous("('Marisol')", 2)
    assert [f.text for f in find_phi("Mrs O'Donnell was reviewed") if f.kind == "name"] == [
        "O'Donnell"
    ]
