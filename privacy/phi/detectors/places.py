"""Places: street addresses, towns, neighbourhoods and postcodes."""

from __future__ import annotations

import re
from collections.abc import Iterator

from privacy.phi.detectors.common import BIG_CITY, LOWER_CASE_TOWN, Doc, _finding, names_a_thing
from privacy.phi.detectors.names import _name_bits, _word_before
from privacy.phi.kinds import HIGH, LOW, Finding
from privacy.phi.model import places_of
from privacy.phi.patterns.common import TOKEN_RE
from privacy.phi.patterns.context import CITY_BEFORE_STATE_RE, MEETING_TAG_RE
from privacy.phi.patterns.international import (
    AGE_SEX_FROM_RE,
    ANY_PLACE_CUE_RE,
    CORNER_RE,
    EVENT_YEAR_BEFORE_RE,
    HOME_AT_BEFORE_RE,
    HOSPITAL_SAINT_RE,
    LOWER_PLACE_WORDS_RE,
    LOWER_WORD_RE,
    MOVE_BEFORE_RE,
    NUMBER_AFTER_STREET_RE,
    NUMBER_BEFORE_STREET_WORD_RE,
    PLACE_AFTER_RE,
    PLACE_EVENT_RE,
    PLACE_PREPOSITIONS,
    POSTCODE_AFTER_STREET_RE,
    REGION_TAIL_RE,
    STATE_TAIL_RE,
    STREET_ENDINGS,
    STREET_WORD_NAME_NUMBER_RE,
    STREET_WORD_THEN_NAME_RE,
    STRONG_PLACE_CUE_RE,
    TOWN_BEFORE_REGION_RE,
    WEAK_PREPOSITIONS,
)
from privacy.phi.patterns.keywords import CITY_AFTER_CUE_RE, CITY_CUE_RE
from privacy.phi.patterns.shapes import PO_BOX_RE, STREET_RE
from privacy.phi.patterns.unlisted import (
    ADDRESS_LABEL_RE,
    AGE_BEFORE_COMMA_RE,
    CONFERENCE_BEFORE_RE,
    DATE_BEFORE_YEAR_RE,
    DAYS_AND_MONTHS,
    FACILITY_NAME_BEFORE_RE,
    FACILITY_NOUN_RE,
    IRISH_COUNTY_RE,
    MORE_PLACE_EVENTS_RE,
    NEXT_CAPITALISED_RE,
    NOT_FACILITY_NAME,
    PERSON_IN_SENTENCE_RE,
    PLACE_SUFFIX_RE,
    PLACE_UNIT_RE,
    POSTER_OWN_PLACE_RE,
    POSTER_PLACE_BEFORE_RE,
    POSTER_WORKPLACE_BEFORE_RE,
    REFERRAL_ASK_RE,
    REGION_WORDS,
    SAINT_AFTER_RE,
    TOWN_BEFORE_PERSON_RE,
    TOWN_END_RE,
    TOWN_LISTED_AFTER_RE,
    TOWN_THING_AFTER_RE,
    YEAR_AFTER_PLACE_RE,
)
from privacy.phi.vocabulary import (
    CA_PROVINCES,
    CREDENTIALS,
    ENGLISH_WORDS,
    GIVEN,
    NOT_NAME,
    PLACE_POPULATION,
    PLACE_WORDS,
    REGIONS,
    STRONG,
    SURNAME,
    US_STATES,
)


def _address_end(m: re.Match[str]) -> int:
    """Drop a captured ", City" or ", XX" tail that is really the next phrase."""
    city = m.group("city")
    if city and city.lstrip(", \t").split()[0] in NOT_NAME:
        return m.start("city")
    state = m.group("state")
    if state and state.strip(", \t")[:2] not in US_STATES:
        return m.start("state")
    return m.end()


