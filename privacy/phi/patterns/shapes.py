"""Shape rules, run on the original text: protected shapes, contacts, network
addresses, numbers, dates, ages, streets and name shapes.
"""

from __future__ import annotations

import re
import string
from typing import Final

from privacy.phi.patterns.common import (
    _AGE_NUMBER,
    _DAY,
    _MONTH,
    _NAME_SEQ,
    _PARTICLE,
    _RANGE_END,
    _TOKEN,
    _YEAR,
)

# Protected shapes (never reported unless inside a URL). Each starts with a
# literal so ``re`` can skip straight to candidates.
DOI_RE: Final = re.compile(r"10\.(?<![\w.]10\.)\d{4,9}/[^\s\"<>]+")
ORCID_TRIGGER_RE: Final = re.compile(r"-\d{4}-\d{3}[\dX]")
ORCID_RE: Final = re.compile(r"\b\d{4}-\d{4}-\d{4}-\d{3}[\dX]\b")
TRIAL_ID_RE: Final = re.compile(r"\b(?:NCT\d{8}|ISRCTN\d{8}|EudraCT[ \t]*\d{4}-\d{6}-\d{2})\b")
MENTION_RE: Final = re.compile(r"@(?<![\w.@]@)[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?")

# Emails are found from each "@": walk back over the local part, then match
# the domain forward, which stays linear even for text like "a@a@a@...".
EMAIL_LOCAL_CHARS: Final = frozenset(string.ascii_letters + string.digits + "._%+-")
EMAIL_DOMAIN_RE: Final = re.compile(r"@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b")
_URL_BODY = r"[^\s<>\"'()\[\]{}]+"
URL_RES: Final = (
    re.compile(rf"h(?<![\w]h)ttps?://{_URL_BODY}"),
    re.compile(rf"w(?<![\w./]w)ww\.{_URL_BODY}"),
    re.compile(rf"f(?<![\w]f)tp://{_URL_BODY}"),
)
_TLD = r"(?:com|org|net|edu|gov|io|health|info|co\.uk|org\.uk|nhs\.uk|ca)"
TLD_TRIGGER_RE: Final = re.compile(rf"\.{_TLD}(?![a-z0-9-])")
BARE_DOMAIN_RE: Final = re.compile(
    rf"(?<![\w@./-])(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+{_TLD}"
    r"(?:/[^\s<>\"'()\[\]{}]*)?(?![\w@])"
)
DOMAIN_CHARS: Final = frozenset("abcdefghijklmnopqrstuvwxyz0123456789.-")
# Digit groups: phone numbers in any national format, sorted out afterwards.
DIGIT_GROUPS_RE: Final = re.compile(
    # The leading look-ahead lets ``re`` skip to candidate characters quickly.
    r"(?=[\d+(])(?<![\w+/.-])(?:\+?\d{1,3}[ .-])?\(?\d{1,5}\)?(?:[ .-]\d{2,8}){1,4}"
    r"(?:[ ]?(?:x|ext\.?|extension)[ ]?\d{1,5})?(?![\w/-]|\.\d)"
)
# North American shape: unambiguous enough to flag without a cue.
NANP_RE: Final = re.compile(
    r"(?=[\d+(])(?<![\w+/.-])(?:\+?1[ .-]?)?(?:\(\d{3}\)[ ]?|\d{3}[ .-])\d{3}[ .-]\d{4}"
    r"(?:[ ]?(?:x|ext\.?|extension)[ ]?\d{1,5})?(?![\d])"
)
# The digit shapes (see ``digit_shape``) a North American number ends with.
NANP_SHAPES: Final = ("000-0000", "000.0000", "000 0000")
# Every phone shape holds a digit (or a closing bracket), a separator and two digits; the two
# phone passes run only around these (a decimal such as "12.5" or "1.8" opens no window).
# Run on the digit shape (every digit "0", see ``digit_shape``), as are the other triggers
# below that open with a digit; the bracket's pass is apart, each opening with a literal.
PHONE_TRIGGER_RES: Final = (re.compile(r"0[ .-]\(?00"), re.compile(r"\)[ .-]\(?00"))
IPV4_TRIGGER_RE: Final = re.compile(r"\.\d{1,3}\.\d{1,3}\.\d")
IPV4_RE: Final = re.compile(
    r"(?<![\w.])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
    r"(?!\w|\.\d)"
)
IPV6_TRIGGER_RE: Final = re.compile(r":(?:[0-9A-Fa-f]{1,4})?:")
IPV6_RE: Final = re.compile(r"(?<![\w:.])[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?![\w:])")

