"""Keyword rules: trigger words found in one pass over the lower-cased words, and the
labelled-identifier, age, place and name patterns matched at those words.
"""

from __future__ import annotations

import re
from typing import Final

from privacy.phi.patterns.common import _AGE_NUMBER, _NAME_SEQ, _TOKEN, _YEAR

# Labelled identifiers: a label followed by a code.
_NUM_SUFFIX = r"(?:[ \t]*(?:number|no\.?|#|id|identifier|num))?"
ID_LABELS: Final[dict[str, str]] = {
    # "social" alone is too common; the code check demands 4 or 9 digits.
    "ssn": r"ssn|ss[ \t]?#|ss (?:no\.?|number)|social security(?: (?:number|no\.?|#|card))?|social",
    "mrn": (
        r"mrn|mr[ \t]?#|mr no\.?|medical record(?: (?:number|no\.?|#))?"
        r"|med(?:ical)? rec(?:ord)? (?:number|no\.?|#)|chart[ \t]*(?:#|no\.?|number)"
        r"|hospital (?:number|no\.?|#|id)|unit (?:number|no\.?)|record (?:number|no\.?|#)"
        r"|hrn|urn|ur (?:number|no\.?)"
        # South Africa's hospital folder number: "folder 4418273".
        rf"|folder{_NUM_SUFFIX}"
        r"|(?:patient|pt\.?)[ \t]?(?:id|#|number|no\.?)"
        # India's hospital ids, in-patient numbers: "UHID 2024/00871", "IP no 2291847".
        r"|uhid|(?:ip|in-?patient)[ \t]?(?:number|no\.?|#)"
        # Germany's case number, a hospital's registration: "Fall-Nr. 26004512",
        # "Hosp reg 24-77310".
        r"|fall-?nr\.?|fallnummer"
        r"|hosp(?:ital)?[ \t]reg(?:istration)?(?:[ \t]*(?:no\.?|number|#))?"
    ),
    "health_plan": (
        rf"medicare(?: beneficiary)?{_NUM_SUFFIX}|medicaid{_NUM_SUFFIX}|mbi"
        r"|(?:member|subscriber|beneficiary)[ \t]?(?:id|#|number|no\.?)"
        r"|(?:insurance|policy|plan)(?: policy)?[ \t]?(?:id|#|number|no\.?)"
        rf"|health plan{_NUM_SUFFIX}|group{_NUM_SUFFIX}"
        # The Philippines', Nigeria's and Ireland's schemes.
        # Cards first: "NHIS card: 0723…" is read whole, not as "NHIS" and a word.
        rf"|(?:insurance|health|nhis|nhf) card{_NUM_SUFFIX}"
        rf"|philhealth{_NUM_SUFFIX}|nhis{_NUM_SUFFIX}|medical card{_NUM_SUFFIX}"
        # Kenya's and Jamaica's funds, Australia's disability scheme.
        rf"|nhif{_NUM_SUFFIX}|nhf{_NUM_SUFFIX}|ndis{_NUM_SUFFIX}|sha{_NUM_SUFFIX}"
        # Ireland's medical card (GMS) and Nigeria's HMO enrolment.
        rf"|gms(?: card)?{_NUM_SUFFIX}|hmo{_NUM_SUFFIX}"
        # Australia's veterans' cards: "DVA Gold Card NX204517".
        rf"|dva(?: (?:gold|white|orange))?(?: card)?{_NUM_SUFFIX}"
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
        r"|(?:bike|car|motorbike|vehicle|scooter)[ \t]?(?:no\.?|number|reg)"
        # "(reg WR19 KXT)", "rego 1ABC234": a plate's code is in capitals and digits.
        r"|reg\.?|rego"
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
        # New Zealand's NHI, Australia's IHI, India's Aadhaar, a national identity number
        rf"|nhi{_NUM_SUFFIX}|ihi{_NUM_SUFFIX}|aadhaa?r(?: card)?{_NUM_SUFFIX}"
        r"|national (?:id|identity)(?: card)?"
        # Pakistan's CNIC, Malaysia's MyKad and Singapore's NRIC (the bare "IC" in capitals).
        rf"|cnic{_NUM_SUFFIX}|nric{_NUM_SUFFIX}|mykad{_NUM_SUFFIX}|ic|trn{_NUM_SUFFIX}"
        # Personal numbers of Europe and the Gulf by their names in the note: Sweden's pnr,
        # Finland's hetu, Czechia's rodné číslo, Iceland's kennitala, Denmark's CPR,
        # Hungary's TAJ, France's NIR, Canada's SIN, Croatia's OIB, Romania's CNP, Lithuania's
        # asmens kodas, the Emirates' and Oman's ids, Saudi Arabia's iqama.
        r"|pnr|personnummer|personnr|hetu|henkilötunnus|rodné číslo|rodne cislo|kt\.|kennitala"
        r"|cpr(?:-?nr\.?)?|taj|nir|sin|oib|cnp|egn|jmbg|amka|bsn|dni|nie|codice fiscale"
        r"|asmens kodas|isikukood|personas kods|emirates id|civil id|iqama"
        # Latin America's and Spain's numbers: Chile's RUT, Brazil's CPF and CNS, Colombia's
        # cédula, Mexico's CURP and NSS, Spain's NHC, a chart's "HC" or "prontuário".
        rf"|rut{_NUM_SUFFIX}|cpf{_NUM_SUFFIX}|cns{_NUM_SUFFIX}|c[ée]dula{_NUM_SUFFIX}|curp|rfc"
        rf"|nss{_NUM_SUFFIX}|nhc{_NUM_SUFFIX}|hc|prontu[áa]rio{_NUM_SUFFIX}"
        # Courts, probation, benefits and housing: "Docket no. 22-MD-4471", "Probation #
        # P-448210", "client ID CL-30917", "state ID # WA-D4417720", "EBT card #5077 1234 8890",
        # "HCV #HV-0098812", "Ghana Card GHA-718264093-5", Zambia's "NRC 234567/61/1".
        rf"|docket{_NUM_SUFFIX}|probation{_NUM_SUFFIX}|client[ \t]?id|state[ \t]id(?: card)?"
        rf"|ebt(?: card)?{_NUM_SUFFIX}|hcv[ \t]?#|housing[ \t]id|voucher{_NUM_SUFFIX}"
        rf"|ghana[ \t]card{_NUM_SUFFIX}|nrc{_NUM_SUFFIX}|band[ \t]?(?:no\.?|#|number)"
        # Files, police cases and bookings: "DVA file no QX123456", "MLC no. 889/24".
        rf"|file[ \t]?(?:no\.?|number|#)|mlc{_NUM_SUFFIX}|booking[ \t]ref\.?"
        # A prescription's number and a pathology specimen's: "Rx# 7719203-04", "RX: 0412558",
        # "(Rx) 7719203-04", "Rx 4410029-03", "specimen S25-014882".
        r"|rx(?:[ \t]?#|[ \t]?no\.?|[ \t]?number|:|\)|(?=[ \t]+\d{5}))"
        r"|specimen(?=[ \t]+[a-z]{0,3}\d)"
        rf"{_NUM_SUFFIX}"
    ),
}
# The rest of a number plate after its first group: "MH12 KT 4471", "KA 01 AB 1234".
PLATE_TAIL_RE: Final = re.compile(r"(?:[ ](?:[A-Z]{1,3}|\d{1,4})){1,3}(?![\w-])")
# Pakistan's identity card number, which no other number is written like: "35202-4418276-3".
CNIC_RE: Final = re.compile(r"(?<![\d-])\d{5}-\d{7}-\d(?![\d-])")
# Korea's resident registration number: six digits of the birth date, then the sex digit and
# six more ("330714-2048513").
KOREAN_RRN_RE: Final = re.compile(r"(?<![\d-])\d{6}-[1-8]\d{6}(?![\d-])")
# On the digit shape: where the number's second part ends; the whole is matched from 5 back.
KOREAN_RRN_TRIGGER_RE: Final = re.compile(r"0-0000000(?![0-])")
# A Japanese postcode after its mark: "〒150-0001".
JAPANESE_POSTCODE_RE: Final = re.compile(r"〒[ \t]?(?P<code>\d{3}-\d{4})(?!\d)")
# Its middle part, a literal first so that the pass is quick: the whole is matched from 5 back.
CNIC_TRIGGER_RE: Final = re.compile(r"-\d{7}-")
ID_LABEL_RE: Final = re.compile(
    "(?:" + "|".join(f"(?P<{kind}>{rx})" for kind, rx in ID_LABELS.items()) + ")"
    # A label ending in a letter must end the word ("mrn", not "mrna"); one
    # ending in "#" may touch the code ("case #CR-2023-4471").
    r"(?!(?<=[a-z])[a-z])"
)
# Short labels that are ordinary words in lower case ("fin", "sn", "dl").
UPPERCASE_ONLY_LABELS: Final = frozenset(
    {
        "fin",
        "sn",
        "dl",
        "vin",
        "mbi",
        "dea",
        "ic",
        "sha",
        "trn",
        "cpr",
        "taj",
        "nir",
        "sin",
        "oib",
        "cnp",
        "egn",
        "bsn",
        "dni",
        "nie",
        "mlc",
        "nrc",
        "rut",
        "cpf",
        "cns",
        "nss",
        "nhc",
        "hc",
        "rfc",
    }
)
# The next number of a list after a labelled one, of about the same length: "MRN 3312290 and
# 3312291", "MRN 00918274 instead of 00918247".
ID_LIST_NEXT_RE: Final = re.compile(
    r"[ \t]*(?:,[ \t]*(?:and|or)?|and|or|&|/|instead[ \t]+of|not|vs\.?|versus)[ \t]*"
    r"(?P<id>\d[\d -]{4,}\d)(?![\w-])"
)
ID_AFTER_LABEL_RE: Final = re.compile(
    r"[ \t]*(?:[:#=.(\-'’\"”—–][ \t]*)*"
    r"(?:(?:[Nn]o|[Nn]os|[Nn]umber|[Nn]um|[Nn]r|is|was|are|as|of|ID|[Ii]d|[Ee]nding(?:[ \t]+in)?)"
    r"\b\.?[ \t]*[:#]?[ \t]*){0,3}"
    # A few words may sit between label and code: "MRN for this patient is 123".
    r"(?:(?:for|on|of|in)(?:[ \t]+[a-z]+){0,4}?(?:[ \t]+(?:is|was|reads)\b|[ \t]*[=:])[ \t]*)?"
    r"(?P<id>(?:[A-Z]{1,4}[ ](?=\d))?(?=[A-Z0-9/.-]*\d)[A-Z0-9](?:[A-Z0-9]|[-/](?=[A-Z0-9])"
    r"|\.(?=\d{3}))*"
    r"(?:[ ](?=[A-Z0-9-]*\d)[A-Z0-9](?:[A-Z0-9]|-(?=[A-Z0-9]))*){0,3})(?![\w-])"
)
LAST_FOUR_SSN_RE: Final = re.compile(
    r"last (?:4|four)(?: digits)? of (?:(?:his|her|their|the) )?(?:ssn|social security)"
    r"(?: number)?[ \t]*(?:is|are|was|:)?[ \t]*:?[ \t]*(\d{4})\b"
)
# Ireland's personal public service number after its label: "PPS 0123456T".
PPS_RE: Final = re.compile(
    r"pps(?:n)?(?:[ \t]*(?:no\.?|number|#|:))*[ \t]*(?P<id>\d{7}[a-w][a-iw]?)(?![\w-])",
    re.IGNORECASE,
)
# The last digits of a bank or credit card: "his bank card ending 4471", "Visa ending in 0092".
CARD_ENDING_RE: Final = re.compile(r"ending(?:[ \t]+in)?[ \t]*[:#]?[ \t]*(\d{4})(?![\w-])")
CARD_BEFORE_RE: Final = re.compile(r"\b(?:card|visa|mastercard|amex|account|acct)[ \t]*$")
PMID_RE: Final = re.compile(r"(?:pmid|pmcid|pubmed(?:[ \t]+id)?)[ \t]*[:#]?[ \t]*(?:pmc)?\d{1,9}\b")
NPI_RE: Final = re.compile(r"npi\b(?:[ \t]*(?:number|no\.?|#|:|is))*[ \t:#]*(\d{10})\b")
# A UK or Canadian postcode in lower case after its label ("postcode m1 1ae").
LOWER_POSTCODE_RE: Final = re.compile(
    r"(?:postal code|post code|postcode|postal|pc)\b[ \t:#]*"
    r"(?P<code>[a-pr-uwyz][a-hk-y]?\d[a-z\d]?[ ]?\d[abd-hjlnp-uw-z]{2}"
    r"|[abceghj-nprstvxy]\d[abceghj-nprstv-z][ ]?\d[abceghj-nprstv-z]\d)(?![\w-])"
)
ZIP_LABEL_RE: Final = re.compile(
    r"(?:zip|zipcode|postal code|post code|postcode|pin|pincode|pin code)\b(?:[ \t]*\+[ \t]*4)?"
    r"(?:[ \t]*(?:code|is|:|#|\(|-))*[ \t]*(\d{5}(?:-\d{4})?|\d{3}[ ]?\d{3})(?![\w-])"
)
# A postcode next to its town in an address, wherever the country puts it: after ("Auburn NSW
# 2144", "Soweto 1804", "Ernakulam 682017", "Singapore 460412") or before ("47300 Petaling
# Jaya", "23000 Dungun"). Looked for only within a few words after an address's cue (a street's
# word, "address", "res.", "alamat", "Blk", "Brgy."…).
TOWN_THEN_CODE_RE: Final = re.compile(
    r"(?<![\w-])(?P<town>[A-Z][a-zß-ÿ][\w'’.-]*(?:[ \t]+[A-Z][\w'’.-]*){0,2}?)"
    r"(?:[ \t]+[A-Z]{2,3})?,?[ \t]+"
    r"(?P<code>\d{4,6})(?![\w/-]|\.\d)"
    r"|(?<![\w/.-])(?P<code_first>\d{5})[ \t]+(?P<town_after>[A-Z][\w'’-]+(?:[ \t]+[A-Z][\w'’-]+)?)"
)
# Looser phone shapes ("555-0199") count only right after a phone label.
LABELLED_PHONE_RE: Final = re.compile(
    r"(?:phone|tel|telephone|cell|cellphone|mobile|mob|ph|fax|pager|landline|whatsapp|hp|h/p)"
    r"\b\.?"
    r"(?:[ \t]*(?:no\.?|number|#|is|:))*[ \t:#]*"
    r"(?P<num>\+?\(?\d[\d \t().-]{5,18}\d(?:[ \t]*(?:x|ext\.?)[ \t]*\d{1,5})?)"
)
AGE_CUE_RE: Final = re.compile(
    r"(?:(?P<label>aged?|turned|turns|turning)[ \t]*:?"
    # "she is 91", "pt is 96", "Nana, you're 92": a bare number after a person and a verb.
    r"|(?:(?:he|she|patient|pt|mom|dad|mother|father|grandmother|grandfather)(?:['’]s|[ \t]+(?:is"
    r"|was|turns|just[ \t]+turned))"
    r"|you(?:['’]re|[ \t]+are))(?:[ \t]+(?:actually|now|already|nearly|almost|just|only"
    rf"|about))?)[ \t]*(?P<age>{_AGE_NUMBER})\b"
    r"(?![ \t]*(?:\+|or (?:older|over|above|more)|and (?:older|over|above)|years? (?:and|or)"
    r"|%|percent|mg|mcg|kg|lbs?|pounds?|cm|inches|in\b|bpm|beats|mmhg|mm|ml|units?|/|°"
    r"|degrees|f\b|c\b|\.\d|-|min|mins|minutes|secs?|seconds|hours?|hrs?|days|weeks|months"
    r"|miles|km|points|steps))"
)
CITY_CUE_RE: Final = re.compile(
    r"(?:(?:lives|living|lived|resides|residing|resided)(?:[ \t]+alone)?[ \t]+(?:in|to)"
    r"|(?:moved|relocated)[ \t]+(?:in|to|from)|grew[ \t]+up[ \t]+in|raised[ \t]+in"
    r"|born[ \t]+in|hometown[ \t]+(?:of|is)|(?:native|resident)[ \t]+of"
    r"|(?:edge|outskirts|suburbs?)[ \t]+of|(?:town|village)[ \t]+of"
    # an Indian address: "village Khed", "dist. Satara", "taluka Maval"
    r"|(?:village|vill\.?|dist\.?|district|taluka?|tehsil))"
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
    r"|Thanksgiving(?:[ \t]+Day)?|Easter(?:[ \t]+(?:Sunday|Monday))?|Halloween"
    r"|Independence[ \t]+Day|Boxing[ \t]+Day|Canada[ \t]+Day|Australia[ \t]+Day|Anzac[ \t]+Day"
    r"|Bonfire[ \t]+Night|Hogmanay|Diwali|Eid|Hanukkah|St\.?[ \t]+Patrick['’]?s[ \t]+Day"
    r"|Victoria[ \t]+Day|Remembrance[ \t]+Day|Mother['’]?s[ \t]+Day|Father['’]?s[ \t]+Day"
    rf"|Valentine['’]?s[ \t]+Day|Labou?r[ \t]+Day|Memorial[ \t]+Day)[ \t]+(?:of[ \t]+)?{_YEAR}\b"
)
# A weekday with the day of the month: "review Fri 22nd at 2pm", "discharge Monday 14th" (a
# meeting's or a conference's is theirs, not a patient's: see `_date_confidence`).
WEEKDAY_ORDINAL_RE: Final = re.compile(
    r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tues?|wed|thu|thurs?|fri"
    r"|sat|sun)\.?,?[ \t]+(?:the[ \t]+)?(?:0?[1-9]|[12]\d|3[01])(?:st|nd|rd|th)\b"
)
STATISTIC_BEFORE_RE: Final = re.compile(r"\b(?:mean|median|average|avg)[ \t]+$")
NAME_CUE_RE: Final = re.compile(
    r"(?:(?P<pt>patient\b|pt\b\.?)|(?P<nok>nok|next[ \t]+of[ \t]+kin)\b"
    r"|(?P<named>named(?![ \t]+(?:after|for|by|in|as)\b)|nicknamed|call(?:s|ed)?[ \t]+(?:her|him)\b"
    r"|called|name[ \t]+(?:is|was)|name['’]s|goes by|known as|name)"
    r"|(?P<rel>wife|husband|son|daughter|mother|mom|mum|father|dad|brother|sister|partner"
    r"|spouse|fianc[eé]e?|boyfriend|girlfriend|grandson|granddaughter|grandmother"
    r"|grandfather|grandma|grandpa|grandchild|niece|nephew|aunt|uncle|cousin|caregiver"
    r"|carer|guardian|proxy|roommate|neighbou?r|stepson|stepdaughter|stepmother|stepfather"
    r"|sibling|twin|child|kid|boy|girl|teen|baby|infant|man|woman|gentleman|lady|little"
    r"|young|aunty|auntie|nan|nana|granny|gran)\b|(?:smt|shri|sri)\b\.?)"
)
NAME_AFTER_CUE_RE: Final = re.compile(
    rf"(?:[ \t]*[,:(][ \t]*|[ \t]+)(?:is[ \t]+)?(?P<name>{_NAME_SEQ})"
)