def _detect_addresses(doc: Doc) -> Iterator[Finding]:
    text, low = doc.text, doc.low
    # Addresses contain a capitalised street word ("Ave", "Road"); scan only
    # around those, merging windows that overlap so the work stays linear.
    windows: list[list[int]] = []
    for pos in doc.at("street"):
        if not text[pos].isupper():
            continue
        if windows and pos - 90 <= windows[-1][1]:
            windows[-1][1] = pos + 100
        else:
            windows.append([max(0, pos - 90), pos + 100])
    for lo, hi in windows:
        for m in STREET_RE.finditer(text, lo, hi):
            yield from _street_finding(text, m)
    if "box" in low:
        for m in PO_BOX_RE.finditer(text):
            yield _finding(text, "address", m.start(), _address_end(m), HIGH)
    for pos in doc.at("city"):
        cue = CITY_CUE_RE.match(low, pos)
        if cue is None:
            continue
        place = CITY_AFTER_CUE_RE.match(text, cue.end())
        first = place.group().split()[0] if place else ""
        if place and first not in NOT_NAME and first.rstrip("s") not in DAYS_AND_MONTHS:
            window_start, window_end = max(0, pos - 60), min(len(low), place.end() + 40)
            if (
                MORE_PLACE_EVENTS_RE.search(low, window_start, window_end)
                or PLACE_EVENT_RE.search(low, window_start, window_end)
            ) and _not_a_patients_place(low, pos):
                continue  # "Moved from Leeds to Auckland for the registrar job"
            yield _finding(text, "address", *place.span(), LOW)


def _street_finding(text: str, m: re.Match[str]) -> Iterator[Finding]:
    if m.group("address"):
        yield _finding(text, "address", m.start(), _address_end(m), HIGH)
    elif m.group("crossing"):
        yield _finding(text, "address", *m.span(), HIGH)
    elif m.group("road"):
        yield _finding(text, "address", m.start("road"), m.end(), LOW)
    elif m.group("numbered"):
        yield _finding(text, "address", m.start("numbered"), m.end(), LOW)
    else:
        words = m.group("named").split()
        if words[0].rstrip("s") in DAYS_AND_MONTHS:
            return  # "on Monday St Mary's called"
        if SAINT_AFTER_RE.match(text, m.end()):
            return  # "on the ward St Anne's": a saint's name opens after "St"
        yield _finding(text, "address", m.start("named"), m.end(), LOW)


# --- places ---


def _known_place(words: list[str]) -> int:
    """How many leading words of ``words`` form a listed town or city (0 if none)."""
    for n in range(min(3, len(words)), 0, -1):
        if " ".join(words[:n]) in PLACE_POPULATION:
            return n
    return 0


def _lower_case_place(doc: Doc, pos: int, prep_end: int, start: int) -> Finding | None:
    """A town written in lower case after a locative word ("moved to luton"), or any listed
    place after a patient's age and sex ("96f from east boston", "91m from bath")."""
    text, low = doc.text, doc.low
    if (
        low.startswith("from", pos)
        and AGE_SEX_FROM_RE.search(low, max(0, pos - 24), prep_end)
        and (words := LOWER_PLACE_WORDS_RE.match(text, start))
    ):
        tokens = list(TOKEN_RE.finditer(words.group().title()))
        if n := _known_place([t.group() for t in tokens]):
            return _finding(text, "address", start, start + tokens[n - 1].end(), LOW)
    m = LOWER_WORD_RE.match(text, start)
    if m is None:
        return None
    name = m.group().capitalize()
    if (
        name not in PLACE_POPULATION
        or name in PLACE_WORDS
        or name in NOT_NAME
        or PLACE_POPULATION[name] < LOWER_CASE_TOWN
        or _name_bits(name) & GIVEN
    ):
        return None
    prep = low[pos:prep_end]
    window_start = max(0, pos - 60)
    if prep not in PLACE_PREPOSITIONS or (
        prep == "to" and not MOVE_BEFORE_RE.search(low, window_start, pos)
    ):
        return None
    if prep in WEAK_PREPOSITIONS or PLACE_EVENT_RE.search(low, window_start, m.end() + 40):
        return None
    if _posters_own_place(low, pos):
        return None  # "here in leeds", "our center in multan"
    return _finding(text, "address", start, m.end(), LOW)


def _not_a_patients_place(low: str, pos: int) -> bool:
    """Whether the sentence up to ``pos`` names no patient (no person word)."""
    lo = max(0, pos - 120)
    start = max(lo - 1, *(low.rfind(c, lo, pos) for c in ".!?\n")) + 1
    return not PERSON_IN_SENTENCE_RE.search(low, start, pos)


