"""Regular expressions and trigger words, compiled once at import."""

from __future__ import annotations

import re
import string
from typing import Final

# ---------------------------------------------------------------------------
# Shared regex building blocks
# ---------------------------------------------------------------------------

_U = "A-ZÀ-ÖØ-Þ"
_L = "a-zß-öø-ÿ"
# A capitalised name word: Smith, O'Sullivan, McAllister, Delgado-Rivera.
_TOKEN = rf"[{_U}](?:[{_L}]+(?:[{_U}][{_L}]+)?|['’][{_U}][{_L}]+)(?:[-'’][{_U}][{_L}]+)*"
_PARTICLE = (
    r"(?:(?:[Vv]an|[Vv]on|[Dd]e|[Dd]el|[Dd]ella|[Dd]a|[Dd]i|[Dd]u|[Ll]e|[Ll]a|[Dd]er|[Dd]en"
    r"|[Bb]in|[Aa]l|[Dd]os)[ \t]+)"
)
_NAME_SEQ = rf"{_PARTICLE}{{0,3}}{_TOKEN}(?:[ \t]+{_PARTICLE}{{0,3}}{_TOKEN}){{0,2}}"

_MONTH = (
    r"\b(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)(?![a-z])\.?"
)
_DAY = r"(?:0?[1-9]|[12]\d|3[01])(?:st|nd|rd|th)?"
_YEAR = r"(?:1[89]\d{2}|20\d{2})"
_RANGE_END = rf"(?:[ \t]*(?:-|–|—|to|through|thru)[ \t]*(?:{_MONTH}[ \t]+)?{_DAY}\b)"
_AGE_NUMBER = r"(?:9\d|1[0-2]\d)"

TOKEN_RE: Final = re.compile(_TOKEN)
# Punctuation and spacing become a plain space, so that ``split(" ")`` yields
# the words of the lower-cased text ("s/n" stays one word) at C speed.
TO_SPACE: Final = {
    c: " "
    for c in [*range(0x80), 0xA0, 0x2019, 0x2018, 0x201C, 0x201D, 0x2013, 0x2014, 0x2028]
    if not (chr(c).isalnum() or chr(c) == "/")
}

# ---------------------------------------------------------------------------
# Context regexes, run on short windows of the lower-cased text
# ---------------------------------------------------------------------------

# Words that tie a date to a person or a clinical event.
DATE_CUE_RE: Final = re.compile(
    r"\b(?:d\.?o\.?b|date of (?:birth|death|service|admission|discharge|surgery|procedure)"
    r"|born|birth(?:day)?|admit(?:ted)?|admission|readmit(?:ted)?|discharg(?:e|ed)|died|death"
    r"|deceased|passed away|expired|surg(?:ery|ical)|operat(?:ion|ed)|procedure|underwent"
    r"|biopsy|scan|ct|mri|pet|echo|ecg|ekg|x-?ray|ultrasound|colonoscopy|endoscopy|egd|cath"
    r"|pci|cabg|transplant(?:ed)?|intubat(?:ed|ion)|extubat(?:ed|ion)|deliver(?:ed|y)|lmp"
    r"|edd|due|seen|saw|visit(?:ed)?|follow[- ]?up|present(?:ed|ation)|diagnos(?:ed|is)"
    r"|dx|fell|fall|injur(?:y|ed)|accident|mva|crash|stroke|vaccinat(?:ed|ion)|started"
    r"|stopped|appointment|appt|encounter|interrogat(?:ed|ion)|implant(?:ed)?|replaced"
    r"|hospitali[sz]ed|icu|transferred|onset|dated|patient|pt|he|she|his|her|him)\b"
)
# Event words strong enough to read "3/15" or "the 14th" as a date.
EVENT_CUE_RE: Final = re.compile(
    r"\b(?:d\.?o\.?b|born|admit(?:ted)?|readmit(?:ted)?|discharg(?:e|ed)|died|surgery"
    r"|operated|underwent|biopsy|ct|mri|echo|cath|intubated|extubated|delivered|lmp|edd"
    r"|seen|saw|visit(?:ed)?|presented|diagnosed|fell|injured|vaccinated|transferred|dated"
    r"|started|stopped|on|since|until|mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun|monday"
    r"|tuesday|wednesday|thursday|friday|saturday|sunday)\b"
)
# "4/5 strength", "pain 7/10", "CPAP 12/8": fractions and settings, not dates.
FRACTION_CONTEXT_RE: Final = re.compile(
    r"\b(?:strength|power|grip|pain|grade|murmur|acuity|score|reflex(?:es)?|bp|pressure"
    r"|ratio|tab(?:let)?s?|dose|of|scale|motor|cpap|bipap|peep|vent|settings?)\b"
)
# Dates of meetings, publications and approvals are not tied to a patient.
EVENT_NOT_PERSON_RE: Final = re.compile(
    r"\b(?:conference|congress|meeting|summit|symposium|webinar|workshop|sessions?"
    r"|registration|deadline|abstracts?|posters?|lectures?|talk|course|published|publication"
    r"|approved|approval|guidelines?|statement|updated?|released?|journal|grand rounds|cme"
    r"|launch(?:ed)?|convention|annual meeting|scientific|holiday|applications?|office)\b"
)
# Meeting shorthand such as "ACC.24" or "CHEST 2024" (case matters here).
MEETING_TAG_RE: Final = re.compile(r"\b[A-Z]{2,6}(?:\.\d{2}|[ \t]20\d{2})\b")
RANGE_IN_DATE_RE: Final = re.compile(r"\d[ \t]*(?:-|–|—|to|through|thru)[ \t]*\D*\d")
DATE_LABEL_RE: Final = re.compile(r"\b(?:d\.?o\.?b|lmp|edd|dod|date of \w+)\b[ \t.:]*$")

PHONE_CUE_RE: Final = re.compile(
    r"\b(?:(?P<fax>fax(?:es|ed|ing)?|telefax)\b"
    r"|(?P<label>(?:phone|tel|telephone|cell|cellphone|mobile|mob|ph|pager|landline|whatsapp)s?\b"
    r"|(?:daughter|son|wife|husband|mum|mom|dad|mother|father|partner|carer|nok|next of kin)"
    r"['’]?s?[ \t]*:)"
    r"|(?:call(?:ed|s)?|ring|rang|phoned?|reach(?:ed|able)?|contacts?|text|voicemail"
    r"|numbers?)\b)"
)
TEMPERATURE_CUE_RE: Final = re.compile(r"\b(?:t|temp|temperature|tmax|tm|fever|febrile)\b")
VERSION_BEFORE_RE: Final = re.compile(r"\b(?:version|ver|v|release|build|firmware)\.?[ \t]*$")

ZIP_EXCLUDE_BEFORE_RE: Final = re.compile(
    r"\b(?:cpt|hcpcs|codes?|coded|coding|billed|bill|billing|charged|e/m|icd|pmid|nct|drg"
    r"|rvus?|modifier)\b"
)
LAB_BEFORE_RE: Final = re.compile(
    r"\b(?:wbc|plt|platelets?|bnp|nt-?probnp|troponin|trop|ferritin|cd4|ldh|ck|cpk|d-?dimer"
    r"|lipase|amylase|tsh|vitamin|hcg|afp|cea|count|svr|pvr|level|iu|dose)[ \t:=]*$"
)
UNIT_AFTER_RE: Final = re.compile(
    r"[ \t]*(?:mg|mcg|µg|ug|g|kg|ml|l|units?|u|iu|meq|mmol|mol|ng|pg|cells?|copies|steps?"
    r"|kcal|cal|mm|cm|m|km|mi|miles?|ft|feet|lbs?|pounds?|patients?|people|persons?|cases?"
    r"|visits?|admissions?|deaths?|participants?|subjects?|sites?|hours?|hrs?|minutes?|min"
    r"|days?|weeks?|months?|years?|times?|x|dollars?|usd|beds?|applications?|members?"
    r"|physicians?|doctors?|nurses?|residents?|students?|views?|followers?|words?|cmh2o"
    r"|mmhg|ms)\b"
    r"|[ \t]*[/%]"
)
ZIP_CUE_RE: Final = re.compile(
    r"\b(?:lives?|living|resides?|residing|moved|relocated|zip|area|neighbou?rhood)\b"
)
STATE_BEFORE_RE: Final = re.compile(r"\b([A-Z]{2})[ \t]+$")
CITY_BEFORE_STATE_RE: Final = re.compile(rf"({_TOKEN}(?:[ \t]+{_TOKEN}){{0,2}}),[ \t]*$")