SSN_TRIGGER_RE: Final = re.compile(r"-\d\d-\d{4}")
SSN_RE: Final = re.compile(r"(?<![\w-])(\d{3})-(\d{2})-(\d{4})(?![\w-])")
BARE_ZIP_RE: Final = re.compile(r"00000(?:-0000)?(?![\w%/-]|[.,:]0)")  # on the digit shape
# Long unlabelled codes: 9+ digits, or 9+ upper-case letters and digits.
# Maximal runs only, with both boundaries checked in Python: a trailing
# look-ahead here would make the scan backtrack through every long run at
# every position inside it (quadratic time).
LONG_CODE_RE: Final = re.compile(r"[A-Z0-9]{9,}")
# The same on a copy of ASCII text in which each of those characters is "X".
CODE_CHARS_TO_X: Final = str.maketrans(string.ascii_uppercase + string.digits, "X" * 36)
LONG_CODE_SHAPE_RE: Final = re.compile("X" * 9 + "+")
VIN_CHARS_RE: Final = re.compile(r"[A-HJ-NPR-Z0-9]{17}")
UDI_RE: Final = re.compile(r"\(01\)\d{14}(?:\(\d{2,4}\)[A-Za-z0-9]+)*")

# All date shapes that start with a digit, longest alternatives first.
# "12-Jan-2024": looked for around the month words the word scan finds, not in the
# numeric-date pass, where one more alternative cost 0.014 ms on every digit.
DASHED_MONTH_DATE_RE: Final = re.compile(
    rf"(?<![\w/-])\d{{1,2}}-{_MONTH}-(?:{_YEAR}|\d{{2}})(?![\w/-])"
)
NUMERIC_DATE_RE: Final = re.compile(
    r"(?=\d)(?<![\w./-])(?:"
    r"(?P<iso_y>(?:19|20)\d{2})(?P<iso_sep>[-/.])(?P<iso_m>\d{1,2})(?P=iso_sep)(?P<iso_d>\d{1,2})"
    r"|(?P<a>\d{1,2})(?P<sep>[/.-])(?P<b>\d{1,2})(?P=sep)(?P<y>\d{4}|\d{2})"
    r"|(?P<my_m>0?[1-9]|1[0-2])/(?P<my_y>(?:19|20)\d{2})"
    rf"|(?P<dmy>{_DAY}[ \t]+(?:of[ \t]+)?{_MONTH}(?![\w])(?:,?[ \t]+{_YEAR}\b)?)"
    r"|(?P<md_m>\d{1,2})/(?P<md_d>\d{1,2})"
    r")(?![\w/]|[.-]\d)"
)
# Where a numeric date may start, on the digit shape: a first digit, up to three more, then a
# slash and a digit, two dots or dashes around one or two digits (not a decimal: "12.5"), or a
# day's suffix and spaces before a month ("3rd of Jan").
NUMERIC_DATE_TRIGGER_RE: Final = re.compile(
    r"0(?<![\w./-]0)0{0,3}(?:/0|[-.]00?[-.]0|(?:st|nd|rd|th)?[ \t]+(?:of[ \t]+)?"
    r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec))"
)
MONTH_DATE_RE: Final = re.compile(
    rf"{_MONTH}[ \t]+(?:(?:the[ \t]+)?{_DAY}\b{_RANGE_END}?(?:,?[ \t]+{_YEAR}\b)?"
    rf"|(?:of[ \t]+)?{_YEAR}\b)"
)
DATE_ORDINAL_RE: Final = re.compile(
    r"t(?<![\w]t)he[ \t]+(?:0?[1-9]|[12]\d|3[01])(?:st|nd|rd|th)"
    r"(?=[ \t]*(?:[,.;:)]|$|(?:and|or|after|before|when|then)\b))",
    re.MULTILINE,
)