def _posters_own_place(low: str, pos: int) -> bool:
    """Whether the sentence up to ``pos`` is about the poster's own career, work place or
    travels, or news, or asks for a colleague in a town ("Worked in Stoke for 6 years", "here in
    Eldoret", "Flying back to Boston", "anyone know a good endo in Cork?"); or whether the town
    is the poster's workplace's, whoever else the sentence names ("on our ward in Bristol")."""
    lo = max(0, pos - 120)
    start = max(lo - 1, *(low.rfind(c, lo, pos) for c in ".!?\n:")) + 1
    if low.startswith("in ", pos) and POSTER_WORKPLACE_BEFORE_RE.search(low, start, pos):
        return True  # "Ernest, 90, on our ward in Bristol": the ward's town, not his
    return bool(
        POSTER_OWN_PLACE_RE.match(low, start, pos)
        or REFERRAL_ASK_RE.search(low, start, pos)
        or POSTER_PLACE_BEFORE_RE.search(low, start, pos)
    ) and not PERSON_IN_SENTENCE_RE.search(low, start, pos)


def _word_town(word: str) -> bool:
    """A town that is also a word or a name the rules set aside: "she lives up in Hope"
    (not a state or a country: "lives in Florida")."""
    return word in PLACE_POPULATION and word not in REGIONS


def _towns_listed_after(text: str, end: int) -> Iterator[Finding]:
    """The towns listed after a town found by its cue: "flew in from Tulsa, Duluth and Reno",
    "Four Mile Beach, Port Douglas" (listed towns only; a state or a person ends the list)."""
    for _ in range(4):
        m = TOWN_LISTED_AFTER_RE.match(text, end)
        if m is None:
            return
        town = m.group("town")
        if town not in PLACE_POPULATION or town in NOT_NAME or _name_bits(town) & STRONG:
            return
        yield _finding(text, "address", *m.span("town"), LOW)
        end = m.end()


