"""Context regexes, run on short windows of the lower-cased text around a hit."""

from __future__ import annotations

import re
from typing import Final

from privacy.phi.patterns.common import _TOKEN, any_word

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
    r"\b(?:d\.?o\.?b|born|adm|admit(?:ted)?|readmit(?:ted)?|discharg(?:e|ed)|d/c|died|passed"
    r"|arrived|collapsed|surgery|doa|lkw|finished|completed|[a-z]+ectomy|ingreso|ingresó"
    r"|ingresad[oa]|internad[oa]|alta"
    r"|operated|underwent|biopsy|ct|mri|echo|cath|intubated|extubated|delivered|lmp|edd"
    r"|seen|saw|visit(?:ed)?|presented|diagnosed|fell|injured|vaccinated|transferred|dated"
    r"|started|stopped|on|since|until|mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun|monday"
    r"|tuesday|wednesday|thursday|friday|saturday|sunday"
    # Procedures and the stay, by which a sign-out dates a patient's course: "angio 23/09",
    # "Hartmann's 11/10", "AVF (created 09/01", "catheter inserted 18/06", "opname 2/10".
    r"|admission|angio(?:gram|plasty)?|inserted|created|placed|removed|repaired|repair|bypass"
    r"|evar|tavi|tavr|pci|cabg|ddkt|transplant(?:ed)?|appendix|chole|hartmann['’]?s?|opname"
    r"|ingreso|aufnahme|amputation|orif|dhs|hemi(?:arthroplasty)?|thr|tkr|laparotomy|ercp|turp"
    r"|ex-?lap|nof|onset|expires|post-?op|given|taken|drawn|collected|eval['’]?d|evaluated)\b"
    r"|\bs/p\b"
)
# An appointment, right before its date: "f/u 5/22", "Mohs booked 5/19", "booked him for
# 11/18", "Follow-up 9/08" (not "f/u BCx (GNRs in 2/2"). Searched to the date's start.
APPOINTMENT_BEFORE_RE: Final = re.compile(
    r"\b(?:f/u|follow[ -]?up|appt|appointment|booked(?:[ \t]+(?:him|her|them|in))?)"
    r"(?:[ \t]+(?:on|for))?[ \t]*$"
)
# "4/5 strength", "pain 7/10", "CPAP 12/8": fractions and settings, not dates.
FRACTION_CONTEXT_RE: Final = any_word(
    """strength power grip pain grade murmur acuity score reflex(?:es)? bp pressure ratio
    tab(?:let)?s? dose of scale motor cpap bipap peep vent settings? ago vessels?"""
)
# Dates of meetings, publications and approvals are not tied to a patient.
EVENT_NOT_PERSON_RE: Final = any_word(
    """conference congress meeting summit symposium webinar workshop sessions? registration
    deadline abstracts? posters? lectures? talk course published publication approved
    approval guidelines? statement updated? released? journal cme launch(?:ed)? convention
    scientific holiday applications? office""",
    "grand rounds",
    "annual meeting",
)
# Meeting shorthand such as "ACC.24" or "CHEST 2024" (case matters here).
MEETING_TAG_RE: Final = re.compile(r"\b[A-Z]{2,6}(?:\.\d{2}|[ \t]20\d{2})\b")
RANGE_IN_DATE_RE: Final = re.compile(r"\d[ \t]*(?:-|–|—|to|through|thru)[ \t]*\D*\d")
DATE_LABEL_RE: Final = re.compile(r"\b(?:d\.?o\.?b|lmp|edd|dod|date of \w+)\b[ \t.:]*$")

PHONE_CUE_RE: Final = re.compile(
    r"\b(?:(?P<fax>fax(?:es|ed|ing)?|telefax)\b"
    r"|(?P<label>(?:phone|tel|telephone|cell|cellphone|mobile|mob|ph|pager|landline|whatsapp|cel"
    r"|celular|teléfono|telefono|telefone|móvil|movil|contacto|contato)s?\b"
    r"|(?:daughter|son|wife|husband|mum|mom|dad|mother|father|partner|carer|nok|next of kin)"
    r"['’]?s?[ \t]*:)"
    r"|(?:call(?:ed|s)?|ring|rang|phoned?|reach(?:ed|able)?|contacts?|text|voicemail"
    r"|numbers?)\b)"
)
TEMPERATURE_CUE_RE: Final = re.compile(r"\b(?:t|temp|temperature|tmax|tm|fever|febrile)\b")
VERSION_BEFORE_RE: Final = re.compile(r"\b(?:version|ver|v|release|build|firmware)\.?[ \t]*$")