PERSON_NOUN_RE: Final = re.compile(
    r"\b(?:patients?|pts?|man|men|woman|women|gentleman|lady|guy|boy|girl|teen(?:ager)?"
    r"|child|kid|baby|infant|toddler|newborn|son|daughter|wife|husband|brother|sister"
    r"|mother|father|friend|someone|person|veteran|student|farmer|worker|individual)\b"
)
NOT_PERSON_NAME_RE: Final = re.compile(
    r"\b(?:brand|generic|trade|drug|file|user|product|street|domain|code|screen|host|company"
    r"|program|study|trial|last|first|maiden|middle)[ \t]+$"
)
COLLEAGUE_BEFORE_RE: Final = re.compile(
    r"(?:\b(?:Dr|Drs|Doctor|Prof|Professor|Nurse|Rev|Sr|Sir|Dame|Lord|Baroness|Baron)\.?[ \t]+"
    r"(?:[A-Z][\w'’-]+[ \t]+)?$)"
    r"|(?:\b(?:talk|lecture|presented|written|authored|taught) by[ \t]+$)"
)
FOLLOWING_WORD_RE: Final = re.compile(r"(?:['’]s)?[ \t]*([\w'’.-]+)(?:[ \t]+(\w+))?")
CREDENTIAL_AFTER_RE: Final = re.compile(r",[ \t]*([A-Za-z][A-Za-z.-]{1,7})(?![\w])")
SIGNATURE_BEFORE_RE: Final = re.compile(
    r"\n[ \t]*(?:--?|—|–|~)|\b(?:MD|M\.D\.|DO|MBBS|MBChB|PhD|NP|PA-C|RN|DNP|PharmD|FACP"
    r"|FRCP\w*|Dr\.)(?![\w])|\bmy[ \t]+npi\b"
)
DOSE_AFTER_RE: Final = re.compile(r"[ \t]*\d")

# ---------------------------------------------------------------------------
# Keyword rules. A single pass over the lower-cased words finds trigger
# words; each rule then runs ``match`` at those offsets only.
# ---------------------------------------------------------------------------

# Labelled identifiers: a label followed by a code.
_NUM_SUFFIX = r"(?:[ \t]*(?:number|no\.?|#|id|identifier|num))?"
ID_LABELS: Final[dict[str, str]] = {
    # "social" alone is too common; the code check demands 4 or 9 digits.
    "ssn": r"ssn|ss[ \t]?#|ss (?:no\.?|number)|social security(?: (?:number|no\.?|#|card))?|social",
    "mrn": (
        r"mrn|mr[ \t]?#|mr no\.?|medical record(?: (?:number|no\.?|#))?"
        r"|med(?:ical)? rec(?:ord)? (?:number|no\.?|#)|chart[ \t]*(?:#|no\.?|number)"
        r"|hospital (?:number|no\.?|#|id)|unit (?:number|no\.?)|record (?:number|no\.?|#)"
        r"|(?:patient|pt\.?)[ \t]?(?:id|#|number|no\.?)"
    ),
    "health_plan": (
        rf"medicare(?: beneficiary)?{_NUM_SUFFIX}|medicaid{_NUM_SUFFIX}|mbi"
        r"|(?:member|subscriber|beneficiary)[ \t]?(?:id|#|number|no\.?)"
        r"|(?:insurance|policy|plan)(?: policy)?[ \t]?(?:id|#|number|no\.?)"
        rf"|health plan{_NUM_SUFFIX}|group{_NUM_SUFFIX}"
    ),
    "account": (
        rf"(?:billing |bank |hospital |patient |financial )?acc(?:oun)?t\.?{_NUM_SUFFIX}"
        rf"|acct\.?{_NUM_SUFFIX}|fin|financial (?:number|no\.?)"
    ),
    "licence": (
        rf"driver['’]?s? licen[cs]e{_NUM_SUFFIX}"
        rf"|(?:nursing |medical |professional )?licen[cs]e(?! plate){_NUM_SUFFIX}"
        rf"|dl[ \t]?#?|dea{_NUM_SUFFIX}|(?:birth |death |marriage )?certificate{_NUM_SUFFIX}"
    ),
    "vehicle": (
        rf"vin|vehicle identification (?:number|no\.?)|licen[cs]e plates?{_NUM_SUFFIX}"
        rf"|plates?{_NUM_SUFFIX}|tag (?:number|no\.?|#)"
    ),
    "device": (
        rf"serial{_NUM_SUFFIX}|s/n|sn|device (?:id|identifier|number|no\.?|#)|udi|imei"
        r"|implant (?:id|number|no\.?)"
    ),
    "other_id": (
        rf"claim{_NUM_SUFFIX}|accession{_NUM_SUFFIX}"
        rf"|(?:study |trial )?subject (?:id|number|no\.?|#)|study id|passport{_NUM_SUFFIX}"
        r"|case[ \t]?(?:number|no\.?|#)"
        r"|(?:employee|badge|student|inmate|prisoner|visa|alien|encounter|visit|referral"
        r"|participant|specimen|sample|requisition|confirmation|booking|tracking|reference"
        r"|ref\.?|enrollment|enrolment|registration)[ \t]?(?:id|#|number|no\.?|num)(?: number)?"
        r"|user[ \t]?name|login(?: id)?"
    ),
}
ID_LABEL_RE: Final = re.compile(
    "(?:" + "|".join(f"(?P<{kind}>{rx})" for kind, rx in ID_LABELS.items()) + ")"
    # A label ending in a letter must end the word ("mrn", not "mrna"); one
    # ending in "#" may touch the code ("case #CR-2023-4471").
    r"(?!(?<=[a-z])[a-z])"
)
# Short labels that are ordinary words in lower case ("fin", "sn", "dl").
UPPERCASE_ONLY_LABELS: Final = frozenset({"fin", "sn", "dl", "vin", "mbi", "dea"})
ID_AFTER_LABEL_RE: Final = re.compile(
    r"[ \t]*(?:[:#=.(-][ \t]*)*"
    r"(?:(?:[Nn]o|[Nn]os|[Nn]umber|[Nn]um|[Nn]r|is|was|are|of|ID|[Ii]d|[Ee]nding(?:[ \t]+in)?)"
    r"\b\.?[ \t]*[:#]?[ \t]*){0,3}"
    # A few words may sit between label and code: "MRN for this patient is 123".
    r"(?:(?:for|on|of|in)(?:[ \t]+[a-z]+){0,4}?(?:[ \t]+(?:is|was|reads)\b|[ \t]*[=:])[ \t]*)?"
    r"(?P<id>(?:[A-Z]{1,4}[ ](?=\d))?(?=[A-Z0-9-]*\d)[A-Z0-9](?:[A-Z0-9]|[-/](?=[A-Z0-9]))*"
    r"(?:[ ](?=[A-Z0-9-]*\d)[A-Z0-9](?:[A-Z0-9]|-(?=[A-Z0-9]))*){0,3})(?![\w-])"
)
LAST_FOUR_SSN_RE: Final = re.compile(
    r"last (?:4|four)(?: digits)? of (?:(?:his|her|their|the) )?(?:ssn|social security)"
    r"(?: number)?[ \t]*(?:is|are|was|:)?[ \t]*:?[ \t]*(\d{4})\b"
)
PMID_RE: Final = re.compile(r"(?:pmid|pmcid|pubmed(?:[ \t]+id)?)[ \t]*[:#]?[ \t]*(?:pmc)?\d{1,9}\b")
NPI_RE: Final = re.compile(r"npi\b(?:[ \t]*(?:number|no\.?|#|:|is))*[ \t:#]*(\d{10})\b")
# A UK or Canadian postcode in lower case after its label ("postcode m1 1ae").
LOWER_POSTCODE_RE: Final = re.compile(
    r"(?:postal code|post code|postcode|postal|pc)\b[ \t:#]*"
    r"(?P<code>[a-pr-uwyz][a-hk-y]?\d[a-z\d]?[ ]?\d[abd-hjlnp-uw-z]{2}"
    r"|[abceghj-nprstvxy]\d[abceghj-nprstv-z][ ]?\d[abceghj-nprstv-z]\d)(?![\w-])"
)
ZIP_LABEL_RE: Final = re.compile(
    r"(?:zip|zipcode|postal code|post code|postcode)\b(?:[ \t]*\+[ \t]*4)?"
    r"(?:[ \t]*(?:code|is|:|#|\())*[ \t]*(\d{5}(?:-\d{4})?)(?![\w-])"
)
# Looser phone shapes ("555-0199") count only right after a phone label.
LABELLED_PHONE_RE: Final = re.compile(
    r"(?:phone|tel|telephone|cell|cellphone|mobile|mob|ph|fax|pager|landline|whatsapp)\b\.?"
    r"(?:[ \t]*(?:no\.?|number|#|is|:))*[ \t:#]*"
    r"(?P<num>\+?\(?\d[\d \t().-]{5,18}\d(?:[ \t]*(?:x|ext\.?)[ \t]*\d{1,5})?)"
)
AGE_CUE_RE: Final = re.compile(
    r"(?:(?P<label>aged?|turned|turns|turning)[ \t]*:?"
    # "she is 91", "pt is 96": a bare number after a person and a verb.
    r"|(?:he|she|patient|pt|mom|dad|mother|father|grandmother|grandfather)(?:['’]s|[ \t]+(?:is"
    r"|was|turns|just[ \t]+turned))(?:[ \t]+(?:actually|now|already|nearly|almost|just|only"
    rf"|about))?)[ \t]*(?P<age>{_AGE_NUMBER})\b"
    r"(?![ \t]*(?:\+|or (?:older|over|above|more)|and (?:older|over|above)|years? (?:and|or)"
    r"|%|percent|mg|mcg|kg|lbs?|pounds?|cm|inches|in\b|bpm|beats|mmhg|mm|ml|units?|/|°"
    r"|degrees|f\b|c\b|\.\d|-))"
)
CITY_CUE_RE: Final = re.compile(
    r"(?:(?:lives|living|lived|resides|residing|resided)(?:[ \t]+alone)?[ \t]+(?:in|to)"
    r"|(?:moved|relocated)[ \t]+(?:in|to|from)|grew[ \t]+up[ \t]+in|raised[ \t]+in"
    r"|born[ \t]+in|hometown[ \t]+(?:of|is)|(?:native|resident)[ \t]+of"
    r"|(?:edge|outskirts|suburbs?)[ \t]+of|(?:town|village)[ \t]+of)"
    r"[ \t]+(?:the[ \t]+)?"
)
CITY_AFTER_CUE_RE: Final = re.compile(rf"{_TOKEN}(?:[ \t]+{_TOKEN}){{0,2}}")
BIOMETRIC_RE: Final = re.compile(
    r"(?:(?:finger|thumb|palm|voice)[ \t-]?prints?|retina(?:l)?[ \t]+scans?|iris[ \t]+scans?"
    r"|facial[ \t]+recognition|face[ \t]+scans?|full[ \t-]face[ \t]+(?:photo(?:graph)?s?"
    r"|images?|pictures?)|dna[ \t]+(?:profiles?|fingerprints?)|hand[ \t]+geometry"
    r"|biometrics?(?:[ \t]+(?:data|scans?|templates?|identifiers?|id))?)\b"
)
TATTOO_RE: Final = re.compile(
    r"tattoo(?:ed)?[ \t]+(?:reading|saying|that says|of|with)[ \t]+"
    r"(?:the[ \t]+name[ \t]+)?(?:['\"‘“][^'\"’”\n]{1,40}['\"’”])"
)
HOLIDAY_RE: Final = re.compile(
    r"(?:Christmas(?:[ \t]+(?:Eve|Day))?|New[ \t]+Year['’]?s(?:[ \t]+(?:Eve|Day))?"
    r"|Thanksgiving(?:[ \t]+Day)?|Easter(?:[ \t]+Sunday)?|Halloween|Independence[ \t]+Day"
    rf"|Valentine['’]?s[ \t]+Day|Labor[ \t]+Day|Memorial[ \t]+Day)[ \t]+(?:of[ \t]+)?{_YEAR}\b"
)
NAME_CUE_RE: Final = re.compile(
    r"(?:(?P<pt>patient|pt)\b\.?|(?P<named>named|called|name is|name['’]s|goes by|name)"
    r"|(?P<rel>wife|husband|son|daughter|mother|mom|mum|father|dad|brother|sister|partner"
    r"|spouse|fianc[eé]e?|boyfriend|girlfriend|grandson|granddaughter|grandmother"
    r"|grandfather|grandma|grandpa|grandchild|niece|nephew|aunt|uncle|cousin|caregiver"
    r"|carer|guardian|proxy|roommate|neighbou?r|stepson|stepdaughter|stepmother|stepfather"
    r"|sibling|twin|child|kid|boy|girl|teen|baby|infant|man|woman|gentleman|lady|little"
    r"|young|aunty|auntie|nan|nana|granny|gran)\b)"
)
NAME_AFTER_CUE_RE: Final = re.compile(
    rf"(?:[ \t]*[,:(][ \t]*|[ \t]+)(?:is[ \t]+)?(?P<name>{_NAME_SEQ})"
)