def _detect_places(doc: Doc) -> Iterator[Finding]:
    text, low = doc.text, doc.low
    for pos in doc.at("place"):
        prep_end = low.find(" ", pos)
        if low.startswith("out of ", pos):
            prep_end = pos + 6  # "a fisherman out of Yarmouth"
        elif low.startswith("out ", pos):
            continue
        if prep_end == -1 or (pos and not low[pos - 1].isspace() and low[pos - 1] not in "(,;:"):
            continue  # "sister-in-law": not a preposition
        start = prep_end + 1
        if low.startswith("the ", start):
            start += 4
        if start >= len(text):
            continue
        if text[start].islower():
            if finding := _lower_case_place(doc, pos, prep_end, start):
                yield finding
            continue
        if not text[start].isupper():
            continue
        m = PLACE_AFTER_RE.match(text, start)
        if m is None:
            continue
        prep = low[pos:prep_end]
        if prep not in PLACE_PREPOSITIONS and prep not in WEAK_PREPOSITIONS:
            continue
        window_start = max(0, pos - 60)
        window_end = min(len(low), m.end() + 40)
        # "visiting from Kuala Terengganu, STEMI on day 3 of his holiday": the visitor's home;
        # "89F, from Fish Hoek, for WR review": after a patient's age and sex, any capitalised
        # words are a place.
        visitor = low.endswith("visiting ", window_start, pos)
        age_from = low.startswith("from", pos) and AGE_SEX_FROM_RE.search(
            low, max(0, pos - 24), prep_end
        )
        if not (visitor or age_from) and (
            PLACE_EVENT_RE.search(low, window_start, window_end)
            or MORE_PLACE_EVENTS_RE.search(low, window_start, window_end)
            or MEETING_TAG_RE.search(text, window_start, pos)
            or (
                EVENT_YEAR_BEFORE_RE.search(low, window_start, pos)
                and not DATE_BEFORE_YEAR_RE.search(low, window_start, pos)
            )
        ):
            continue
        tokens = list(TOKEN_RE.finditer(text, m.start(), m.end()))
        # "Fort St. John", "Sault Ste. Marie": the list spells the abbreviation with its stop.
        words = [t.group() + ("." if text[t.end() : t.end() + 1] == "." else "") for t in tokens]
        words = [w if w[:-1] in ("St", "Ste", "Mt") else w.rstrip(".") for w in words]
        if words[0].rstrip("s") in DAYS_AND_MONTHS:
            continue  # "clinic moved to Wednesdays"
        if (
            words[0] in NOT_NAME
            and _known_place(words) < 2
            and not (_word_town(words[0]) and ANY_PLACE_CUE_RE.search(low, window_start, prep_end))
            and not (age_from and len(words) > 1 and words[-1] not in NOT_NAME)
        ) or (
            words[0].rstrip(".") in ("St", "Saint", "Mt", "Mount")
            and HOSPITAL_SAINT_RE.match(text, tokens[0].end())
        ):
            continue  # "St. Jude's" is a hospital
        if _posters_own_place(low, pos) or CONFERENCE_BEFORE_RE.search(text, max(0, pos - 8), pos):
            continue  # "Worked in Stoke for 6 years", "ESMO in Barcelona"
        strong_any = ANY_PLACE_CUE_RE.search(low, window_start, prep_end) or age_from
        n = _known_place(words)
        if strong_any:
            # Any capitalised words: neighbourhoods and towns alike.
            kept = [
                t
                for t in tokens
                if t.group() not in NOT_NAME or t.group() == "County" or _word_town(t.group())
            ]
            end = tokens[0].end()
            for t in tokens[1:]:
                if t.group() in NOT_NAME and t.group() not in ("County", "Heights", "Park"):
                    break
                end = t.end()
            if n:
                end = max(end, tokens[n - 1].end())  # "Kuala Terengganu": a listed town whole
            if kept or n > 1:  # "lives in Tarlac City": a listed city named after its province
                yield _finding(text, "address", tokens[0].start(), end, LOW)
                yield from _towns_listed_after(text, end)
            continue
        if n == 0 or prep in ("off", "of", "by"):
            continue
        name = " ".join(words[:n])
        if prep == "to" and not MOVE_BEFORE_RE.search(low, window_start, pos):
            continue
        if PLACE_POPULATION[name] >= BIG_CITY and prep in ("near", "outside", "around"):
            continue  # "a village near Lagos" names a region, not a town
        if name in PLACE_WORDS and not (
            prep == "from" or STRONG_PLACE_CUE_RE.search(low, window_start, pos)
        ):
            continue
        after = text[tokens[n - 1].end() : tokens[n - 1].end() + 2]
        if after[:1] == "'" or after[:1] == "’":
            continue  # "in Lowell's clinic" reads as a name or an institution
        if YEAR_AFTER_PLACE_RE.match(text, tokens[n - 1].end()) and not (
            prep == "to" or STRONG_PLACE_CUE_RE.search(low, window_start, pos)
        ):
            continue  # "a locum in Cornwall in 2019": a job or a trip; not "moved to Leeds in 2015"
        yield _finding(text, "address", tokens[0].start(), tokens[n - 1].end(), LOW)
        yield from _towns_listed_after(text, tokens[n - 1].end())
    for m in STATE_TAIL_RE.finditer(text):
        code = m.group(1)
        if code not in US_STATES and code not in CA_PROVINCES:
            continue
        city = CITY_BEFORE_STATE_RE.search(text, max(0, m.start() - 40), m.start() + 1)
        if city is None:
            continue
        words = city.group(1).split()
        for n in range(len(words), 0, -1):
            place = " ".join(words[-n:])
            if place in PLACE_POPULATION and words[-n] not in NOT_NAME:
                if code in CREDENTIALS and _name_bits(words[-1]) & (GIVEN | SURNAME):
                    break  # "Anna Kowalski, MD" signs a post
                start = city.end(1) - len(place)
                yield _finding(text, "address", start, m.end(), LOW)
                break
    for pos in doc.at("corner"):
        if low.startswith("and", pos):
            # Both sides of "and" must be a capitalised word or an ordinal ("Queen and
            # Bathurst", "5th and Main"), not an acronym ("TSAT and QRS").
            after = text[pos + 4 : pos + 6]
            if (
                not (
                    after[:1].isdigit()
                    or (after[:1].isupper() and (after[1:].islower() or after[1:] in ("'", "’")))
                )
                or not text[pos - 2 : pos - 1].islower()
            ):
                continue
        elif not low.startswith("corner", pos):
            continue
        if low.startswith("and", pos):
            prev = text[max(0, pos - 2) : pos]
            if not (prev[:1].isalpha() or prev[:1].isdigit()):
                continue
        c = CORNER_RE.search(text, max(0, pos - 45), pos + 40)
        if c is None:
            continue
        a, b = c.group("a"), c.group("b")
        ordinal = a[0].isdigit() or b[0].isdigit()
        if not c.group("corner") and (a in NOT_NAME or b in NOT_NAME):
            continue
        # "near Yonge and Dundas": two street names, but "at Smith and Jones" is a firm.
        if (
            not c.group("corner")
            and not ordinal
            and (
                c.group("near") not in ("near", "at")
                or _name_bits(a) & GIVEN
                or _name_bits(b) & GIVEN
                or a in PLACE_POPULATION
            )
        ):
            continue
        yield _finding(text, "address", c.start("a"), c.end("b"), LOW)