# An age written with its sex and a slash, as sign-outs and referrals do: "M/91", "90/F".
# Matched from just before each slash (a literal pass finds the slashes).
AGE_SLASH_RE: Final = re.compile(
    rf"(?<![\w/])(?:[MFmf]/(?P<after>{_AGE_NUMBER})|(?P<before>{_AGE_NUMBER})/[MFmf])(?![\w/])"
)
# A slash before a sex letter or an age: where an age with a slash may be.
SLASH_TRIGGER_RE: Final = re.compile(rf"/(?:[MFmf](?![\w/])|{_AGE_NUMBER}(?![\w/]))")
# Where ``AGE_RE`` may match at the start of a number, on the digit shape: two or three digits,
# not after a letter, digit or full stop, before a "y" or a sex letter.
AGE_UNIT_TRIGGER_RE: Final = re.compile(r"0(?<![\w.]0)00?(?=[ \t]*-?[ \t]*y|[MFmf])")
AGE_RE: Final = re.compile(
    rf"{_AGE_NUMBER}(?:"
    r"[ \t]*-?[ \t]*(?:years?|yrs?)\.?(?:[ \t]*-?[ \t]*(?:old|young)|[ \t]+of[ \t]+age)"
    r"|[ \t]*-?[ \t]*(?:yo|y/o|y\.o\.?|yr[ \t-]*old)(?![a-z])"
    r"|(?:yrs?|y)(?![a-z])(?![ \t]*(?:ago|later|earlier|before|after|since|of\b|in\b))"
    r"|(?P<sex>[MFmf])(?![\w°]))"
)
# Before a lower-case age and sex ("a 94f", "pt 91m", "bed 3, 90f", "(97m)").
AGE_SEX_BEFORE_RE: Final = re.compile(r"(?:\b(?:a|an|pt|is|patient)[ \t]+|[,:(][ \t]*)$")
# "a nonagenarian", "our centenarian": one person described by an age over 89 (not the plural).
AGE_NOUN_RE: Final = re.compile(r"(?<!#)\b(?:super)?(?:nonagenarian|centenarian)\b(?!s)")
AGE_NUMBER_AFTER_RE: Final = re.compile(r"\b(?:9\d|1[01]\d)\b|ninety|hundred")
AGE_WORDS_RE: Final = re.compile(
    r"\b(?:ninety(?:[ -](?:one|two|three|four|five|six|seven|eight|nine))?"
    r"|(?:a|one)[ -]hundred(?:[ -](?:and[ -])?(?:one|two|three|four|five|six|seven|eight"
    r"|nine|ten))?)[ -]years?[ -]old\b"
)
# "ninety-four y/o", "Age: ninety-six", "myeloma at ninety-five": ninety as a number word is an
# age unless a unit or a count follows it ("ninety minutes", "ninety percent", "ninety years
# ago").
AGE_NINETY_RE: Final = re.compile(
    r"\bninety(?:[ -](?:one|two|three|four|five|six|seven|eight|nine))?(?![\w-])"
    r"(?![ \t]*(?:%|-?(?:minutes?|mins?|seconds?|secs?|hours?|hrs?|days?|weeks?|months?"
    r"|percent|per|patients?|pts|people|persons|times|mg|mcg|ml|mls|units?|degrees?|beds?"
    r"|cases|miles|km|metres|meters|feet|ft|pounds|kg|lbs?|dollars|quid|grand|pages|calls"
    r"|admissions|referrals|staff|nurses|doctors|residents|students|members|deaths|babies"
    r"|seconds|bpm|mmhg|breaths|beats|cc|odd|something|or[ \t]+so|of|to|and[ \t]+(?:ninety|a)"
    r"|years?[ \t]+(?:ago|later|of|in))\b))"
)