_RELATION_WORDS = """
    wife husband son daughter mother mom mum father dad brother sister partner spouse fiance
    fiancee fiancé fiancée boyfriend girlfriend grandson granddaughter grandmother grandfather
    grandma grandpa grandchild niece nephew aunt uncle cousin caregiver carer guardian proxy
    roommate neighbor neighbour stepson stepdaughter stepmother stepfather sibling twin child
    kid boy girl teen baby infant man woman gentleman lady little young aunty auntie nan nana
    granny gran
"""
# Trigger word -> rules that start at that word.
TRIGGERS: Final[dict[str, tuple[str, ...]]] = {}
for _rule, _blob in (
    (
        "id",
        """ssn ss social mrn mr medical med chart hospital unit record patient pt medicare
        medicaid mbi member subscriber beneficiary insurance policy plan health group billing
        bank financial acc acct account fin driver nursing professional license licence dl dea
        birth death marriage certificate vin vehicle plate plates tag serial s/n sn device udi
        imei implant claim accession study trial subject passport case employee badge student
        inmate prisoner visa alien encounter visit referral participant specimen sample
        requisition confirmation booking tracking reference ref enrollment enrolment
        registration user username login""",
    ),
    ("name", "patient pt named called name goes " + _RELATION_WORDS),
    (
        "age",
        """aged age turned turns turning he she patient pt mom dad mother father grandmother
        grandfather""",
    ),
    (
        "city",
        """lives living lived resides residing resided moved relocated grew raised born hometown
        native resident edge outskirts suburb suburbs town village""",
    ),
    (
        "biometric",
        """finger fingerprint fingerprints thumb thumbprint thumbprints palm palmprint
        palmprints voice voiceprint voiceprints retina retinal iris facial face full dna hand
        biometric biometrics""",
    ),
    ("tattoo", "tattoo tattooed"),
    ("place", "in from near outside around to off fled"),
    ("at_age", "at"),
    ("corner", "corner and"),
    ("title", "mr mrs ms miss mx"),
    ("age_verb", "is was s turned turns turning aged age"),
    (
        "person_verb",
        """came missed told asked refused declined cried wants passed died brought lives works
        was is and mum mom dad wife husband son daughter parents family sister brother grandma
        grandmother grandfather partner carer caregiver""",
    ),
    ("health_card", "ohip health phn ramq msp ahcip"),
    ("nhs", "nhs chi hcn"),
    ("zip", "zip zipcode postal post postcode pc"),
    ("pmid", "pmid pmcid pubmed"),
    ("npi", "npi"),
    ("last_four", "last"),
    (
        "holiday",
        "christmas new thanksgiving easter halloween independence valentine labor memorial",
    ),
    ("phone_label", "phone tel telephone cell cellphone mobile mob ph fax pager landline whatsapp"),
    (
        "month",
        """jan january feb february mar march apr april may jun june jul july aug august sep sept
        september oct october nov november dec december""",
    ),
    (
        "street",
        """street st avenue ave road rd boulevard blvd lane ln drive dr court ct place pl way
        terrace ter circle cir parkway pkwy highway hwy square sq close crescent cres trail trl
        alley plaza loop pike mews row route rte expressway expy turnpike tpke""",
    ),
):
    for _word in _blob.split():
        TRIGGERS[_word] = (*TRIGGERS.get(_word, ()), _rule)

# ---------------------------------------------------------------------------
# Shape rules, run on the original text
# ---------------------------------------------------------------------------

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
    r"(?=[\d+(])(?<![\w+/.-])(?:\+?\d{1,3}[ .-])?\(?\d{1,5}\)?(?:[ .-]\d{2,6}){1,4}"
    r"(?:[ ]?(?:x|ext\.?|extension)[ ]?\d{1,5})?(?![\w/-]|\.\d)"
)
# North American shape: unambiguous enough to flag without a cue.
NANP_RE: Final = re.compile(
    r"(?=[\d+(])(?<![\w+/.-])(?:\+?1[ .-]?)?(?:\(\d{3}\)[ ]?|\d{3}[ .-])\d{3}[ .-]\d{4}"
    r"(?:[ ]?(?:x|ext\.?|extension)[ ]?\d{1,5})?(?![\d])"
)
IPV4_TRIGGER_RE: Final = re.compile(r"\.\d{1,3}\.\d{1,3}\.\d")
IPV4_RE: Final = re.compile(
    r"(?<![\w.])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
    r"(?!\w|\.\d)"
)
IPV6_TRIGGER_RE: Final = re.compile(r":(?:[0-9A-Fa-f]{1,4})?:")
IPV6_RE: Final = re.compile(r"(?<![\w:.])[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?![\w:])")

SSN_TRIGGER_RE: Final = re.compile(r"-\d\d-\d{4}")
SSN_RE: Final = re.compile(r"(?<![\w-])(\d{3})-(\d{2})-(\d{4})(?![\w-])")
BARE_ZIP_RE: Final = re.compile(r"\d{5}(?:-\d{4})?(?![\w%/-]|[.,:]\d)")
# Long unlabelled codes: 9+ digits, or 9+ upper-case letters and digits.
# Maximal runs only, with both boundaries checked in Python: a trailing
# look-ahead here would make the scan backtrack through every long run at
# every position inside it (quadratic time).
LONG_CODE_RE: Final = re.compile(r"[A-Z0-9]{9,}")
VIN_CHARS_RE: Final = re.compile(r"[A-HJ-NPR-Z0-9]{17}")
UDI_RE: Final = re.compile(r"\(01\)\d{14}(?:\(\d{2,4}\)[A-Za-z0-9]+)*")