def _towns_in_a_sentence_about_a_person(doc: Doc) -> Iterator[Finding]:
    """A listed town of 20,000 people or more, with no locative cue, in a sentence about a person.

    "His family is spread between Multan and Manchester", "she said Kottayam". Not a town that
    is a word or a name, not one that names a thing ("Manchester triage", "Ottawa rules",
    "Epworth 16"), and not near a meeting, a paper, a trip or the weather.
    """
    text, low = doc.text, doc.low
    for start, end in doc.capitalised():
        word = text[start:end]
        people = PLACE_POPULATION.get(word)
        if people is None or people < LOWER_CASE_TOWN or word in PLACE_WORDS:
            continue
        if _name_bits(word) & STRONG or word.lower() in ENGLISH_WORDS:
            continue
        if TOWN_THING_AFTER_RE.match(text, end) or (start and text[start - 1] in "@#'’-"):
            continue
        if low[low.rfind(" ", max(0, start - 12), start - 1) + 1 : start - 1] in PLACE_PREPOSITIONS:
            continue  # after "in", "from"…: _detect_places has decided
        # The sentence, looked for within 200 characters each side (linear time).
        lo, hi = max(0, start - 200), min(len(text), end + 200)
        sentence_start = max(lo - 1, *(text.rfind(c, lo, start) for c in ".!?\n")) + 1
        sentence_end = min(
            (i for i in (text.find(c, end, hi) for c in ".!?\n") if i != -1), default=hi
        )
        if not PERSON_IN_SENTENCE_RE.search(low, sentence_start, sentence_end):
            continue
        window_start, window_end = max(0, start - 60), min(len(low), end + 40)
        if PLACE_EVENT_RE.search(low, window_start, window_end) or MORE_PLACE_EVENTS_RE.search(
            low, window_start, window_end
        ):
            continue
        yield _finding(text, "address", start, end, LOW)


def _town_before_region(doc: Doc) -> Iterator[Finding]:
    """Any town after a locative word and before a state, province or county.

    "from Hope, BC", "lives in Normal, Illinois", "came in from Battle, East Sussex": the
    region after the comma makes the capitalised words before it a town, listed or not, even
    one that is a word. Not near a meeting, a paper or a trip.
    """
    text, low = doc.text, doc.low
    if "," not in text:
        return
    for m in REGION_TAIL_RE.finditer(text):
        region = m.group().lstrip(", \t")
        if len(region) == 2 and (
            region not in US_STATES and region not in CA_PROVINCES or region in CREDENTIALS
        ):
            continue
        town = TOWN_BEFORE_REGION_RE.search(text, max(0, m.start() - 50), m.start())
        if town is None or town.group("town").split()[0].rstrip("s") in DAYS_AND_MONTHS:
            continue
        window_start, window_end = max(0, town.start() - 60), min(len(low), m.end() + 40)
        if PLACE_EVENT_RE.search(low, window_start, window_end) or MORE_PLACE_EVENTS_RE.search(
            low, window_start, window_end
        ):
            continue
        yield _finding(text, "address", town.start("town"), m.end(), LOW)