_STREET_SUFFIX = (
    r"(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Place|Pl|Way"
    r"|Terrace|Ter|Circle|Cir|Parkway|Pkwy|Highway|Hwy|Square|Sq|Close|Crescent|Cres|Trail"
    r"|Trl|Alley|Plaza|Loop|Pike|Mews|Row|Route|Rte|Expressway|Expy|Turnpike|Tpke"
    # Britain's and Ireland's: "7 Mill Cottages", "4 Chapel View", "14 Orchard Rise".
    r"|Cottages|Cottage|View|Rise|Gardens|Gdns|Grove|Green|Walk|Parade|Vale|Fold|Garth|Wynd"
    r"|Brae|Heights|Villas|Meadows)"
)
_DIRECTION = r"(?:N|S|E|W|NE|NW|SE|SW|North|South|East|West)\.?"
_STREET_NAME = rf"(?:{_TOKEN}|\d{{1,3}}(?:st|nd|rd|th))"
_ADDRESS_TAIL = (
    r"(?P<unit>,?[ \t]*(?:Apt|Apartment|apartment|apt|Unit|unit|Suite|suite|Ste|Floor|Fl|Room"
    r"|Rm|#)\.?[ \t]*#?[A-Za-z0-9-]*\d[A-Za-z0-9-]*)?"
    rf"(?P<city>,[ \t]*{_TOKEN}(?:[ \t]+{_TOKEN}){{0,2}}(?![\w'’]))?"
    r"(?P<state>,?[ \t]*[A-Z]{2}(?:[ \t]+\d{5}(?:-\d{4})?)?(?![\w-]))?"
)
# Street shapes in one pass; the first alternative that fits wins.
STREET_RE: Final = re.compile(
    # "1420 Maple Avenue, Dayton, OH 45402"
    rf"(?P<address>\b\d{{1,6}}[A-Z]?[ \t]+(?:{_DIRECTION}[ \t]+)?{_STREET_NAME}"
    rf"(?:[ \t]+{_TOKEN}){{0,3}}[ \t]+{_STREET_SUFFIX}\b\.?(?:[ \t]+{_DIRECTION}(?![\w]))?)"
    + _ADDRESS_TAIL
    # "5th Ave and 42nd Street"
    + rf"|(?P<crossing>\b{_STREET_NAME}[ \t]+{_STREET_SUFFIX}\.?[ \t]+(?:and|&|at)[ \t]+"
    rf"{_STREET_NAME}[ \t]+{_STREET_SUFFIX}\b)"
    # "lives on Route 9"
    r"|\b(?:on|off|along|near|at)[ \t]+(?P<road>(?:Route|Rte|Highway|Hwy|County[ \t]+Road"
    r"|State[ \t]+Road|Farm[ \t]+Road)[ \t]+\d{1,4}[A-Z]?)\b"
    # "off Main Street", "on Chris Hani Rd", "on Queen St W", "on 4th Street": no house number
    rf"|(?:\b(?:on|off|along|near)[ \t]+(?P<named>(?:{_DIRECTION}[ \t]+)?{_TOKEN}"
    rf"(?:[ \t]+{_TOKEN}){{0,2}}?)"
    rf"|\b(?P<numbered>\d{{1,3}}(?:st|nd|rd|th)))[ \t]+(?!Dr\b){_STREET_SUFFIX}\b"
    rf"(?:\.?[ \t]+{_DIRECTION}(?![\w]))?"
)
PO_BOX_RE: Final = re.compile(
    r"\b(?:P\.?[ \t]?O\.?[ \t]?Box|Post[ \t]+Office[ \t]+Box)[ \t]+\d{1,6}" + _ADDRESS_TAIL
)

HONORIFIC_RE: Final = re.compile(
    r"M(?<![\w]M)(?:r|rs|s|x|ister|iss)\.?[ \t]+"
    # "Mr. T, 47": case posts often shorten the surname to an initial.
    # "Mr K. Adeyemi": an initial before the surname belongs to the name.
    rf"(?:(?P<name>(?:[A-Z]\.?[ \t]+(?=[A-Z][a-z]))?{_NAME_SEQ})|(?P<initial>[A-Z])\b\.?(?![\w.]))"
)
FAMILY_RE: Final = re.compile(
    # "The Hendersons brought their son": a family referred to by surname.
    rf"he(?<=(?<![\w])[Tt]he)[ \t]+(?:(?P<name>{_TOKEN}s)[ \t]+(?:brought|came|asked|said|say"
    r"|want(?:ed)?|are|were|have|had|called|visited|arrived|decided|agreed|declined|refused"
    r"|requested|family|kids|children)"
    # "the Oduya family", "the Kowalski twins": a family named by its surname.
    rf"|(?P<surname>{_TOKEN})[ \t]+(?:family|families|household|twins|kids|children|boys|girls"
    r"|clan|parents))\b"
)
# ", a 45-year-old" / ", 58," after a capitalised name.
AGE_AFTER_NAME_RE: Final = re.compile(
    r",[ \t]+(?:(?:a|an)[ \t]+\d{1,3}[ \t-]*(?:years?|yrs?|y/?o|months?|mos?|weeks?)\b"
    r"|\d{1,3}[ \t]?(?:[MF]\b|y/?o\b|yrs?\b|years?\b|,))"
)
NAME_BEFORE_RE: Final = re.compile(
    # "Mavis Ludlow", "Nkosana D." (a surname's initial)
    rf"(?<![\w@.'’-])({_TOKEN}(?:[ \t]+{_PARTICLE}{{0,3}}{_TOKEN}){{0,2}}(?:[ \t]+[A-Z]\.)?)$"
)
NEXT_TOKEN_RE: Final = re.compile(rf"[ \t]+(?P<last>{_PARTICLE}{{0,3}}{_TOKEN})")
INITIALS_TRIGGER_RE: Final = re.compile(r"\.[ ]?[A-Za-z]\.")
# Initials, written in capitals or not ("J.K.", "j.r."): the rules take them after a cue, before
# an age, before where the patient lies or before what a patient does.
INITIALS_RE: Final = re.compile(r"(?<![\w.])[A-Za-z]\.[ ]?[A-Za-z]\.(?:[ ]?[A-Za-z]\.){0,2}(?!\w)")
INITIALS_CUE_BEFORE_RE: Final = re.compile(
    r"\b(?:pt|patient|initials|bed|bay|rm|room|cubicle)\b[^\n]{0,12}$", re.IGNORECASE
)
AGE_AFTER_INITIALS_RE: Final = re.compile(
    r",?[ \t]+(?:a|an)[ \t]+\d{1,3}[ \t-]*(?:year|yr|yo|y/o)|,[ \t]*\d{1,3}[ \t]?(?:[MFmf]\b|y)"
    r"|[ \t]+(?:in|on)[ \t]+(?:bay|bed|rm|room|cubicle)\b"
    # "To J.M. in Ballymena": initials and a town
    r"|[ \t]+(?:in|from)[ \t]+[A-Z][a-z]"
    # "j.o. (the 94 y/o from Mobile)", "R.M. has been on metformin since 2011"
    r"|[ \t]+\((?:the[ \t]+|a[ \t]+|an[ \t]+)?\d{1,3}[ \t-]*(?:year|yr|yo|y/o|[MFmf]\b)"
    r"|[ \t]+(?:has[ \t]+been|had|was|came|went|died|passed|presented|returned|told|asked"
    r"|refused)\b"
)
CREDENTIAL_INITIALS: Final = frozenset(
    "M.D. D.O. R.N. N.P. P.A. U.S. U.K. E.R. O.R. I.V. P.O. A.M. P.M. B.S. M.S. B.A. M.A. "
    "E.D. D.C. E.G. I.E. N.B. A.K.A. B.D. O.D. Q.D. T.D.S. Q.D.S. B.I.D. T.I.D. Q.I.D. P.R. S.C. "
    "I.M. C.F. V.S. P.S. W.R.T. E.T.A. O.N.".split()
)