_RELATION_WORDS = """
    wife husband son daughter mother mom mum father dad brother sister partner spouse fiance
    fiancee fiancé fiancée boyfriend girlfriend grandson granddaughter grandmother grandfather
    grandma grandpa grandchild niece nephew aunt uncle cousin caregiver carer guardian proxy
    roommate neighbor neighbour stepson stepdaughter stepmother stepfather sibling twin twins child
    kid boy girl teen baby infant man woman gentleman lady little young aunty auntie nan nana
    granny gran apo bhai bibi mzee
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
        registration user username login hrn urn ur nhi ihi aadhaar aadhar national uhid ip rx
        inpatient in-patient philhealth nhis nhif nhf ndis cnic nric mykad ic sha trn folder bike
        car motorbike scooter gms hmo dva fall fallnummer hosp pnr personnummer personnr hetu
        henkilötunnus rodné rodne kt kennitala cpr taj nir sin oib cnp egn jmbg amka bsn dni nie
        codice asmens isikukood personas emirates civil iqama file mlc reg rego docket probation
        client state ebt hcv housing voucher ghana nrc band rut cpf cns cédula cedula curp rfc
        nss nhc hc prontuário prontuario""",
    ),
    (
        "name",
        "patient pt nok next named nicknamed call calls called name goes known smt shri sri "
        + _RELATION_WORDS,
    ),
    (
        "age",
        """aged age turned turns turning he she patient pt mom dad mother father grandmother
        grandfather you""",
    ),
    (
        "city",
        """lives living lived resides residing resided moved relocated grew raised born hometown
        native resident edge outskirts suburb suburbs town village vill dist district taluk
        taluka tehsil""",
    ),
    (
        "biometric",
        """finger fingerprint fingerprints thumb thumbprint thumbprints palm palmprint
        palmprints voice voiceprint voiceprints retina retinal iris facial face full dna hand
        biometric biometrics""",
    ),
    (
        "more_names",
        """dtr daughter son wife husband sister brother mom mum dad cousin niece nephew grandson
        granddaughter neighbor neighbour goes called we call calls known aka client regular
        nicknamed rm room bed bay knew know knows introduced name answers answer""",
    ),
    ("tattoo", "tattoo tattooed"),
    ("place", "in from near outside around to off fled out past beyond dari"),
    ("at_age", "at"),
    ("corner", "corner and"),
    ("title", "mr mrs ms miss mx mdm madam encik puan makcik pakcik"),
    ("age_verb", "is was s m turned turns turning aged age"),
    (
        "person_verb",
        """came missed told asked refused declined cried wants passed died brought lives works
        was is and mum mom dad wife husband son daughter parents family sister brother grandma
        grandmother grandfather partner carer caregiver""",
    ),
    # Labels of a form's name field: "Name: HOLLOWAY, DERRICK J".
    ("form_name", "name nombre nom naam nome employee claimant insured"),
    # Jobs of colleagues, before their names: "our charge nurse Bronwyn", "SpR Ollie".
    (
        "staff_role",
        """nurse sister matron reg registrar spr sho fy1 fy2 f1 f2 pgy pgy1 pgy2 pgy3 pgy4 pgy5
        pgy6 pgy7 intern resident consultant attending fellow coordinator pharmacist physio
        physiotherapist midwife hca sn cns porter dietitian dietician slt colleague preceptor
        scribe receptionist chaplain paramedic sonographer radiographer anaesthetist
        anesthetist surgeon lead practitioner podiatrist rt ot cno cmo ceo advisor adviser
        mentor supervisor optometrist psychologist np educator instructor manager tutor
        lecturer rn crna cmio cne midwives student buddy""",
    ),
    # After a possessive only: "tiny's mom", "Mr Hopkins' three kids" (a relative of someone
    # named) and "dmitri's case", "Cillian's bloods".
    (
        "kin",
        """mom mum mam mommy mother dad daddy father wife husband son daughter sister brother
        grandma grandpa grandmother grandfather granddaughter grandson grandkids granny nana
        niece nephew aunt auntie uncle cousin partner girlfriend boyfriend fiance fiancee carer
        caregiver parents kids children widow widower twin""",
    ),
    # After a possessive only: "dmitri's case", "Cillian's bloods".
    ("possessive_noun", "case bloods labs scan results notes story biopsy"),
    ("health_card", "ohip health phn ramq msp msi mcp phin hsn shn ahcip pmjay abha"),
    ("nhs", "nhs chi hcn"),
    ("zip", "zip zipcode postal post postcode pc pin pincode"),
    ("postal_cue", "address addr res alamat blk brgy barangay jalan nagar marg box purok mohalla"),
    ("pmid", "pmid pmcid pubmed"),
    ("npi", "npi"),
    ("last_four", "last"),
    ("card_ending", "ending"),
    ("pps", "pps ppsn"),
    ("cep", "cep"),
    (
        "weekday",
        """monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur
        thurs fri sat sun""",
    ),
    (
        "holiday",
        """christmas new thanksgiving easter halloween independence valentine labor labour
        memorial boxing canada australia anzac bonfire hogmanay diwali eid hanukkah st
        patrick victoria remembrance mother father""",
    ),
    (
        "phone_label",
        "phone tel telephone cell cellphone mobile mob ph fax pager landline whatsapp hp h/p",
    ),
    (
        "month",
        """jan january feb february mar march apr april may jun june jul july aug august sep sept
        september oct october nov november dec december""",
    ),
    # Units of age in other languages, months written in them, words of a stay in hospital
    # before a dotted date ("adm 14.03."): see the other-language patterns.
    (
        "age_unit",
        """ans años anos anni ani lat éves jahre jährige jähriger jährigen år vuotta metų godina
        godine saal sal tahun taon taong anyos jaar jarige yaşında yaş лет года y v m a""",
    ),
    (
        "other_month",
        """janvier février fevrier mars avril mai juin juillet août aout septembre octobre
        novembre décembre enero febrero marzo abril mayo junio julio agosto septiembre setiembre
        octubre noviembre diciembre janeiro fevereiro março maio junho julho setembro outubro
        dezembro januar februar märz maerz juni juli oktober dezember gennaio febbraio aprile
        maggio giugno luglio settembre ottobre dicembre januari februari maart mei augustus maj
        augusti desember stycznia lutego marca kwietnia maja czerwca lipca sierpnia września
        wrzesnia października pazdziernika listopada grudnia tammikuuta helmikuuta maaliskuuta
        huhtikuuta toukokuuta kesäkuuta heinäkuuta elokuuta syyskuuta lokakuuta marraskuuta
        joulukuuta""",
    ),
    (
        "stay",
        """adm admit admitted admission d/c discharged discharge transferred planned booked vom
        seit aufnahme
        aufgenommen entlassung entlassen inskrivning utskrivning innlagt indlagt sortie admis
        admise ingreso ingresó alta ricovero dimissione przyjęty przyjęta""",
    ),
    (
        "street_first",
        """rue avenida avda calle rua via viale corso strada ulica ul heol stryd ffordd cnoc
        bóthar sráid sharia shari jln soi thanon""",
    ),
    (
        "street",
        """street st avenue ave road rd boulevard blvd lane ln drive dr court ct place pl way
        terrace ter circle cir parkway pkwy highway hwy square sq close crescent cres trail trl
        alley plaza loop pike mews row route rte expressway expy turnpike tpke cottages cottage
        view rise gardens gdns grove green walk parade vale fold garth wynd brae heights villas
        meadows""",
    ),
):
    for _word in _blob.split():
        TRIGGERS[_word] = (*TRIGGERS.get(_word, ()), _rule)