def _home_at_town(doc: Doc) -> Iterator[Finding]:
    """A town after "at" when a home comes before it: "lives in a caravan at Clacton"."""
    text, low = doc.text, doc.low
    for pos in doc.at("at_age"):
        start = pos + 3
        if not text[start : start + 1].isupper():
            continue
        if not HOME_AT_BEFORE_RE.search(low, max(0, pos - 70), pos):
            continue
        m = PLACE_AFTER_RE.match(text, start)
        if m is None:
            continue
        tokens = list(TOKEN_RE.finditer(text, m.start(), m.end()))
        if tokens[0].group() in NOT_NAME:
            continue
        end = tokens[0].end()
        for t in tokens[1:]:
            if t.group() in NOT_NAME:
                break
            end = t.end()
        yield _finding(text, "address", tokens[0].start(), end, LOW)


def _labelled_address(doc: Doc) -> Iterator[Finding]:
    """Whatever follows "address:", up to the next label or the end of the line."""
    text = doc.text
    for pos in doc.at("address_label"):
        if m := ADDRESS_LABEL_RE.match(text, pos):
            if any(c.isdigit() for c in m.group("address")) or m.group("address")[:1].isupper():
                yield _finding(text, "address", *m.span("address"), HIGH)


def _town_before_person(doc: Doc) -> Iterator[Finding]:
    """ "a Kirkcaldy lad", "an Oldham man", "a big Lewisham family": a town used of a person."""
    text = doc.text
    for pos in doc.at("town_person"):
        if text[pos].isupper():  # "Greenbrier Family Health": a name's part, not a person
            continue
        m = TOWN_BEFORE_PERSON_RE.search(text, max(0, pos - 60), pos)
        if m is None:
            continue
        word = m.group("town")
        first, _, last = word.partition(" ")
        state = m.group("state")
        if state:
            # "Mobile AL oyster shucker": a state's code makes a town of a word ("Mobile").
            if word in PLACE_POPULATION and (state in US_STATES or state in CA_PROVINCES):
                yield _finding(text, "address", m.start("town"), m.end("state"), LOW)
        elif (
            word in PLACE_POPULATION
            and word not in PLACE_WORDS
            and not _name_bits(word) & STRONG
            or (last in REGION_WORDS and first.lower() not in ENGLISH_WORDS)
            or (last and first in PLACE_POPULATION and first not in PLACE_WORDS)
        ):
            yield _finding(text, "address", *m.span("town"), LOW)


def _place_before_unit(doc: Doc) -> Iterator[Finding]:
    """Capitalised words before "district", "village", "estate", "County", "care home":
    "Chhindwara district", "McKinley County", "the Port Credit care home"; a home named before
    its noun after "from", "at", "in", "to" or a colon ("from rosewood rest home", "at Banksia
    Lodge", "Dispo: Maple Grove Senior Living"); and Ireland's counties ("Co. Leitrim")."""
    text = doc.text
    if "Co. " in text or "County " in text:
        for m in IRISH_COUNTY_RE.finditer(text):
            if not (m.start() and text[m.start() - 1].isalnum()):
                yield _finding(text, "address", *m.span(), HIGH)
    for pos in doc.at("place_unit"):
        noun = FACILITY_NOUN_RE.match(text, pos)
        if noun and (home := FACILITY_NAME_BEFORE_RE.search(text, max(0, pos - 50), pos)):
            words = home.group("name").split()
            # A hospice, a residence or "living" is a home's name only in capitals ("St Luke's
            # Hospice", "Maple Grove Senior Living"), not "at home with hospice".
            generic = noun.group().lower() in ("hospice", "residence", "living")
            named = all(w[:1].isupper() for w in words) or words[0].lower().rstrip(".") in (
                "st",
                "saint",
            )  # "st. agnes residence"
            if not any(w.lower() in NOT_FACILITY_NAME for w in words) and (named or not generic):
                yield _finding(text, "address", home.start("name"), noun.end(), LOW)
                continue
        if not PLACE_UNIT_RE.match(text, pos):
            continue
        tokens = list(TOKEN_RE.finditer(text, max(0, pos - 40), pos))
        run: list[re.Match[str]] = []
        for word in reversed(tokens):
            gap = text[word.end() : (run[0].start() if run else pos)]
            if gap.strip(" \t") or word.group() in NOT_NAME:
                break
            run.insert(0, word)
        if not run or (run[0].start() and text[run[0].start() - 1].isalnum()):
            continue
        end = run[-1].end()
        if text.startswith("County", pos):
            # A county is where someone lives or works only after a locative word ("a ranch
            # in McKinley County"); "Kenosha County has a new clinic" is news.
            if _word_before(text, run[0].start()) not in PLACE_PREPOSITIONS or _posters_own_place(
                doc.low, run[0].start()
            ):
                continue
            end = pos + len("County")
        yield _finding(text, "address", run[0].start(), end, LOW)