# All date shapes that start with a digit, longest alternatives first.
NUMERIC_DATE_RE: Final = re.compile(
    r"(?=\d)(?<![\w./-])(?:"
    r"(?P<iso_y>(?:19|20)\d{2})(?P<iso_sep>[-/.])(?P<iso_m>\d{1,2})(?P=iso_sep)(?P<iso_d>\d{1,2})"
    r"|(?P<a>\d{1,2})(?P<sep>[/.-])(?P<b>\d{1,2})(?P=sep)(?P<y>\d{4}|\d{2})"
    r"|(?P<my_m>0?[1-9]|1[0-2])/(?P<my_y>(?:19|20)\d{2})"
    rf"|(?P<dmy>{_DAY}[ \t]+(?:of[ \t]+)?{_MONTH}(?![\w])(?:,?[ \t]+{_YEAR}\b)?)"
    r"|(?P<md_m>\d{1,2})/(?P<md_d>\d{1,2})"
    r")(?![\w/]|[.-]\d)"
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

AGE_RE: Final = re.compile(
    rf"{_AGE_NUMBER}(?:"
    r"[ \t]*-?[ \t]*(?:years?|yrs?)\.?(?:[ \t]*-?[ \t]*(?:old|young)|[ \t]+of[ \t]+age)"
    r"|[ \t]*-?[ \t]*(?:yo|y/o|y\.o\.?|yr[ \t-]*old)(?![a-z])"
    r"|(?:yrs?|y)(?![a-z])(?![ \t]*(?:ago|later|earlier|before|after|since|of\b|in\b))"
    r"|(?P<sex>[MF])(?![\w°]))"
)
AGE_WORDS_RE: Final = re.compile(
    r"\b(?:ninety(?:[ -](?:one|two|three|four|five|six|seven|eight|nine))?"
    r"|(?:a|one)[ -]hundred(?:[ -](?:and[ -])?(?:one|two|three|four|five|six|seven|eight"
    r"|nine|ten))?)[ -]years?[ -]old\b"
)

_STREET_SUFFIX = (
    r"(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Place|Pl|Way"
    r"|Terrace|Ter|Circle|Cir|Parkway|Pkwy|Highway|Hwy|Square|Sq|Close|Crescent|Cres|Trail"
    r"|Trl|Alley|Plaza|Loop|Pike|Mews|Row|Route|Rte|Expressway|Expy|Turnpike|Tpke)"
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
    # "off Main Street", "on 4th Street": no house number
    rf"|(?:\b(?:on|off|along|near)[ \t]+(?P<named>{_TOKEN})"
    rf"|\b(?P<numbered>\d{{1,3}}(?:st|nd|rd|th)))[ \t]+(?!Dr\b){_STREET_SUFFIX}\b"
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
    rf"he(?<=(?<![\w])[Tt]he)[ \t]+(?P<name>{_TOKEN}s)[ \t]+(?:brought|came|asked|said|say"
    r"|want(?:ed)?|are|were|have|had|called|visited|arrived|decided|agreed|declined|refused"
    r"|requested|family|kids|children)\b"
)
# ", a 45-year-old" / ", 58," after a capitalised name.
AGE_AFTER_NAME_RE: Final = re.compile(
    r",[ \t]+(?:(?:a|an)[ \t]+\d{1,3}[ \t-]*(?:years?|yrs?|y/?o|months?|mos?|weeks?)\b"
    r"|\d{1,3}[ \t]?(?:[MF]\b|y/?o\b|yrs?\b|years?\b|,))"
)
NAME_BEFORE_RE: Final = re.compile(
    rf"(?<![\w@.'’-])({_TOKEN}(?:[ \t]+{_PARTICLE}{{0,3}}{_TOKEN}){{0,2}})$"
)
CAPITALISED_RE: Final = re.compile(r"[A-Z][a-z]+")
NEXT_TOKEN_RE: Final = re.compile(rf"[ \t]+(?P<last>{_PARTICLE}{{0,3}}{_TOKEN})")
INITIALS_TRIGGER_RE: Final = re.compile(r"\.[ ]?[A-Z]\.")
INITIALS_RE: Final = re.compile(r"(?<![\w.])[A-Z]\.[ ]?[A-Z]\.(?:[ ]?[A-Z]\.){0,2}(?!\w)")
INITIALS_CUE_BEFORE_RE: Final = re.compile(r"\b(?:pt|patient|initials)\b[^\n]{0,12}$")
AGE_AFTER_INITIALS_RE: Final = re.compile(
    r",?[ \t]+(?:a|an)[ \t]+\d{1,3}[ \t-]*(?:year|yr|yo|y/o)|,[ \t]*\d{1,3}[ \t]?(?:[MF]\b|y)"
)
CREDENTIAL_INITIALS: Final = frozenset(
    "M.D. D.O. R.N. N.P. P.A. U.S. U.K. E.R. O.R. I.V. P.O. A.M. P.M. B.S. M.S. B.A. M.A. "
    "E.D. D.C.".split()
)

# ---------------------------------------------------------------------------
# Names, places, ages and formats from outside the US
# ---------------------------------------------------------------------------

# Words that, right before a lower-case word, make it a person's name
# ("pt maria lopez", "her son tyrell", "saw aisha").
NAME_CUE_WORDS: Final = frozenset(
    (
        _RELATION_WORDS
        + """ pt patient mr mrs ms miss mx saw see seeing told tell asked call called
        with named little young old baby dear met visited discharged admitted
        daughter-in-law son-in-law mother-in-law father-in-law sister-in-law brother-in-law
        hubby bf gf ex grandkid granddad grandmom grandmum nan nana gran granny grampa abuela
        abuelo tia tio auntie mama papa stepmom stepdad godmother godfather sis bro"""
    ).split()
)
# A sign-off or greeting just before a name: "— Mark", "Thanks, Sarah".
SIGN_OFF_BEFORE_RE: Final = re.compile(
    r"(?:^|\n)[ \t]*(?:--?|—|–|~)[ \t]*$"
    r"|(?:[—–~]|--)[ \t]*$"
    r"|\b(?:thanks|thank you|cheers|best|regards|love|xx|sincerely|hi|hello|hey|dear)[ \t,!]*$",
    re.IGNORECASE,
)
# Support words in a hashtag or handle set up for a patient ("#StrongForSofia").
SUPPORT_WORDS: Final = frozenset(
    """strong for pray prayers praying journey warrior fight fighting heart hope love army
    team brave rest easy forever miss missing remember remembering justice help with
    the recovery update updates miracle angel fly high rip forever wings heaven always loving
    memory mama mom mum mommy momma dad daddy papa nana grandma family baby""".split()
)
HANDLE_SOCIAL_CUE_RE: Final = re.compile(
    r"\b(?:instagram|insta|ig|facebook|fb|tiktok|twitter|x|snapchat|youtube|gofundme|page"
    r"|account|handle|follow(?:ing)?|journey|posts?|updates?)\b[^@\n]{0,30}$",
    re.IGNORECASE,
)
# Parts of a handle that belong to clinicians and journals, not to patients.
CLINICIAN_HANDLE_RE: Final = re.compile(
    r"(?:^|[_.\d])(?:dr|md|do|doc|rn|np|pa|pharmd|phd|mbbs|nurse|jc|med|neph|cardio|onc|ortho"
    r"|neuro|peds|icu|er|ed|em|fm|im|gi|heme|pulm|surg|rads|path|derm|psych)(?:$|[_.\d])"
    r"|^(?:dr|doc)[a-z]",
    re.IGNORECASE,
)
HASHTAG_RE: Final = re.compile(r"#(?<![\w&#]#)([A-Za-z][A-Za-z0-9_]{2,60})")
CAMEL_PART_RE: Final = re.compile(r"[A-Z][a-z]+|[a-z]+|[A-Z]+(?![a-z])|\d+")
NAME_WORD_RE: Final = re.compile(rf"{_TOKEN}(?:-[{_L}]+)*|[{_L}]+(?:[-'’][{_L}]+)*")
NEXT_WORD_RE: Final = re.compile(
    rf"[ \t]+(?:(?P<particle>(?:van|von|de|del|della|da|di|du|le|la|der|den|bin|al|dos|el|ibn)"
    rf"[ \t]+))?(?P<word>{_TOKEN}|[{_L}]+(?:[-'’][{_L}]+)*|[A-Z]\.)"
)
# Locative prepositions after which a town or neighbourhood is expected.
PLACE_PREPOSITIONS: Final = frozenset("in from near outside around to fled".split())
# Prepositions after which only a person-linked cue makes a place ("lives off Boylston").
WEAK_PREPOSITIONS: Final = frozenset("off".split())
PLACE_AFTER_RE: Final = re.compile(rf"{_TOKEN}(?:[ \t]+{_TOKEN}){{0,2}}")
# Verbs of moving that make "to X" a place ("moved to Victoria").
MOVE_BEFORE_RE: Final = re.compile(
    r"\b(?:moved|moving|relocated|relocating|drove|driven|flew|went|gone|returned|returning"
    r"|transferred|sent|back|home)\b[^.;\n]{0,40}$"
)
# Person-linked cues strong enough to take a town that is also a word ("from Reading").
STRONG_PLACE_CUE_RE: Final = re.compile(
    r"\b(?:lives?|living|lived|resides?|residing|resident|moved|relocated|born|raised|grew[ \t]+up"
    r"|hometown|native|transferred|visiting|drove|commutes?|commuting|travell?ed|came"
    r"|is|was|she's|he's|pt|patient|family|old|yo|man|woman|boy|girl|worker|farmer)"
    r"(?:[ \t]+\w+){0,2}[ \t]+$"
)
# Meetings, training and publications happen in towns too, but are not about a patient.
PLACE_EVENT_RE: Final = re.compile(
    r"\b(?:conference|congress|meeting|summit|symposium|workshop|course|talks?|lecture"
    r"|published|journal|guidelines?|trained|training|residency|fellowship|medical school"
    r"|studied|study|trial|sessions?|annual|webinar|grand rounds|society|college of|poster"
    r"|registration|abstracts?|attend(?:ing)?|going|paper"
    r"|article|review|research(?:ers)?|group|data|cohort|registry|university|experts?|cities"
    r"|visit(?:ing)?[ \t]+after|holiday|vacation|trip)\b"
    r"|\w*week[ \t]+20\d\d\b"
)
# Any capitalised words after these cues are a place ("lives off Boylston"); the
# window searched ends with the preposition.
ANY_PLACE_CUE_RE: Final = re.compile(
    r"\b(?:(?:lives?|living|lived|resides|residing|stays|staying)(?:[ \t]+alone)?(?:[ \t]+just)?"
    r"[ \t]+(?:near|off|outside|by|in|on)"
    r"|(?:lives?|living|lived|resides|residing|stays|staying)[ \t]+(?:with|near|above|behind"
    r"|next[ \t]+to|by)[ \t]+[^.;:\n]{1,30}?[ \t]+(?:in|near)"
    r"|(?:moved|relocated|moving)[ \t]+(?:here[ \t]+)?(?:to|from)"
    r"|(?:transferred|drove|came|flown|commutes|commuting|visiting|hails|originally|grew[ \t]+up"
    r"|raised|born)(?:[ \t]+(?:in|over|up|down|here))?[ \t]+(?:from|in)"
    r"|(?:is|s)[ \t]+(?:originally[ \t]+)?from"
    r"|\b(?:man|woman|men|women|boy|girl|guy|lady|gentleman|patient|pt|kid|child|teen|family"
    r"|mother|father|mum|mom|dad|son|daughter|farmer|worker|miner|driver|cleaner|nurse|teacher"
    r"|student|veteran|retiree|widow|widower)[ \t]+from"
    r"|(?:native|resident)[ \t]+of|(?:town|village|neighbou?rhood)[ \t]+of"
    r"|(?:edge|outskirts|suburbs?|north|south|east|west|centre|center)[ \t]+of)[ \t]*$"
)
CORNER_RE: Final = re.compile(
    r"(?:(?P<corner>(?:[Cc]orner|[Jj]unction|[Ii]ntersection|[Cc]rossroads)[ \t]+of)"
    r"|(?P<near>\b(?:at|near|on|by)))[ \t]+(?:the[ \t]+)?"
    rf"(?P<a>\d{{1,3}}(?:st|nd|rd|th)|{_TOKEN})[ \t]+(?:and|&)[ \t]+"
    rf"(?P<b>\d{{1,3}}(?:st|nd|rd|th)|{_TOKEN})\b"
)
STATE_TAIL_RE: Final = re.compile(r",[ \t]*([A-Z]{2})(?![\w])")

# Ages over 89 written without "years old".
AGE_AFTER_VERB_RE: Final = re.compile(
    r"(?:is|was|s|turned|turns|turning|aged?[ \t]*:?|age[ \t]+of)[ \t]+"
    r"(?:now[ \t]+|only[ \t]+|just[ \t]+|nearly[ \t]+|almost[ \t]+)?"
    rf"(?P<age>{_AGE_NUMBER})(?P<tail>[ \t]*(?:yo|y/o|y\.o\.)|)(?![\w%°])"
    r"(?![ \t]*(?:%|percent|mg|mcg|kg|lbs?|pounds?|cm|mm|ml|units?|bpm|beats|mmhg|degrees"
    r"|or[ \t]+(?:older|over|above|more)|and[ \t]+(?:older|over|above)|\+|/|[.,-]\d"
    r"|[a-zµ]+/|pg|ng|mmol|meq|iu|seconds?|secs?|min(?:ute)?s?|hours?|hrs?|days?|weeks?"
    r"|months?|years?(?![ \t-]*(?:old|of[ \t]+age))|times|x\b|points?|ms\b))"
)
# ", 93," after a name (the letter before the comma is checked in Python).
AGE_BETWEEN_COMMAS_RE: Final = re.compile(
    rf",[ \t]+(?P<age>{_AGE_NUMBER})(?:[ \t]*[MF])?[ \t]*[,)]"
)
# "At 98 she is still...": an age before a person pronoun.
AGE_AT_RE: Final = re.compile(
    rf"\bat[ \t]+(?P<age>{_AGE_NUMBER})(?=[ \t,]+(?:she|he|they|the[ \t]+patient|pt|mum|mom|dad)\b)"
)
# "passed this morning at 97.": an age closing a sentence about a death or a diagnosis.
AGE_AT_END_RE: Final = re.compile(rf"\bat[ \t]+(?P<age>{_AGE_NUMBER})(?=[ \t]*(?:[.!;]|$))")
LIFE_EVENT_BEFORE_RE: Final = re.compile(
    r"\b(?:died|passed|death|dying|diagnosed|fell|retired|widowed|married|delivered|operated)\b"
)
# "92 and still mowing": an age opening a sentence (the start is checked in Python).
AGE_SENTENCE_START_RE: Final = re.compile(
    rf"(?P<age>{_AGE_NUMBER})(?=[ \t]*(?:,|and[ \t]+still|and[ \t]+lives|and[ \t]+living"
    r"|and[ \t]+sharp|and[ \t]+independent|and[ \t]+(?:she|he)\b))"
)
AGE_NUMBER_WORD_RE: Final = re.compile(
    r"(?P<age>ninety(?:[ -](?:one|two|three|four|five|six|seven|eight|nine))?|(?:a|one)[ -]hundred"
    r"(?:[ -](?:and[ -])?(?:one|two|three|four|five|six|seven|eight|nine|ten))?)\b"
)
AGE_VERB_BEFORE_RE: Final = re.compile(r"(?:\b(?:is|was|aged|turned|turns)|['’]s)[ \t]+$")
AGE_BIRTHDAY_RE: Final = re.compile(
    rf"(?<![\w.])(?P<age>{_AGE_NUMBER}(?:st|nd|rd|th)[ \t]+birthday)\b"
)
AGE_PARENS_RE: Final = re.compile(
    rf"\b(?:centenarian|nonagenarian)[ \t]*\((?P<age>{_AGE_NUMBER})\)"
)

# Postcodes of the UK and Canada.
UK_POSTCODE_RE: Final = re.compile(
    r"(?<![\w-])(?:[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]?)[ ]?\d[ABD-HJLNP-UW-Z]{2}(?![\w-])"
)
CA_POSTCODE_RE: Final = re.compile(
    r"(?<![\w-])[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z][ ]?\d[ABCEGHJ-NPRSTV-Z]\d(?![\w-])"
)
# The last three characters of a UK ("2AA") or Canadian ("3L9") postcode.
POSTCODE_TRIGGER_RE: Final = re.compile(r"\d[A-Z][A-Z\d]\b")
# NHS (and Scottish CHI) numbers: ten digits, usually 3-3-4.
NHS_AFTER_CUE_RE: Final = re.compile(
    r"(?:nhs|chi|hcn)\b[^\n\d]{0,25}?(?P<id>(?<![\w-])\d{3}[ -]?\d{3}[ -]?\d{4}(?![\w-]))"
)
# Provincial health card numbers: 9-10 digits with an optional version code.
HEALTH_CARD_RE: Final = re.compile(
    r"(?:ohip|health[ \t]+card|health[ \t]+number|phn|ramq|msp|ahcip|health[ \t]+insurance[ \t]+"
    r"number)(?:[ \t]*(?:number|no\.?|#|is|:))*[ \t]*"
    r"(?P<id>\d{4}[ -]?\d{3}[ -]?\d{3}(?:[ -]?[A-Z]{2})?|\d{3}[ -]?\d{3}[ -]?\d{3})(?![\w-])",
    re.IGNORECASE,
)
INTL_PHONE_RE: Final = re.compile(
    r"\+(?<![\w+]\+)\d{1,3}(?:[ .-]?\(?\d{1,5}\)?){1,5}(?:[ .-]\d{2,6})?(?![\d])"
)
LOWER_TITLE_RE: Final = re.compile(
    rf"(?P<title>mr|mrs|ms|miss|mx)\.?[ \t]+(?:&[ \t]+(?:mr|mrs|ms)\.?[ \t]+)?"
    rf"(?P<name>[{_L}]+(?:[-'’][{_L}]+)*)\b"
)
# Verbs that only a person does, after an unlisted capitalised word opening a
# sentence ("Chidi missed his appointment", "Rukhsana came in").
PERSON_VERB_AFTER_RE: Final = re.compile(
    r"(?:['’]s)?[ \t]+(?:came[ \t]+(?:in|back|to)(?![ \t]+(?:positive|negative|normal|elevated"
    r"|high|low|up|down|back))|missed[ \t]+(?:his|her|their)|told[ \t]+(?:me|us|the|her|him)"
    r"|asked[ \t]+(?:me|us|if|whether|for|about)|refused|declined|cried|wants[ \t]+to"
    r"|passed[ \t]+away|died|brought[ \t]+(?:her|his|their)|lives[ \t]+(?:with|alone|in)"
    r"|works[ \t]+(?:as|at|in)|was[ \t]+diagnosed|is[ \t]+(?:a|an)[ \t]+\d"
    r"|and[ \t]+(?:his|her|their)[ \t]+(?:wife|husband|partner|mother|father|mom|dad|mum|son"
    r"|daughter|sister|brother|family|kids|children|parents)"
    r"|(?:mum|mom|dad|wife|husband|son|daughter|parents|family|sister|brother"
    r"|grandma|grandmother|grandfather|partner|carer|caregiver)\b)"
)
# A lab, vital sign or count before "is/was": "sodium was 130", "HR was 96".
LAB_BEFORE_VERB_RE: Final = re.compile(
    r"\b(?:sodium|na|potassium|k|glucose|sugar|bg|bs|hr|heart rate|pulse|bp|sbp|dbp|rr|sat|sats"
    r"|spo2|o2|temp|t|weight|wt|score|count|level|gfr|egfr|ef|creatinine|cr|bun|hgb|hb|plt"
    r"|wbc|ldl|hdl|a1c|tsh|ferritin|troponin|bnp|lactate|map|fio2|peep|iq|moca|mmse|rate"
    r"|number|total|it|that|this|which|there|census|room|bed|day|dose|mg|score|result|value"
    r"|reading|percent|percentage|saturation|b12|folate|vitamin|d|iron|tsat|albumin|protein"
    r"|goal|target|time|length|size|threshold|cutoff|limit|volume|output|intake|speed|age"
    r"|sbt|qtc|qrs|pr|interval)[ \t]*(?:today|now|still|again|down|up)?[ \t]*$"
)
POSTCODE_CUE_RE: Final = re.compile(
    r"\b(?:postcode|post code|postal code|postal|lives|living|resides|address|at)\b[^\n]{0,12}$"
)
PLACE_AFTER_POSTCODE_RE: Final = re.compile(rf",[ \t]*({_TOKEN}(?:[ \t]+{_TOKEN})?)")
# Colleagues named without a title: "Jennifer and Carlos from pharmacy".
COLLEAGUE_AFTER_RE: Final = re.compile(
    r"(?:[ \t]+and[ \t]+[A-Z][a-z]+)?[ \t]+(?:from|in|on)[ \t]+(?:the[ \t]+)?(?:pharmacy|nursing"
    r"|cardiology|nephrology|neurology|oncology|radiology|pathology|surgery|anesthesia"
    r"|anaesthesia|ortho|icu|micu|ed|er|case management|social work|pt|ot|rt|respiratory"
    r"|our team|my team|the team|admin|it|billing|infection control|palliative|physio"
    r"|physiotherapy|dietetics|nutrition|slt|speech therapy|psych|psychiatry|rehab|theatres?"
    r"|housekeeping|security|reception|the lab|lab|imaging|endoscopy|dialysis|ward \w+|\d\w?"
    r"|(?:night|day|late|early|weekend|twilight)[ \t]+(?:team|shift))\b"
    r"|[ \t]+(?:and|&)[ \t]+(?:colleagues|co-?workers|coauthors|co-authors|team)\b"
    r"|[ \t]+et[ \t]+al\b",
    re.IGNORECASE,
)
# Lower-case words after "mr"/"ms" that are not surnames ("ms patients", "mr imaging").
LOWER_NOT_SURNAME: Final = frozenset(
    """and the or of in on at to for with is was are be has had a an who what which that this
    ms mri mra mrcp mrsa patients patient pts flare relapse lesion lesions symptoms dx""".split()
)
# "Alice in Wonderland syndrome", "Guillain of Paris sign": a name inside an eponym.
EPONYM_PHRASE_AFTER_RE: Final = re.compile(
    rf"[ \t]+(?:in|of|de|von)[ \t]+{_TOKEN}[ \t]+(?:syndrome|disease|sign|phenomenon|effect)\b"
)
HOSPITAL_SAINT_RE: Final = re.compile(rf"\.?[ \t]+{_TOKEN}(?:['’]s\b|[ \t]+(?:Hospital|Medical))")
SIMPLE_VERB_AFTER_RE: Final = re.compile(
    r"(?:['’]s)?[ \t]+(?:is|was|has|had|says|said|came|comes|went|goes|got|gets|feels|felt|seems"
    r"|looks|looked|needs|needed|wants|wanted|told|asked|called|died|lives|lived|works|worked"
    r"|and[ \t]+(?:his|her|their)|(?:mother|father|mom|dad|mum|wife|husband|son|daughter"
    r"|family|parents|sister|brother|story|journey|life|surgery|birthday|diagnosis|funeral))\b"
)
# After a given name with "'s", only these still make an eponym ("Mateo's
# surgery" is the patient's; "Charles's syndrome" would not be).
EPONYM_KINDS: Final = frozenset(
    """syndrome syndromes disease disorder sign signs palsy paralysis phenomenon triad law rule
    criteria score scale classification reflex maneuver manoeuvre test sarcoma lymphoma tumor
    tumour ulcer node nodes body bodies cells cell""".split()
)
# "EuroPCR 2025 in Paris": a year right before the preposition dates an event.
EVENT_YEAR_BEFORE_RE: Final = re.compile(
    r"\b(?:19|20)\d\d[ \t]+(?:(?:was|is|will[ \t]+be)[ \t]+)?$"
)
# Words of hashtags that are not names ("#ChemoStrong", "#TeamAwesome").
HASHTAG_COMMON: Final = frozenset(
    """chemo cancer heart kidney liver lung brain nurse nurses doctor doctors medic medics
    team awesome family mom mum dad baby babies life day week year proud survivor fighter
    together never give up kids kid child children boy girl warriors strong stronger
    tough brave bravery one little big world awareness month health care nicu picu icu
    transplant donor donate blood rare disease cure research bell ring done free clear
    miracle miracles journey story""".split()
)
# "mrs ahmed (91)": an age in brackets after a person word or name (checked in Python).
AGE_IN_BRACKETS_RE: Final = re.compile(rf"\((?P<age>{_AGE_NUMBER})\)")
PERSON_BEFORE_AGE: Final = frozenset(
    """pt patient mr mrs ms miss he she man woman lady gentleman grandmother grandfather mum mom
    dad nan gran granny grandma grandpa husband wife mother father""".split()
)
LOWER_WORD_RE: Final = re.compile(rf"[{_L}]+(?![\w'’-])")
# ", a taxi driver", ", our patient": an appositive that makes the word before it a person.
APPOSITIVE_RE: Final = re.compile(
    r",[ \t]+(?:the[ \t]+(?:parents|couple|twins|grandparents|family|children|kids)\b"
    r"|(?:a|an|our|my)[ \t]+(?:[a-z-]+[ \t]+){0,2}?(?:driver|teacher|student|worker"
    r"|farmer|miner|cleaner|carer|nurse|mother|father|mum|dad|grandmother|grandfather|widow"
    r"|widower|veteran|refugee|patient|man|woman|boy|girl|baby|toddler|teen|teenager|lady"
    r"|gentleman|retiree|pensioner|builder|labou?rer|welder|chef|cook|mechanic|electrician"
    r"|plumber|engineer|lawyer|accountant|cashier|waitress|waiter|father|mother|roofer"
    r"|fisherman|shopkeeper|security guard|guard|soldier|firefighter|officer)s?\b)"
)
# "Per Tintinalli", "by Chen and colleagues": a reference, not a patient.
REFERENCE_BEFORE: Final = frozenset("per cf see according".split())
# "the Match", "a Whipple": a determiner comes before things, not people.
DETERMINER_BEFORE: Final = frozenset("the a an this that these those".split())
# "You're welcome, Maya.", "Thanks Priyanka!", "Great point, Sam": a reply addressing the
# member it answers. The name ends the clause; a patient is written about, not greeted.
VOCATIVE_RE: Final = re.compile(
    r"(?:\b(?:hi|hey|hello|dear|thanks|thank[ \t]+you|thx|welcome|congrats|congratulations"
    r"|cheers|agreed|sorry|good[ \t]+(?:point|question|catch|call)|great[ \t]+(?:point"
    r"|question|catch|call|post|share)|well[ \t]+said|nice[ \t]+(?:one|work|case))[ \t]*,?[ \t]*)$",
    re.IGNORECASE,
)
VOCATIVE_AFTER_RE: Final = re.compile(r"[ \t]*(?:[.!?,:;)]|$)")
PAIRED_NAME_BEFORE_RE: Final = re.compile(rf"({_TOKEN})[ \t]+(?:and|&)[ \t]+$")
# "ninety one and still driving": a number word opening a sentence, then a person's tail.
AGE_WORD_TAIL_RE: Final = re.compile(r"[ \t]*(?:,|and[ \t]+still|years?[ \t]+(?:old|young))")
# "Mr 95 with pneumonia": an age right after a title, in clipped notes.
AGE_AFTER_TITLE_RE: Final = re.compile(
    rf"m(?:r|rs|s)\.?[ \t]+(?P<age>{_AGE_NUMBER})(?![\w%.,/-]|[ \t]*(?:mg|mcg|kg|%|units?|ml)\b)"
)
# A lower-case letter opening a sentence or a line ("lucia came back").
LOWER_SENTENCE_START_RE: Final = re.compile(r"[.!?\n][ \t\"'(]*[a-z]")
LOWER_WORD_START_RE: Final = re.compile(r"[a-z]+")
for _word in NAME_CUE_WORDS:
    TRIGGERS[_word] = (*TRIGGERS.get(_word, ()), "name_cue")

# ---------------------------------------------------------------------------
# Names, places, numbers and dates seen with no list entry (see docs/phi.md,
# "Names and places with no list entry").
# ---------------------------------------------------------------------------

# Verbs whose object is a person: "i told marco his a1c", "asked oluwadamilare whether".
OBJECT_VERBS: Final = frozenset(
    """lost love loved miss missed told tell telling asked ask asking saw see seeing called
    call rang ring phoned texted messaged reassured warned met thanked hugged examined
    reminded convinced persuaded
    consented counselled counseled informed updated""".split()
)
# What follows a person named as the object of those verbs.
AFTER_OBJECT: Final = frozenset(
    """his her their that to about whether if what how why when and again today yesterday
    this last on at for in who re we we'd we'll i i'd i'll you she he it they she'd he'd""".split()
)
# Lower-case words after those verbs or a relative that are never a name: pronouns, roles,
# services and sign-out shorthand.
NOT_LOWER_NAME: Final = frozenset(
    """him her them me us you everyone everybody someone somebody anyone nobody family mum mom
    dad pt pts patient patients nurse nurses staff team pharmacy reception radiology ortho
    gastro neuro cardio cards pulm psych derm rheum onc heme nephro renal uro endo ent gi icu
    ed er micu sicu picu nicu obgyn obs gyn surg gen med medicine hcp pcp gp gps reg regs sho
    fy1 fy2 ctr cons consultant attending resident residents intern interns fellow senior
    tmrw tmr tmrow yday yest tonight overnight later back home out in up off over round
    around here there again twice once both all each first second third last next same
    other another anaesthetics anesthesia anaesthesia urology vascular plastics haem haemonc
    micro virology bloods labs lab xray ct mri echo ecg ekg abx iv po sc im bd tds qds prn
    stat asap re wrt sw ot pt's dietitian physio physios ot's ots rt rts slt salt vna hospice
    palliative pall pals ccot outreach crash nstemi stemi copd chf ckd aki dka hhs uti utis
    cap hap vap dvt gib ugib lgib sbo afib svt ards sepsis cellulitis pneumonia asthma nof
    tka tha lap chole appy ercp ogd egd tavi cabg pci ptca tia cva stroke hypo hyper sob cp
    abdo abd ivdu etoh withdrawal detox obs sats neuro obs""".split()
)
# Words after a one-word name opening a sentence that only people do.
HUMAN_VERB_AFTER_RE: Final = re.compile(
    r"(?:['’]s)?[ \t]+(?:came[ \t]+(?:with|in|back|to|home)|said|says|told|asked|cried|laughed"
    r"|smiled|refuses|refused|declines|wants|wanted|walked|rang|lives|lived|works|worked"
    r"|goes[ \t]+by|is[ \t]+back|was[ \t]+back"
    r"|was[ \t]+(?:admitted|discharged|transferred|found|brought|referred|intubated|diagnosed)"
    r"|is[ \t]+(?:only[ \t]+|now[ \t]+)?\d{1,3}[ \t]*(?:and|with|now|today|yo|y/o|years|months"
    r"|weeks|next|,)|was[ \t]+(?:so[ \t]+brave|such)|turned[ \t]+\d|loves|loved|hates|thinks"
    r"|thought"
    r"|knows|decided|agreed|insisted|brought|drove|texted|messaged|sat|slept|keeps[ \t]+asking"
    r"|has[ \t]+been[ \t]+on|has[ \t]+had|had[ \t]+(?:his|her)|and[ \t]+(?:his|her|their))\b"
)
# "Femi and Tolu are the parents": what may follow a pair of names.
AFTER_NAME_PAIR_RE: Final = re.compile(
    r"[ \t,]+(?:are|were|came|have|had|said|went|who|arrived|brought|told|asked|live"
    r"|lived|were)\b"
)
# "an old farmer, Gwilym, walks": a person noun, then a name between commas.
PERSON_BEFORE_COMMA_NAME_RE: Final = re.compile(
    r"\b(?:man|woman|lady|guy|gent|gentleman|boy|girl|lad|lass|farmer|patient|pt|kid|child"
    r"|teen|baby|grandma|grandpa|abuela|abuelo|nan|granny|neighbou?r|friend|widow|widower"
    r"|veteran|pensioner|retiree|driver|miner|worker|mum|mom|dad|son|daughter|wife|husband"
    r"|twins|parents|brother|sister)[ \t]*,[ \t]*$"
)
# "Kamloops native", "Leeds-based": a town named by what follows it.
# ("Leeds-based team" names a service, so "-based" is not a cue.)
PLACE_SUFFIX_RE: Final = re.compile(r"[ \t]+(?:native\b|born[ \t]+and[ \t]+raised)")
# A year right after the town ("a locum in Cornwall in 2019") dates a trip or a job.
YEAR_AFTER_PLACE_RE: Final = re.compile(r"[ \t]+in[ \t]+(?:19|20)\d\d\b")
# A year that ends a full date ("born 02/11/1937 in Lahore") is not an event's year.
DATE_BEFORE_YEAR_RE: Final = re.compile(r"[/.-](?:19|20)\d\d[ \t]+$")
# Other events that take a town: weather, studies, a job.
MORE_PLACE_EVENTS_RE: Final = re.compile(
    r"\b(?:snow|snowed|snowing|storm|storms|blizzard|weather|rain|raining|flood|flooding"
    r"|heatwave|hurricane|wildfire|rct|rcts|studies|authors|locum|locums|rotation|elective"
    r"|job|interview|conference|hospitals|consultants)\b"
)
# Ten digits in 3-3-4 (NHS, CHI, BC PHN written without a label).
# The boundary before is checked in Python: a leading look-behind slows the pass.
TEN_DIGITS_RE: Final = re.compile(
    r"(?:(?P<ohip>\d{4}(?P<sep4>[ -]?)\d{3}(?P=sep4)\d{3}[ -]?[A-Z]{2})"
    r"|\d{3}(?P<sep>[ -]?)\d{3}(?P=sep)\d{4})(?![\w/-]|\.\d)"
)
# Quebec: four letters and eight digits ("TREM 5512 3456").
RAMQ_RE: Final = re.compile(r"(?<![\w-])[A-Z]{4}[ ]?\d{4}[ ]?\d{4}(?![\w-])")
# Hospital numbers under their British labels: "hosp no K4471902", "unit no 7734102".
HOSP_NO_RE: Final = re.compile(
    r"(?:hosp|hospital|unit|case[ \t]+note|k)[ \t]*(?:no\.?|number|#)[ \t]*[:#]?[ \t]*"
    r"(?P<id>[A-Z]{0,2}\d{5,10})(?![\w-])",
    re.IGNORECASE,
)
# "Patient #A20394", "pt #4471902".
HASH_ID_RE: Final = re.compile(r"#[ \t]?(?P<id>[A-Z]{0,2}\d{5,10})(?![\w-])")
HASH_ID_BEFORE_RE: Final = re.compile(r"\b(?:patient|pt|bed|mrn|hosp|case|record|chart)[ \t]*$")
# "on the 14th", "Thursday 14th", "since the 3rd": what comes before the ordinal...
ORDINAL_BEFORE_RE: Final = re.compile(
    r"(?:\b(?P<lead>on|by|since|until|till|from|was|is|before|after|of|due)[ \t]+the"
    r"|\b(?P<weekday>monday|tuesday|wednesday|thursday|friday|saturday|sunday"
    r"|mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:[ \t]+the)?)[ \t]+$"
)
# ...and what may not follow it ("on the 3rd floor", "the 2nd dose").
ORDINAL_NOT_DAY_RE: Final = re.compile(
    r"[ \t]+(?:floor|line|time|times|day|days|week|weeks|dose|doses|edition|cycle|cycles"
    r"|trimester|percentile|centile|generation|attempt|visit|admission|round|rib|ribs|toe"
    r"|finger|digit|degree|intercostal|ics|ward|bed|place|century|year|month|session)\b"
)
_ORDINALS = "1st 2nd 3rd 21st 22nd 23rd 31st " + " ".join(
    f"{n}th" for n in range(4, 31) if n not in (21, 22, 23)
)
for _word in _ORDINALS.split():
    TRIGGERS[_word] = (*TRIGGERS.get(_word, ()), "ordinal")
# ", Gwilym," after a person noun (checked in Python).
PERSON_COMMA_NAME_RE: Final = re.compile(r",[ \t]*(?P<name>[A-Z][a-z]+(?:-[A-Za-z][a-z]+)?)[ \t]*,")
# Family words before a lower-case name ("his daughter priyanka").
_FAMILY_WORDS = """wife husband son daughter mother mom mum father dad brother sister partner spouse
    fiance fiancee boyfriend girlfriend grandson granddaughter grandmother grandfather grandma
    grandpa niece nephew aunt uncle cousin neighbour neighbor roommate stepson stepdaughter nan
    nana granny gran abuela abuelo carer hubby"""
for _rule, _blob in (
    ("object_verb", " ".join(sorted(OBJECT_VERBS))),
    ("relative", _FAMILY_WORDS),
    ("hosp_no", "hosp hospital unit k"),
):
    for _word in _blob.split():
        TRIGGERS[_word] = (*TRIGGERS.get(_word, ()), _rule)
# A sign-out line: "bed 12 oyelaran, 67M", "bay 4 - kowalczyk - post op", "rm 3: mrs kaur".
BED_NAME_RE: Final = re.compile(
    r"(?:bed|bay|rm|room|cubicle|cube|side[ \t]+room)[ \t]*\d{1,3}[a-z]?[ \t]*(?:[-–:,)][ \t]*)?"
    r"(?:is[ \t]+)?(?P<name>[a-z][a-z'’-]{3,})(?=[ \t]*(?:[,(–-]|\d))"
)
# Endings of jargon that no name has ("neurosurgery", "cholangitis").
JARGON_SUFFIX_RE: Final = re.compile(
    r"(?:ology|ologist|ologists|ery|iatry|ics|itis|osis|emia|aemia|ectomy|otomy|ostomy|plasty"
    r"|scopy|gram|graphy|pathy|penia|uria|algia|oma|omas|ase|semide|tanide|azide|glutide|pramide"
    r"|mab|nib|pril|sartan"
    r"|olol|statin|azole|mycin|cillin|cycline|floxacin|parin|xaban|gliptin|gliflozin|tide"
    r"|lone|sone|pam|lam|ium|onian|inian|oid)$"
)
for _word in "bed bay rm room cubicle cube side".split():
    TRIGGERS[_word] = (*TRIGGERS.get(_word, ()), "bed")
# Capitalised words inside a name that are not names themselves: Vietnamese
# middle names ("Tran Thi Hoa"), Irish and Scottish patronymics ("Ní Bhriain").
NAME_PARTICLES: Final = frozenset("Van Văn Thi Thị Ni Ní Nic Mac Ui Uí Ap Bin Binti Bint".split())
# "please contact Siobhán Ní Bhriain at 087…": contact with a number is a person's.
CONTACT_NAME_RE: Final = re.compile(
    r"contact(?:ing)?[ \t]+(?P<name>[A-Z][\w'’-]+)(?=[^\n\d]{0,30}?\d{3})"
)
# Endings of drugs and lab names before "is 45": "Troponin is 45 and rising".
LAB_WORD_END_RE: Final = re.compile(r"(?:in|ine|ol|um|ate|ide|ase|en|one)$")
# "Gaurav, our HCA,": a colleague named with the job; "Harvey the therapy dog".
NOT_PATIENT_AFTER_RE: Final = re.compile(
    r",?[ \t]+(?:(?:our|my|the)[ \t]+(?:hca|nurse|registrar|reg|sho|fy1|fy2|consultant"
    r"|attending|resident|intern|pharmacist|physio|slt|interpreter|translator|porter"
    r"|ward[ \t]+clerk|secretary|medical[ \t]+student|student|cns|np|pa|charge[ \t]+nurse"
    r"|matron|colleague|fellow|receptionist|scribe|tech|midwife|paramedic|chaplain"
    r"|ward[ \t]+manager|manager|nurse[ \t]+in[ \t]+charge|ward[ \t]+sister)"
    r"|the[ \t]+(?:(?:therapy|service|guide|ward|clinic)[ \t]+)?(?:dog|cat|pony|parrot))\b",
    re.IGNORECASE,
)
# "MRCP results out on the 14th": an exam, a deadline or a meeting, not a patient's day.
ORDINAL_EVENT_BEFORE_RE: Final = re.compile(
    r"\b(?:results?|exams?|mrcp|mrcs|frcpc|usmle|boards|deadline|meeting|conference|teaching"
    r"|course|rota|interview|application|payday|paid|strike|audit|webinar|talk|lecture|rounds"
    r"|seminar|journal[ \t]+club|session|workshop)\b"
)
# "my pt yusra (28F)": a lower-case unknown word after "pt", then a bracket or an age.
PT_LOWER_NAME_RE: Final = re.compile(
    r"(?:pt|patient)[ \t]+(?P<name>[a-z][a-z'’-]{2,})(?=[ \t]*(?:\(|,[ \t]*\d|\d{1,3}[ \t]?[mf]\b))"
)
# "Olamide and I talked": a person opening a sentence with the writer.
AND_I_AFTER_RE: Final = re.compile(r"[ \t]+and[ \t]+I[ \t]+[a-z]")
# Dates with the month in lower case, only with a year ("dob 23rd feb 1941", "feb 23, 1941").
_LOWER_MONTH = (
    r"(?:jan|january|feb|february|mar|march|apr|april|may|jun|june|jul|july|aug|august|sep|sept"
    r"|september|oct|october|nov|november|dec|december)\.?"
)
_LOWER_DAY = r"(?:0?[1-9]|[12]\d|3[01])(?:st|nd|rd|th)?"
LOWER_MONTH_AFTER_DAY_RE: Final = re.compile(rf"(?<![\w/.-]){_LOWER_DAY}(?:[ \t]+of)?[ \t]+$")
LOWER_MONTH_TAIL_RE: Final = re.compile(rf"{_LOWER_MONTH}[ \t,]+{_YEAR}\b")
LOWER_MONTH_FIRST_RE: Final = re.compile(rf"{_LOWER_MONTH}[ \t]+{_LOWER_DAY},?[ \t]+{_YEAR}\b")
# Words before an unknown capitalised word that make it a person ("planning for Eskandar").
BEFORE_UNKNOWN_NAME: Final = frozenset(
    """for with to about re like poor dear sweet little old young visit visited meet met
    thank love miss lost named called""".split()
)
# After a strong listed name opening a sentence: "Rafferty was the sweetest kid".
LISTED_NAME_VERB_RE: Final = re.compile(
    r"[ \t]+(?:is|was|has|had|gets|got|needs|needed|feels|felt|looks|looked|seems|went|goes)"
    r"[ \t]+(?:the|a|an|such|so|my|our|always|never|still|really|very|home|better|worse)\b"
)
# What a person still does at 90 and more: "still makes tamales at 93", "a big party at 95".
LIFE_ACTIVITY_BEFORE_RE: Final = re.compile(
    r"\b(?:still|party|birthday|celebrat\w*|alive|living|lives|drives|driving|working|works"
    r"|sharp|independent|walks|walking|makes|plays|dancing|dances|swims|swimming|golf|gardens"
    r"|gardening|cooks|cooking|married|graduated|remarried|learned|learnt)\b"
)
# A vital sign or lab anywhere shortly before "at 96": "HR still sitting at 96".
VITAL_WORD_RE: Final = re.compile(
    r"\b(?:hr|heart[ \t]+rate|pulse|bp|sbp|dbp|map|rr|sats?|spo2|o2|temp|glucose|sugars?|bg|bm"
    r"|weight|wt|rate|level|score|count|na|k|hb|hgb|plt|creat|creatinine|egfr|ef|fio2|peep"
    r"|speed|dose|infusion|drip|ml|mg|kg|mmhg|bpm|percent)\b"
)