# Which URLs identify nobody: references (journals, guidelines, calculators, teaching videos,
# public bodies) by their host, and the poster's own or their unit's page by the words before.
# Pages of people (fundraisers, social profiles, a patient's blog) and unknown hosts are reported.
PERSONAL_HOSTS: Final = (
    "gofundme.com gofund.me caringbridge.org justgiving.com facebook.com fb.com instagram.com"
    " tiktok.com twitter.com x.com linkedin.com threads.net snapchat.com givealittle.co.nz"
    " mycause.com.au blogspot.com wordpress.com tumblr.com"
).split()
REFERENCE_HOSTS: Final = (
    "doi.org nejm.org thelancet.com bmj.com jamanetwork.com nature.com sciencedirect.com"
    " springer.com wiley.com oup.com ahajournals.org acc.org heart.org diabetesjournals.org"
    " uptodate.com mdcalc.com medscape.com wikipedia.org nice.org.uk brit-thoracic.org.uk"
    " escardio.org idsociety.org cochranelibrary.com annals.org cmaj.ca mja.com.au litfl.com"
    " emcrit.org radiopaedia.org aafp.org acog.org aap.org thoracic.org chestnet.org kdigo.org"
    " goldcopd.org ginasthma.org guidelines.co.uk youtu.be rcplondon.ac.uk rcem.ac.uk"
).split()
# Public bodies, universities and health services by their suffix.
REFERENCE_SUFFIXES: Final = (
    ".gov .gov.uk .gov.au .gov.in .gov.ie .gc.ca .edu .edu.au .ac.uk .nhs.uk .nhs.scot .int"
    " .govt.nz .health.nz .hse.ie"
).split()
# "https://www.youtube.com/watch?v=…" is a video; "youtube.com/@name" is someone's channel.
VIDEO_PATH_RE: Final = re.compile(r"youtube\.com/(?:watch|embed|playlist|shorts|live)\b")
OWN_PAGE_BEFORE_RE: Final = re.compile(
    r"\b(?:my|our|i[ \t]+wrote|we[ \t]+wrote)\b(?:[ \t]+[\w'’-]+){0,3}?[ \t]+"
    r"(?:blog|site|website|web[ \t]+site|page|substack|newsletter|podcast|channel|post|article"
    r"|slides|form|writeup|write-up)s?\b[^.!?\n]{0,30}$"
    r"|\bi[ \t]+wrote[ \t]+(?:about[ \t]+)?[^.!?\n]{0,40}$"
)