ZIP_EXCLUDE_BEFORE_RE: Final = re.compile(
    r"\b(?:cpt|hcpcs|codes?|coded|coding|billed|bill|billing|charged|e/m|icd|pmid|nct|drg"
    r"|rvus?|modifier|ext|extn|extension|bleep|pager)\b"
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

# The poster's own patient: "my patient", "our PICU patient", "my old pt".
MY_PATIENT_BEFORE_RE: Final = re.compile(r"\b(?:my|our)(?:[ \t]+[\w-]+)?[ \t]+$")
# "our therapy dog is called Hope": an animal's name, before a naming word.
ANIMAL_BEFORE_RE: Final = re.compile(
    r"\b(?:dog|dogs|cat|cats|puppy|kitten|horse|pony|parrot|budgie|rabbit|hamster)\b"
)
PERSON_NOUN_RE: Final = re.compile(
    r"\b(?:patients?|pts?|man|men|woman|women|gentleman|lady|guy|boy|girl|teen(?:ager)?"
    r"|child|kid|baby|infant|toddler|newborn|son|daughter|wife|husband|brother|sister"
    r"|mother|father|friend|someone|person|veteran|vet|student|farmer|worker|individual|gent"
    r"|bloke|fella|mzee|wahine)\b"
)
NOT_PERSON_NAME_RE: Final = re.compile(
    r"\b(?:brand|generic|trade|drug|file|user|product|street|domain|code|screen|host|company"
    r"|program|study|trial|last|first|maiden|middle)[ \t]+$"
)
COLLEAGUE_BEFORE_RE: Final = re.compile(
    # One word boundary before all the choices: ``re`` tests it first and tries the choices
    # only at the start of a word (twice as fast as a boundary in each).
    r"\b(?:"
    r"(?:Dr|Drs|Dra|Doctor|Doctora|Prof|Professor|Nurse|Matron|Rev|Sr|Sir|Dame|Lord|Baroness|Baron"
    r"|Pharmacist|Physio|Midwife|Intern|Registrar|Consultant|Porter|Dietitian|Dietician)\.?"
    # A nickname in quotes may come between: "Dr 'Tex' Morgan".
    r"[ \t]+(?:['‘\"“]?[A-Z][\w'’-]+[\"”]?[ \t]+)?['‘\"“]?$"
    r"|(?:talk|lecture|presented|written|authored|taught|posted|described|discovered"
    r"|invented|coined) by[ \t]+$|named (?:after|for)[ \t]+$"
    # Replies and farewells name colleagues: "Agree with Sam", "Happy retirement to Sister
    # Bernadette".
    r"|(?i:retirement|farewell|welcome)[ \t]+to[ \t]+(?:(?:Sister|Matron|Nurse)[ \t]+)?"
    r"(?:[A-Z][a-z]+[ \t]+and[ \t]+)?$"
    r"|(?i:agreed?|disagree|replying)[ \t]+(?:with|to)[ \t]+$"
    # "dr. amira haddad", "Dr H. Brennan", "A/Prof Lim", "Minister Pate": titles in any case,
    # an initial after them.
    r"|(?<![;/])(?i:dr|drs|doctor|prof|professor|a/prof|assoc\.?[ \t]+prof|minister|senator"
    r"|councillor|mp)\.?[ \t]+(?:[A-Za-z]\.[ \t]*|[A-Za-z][\w'’-]+[ \t]+)?$"
    # "our new intern Rose", "my registrar Will": a colleague named after their job.
    r"|(?i:our|my|the|a|new)[ \t]+(?i:new[ \t]+)?(?i:intern|interns|registrar|reg|consultant"
    r"|resident|student|colleague|attending|fellow|sho|fy1|fy2|pharmacist|physio|nurse)[ \t]+$"
    r")"
)
FOLLOWING_WORD_RE: Final = re.compile(r"(?:['’]s)?[ \t]*([\w'’.-]+)(?:[ \t]+(\w+))?")
CREDENTIAL_AFTER_RE: Final = re.compile(r",[ \t]*([A-Za-z][A-Za-z.-]{1,7})(?![\w])")
SIGNATURE_BEFORE_RE: Final = re.compile(
    r"\n[ \t]*(?:--?|—|–|~)|\b(?:MD|M\.D\.|DO|MBBS|MBChB|PhD|NP|PA-C|RN|DNP|PharmD|FACP"
    r"|FRCP\w*|Dr\.)(?![\w])|\bmy[ \t]+npi\b"
)
DOSE_AFTER_RE: Final = re.compile(r"[ \t]*\d")
# A colleague named after their job ("our charge nurse Bronwyn", "Surgical reg Hamish", "SN
# Farah", "senior sister Margaret"): the job's word, then one or two capitalised words.
STAFF_NAME_AFTER_RE: Final = re.compile(
    r"[\w]+(?:[ \t]+on(?:[ -]call)?)?[ \t]*[:(]?[ \t]*(?:(?:Mr|Mrs|Ms|Miss|Dr|Prof)\.?[ \t]+)?"
    r"(?P<name>[A-Z][a-zß-öø-ÿ'’-]+(?:[ \t]+[A-Z][a-zß-öø-ÿ'’-]+)?)(?![\w'’-])"
)
# "Mr Chaudhry (the consultant)", "Mr Osei (cardiothoracics)": a titled surgeon and their job.
TITLED_NAME_THEN_JOB_RE: Final = re.compile(
    r"(?:mr|mrs|ms|miss)\.?[ \t]+(?P<name>[A-Z][a-z'’-]+)[ \t]*\((?:the[ \t]+|our[ \t]+|my[ \t]+)?"
    r"(?:consultant|reg|registrar|surgeon|attending|anaesthetist|anesthetist|cardiothoracics"
    r"|vascular|urology|orthopaedics|orthopedics|ortho|colorectal|upper[ \t]+gi|neurosurgery"
    r"|plastics|ent|max[ \t]?fax|obstetrics|gynae|breast|hpb|transplant)\b",
    re.IGNORECASE,
)
# Jobs that name a colleague only after one of these words: "our med student Aisha", "my study
# buddy Ifeoma" (a patient may be "a nursing student, Brianna").
STAFF_ROLE_QUALIFIERS: Final = {
    "student": frozenset("med medical our my pa".split()),
    "buddy": frozenset("study".split()),
}
# "Sister" is a job only after these; otherwise a relative ("her sister Margaret").
WARD_SISTER_WORDS: Final = frozenset("ward senior charge junior night nursing staff".split())
