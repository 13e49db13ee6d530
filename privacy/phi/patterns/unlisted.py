"""Names, places, numbers and dates seen with no list entry (see docs/phi.md,
"Names and places with no list entry").
"""

from __future__ import annotations

import re
from typing import Final

from privacy.phi.patterns.common import _YEAR
from privacy.phi.patterns.keywords import TRIGGERS

# Verbs whose object is a person: "i told marco his a1c", "asked oluwadamilare whether".
OBJECT_VERBS: Final = frozenset(
    """lost love loved miss missed told tell telling asked ask asking saw see seeing called
    call rang ring phoned texted messaged reassured warned met thanked hugged examined
    reminded convinced persuaded
    consented counselled counseled informed updated gave give giving visited discharged
    admitted reviewed""".split()
)
# What follows a person named as the object of those verbs.
AFTER_OBJECT: Final = frozenset(
    """his her their that to about whether if what how why when and again today yesterday
    this last on at for in who re we we'd we'll i i'd i'll you she he it they she'd he'd
    the a an some with from after home back""".split()
)
# A capitalised word alone in brackets: "(Guadalupe)".
BRACKETED_WORD_RE: Final = re.compile(r"\(([A-Z][a-z]+(?:-[A-Za-z][a-z]+)?)\)")
# After the person a thing is given to: "gave kullecin the results".
GIVEN_TO_AFTER: Final = frozenset("the a an some his her their my our".split())
# Lower-case words after those verbs or a relative that are never a name: pronouns, roles,
# services and sign-out shorthand.
NOT_LOWER_NAME: Final = frozenset(
    """whānau whanau mokopuna kaumātua kaumatua kuia koro marae tangi
    him her them me us you everyone everybody someone somebody anyone nobody family mum mom
    lft lfts fbc ue cxr abg vbg inr crp esr tft tfts ufe
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
    abdo abd ivdu etoh withdrawal detox obs sats neuro obs nil triage trop trops""".split()
)
# Words after a one-word name opening a sentence that only people do.
HUMAN_VERB_AFTER_RE: Final = re.compile(
    # An adverb may come first: "Jerome now has", "Yoli always said".
    r"(?:['’]s)?(?:[ \t]+(?:now|still|just|finally|already|also|never|always|actually))?"
    r"[ \t]+(?:came[ \t]+(?:with|in|into|back|to|home)|said|says|told|asked|cried|laughed"
    r"|made[ \t]+it[ \t]+(?:to|home|through|back)|rolled[ \t]+in(?:to)?"
    r"|taught|teaches|begged|promised|hugged|sang|danced|baked|wrote"
    r"|smiled|refuses|refused|declines|wants|wanted|walked|rang|lives|lived|works|worked"
    r"|goes[ \t]+by|is[ \t]+back|was[ \t]+back"
    r"|was[ \t]+(?:admitted|discharged|transferred|found|brought|referred|intubated|diagnosed)"
    r"|is[ \t]+(?:only[ \t]+|now[ \t]+)?\d{1,3}[ \t]*(?:and|with|now|today|yo|y/o|years|months"
    r"|weeks|next|,)"
    # "Faith is nine.", "Bo is twelve and": a child's age in words.
    r"|is[ \t]+(?:only[ \t]+|now[ \t]+)?(?:one|two|three|four|five|six|seven|eight|nine|ten"
    r"|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen)"
    r"(?=[ \t]*(?:[.,;!]|and\b|$))"
    r"|was[ \t]+(?:so[ \t]+brave|such)|turned[ \t]+\d+|loves|loved|hates|thinks"
    r"|thought"
    r"|knows|decided|agreed|insisted|brought|drove|texted|messaged|sat|slept|keeps[ \t]+asking"
    r"|prefers|preferred"
    r"|has[ \t]+been[ \t]+on|has[ \t]+had|had[ \t]+(?:his|her)|and[ \t]+(?:his|her|their)"
    r"|doing[ \t]+(?:so[ \t]+much[ \t]+|much[ \t]+|a[ \t]+lot[ \t]+|so[ \t]+)?"
    r"(?:well|better|great|ok|okay|fine|badly|worse|amazingly)"
    r"|is[ \t]+doing[ \t]+(?:so[ \t]+much[ \t]+|much[ \t]+|a[ \t]+lot[ \t]+|so[ \t]+)?"
    r"(?:well|better|great|amazingly)"
    r"|looking[ \t]+(?:better|well|great|worse|unwell|rough)|feeling[ \t]+(?:better|worse|unwell)"
    r"|recovering|(?:is|was|went)[ \t]+home"
    r"|died|passed[ \t]+away|passed(?=[ \t]*[.,;!])|passed[ \t]+(?:peacefully|overnight|today"
    r"|yesterday|last))\b"
)
# "Femi and Tolu are the parents": what may follow a pair of names.
AFTER_NAME_PAIR_RE: Final = re.compile(
    r"[ \t,]+(?:are|were|came|have|had|said|went|who|arrived|brought|told|asked|live"
    r"|lived|were|all[ \t]+(?:have|had|share|shared|came|got|went|need|needed|tested)"
    r"|both[ \t]+(?:came|went|tested|need|needed|got))\b"
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
# Given names that are also words the lists keep from names ("Hope", "Summer", "Will"): a
# person's name when a verb only people take, or an age, follows ("Will is doing so much
# better", "Sunny is 91 today", "Summer, 27, status asthmaticus").
WORD_NAMES_OF_PEOPLE: Final = frozenset(
    """Hope Summer Sunny Will Autumn Comfort Makena Jalyn Dakota Geri Tito Alexa Jakob
    Benedikt Willi Braden Forrest Merritt""".split()
)
# The poster's patient in apposition after a name, past ", my " or ", our ": "16yo patient",
# "8yo with Kawasaki", "90-year-old regular", "little fighter", "longest-staying".
MY_PATIENT_AFTER_RE: Final = re.compile(
    r"(?:\d{1,3}[ -]?(?:yo|y/o|years?[ -]old|yr[ -]old|months?[ -]old|weeks?[ -]old)\b"
    r"|(?:little|longest|oldest|youngest|favourite|favorite|regular|patient|pt|sweet|brave"
    r"|chemo|dialysis|picu|nicu)\b)"
)
# A capitalised word right before a point in the text (the end of the window searched).
CAPITALISED_BEFORE_RE: Final = re.compile(r"(?<![\w'’-])([A-Z][a-z'’-]+)$")
DAYS_AND_MONTHS: Final = frozenset(
    """Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April
    June July August September October November December""".split()
)
# "a Kirkcaldy lad", "an Oldham man", "a big Lewisham family", "a Kenosha welder", "Sudbury
# nickel miner", "her Hackney flat": a town before a word for a person, their trade or their
# home. The word scan finds that word; the pattern looks back from it.
_TOWN_PERSON_WORDS = """lad lass man woman boy girl guy bloke gent gentleman lady native local
    family farmer fisherman miner grandmother grandfather granny grandad mum mom dad kid teen
    teenager pensioner auntie aunty uncle wifie hippie crowd couple grandma grandpa widow
    widower retiree student worker labourer laborer driver trucker fitter welder machinist
    mechanic builder plumber electrician joiner carpenter roofer bricklayer stonemason docker
    picker packer cleaner janitor caretaker trader shopkeeper postman postie baker butcher
    barber hairdresser waitress barman barmaid bartender shucker surfer conductor trapper
    rancher logger shepherd crofter housewife homemaker flat bungalow caravan condo"""
# Its openers: an article or a possessive and up to two small words ("a 90yo retired Sandwich
# fisherman", "her Hackney flat"), an age and sex ("45F Pimlico cleaner"), or the start of a
# line or a sentence ("Coventry bus driver, 57"). Up to two lower-case words may stand between
# the town and the person ("Kolkata tram conductor", "a Dundee jute-mill widow"), and a state's
# code after the town ("Mobile AL oyster shucker").
TOWN_BEFORE_PERSON_RE: Final = re.compile(
    r"(?:(?<![\w'’-])(?:[Aa]|[Aa]n|[Oo]ur|[Tt]he|[Mm]y|[Tt]his|[Tt]hat|[Hh]er|[Hh]is|[Tt]heir)"
    r"[ \t]+(?:[a-z0-9][\w/-]*[ \t]+){0,2}?"
    r"|(?<![\w/.])\d{1,3}[ \t]?(?:[MFmf]|yo|y/o)[ \t]+"
    r"|^[ \t]*['‘\"“(]?|[.!?:,][ \t]+)"
    r"(?P<town>[A-Z][a-zß-öø-ÿā-ž]+(?:[ \t](?:County|Parish|City|Bridge|[A-Z][a-zß-öø-ÿā-ž]+))?)"
    r"(?:[ \t]+(?P<state>[A-Z]{2}))?[ \t]+"
    r"(?:(?!(?:in|the|of|a|an|and|to|for|with|at|on|by|is|was|her|his)[ \t])[a-z][a-z-]*[ \t]+)"
    r"{0,2}?$",
    re.MULTILINE,
)
# A saint's name right after "St": "St Mary's", "St. Anne".
SAINT_AFTER_RE: Final = re.compile(
    r"(?<=St)\.?[ \t]+(?!(?:N|S|E|W|North|South|East|West)\b)[A-Z][a-z]"
)
# An age, with its sex or unit, right before a comma: "71M", "17", "94yo", "(88 F)".
AGE_BEFORE_COMMA_RE: Final = re.compile(r"(?<![\w/.])\d{1,3}[ \t]?(?:[MFmf]|yo|y/o|yrs?)?\)?$")
# A capitalised word right after another: the second word of "Hội An", "Port Douglas".
NEXT_CAPITALISED_RE: Final = re.compile(r"[ \t]([A-Z][\w'’ʻ-]*)")
# What may follow a town in such a list: a comma, a semicolon, a dash, a bracket, a line's end.
TOWN_END_RE: Final = re.compile(r"[ \t]*(?:[,;(—–]|-[ \t]|$)", re.MULTILINE)
# The next town of a list: ", Duluth", " and Reno", ", or Port Douglas".
TOWN_LISTED_AFTER_RE: Final = re.compile(
    r"(?:,[ \t]*(?:(?:and|or|&)[ \t]+)?|[ \t]+(?:and|or|&)[ \t]+)"
    r"(?P<town>[A-Z][a-z]+(?:[ \t-][A-Z][a-z]+)?)(?![\w'’-])"
)
REGION_WORDS: Final = frozenset({"County", "Parish"})
for _word in _TOWN_PERSON_WORDS.split():
    TRIGGERS[_word] = (*TRIGGERS.get(_word, ()), "town_person")
# "Pt's address: 12 MG Road, Pune 411001, ph …": what follows the label, to the end of
# the line, a semicolon or the next label.
ADDRESS_LABEL_RE: Final = re.compile(
    r"address(?:[ \t]+on[ \t]+file)?[ \t]*(?:is[ \t]+|[:=-][ \t]*)"
    r"(?P<address>[\w#][^\n;]{3,80}?)"
    r"(?=[ \t]*(?:,[ \t]*(?:ph|tel|phone|mob|mobile|cell|dob|nhs|email|contact|nok)\b|[;\n]|$"
    r"|[.!?](?:[ \t]|$)))",
    re.IGNORECASE,
)
TRIGGERS["address"] = (*TRIGGERS.get("address", ()), "address_label")
# A sentence about a person, where a town named with no cue is where someone lives or comes
# from: "His family is spread between Multan and Manchester".
PERSON_IN_SENTENCE_RE: Final = re.compile(
    r"\b(?:he|she|his|her|him|they|their|family|pt|patient|mum|mom|dad|son|daughter|wife"
    r"|husband|parents|grandma|granny|lives|born|home|brother|sister|kids)\b"
)
# What makes a town's name the name of a thing: "Manchester triage", "Ottawa rules",
# "Epworth 16", "Toronto's", "Leeds General".
TOWN_THING_AFTER_RE: Final = re.compile(
    r"[ \t]*(?:['’]s\b|\d|[ \t]+(?:[A-Z0-9]|criteria|rules?|score|scale|classification|triage"
    r"|study|trial|protocol|hospital|general|royal|infirmary|university|clinic|group|team|model"
    r"|method|consensus|declaration|statement|guidelines?|experience|cohort|data|approach"
    r"|variant|strain|flu|syndrome|sign|test|and[ \t]+[A-Z][a-z]+[ \t]+(?:criteria|rules?"
    r"|scores?)))"
)
# A year right after the town ("a locum in Cornwall in 2019") dates a trip or a job.
YEAR_AFTER_PLACE_RE: Final = re.compile(r"[ \t]+in[ \t]+(?:19|20)\d\d\b")
# A year that ends a full date ("born 02/11/1937 in Lahore") is not an event's year.
DATE_BEFORE_YEAR_RE: Final = re.compile(r"[/.-](?:19|20)\d\d[ \t]+$")
# Other events that take a town: weather, studies, a job.
MORE_PLACE_EVENTS_RE: Final = re.compile(
    r"\b(?:snow|snowed|snowing|storm|storms|blizzard|weather|rain|raining|flood|flooding"
    r"|heatwave|hurricane|wildfire|rct|rcts|studies|authors|locum|locums|rotation|elective"
    r"|placement|stint|posting|rural[ \t]+term|refresher"
    r"|job|interview|conference|hospitals|consultants|consultant|reg|registrar|attending"
    r"|colleagues?)\b"
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
# Also India's medical records ("MRD no. 2019/44718") and codes with their hospital's initials
# ("hosp no UCH/23/09471", "LUTH/GER/0043187", "Hosp no. LG-772104").
HOSP_NO_RE: Final = re.compile(
    r"(?:(?:hosp|hospital|unit|case[ \t]+note|k|ur|mrd|cr)[ \t]*(?:no\.?|number|#)|ur)"
    r"[ \t]*[:#]?[ \t]*"
    # "hosp number is RX559102", "hosp no. for the lady in 4B is G774199"
    r"(?:(?:is|was|=)[ \t]+|for[ \t]+[^.\n\d]{1,30}?[ \t]+\w{0,3}\d?\w{0,2}[ \t]*is[ \t]+)?"
    r"(?P<id>(?:[A-Z\d]{2,6}/){1,3}\d{2,10}|(?:19|20)\d\d/\d{3,8}|[A-Z]{0,2}\d{5,10}"
    r"|[A-Z]{1,4}-\d{4,10})(?![\w/-])",
    re.IGNORECASE,
)
# Health numbers whose shape is their own, found without a label inside the windows of the phone
# pass: Australia's Medicare ("2953 41877 1", its reference "/1" after), the Philippines'
# PhilHealth ("12-050338271-9"), India's ABHA ("91-4455-6677-8899"), Ontario's card with its
# version code ("4382-917-455-KT").
# Pakistan's mobiles, a four-digit network code and seven digits: "0300-4417829".
PK_MOBILE_RE: Final = re.compile(r"(?<![\d-])03\d{2}-\d{7}(?![\d-])")
# The digit shapes (see ``digit_shape``) a match of the pattern above, or below, holds.
PK_MOBILE_SHAPE: Final = "0000-0000000"
HEALTH_NUMBER_SHAPES: Final = (
    "0000 00000 0",
    "00-000000000-0",
    "00-0000-0000-0000",
    "0000-000-000-",
)
HEALTH_NUMBER_SHAPES_RE: Final = re.compile(
    r"(?<![\w-])(?:[2-6]\d{3}[ ]\d{5}[ ]\d(?:/\d)?|\d{2}-\d{9}-\d|\d{2}-\d{4}-\d{4}-\d{4}"
    r"|\d{4}-\d{3}-\d{3}-[A-Z]{2})"
    r"(?![\w-])"
)
# The US Medicare Beneficiary Identifier ("1EG4-TE5-MK72"), looked for when the post names
# Medicare or the MBI.
MBI_RE: Final = re.compile(
    r"(?<![\w-])[1-9][AC-HJKMNP-RT-Y][AC-HJKMNP-RT-Y\d]\d-?[AC-HJKMNP-RT-Y][AC-HJKMNP-RT-Y\d]\d-?"
    r"[AC-HJKMNP-RT-Y]{2}\d{2}(?![\w-])"
)
# A British number plate ("KX19 TYU"), looked for when the post speaks of a car or its plate.
UK_PLATE_RE: Final = re.compile(r"(?<![\w-])[A-Z]{2}\d{2}[ ]?[A-Z]{3}(?![\w-])")
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
    r"|finger|digit|degree|intercostal|ics|ward|bed|place|century|year|month|session|mt|mc"
    r"|metatarsal|metacarpal|cranial|nerve|molar|premolar|vertebra)\b"
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
    nana granny gran abuela abuelo carer hubby apo bhai bibi"""
for _rule, _blob in (
    ("object_verb", " ".join(sorted(OBJECT_VERBS))),
    ("relative", _FAMILY_WORDS),
    ("hosp_no", "hosp hospital unit k ur mrd cr"),
):
    for _word in _blob.split():
        TRIGGERS[_word] = (*TRIGGERS.get(_word, ()), _rule)
# A line that opens with a word, then an age and sex, as sign-outs are written:
# "kullecin: 45f, urosepsis", "Olumide 45M", "ngata (54m)". Tried at line starts only.
HEAD_NAME_AGE_RE: Final = re.compile(
    r"[ \t\"'*•-]*(?P<name>[A-Za-z][a-z'’-]{2,})[ \t]*[:,(–-]?[ \t]*\(?[ \t]*"
    r"(?P<age>\d{1,3})[ \t]?[mMfF](?![\w/])"
)
# A name before "& family", thanked or greeted: "huge asante to wanjiku & family", "thank you
# to the Okafors and family" is left to the other rules (a plural).
NAME_AND_FAMILY_RE: Final = re.compile(
    r"\b(?:to|thanks?|thank[ \t]+you|and|with|from)[ \t]+(?P<name>[A-Za-z][a-z'’-]{2,})[ \t]*"
    r"(?:&|and)[ \t]*(?:(?:the|her|his|their)[ \t]+)?(?:family|families|whānau|whanau|fam|kids)\b",
    re.IGNORECASE,
)
# A patient's age, then a lower-case name, then where they come from: "6yo tanvi from Nashik".
AGE_NAME_FROM_RE: Final = re.compile(
    r"\b\d{1,3}[ \t]?(?:yo|y/o|yr[ \t-]?old|year[ \t-]old|[mf])[ \t]+(?P<name>[a-z][a-z'’-]{2,})"
    r"[ \t]+$"
)
# South Asian forms: a name, "w/o" (wife of), "s/o", "d/o", then the relative's name ("Bibi
# Nasreen w/o Ghulam Rasool", "Gul Zaman s/o Sher Zaman").
KIN_OF_RE: Final = re.compile(
    r"(?P<name>[A-Z][a-z]+(?:[ \t]+[A-Z][a-z]+){0,2})[ \t]+[wsdWSD]/[oO][ \t]+"
    r"(?P<kin>[A-Z][a-z]+(?:[ \t]+[A-Z][a-z]+){0,2})"
)
# A mother named by her baby ("baby of zainab bibi", "BO Achieng"), a letter's subject ("Re:
# Aroha Te Whata,", "Re: GAGNON Marie-Claude"), a full name in brackets after a nickname or a
# name ("Dazza (Darren Pitcher)", "Kuya Jun-Jun (Eduardo Manalastas Jr.)").
BABY_OF_RE: Final = re.compile(
    r"\b(?:baby|infant|bo|b/o)[ \t]+of[ \t]+(?P<name>[A-Za-z][\w'’-]+(?:[ \t]+[A-Za-z][\w'’-]+)?)",
    re.IGNORECASE,
)
LETTER_SUBJECT_RE: Final = re.compile(
    r"\bRe:[ \t]+(?:(?:Mr|Mrs|Ms|Mdm|Miss|Mx)\.?[ \t]+)?"
    # Not a label after the name ("Re: GAGNON Marie-Claude   DOB 14/07/1961").
    r"(?P<name>[A-Z][\w'’-]+(?:[ \t]+(?![A-Z]{2,4}\b)[A-Z][\w'’-]+){1,3})"
)
# Matched at each bracket; the word and the space before it are checked in Python.
BRACKETED_FULL_NAME_RE: Final = re.compile(
    r"\((?P<name>[A-Z][a-z][\w'’-]*(?:[ \t]+[A-Z][a-z][\w'’-]*){1,2}(?:[ \t]+(?:Jr|Sr)\.?)?)\)"
)
# Bare "ID" in capitals and a long number, perhaps in groups: "brought by grandson, ID 28845173,",
# "TANAKA Hiroshi, 93M, ID 4471-0928". ("ID: 99887766"
# is a record number, as images' overlays write it: the labelled-number rules take it.)
BARE_ID_RE: Final = re.compile(
    r"ID[ \t]+(?:no\.?[ \t]*|number[ \t]*|#[ \t]*)?"
    r"(?P<id>\d{7,13}|\d{2,8}(?:-\d{2,8}){1,3})(?![\w-])"
)
# A name alone in a sign-out line's bracket, perhaps after "real name" or "goes by":
# "(jean-philippe)", "(real name gurpreet)", "(dorothy k.)".
BRACKET_NAME_RE: Final = re.compile(
    r"[ \t]*\([ \t]*(?:(?:real[ \t]+name|goes[ \t]+by|aka)[ \t]+)?"
    r"(?P<name>[A-Za-z][\w'’-]*(?:[ \t]+[A-Za-z][\w'’-]*\.?)?)[ \t]*\)",
    re.IGNORECASE,
)
# What follows a nickname in quotes: "'Oupa' (real name Johannes)", "'Teacher' (we all call him
# that".
NICKNAME_AFTER_RE: Final = re.compile(
    r"[ \t]*\((?:real[ \t]+name|(?:as[ \t]+)?we[ \t]+(?:all[ \t]+)?call|aka|a\.k\.a\.)\b",
    re.IGNORECASE,
)
# A sign-out line that opens with a name in lower case and its bed in brackets: "• njoroge
# (bed 2) - admitted 03/03", "rose (bay 4) – agitated". Tried at line starts.
HEAD_NAME_BED_RE: Final = re.compile(
    r"^[ \t\"'*•-]*(?P<name>[A-Za-z][a-z'’-]{2,}(?:[ \t]+[A-Za-z][a-z'’-]{2,})?)[ \t]*"
    r"\((?:bed|bay|rm|room|side[ \t]+room|cubicle)[ \t]*\d",
    re.MULTILINE,
)
# A sign-out line that opens (after a bullet, a number, a bed or a room) with a name in lower
# case, one to three words, perhaps a bracket, then an age: "- gurpreet kaur sandhu 47F,",
# "1. siobhan ní bhriain, 93, from", "- bed 7 reg o'hare M/91", "- 412 bubba (goes by bubba)
# 91M", "1. lola remedios 91/F", "- stan, 84, post fall"; or after a bed anywhere ("lytes. bed
# 14 - nguyen thi lan, 91F").
_BED_HEAD = (
    r"\b(?:(?:bed|bay|rm|room|cubicle|cub)[ \t]*\d{1,4}[a-z]?[ \t]*[:–—-]?"
    r"|\d{1,4}[a-z]?[ \t]+[–—-])[ \t]*"  # "18 - jacinta murray 34F"
)
HEAD_NAMES_AGE_RE: Final = re.compile(
    rf"(?:^[ \t\"*•-]*(?:\d{{1,2}}[.)][ \t]*)?(?:{_BED_HEAD}|\d{{3,4}}[ \t]+)?|{_BED_HEAD}"
    # after a label's colon or a list's number in the line: "on call: seán ó murchú 92,",
    # "sign out: 1. abdul-rahman 90,"
    r"|(?P<inline>(?<=:)[ \t]+|(?<![\w.])\d{1,2}[.)][ \t]+))"
    # No word of the name is a bed's ("lytes. bed 14 - nguyen thi lan": the bed starts anew).
    r"(?!(?:bed|bay|rm|room|cubicle|cub)\b)(?P<name>['‘]?[a-zß-öø-ÿ][a-zß-öø-ÿ'’.-]*"
    r"(?:[ \t]+(?!(?:bed|bay|rm|room|cubicle|cub)\b)['‘(]?[a-zß-öø-ÿ][a-zß-öø-ÿ'’.-]*){0,3})"
    r"['’]?"
    r"(?P<bracket>[ \t]*\([^()\n]{1,40}\))?[ \t]*(?P<comma>,)?[ \t]*"
    r"(?P<age>(?:[mfMF]/)?(?P<years>\d{1,3})(?:/[mfMF]|[ \t]?(?:[mfMF]|yo|y/o|yrs?)(?![a-z]))?)"
    r"(?![\d.%/:])(?P<after>[ \t]*,)?",
    re.MULTILINE,
)
# A unit smaller than a state named by the word after it: "Chhindwara district", "the
# Meadowell estate", "McKinley County", "the Port Credit care home" ("Barangay San Roque" is
# read by the model); these by their noun.
PLACE_UNITS: Final = (
    "district",
    "village",
    "township",
    "estate",
    "suburb",
    "barangay",
    "county",
    "care",
    "nursing",
    "retirement",
    "rest",
    "aged",
    "lodge",
    "manor",
    "hospice",
    "residence",
    "living",
)
for _word in PLACE_UNITS:
    TRIGGERS[_word] = (*TRIGGERS.get(_word, ()), "place_unit")
# The unit's noun at a trigger: a county is written capitalised ("McKinley County"), the others
# in lower case ("the Lake District" is a region's name).
PLACE_UNIT_RE: Final = re.compile(
    r"(?:district|village|township|estate|suburb|barangay|(?:care|nursing|retirement)[ \t]+homes?"
    r"|County)\b"
)
# A home where a patient lives, named before its noun: "from rosewood rest home", "at Banksia
# Grove Lodge", "Passed at Yoogali Gardens Aged Care". The noun is a trigger word; the name
# (one to three words after "from", "at", "in" or "to") is looked for before it.
FACILITY_NOUN_RE: Final = re.compile(
    r"(?:rest|care|nursing|retirement)[ \t]+(?:home|village)s?\b|aged[ \t]+care\b|lodge\b|manor\b"
    r"|hospice\b|residence\b|living\b",
    re.IGNORECASE,
)
FACILITY_NAME_BEFORE_RE: Final = re.compile(
    r"(?:\b(?:from|at|in|to)|:)[ \t]+"
    r"(?P<name>(?:(?!(?:from|at|in|to)\b)[A-Za-z][\w'’.-]*[ \t]+){1,3})$",
    re.IGNORECASE,
)
# Words that open no home's name: "from the nursing home", "at a lodge", "in her care home".
NOT_FACILITY_NAME: Final = frozenset(
    """the a an his her their our my your this that local same private new old nearby
    residential council state public another every independent permanent temporary
    healthy daily with about means for and or of on into by""".split()
)
# Ireland's counties after "Co." or "County": "Belmullet, Co. Mayo", "farmer from Co. Leitrim".
# A literal first, for a quick pass; the boundary before "Co" is checked in Python.
IRISH_COUNTY_RE: Final = re.compile(
    r"Co(?:\.|unty)[ \t]+(?:Antrim|Armagh|Carlow|Cavan|Clare|Cork|Derry|Donegal|Down|Dublin"
    r"|Fermanagh|Galway|Kerry|Kildare|Kilkenny|Laois|Leitrim|Limerick|Longford|Louth|Mayo|Meath"
    r"|Monaghan|Offaly|Roscommon|Sligo|Tipperary|Tyrone|Waterford|Westmeath|Wexford|Wicklow)\b"
)
# Capitalised words right before an age and sex anywhere in a line: "bed 4: Rose Bell 94F",
# "Twins Mason and Grace Tupou (3M)", "Brayden (6yo) from Lubbock".
NAMES_BEFORE_AGE_SEX_RE: Final = re.compile(
    r"(?P<names>[A-Z][a-zß-öø-ÿ'’-]{2,}(?:[ \t]+[A-Z][a-zß-öø-ÿ'’-]{2,}){0,2})[ \t]*[:,(–-]?[ \t]*"
    r"(?:\(?(?P<age>\d{1,3})[ \t]?[MF]|\((?P<years>\d{1,2})[ \t]?(?:yo|y/o|y\.o\.))(?![\w/])"
)
# A sign-out line: "bed 12 oyelaran, 67M", "bay 4 - kowalczyk - post op", "rm 3: mrs kaur".
BED_NAME_RE: Final = re.compile(
    r"(?:bed|bay|rm|room|cubicle|cube|cub|side[ \t]+room)[ \t]*\d{1,4}[a-z]?[ \t]*"
    r"(?:[-–—:,)][ \t]*)?(?:is[ \t]+)?"
    r"(?P<name>[a-z][a-z'’-]{2,}(?:[ \t]+[a-z][a-z'’-]{2,})?)(?=[ \t]*(?:[,(–-]|\d))"
)
# Endings of jargon that no name has ("neurosurgery", "cholangitis").
# Plurals of classes of drugs and things, no name's ending: "Vasopressors", "Inotropes",
# "Benzodiazepines", "Anticoagulants", "Diuretics".
PLURAL_CLASS_RE: Final = re.compile(r"(?:ors|ists|ants|ents|ics|ines|ides|ates|opes|oids|ives)$")
JARGON_SUFFIX_RE: Final = re.compile(
    r"(?:ology|ologist|ologists|ery|iatry|ics|itis|osis|emia|aemia|ectomy|otomy|ostomy|plasty"
    r"|scopy|gram|graphy|pathy|penia|uria|algia|oma|omas|ase|semide|tanide|azide|glutide|pramide"
    r"|mab|nib|pril|sartan"
    r"|olol|statin|azole|mycin|cillin|cycline|floxacin|parin|xaban|gliptin|gliflozin|tide"
    r"|lone|sone|pam|lam|ium|onian|inian|oid"
    # drug stems: gabapentin, pregabalin, sertraline's kin, quetiapine, risperidone
    r"|pentin|gabalin|oxetine|triptyline|apine|idone|setron|prazole|tidine|dipine|afil|lukast"
    r"|navir|previr|buvir)$"
)
for _word in "bed bay rm room cubicle cube cub side ward".split():
    TRIGGERS[_word] = (*TRIGGERS.get(_word, ()), "bed")
# A capitalised word before where a patient lies: "Faith in bed 12", "Esperanza on ward 7".
# "rose in bed 3 keeps pulling her NG", "jade in bay 2": a word in lower case before its bed.
LOWER_NAME_BEFORE_BED_RE: Final = re.compile(
    r"(?<![\w'’-])(?P<name>[a-z][a-z'’-]{2,})[ \t]+in[ \t]+$"
)
BED_NUMBER_RE: Final = re.compile(r"(?:bed|bay|rm|room|side[ \t]+room|cubicle)[ \t]*\d")
# A numbered or bulleted sign-out entry that opens with a name and a dash: "1. ambrose -
# septic", "- Thandiwe M. – AKI"; two of them in a post make it a list of patients.
LIST_NAME_DASH_RE: Final = re.compile(
    r"^[ \t]*(?:\d{1,2}[.)]|[-•*])[ \t]+(?P<name>[A-Za-z][a-z'’-]+)"
    r"(?:[ \t]+[A-Z][a-z'’-]+)?(?:[ \t]+[A-Z]\.?)?[ \t]+[-–—][ \t]+",
    re.MULTILINE,
)
NAME_BEFORE_BED_RE: Final = re.compile(
    r"(?P<name>[A-Z][a-zß-öø-ÿā-ž'’-]{2,})[ \t]+(?:on|in)[ \t]+(?:the[ \t]+)?$"
)
# Capitalised words inside a name that are not names themselves: Vietnamese
# middle names ("Tran Thi Hoa"), Irish and Scottish patronymics ("Ní Bhriain").
NAME_PARTICLES: Final = frozenset(
    "Van Văn Thi Thị Ni Ní Nic Mac Ui Uí Ap Bin Binti Bint Ó Ua Bt Bte".split()
)
# "please contact Siobhán Ní Bhriain at 087…": contact with a number is a person's.
CONTACT_NAME_RE: Final = re.compile(
    r"contact(?:ing)?[ \t]+(?P<name>[A-Z][\w'’-]+)(?=[^\n\d]{0,30}?\d{3})"
)
# Endings of drugs and lab names before "is 45": "Troponin is 45 and rising".
LAB_WORD_END_RE: Final = re.compile(r"(?:in|ine|ol|um|ate|ide|ase|en|one)$")
COPULA_AFTER_RE: Final = re.compile(r"[ \t]+(?:is|was|are|were|has|had)\b")
# A word opening a list of lower-case things: "Lactate, cultures, antibiotics and fluids",
# "Café, naïve, ...". A name before a comma is followed by what is said to or of them.
THINGS_LIST_AFTER_RE: Final = re.compile(
    r",[ \t]+[^\W\d_A-Z][\w'’-]*(?:[ \t]+[^\W\d_A-Z][\w'’-]*)?[ \t]*(?:,|and\b|&|or\b)"
)
# "Gaurav, our HCA,": a colleague named with the job; "Harvey the therapy dog".
NOT_PATIENT_AFTER_RE: Final = re.compile(
    r",?[ \t]+(?:(?:our|my|the)[ \t]+(?:hca|nurse|registrar|reg|sho|fy1|fy2|consultant"
    r"|attending|resident|intern|pharmacist|physio|slt|interpreter|translator|porter"
    r"|ward[ \t]+clerk|secretary|medical[ \t]+student|student|cns|np|pa|charge[ \t]+nurse"
    r"|matron|colleague|fellow|receptionist|scribe|tech|midwife|paramedic|chaplain"
    r"|ward[ \t]+manager|manager|nurse[ \t]+in[ \t]+charge|ward[ \t]+sister)"
    # "Victoria, Alexandra and Albert wards": the names of places in a hospital
    r"|(?:wards?|units?|wings?|buildings?|house|hall|block|suites?|theatres?|nurses?|team"
    r"|service|clinic|centre|center|trust|foundation|charity|hospice|scheme|programme|program)"
    r"\b(?![ \t]+\d)"
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
    r"(?:pt|patient)[ \t]+(?P<name>[a-z][a-z'’-]{2,}(?:[ \t]+[a-z][a-z'’-]+){0,2})"
    r"(?=[ \t]*(?:\(|,[ \t]*\d|\d{1,3}[ \t]?[mf]\b))"
)
# Words that may follow "pt" before an age or a bracket without being a name ("pt will (if
# stable) go home").
NOT_A_NAME_AFTER_PT: Final = frozenset(
    "will may can should might must did does is was has had".split()
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
# Words that open a clause inside a sentence, where a name may stand as the subject.
CLAUSE_OPENERS: Final = frozenset(
    """that when because but so until since while after before if then and as where how why
    cos coz till whether""".split()
)
# After a strong listed name opening a sentence: "Rafferty was the sweetest kid".
LISTED_NAME_VERB_RE: Final = re.compile(
    r"[ \t]+(?:is|was|has|had|gets|got|needs|needed|feels|felt|looks|looked|seems|went|goes)"
    r"[ \t]+(?:the|a|an|such|so|my|our|always|never|still|really|very|home|better|worse)\b"
    # "Cerys has missed half of Year 10", "Jerome now has a collections letter".
    r"|[ \t]+has[ \t]+(?:missed|been|had|got|gone|lost|started|stopped|asked|told)\b"
    r"|[ \t]+(?:now|still|finally|also)[ \t]+(?:has|had|is|was|needs|wants)\b"
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
# A sentence about the poster's own career or travels: "Worked in Stoke for 6 years", "I trained
# in Cork", "we flew into Manila". Read from the sentence's start up to the place word; a person
# word in it makes it a patient's ("I sent her home to Dubbo").
POSTER_OWN_PLACE_RE: Final = re.compile(
    r"[ \t\"'(]*(?:(?:i|we)(?:['’](?:ve|d|m))?[ \t]+(?:(?:also|then|once|both|all|just)[ \t]+)?"
    r"(?:worked|work|trained|train|studied|lived|live|stayed|flew|traveled|travelled|moved"
    r"|went|did|spent|grew)"
    r"|(?:worked|working|trained|studied)\b"
    # The poster's own moves and trips: "after 12 years in Dunedin", "I'm moving to…",
    # "Landed in Kyoto", "Back from ATS in San Diego", "Heading to Barcelona".
    r"|(?:i|we)(?:['’]m|['’]re|[ \t]+am|[ \t]+are)?[ \t]+(?:moving|relocating|heading|flying)\b"
    r"|(?:landed|back[ \t]+from|heading[ \t]+(?:to|off)|off[ \t]+to)\b"
    r"|after[ \t]+\d+[ \t]+(?:years|yrs)\b)"
)
# The words right before a town that make it the poster's own place: where they work ("here
# in", "to us in", "I'm at Hopkins in"), where they go ("flying back to", "moving to"),
# colleagues in a town ("resident doctors in"), news of an outbreak. Searched in the sentence
# up to the town or up to its preposition; the sentence must name no person. Not "our ED in
# Swindon saw three overdoses": a unit's town tells where its patients are.
POSTER_PLACE_BEFORE_RE: Final = re.compile(
    r"(?:(?:\bhere|\b(?:to|with|for)[ \t]+us(?:[ \t]+here)?|\bi['’]?m[ \t]+at[ \t]+[^.!?\n]{1,30}?"
    r"|\b(?:doctors|residents|colleagues|gps|hos|nurses|interns|registrars|trainees|medics"
    r"|clinicians|physicians|team|lab))[ \t]+(?:in[ \t]+)?"
    # "Moving from Lagos to Baltimore": both towns are the poster's.
    r"|\b(?:moving|relocating)[ \t]+from[ \t]+[a-z][\w'’-]*(?:[ \t]+[a-z][\w'’-]*)?"
    r"[ \t]+(?:to[ \t]+)?"
    r"|\b(?:flying|heading|headed|going|moving|relocating)(?:[ \t]+back)?(?:[ \t]+home)?"
    r"[ \t]+(?:to[ \t]+)?|\bmoving[ \t]+(?:from[ \t]+)?|\bgreetings[ \t]+(?:from[ \t]+)?"
    r"|\bif[ \t]+you['’]?re[ \t]+(?:in[ \t]+)?"
    # News of an outbreak: "Lassa fever confirmed in Bauchi", "Nipah alert in Kozhikode".
    r"|\b(?:outbreak|outbreaks|cases|alert|confirmed|surge|spike|reported)[ \t]+"
    r"(?:again[ \t]+)?(?:in[ \t]+|near[ \t]+)?)$"
)
# The poster's workplace before its town, whoever else the sentence names: "on our ward in
# Bristol", "our dialysis unit in Jackson", "our teaching hospital in Owerri", "we're in Pune",
# "ED shift in Thunder Bay". Searched up to the preposition "in".
POSTER_WORKPLACE_BEFORE_RE: Final = re.compile(
    r"(?:\bour[ \t]+(?:[\w'’-]+[ \t]+){0,3}?(?:ward|wards|unit|clinic|hospital|centre|center"
    r"|department|dept|ed|er|icu|emergency|practice|surgery|lounge|service|team|lab|trust"
    r"|board|hub|place)|\bwe['’]?re|\bwe[ \t]+are|\bshift|\bshifts|\bnights"
    r"|\b(?:to|with|for)[ \t]+us|\bhere|\bback)[ \t]+$"
)
# A meeting's acronym before "in" and a town: "ESMO in Barcelona", "at ESC in London"; not a
# ward or a unit ("the ICU in Leeds", "our ED in Swindon").
CONFERENCE_BEFORE_RE: Final = re.compile(
    r"(?<![\w&])(?!(?:ICU|ITU|HDU|CCU|NICU|PICU|MICU|SICU|ED|ER|AE|GP|OR|OT|PT|MAU|AMU|SDEC|CDU"
    r"|ENT|GI|EMS|EMT|NHS|VA|UK|US|USA)\b)[A-Z]{2,6}[ \t]+$"
)
# A question for a colleague in a town: "does anyone know a good endo in Cork?", "can anyone
# recommend a physio near Leeds".
REFERRAL_ASK_RE: Final = re.compile(
    r"\b(?:anyone|any(?:body|one)?|recommend(?:ations?)?|recs?)\b[^.!?\n]{0,40}"
    r"\b(?:good|decent|know|recommend\w*|great)\b[^.!?\n]{0,25}$"
)
# Ages over 89 in more phrasings: "a wee man of 92", "she celebrated her 99th last week",
# "she will be 97 this year", "95 next month". Each pattern leads with a literal or is matched
# at a trigger word; the word before is checked in Python (a leading look-behind or word
# boundary would be tried at every position).
AGE_OF_RE: Final = re.compile(
    r"of[ \t]+(?P<age>9\d|1[0-2]\d)(?![\w.,/%-]|[ \t]*(?:%|kg|lbs?|mg|cm|mm|ml|units?|bpm"
    r"|beds?|patients?|pts|cases|people|staff|admissions|referrals|minutes|mins|hours|days"
    r"|weeks|months|and|or|to|out|percent|points|in[ \t]+the)\b)"
)
PERSON_BEFORE_OF_RE: Final = re.compile(
    r"\b(?:man|woman|lady|gentleman|gent|chap|fella|fellow|lad|lass|soul|gal|bloke|widow"
    r"|widower|veteran|grandmother|grandfather|grandma|grandpa|granny|gran|nan|nana|mum|mom"
    r"|dad|mother|father|patient|pt|husband|wife)[ \t]+$"
)
AGE_ORDINAL_RE: Final = re.compile(
    r"(?:her|his|my|their|your)[ \t]+(?P<age>(?:9\d|1[0-2]\d)(?:st|nd|rd|th))"
    r"(?=[ \t]*[.,;:!?)\n]|[ \t]*$|[ \t]+(?:last|this|next|on|in|yesterday|today|tomorrow|with"
    r"|and|at|party|bash|celebrations?|bday|b-day)\b)"
)
# "would you start it at 91 with", "tocilizumab at 93 to spare steroids?", "Mohs at 97 or":
# an age at which a treatment is weighed (a vital sign or a dose has a word of its own before).
AGE_AT_CHOICE_RE: Final = re.compile(
    r"at[ \t]+(?P<age>9\d|1[0-2]\d)(?=[ \t]*\?|[ \t]+(?:with|or|to|given|when|if|and)\b)"
)
TREATMENT_BEFORE_RE: Final = re.compile(
    r"\b(?:would[ \t]+you|start|started|starting|stop|stopping|continue|offer|offering|operate"
    r"|operating|anticoagulate|treat|treating|screen|screening|dialy[sz]e|dialysis|tavi|tavr"
    r"|surgery|chemo|mohs|scope|biopsy|resect|excise|replace|intubate|transfuse|refer|repair"
    r"|amputate|fix|pin|stent|ablate|pacing|pacemaker|icd|immunotherapy|radiotherapy)\b"
)
# "she will be 100.", "he'll be 95 on Sunday": an age to come, after its person.
AGE_TO_COME_RE: Final = re.compile(
    r"be[ \t]+(?P<age>9\d|1[0-2]\d)(?=[ \t]*(?:[.!,;)]|$)|[ \t]+(?:today|tomorrow|on|in|next"
    r"|this|soon|at)\b)",
    re.MULTILINE,
)
PERSON_WILL_BEFORE_RE: Final = re.compile(r"\b(?:she|he|they|who)(?:['’]ll|[ \t]+will)[ \t]+$")
TRIGGERS["be"] = (*TRIGGERS.get("be", ()), "age_to_come")
# Read back from "next"/"this": "95 next month", "97 this year".
AGE_BEFORE_NEXT_RE: Final = re.compile(r"(?<![\w.,/#-])(?P<age>9\d|1[0-2]\d)[ \t]+$")
NEXT_TAIL_RE: Final = re.compile(r"(?:next|this)[ \t]+(?:year|month|week|birthday)\b")
for _rule, _words in (("possessive", "her his my their your"), ("age_next", "next this")):
    for _word in _words.split():
        TRIGGERS[_word] = (*TRIGGERS.get(_word, ()), _rule)
NOT_A_PERSON_BEFORE_AGE_RE: Final = re.compile(
    r"\b(?:bed|beds|room|rooms|bay|ward|wards|unit|floor|level|bus|route|page|cohort|n|mean"
    r"|median|about|around|over|under|than|only|top|score|scored|grade|of|had|have|saw|seen"
    r"|admitted|admissions|runs|staff|patients|pts|cases|[\d%])[ \t:=#]*$"
)
# A patient's initials after "pt" or "patient" (perhaps "initials", perhaps in quotes): "pt JK,
# foreman at", "Pt initials SN, DOB", "pt 'RS', 52", "Pt L.O'C., 17", "pt A.B-K., 29".
INITIALS_AFTER_PATIENT_RE: Final = re.compile(
    r"(?:[Pp][Tt]|[Pp]atient)\.?[ \t]+(?:[Ii]nitials[ \t]+)?(?P<quote>['‘\"“]?)"
    r"(?P<initials>[A-Z](?:\.?(?:[-'’][A-Z]|[A-Z])){1,2}\.?)(?![\w-])(?!['’][A-Z])"
    r"(?=['’\"”]?(?:[ \t]*[,;:)(—–]|[ \t]+(?:\d|is|was|has|had|came|presented|-))|[ \t]*$)",
    re.MULTILINE,
)
# Letters that follow "pt" and are no one's initials.
NOT_INITIALS: Final = frozenset(
    """HR BP ED CT MR OT PT IV PO AF MI PE DM TB ID IR GI OR ER RR CP NG BD OD OK PS NB SOB NAD
    DOB MRN NHS LOS ACS BMI EF PEG AKI MDT TDS PRN CKD UTI CAP DNR ICU GCS ENT HIV COPD HTN FYI
    EMS ICD IVC DVT CVA TIA ECG EKG EEG MRI USS CXR ABG VBG LFT INR RSV CHF CPR""".split()
)
# A surname in capitals after a title: "Mrs DELACROIX, 67", "Mr O'SULLIVAN, 94".
TITLED_CAPITALS_RE: Final = re.compile(
    r"(?<![\w])(?:Mr|Mrs|Ms|Miss|Mx|Mstr|Master)\.?[ \t]+(?P<surname>[A-Z](?:[A-Z]|['’-][A-Z]){2,}"
    r"(?:-[A-Z]{2,})?)(?![\w'’-])"
)
# A given name in lower case after a relative, as texted sign-outs write it: "dtr ingrid
# 555-0188", "his sister june picks up", "wife judith pager". Only a listed given name counts,
# and none of the words that follow a relative as often as a name does.
LOWER_NAME_AFTER_KIN_RE: Final = re.compile(
    r"(?:dtr|daughter|son|wife|husband|sister|brother|mom|mum|dad|cousin|niece|nephew|grandson"
    r"|granddaughter|neighbou?r(?:[ \t]+named)?)[ \t]+(?P<name>[a-z][a-z'’-]{2,})(?![\w'’-])"
)
NUMBER_NEXT_RE: Final = re.compile(r"[ \t]*\(?[ \t]*\+?\d")
NOT_A_NAME_AFTER_KIN: Final = frozenset(
    """will may can said is was has had says told asked called came went and or but who that
    wants wanted does did would could should says thinks knows here there also just still says
    who's at in on of to for with from by""".split()
)
# A nickname in quotes after the words that introduce one: "goes by 'Lucky'", "Regular we
# call 'Preacher'", "Client 'Pockets'", "aka 'Greek'".
QUOTED_NICKNAME_AFTER_CUE_RE: Final = re.compile(
    r"(?i:goes[ \t]+by|called|we[ \t]+call|call(?:s|ed)?[ \t]+(?:him|her|them)|known[ \t]+as"
    r"|aka|client|regular|nicknamed)[ \t]+['‘\"“](?P<nick>[A-Z][\w'’-]*(?:[ \t][A-Z][\w'’-]*)?)"
    r"['’\"”](?![\w])"
)
# The name a person gives or is known by, quoted or not: "regulars know him as Stosh",
# "only knew him as 'Tiny'", "introduced himself as 'Bucky'", "her name is 'Queen Bee'",
# "she calls herself Dolly", "answers only to Nan".
NAME_GIVEN_AFTER_CUE_RE: Final = re.compile(
    r"(?i:kn[oe]ws?[ \t]+(?:him|her|them)[ \t]+as|introduced[ \t]+(?:him|her)self[ \t]+as"
    r"|call(?:s|ed)?[ \t]+(?:him|her)self|(?<=\b(?:his|her)[ \t])name[ \t]+is"
    r"|answers?[ \t]+(?:only[ \t]+)?to)[ \t]+(?P<quote>['‘\"“])?"
    r"(?P<nick>[A-Z][\w-]*(?:['’][A-Za-z][\w-]*)?(?:[ \t][A-Z][\w-]*)?)(?![\w-])"
)
# A surname right after a room or bed in a texted sign-out: "rm 15 fitzgerald - admit",
# "rm 6 - mcallister, 89", "RM 21 HALVORSEN —", "bed 8 villanueva jr", "rm 18 becker is".
AGE_AFTER_SURNAME_RE: Final = re.compile(r",?[ \t]*\d{1,3}[ \t]?(?:[MFmf]\b|,|yo\b|y/o\b)")
ROOM_THEN_SURNAME_RE: Final = re.compile(
    r"(?:rm|room|bed|bay)[ \t]*\d{1,4}[a-z]?[ \t]*(?:[-–—:][ \t]*)?"
    r"(?P<name>[a-z][a-z'’-]{3,}|[A-Z][A-Z'’-]{3,})(?P<initial>,?[ \t]+[A-Z](?![\w'’-]))?"
    r"(?=[ \t]*(?:[,(]|[—–]|-[ \t]|jr\b|\d|is\b|was\b|$))",
    re.IGNORECASE | re.MULTILINE,
)
# Initials in capitals before an age and sex ("MK 97M back in resus", "JT, 92M") or after a
# relative ("Son DH called"): not the letters of a test or a unit (NOT_INITIALS).
INITIALS_BEFORE_AGE_SEX_RE: Final = re.compile(
    r"(?<![\w'’.-])(?P<initials>[A-Z]{2,3}),?[ \t]+(?:1[01]\d|[1-9]?\d)(?=[MF](?![\w]))"
)
INITIALS_AFTER_KIN_RE: Final = re.compile(
    r"(?i:son|daughter|dtr|wife|husband|mum|mom|dad|brother|sister|grandson|granddaughter)"
    r"[ \t]+(?P<initials>[A-Z]{2,3})(?![\w'’-])"
)