def _streets_of_other_languages(doc: Doc) -> Iterator[Finding]:
    """ "12 rue de la Roquette", "ul. Marszałkowska 140/12", "Götgatan 22", "Nørrebrogade 45",
    and the postcode after them ("Götgatan 22, 116 46 Stockholm")."""
    text, low = doc.text, doc.low
    streets: list[tuple[int, int]] = []
    for pos in doc.at("street_first"):
        if not text[pos : pos + 1].isalpha():
            continue
        if number := NUMBER_BEFORE_STREET_WORD_RE.search(text, max(0, pos - 8), pos):
            if m := STREET_WORD_THEN_NAME_RE.match(text, pos):
                streets.append((number.start(), m.end()))
        elif m := STREET_WORD_NAME_NUMBER_RE.match(text, pos):
            streets.append((pos, m.end()))
    for start, end in doc.capitalised():
        if low.endswith(STREET_ENDINGS, start, end) and (
            m := NUMBER_AFTER_STREET_RE.match(text, end)
        ):
            streets.append((start, m.end()))
    for start, end in streets:
        yield _finding(text, "address", start, end, HIGH)
        if code := POSTCODE_AFTER_STREET_RE.match(text, end):
            yield _finding(text, "zip", *code.span("code"), HIGH)


def _town_after_an_age(doc: Doc) -> Iterator[Finding]:
    """A listed town between commas right after an age, as a list of patients writes where
    each comes from: "71M, Svolvær, anterior STEMI", "Tevita, 17, Nukuʻalofa, RHD"."""
    text = doc.text
    for start, end in doc.capitalised():
        if text[start - 2 : start] != ", " or not AGE_BEFORE_COMMA_RE.search(
            text, max(0, start - 12), start - 2
        ):
            continue
        town = text[start:end]
        if (nxt := NEXT_CAPITALISED_RE.match(text, end)) and f"{town} {nxt.group(1)}" in (
            PLACE_POPULATION
        ):
            town, end = f"{town} {nxt.group(1)}", nxt.end()
        if (
            town in PLACE_POPULATION
            and town not in PLACE_WORDS
            and town not in NOT_NAME
            and not _name_bits(town) & STRONG
            and TOWN_END_RE.match(text, end)
        ):
            yield _finding(text, "address", start, end, LOW)


def _detect_more_places(doc: Doc) -> Iterator[Finding]:
    """Towns named by what follows them: "Kamloops native", "a Kirkcaldy lad"."""
    text = doc.text
    yield from _town_before_person(doc)
    yield from _labelled_address(doc)
    yield from _town_before_region(doc)
    yield from _home_at_town(doc)
    yield from _towns_in_a_sentence_about_a_person(doc)
    yield from _place_before_unit(doc)
    yield from _streets_of_other_languages(doc)
    yield from _town_after_an_age(doc)
    if "native" not in doc.low and "-based" not in doc.low and "raised" not in doc.low:
        return
    for m in PLACE_SUFFIX_RE.finditer(text):
        words = text[max(0, m.start() - 40) : m.start()].split()
        for n in (3, 2, 1):
            place = " ".join(words[-n:])
            if len(words) >= n and place in PLACE_POPULATION and place not in PLACE_WORDS:
                yield _finding(text, "address", m.start() - len(place), m.start(), LOW)
                break


def _detect_model_places(doc: Doc) -> Iterator[Finding]:
    """Towns and neighbourhoods the rules leave undecided, read by the sequence model."""
    text = doc.text
    for start, end, _probability in places_of(text, doc.tagged()):
        if names_a_thing(text, end):
            continue  # "Murray Valley encephalitis"
        if text[max(0, start - 3) : start] == "in " and CONFERENCE_BEFORE_RE.search(
            text, max(0, start - 11), start - 3
        ):
            continue  # "ESMO in Barcelona"
        if _posters_own_place(doc.low, start):
            continue  # "here in Eldoret", "Flying back to Boston now"
        yield _finding(text, "address", start, end, LOW)
