"""Names, places, ages and formats from outside the US."""

from __future__ import annotations

import re
from typing import Final

from privacy.phi.patterns.common import _AGE_NUMBER, _L, _TOKEN
from privacy.phi.patterns.keywords import _RELATION_WORDS, TRIGGERS

# Words that, right before a lower-case word, make it a person's name
# ("pt maria lopez", "her son tyrell", "saw aisha").
NAME_CUE_WORDS: Final = frozenset(
    (
        _RELATION_WORDS
        + """ pt patient mr mrs ms miss mx saw see seeing told tell asked call called
        with named little young old baby dear met visited discharged admitted
        daughter-in-law son-in-law mother-in-law father-in-law sister-in-law brother-in-law
        hubby bf gf ex grandkid granddad grandmom grandmum nan nana gran granny grampa abuela
        abuelo tia tio auntie mama papa stepmom stepdad godmother godfather sis bro
        doña dona don mang aling kuya tita tito lola lolo babcia dziadek"""
    ).split()
)
# A sign-off or greeting just before a name: "— Mark", "Thanks, Sarah".
SIGN_OFF_BEFORE_RE: Final = re.compile(
    r"(?:^|\n)[ \t]*(?:--?|—|–|~)[ \t]*$"
    # A dash inside a line signs off only a name that ends the line (see ``signs_off``).
    r"|(?P<inside>[—–~]|--)[ \t]*$"
    r"|\b(?:thanks|thank you|cheers|best|regards|love|xx|sincerely|hi|hello|hey|dear)[ \t,!]*$",
    re.IGNORECASE,
)
# Support words in a hashtag or handle set up for a patient ("#StrongForSofia").
SUPPORT_WORDS: Final = frozenset(
    """strong for pray prayers praying journey warrior fight fighting heart hope love army
    team brave rest easy forever miss missing remember remembering justice help with
    the recovery update updates miracle angel fly high rip forever wings heaven always loving
    memory mama mom mum mommy momma dad daddy papa nana grandma family baby happy birthday
    auntie aunty aunt uncle nan granny grandpa kia kaha go like save""".split()
)
# A word of a hashtag after which a given name is read as one even when it is also a word:
# "#PrayersForHunter", "#HappyBirthdayAuntieMere", "#GoFaithGo", "#RunLikeFaith".
HASHTAG_NAME_BEFORE: Final = frozenset(
    """for auntie aunty aunt uncle nana nan granny grandma grandpa mama papa mum mom dad go
    like save""".split()
)
# Relatives, by the words posts use for them before their handles.
_HANDLE_RELATIVES = (
    "wife|husband|son|daughter|mum|mom|dad|mother|father|partner|sister|brother|niece|nephew"
    "|grandson|granddaughter|aunt|auntie|uncle|cousin"
)
HANDLE_SOCIAL_CUE_RE: Final = re.compile(
    r"\b(?:instagram|insta|ig|facebook|fb|tiktok|twitter|x|snapchat|youtube|gofundme|page"
    r"|account|handle|follow(?:ing)?|journey|posts?|reels?|updates?|venmo|cashapp|paypal"
    r"|gcash)\b[^@\n]{0,30}$"
    # A relative's a few words on: "a pt's wife DM'd me from @rebecca_loves_jim_82".
    rf"|\b(?:pt|patient)['’]s[ \t]+(?:{_HANDLE_RELATIVES}|family)\b[^@\n]{{0,30}}$",
    re.IGNORECASE,
)
# The patient's own handle, or a relative's right after the word for them: "pt
# @navajo_rose_nez", "Declan's wife @siobhan.mcgrath.76", "Dad (@kb88)", "His dad
# @daveyk_outdoors".
HANDLE_OF_PATIENT_RE: Final = re.compile(
    rf"\b(?:pt|patient|{_HANDLE_RELATIVES}|apo|lola|lolo|nan|nana|gran|granny|grandma|grandpa)"
    r"[ \t]*\(?[ \t]*$",
    re.IGNORECASE,
)
# A name right before a handle in brackets: "Anahera (@anahera.k.w)".
NAME_BEFORE_HANDLE_RE: Final = re.compile(r"([A-Z][a-z'’-]+)[ \t]*\($")
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
PLACE_PREPOSITIONS: Final = frozenset(
    ["out of", *"in from near outside around to fled past beyond dari".split()]
)
# Prepositions after which only a person-linked cue makes a place ("lives off Boylston").
WEAK_PREPOSITIONS: Final = frozenset("off".split())
PLACE_AFTER_RE: Final = re.compile(
    # "Carrick-on-Shannon", "Stratford-upon-Avon", "Bourton-on-the-Water"
    rf"{_TOKEN}(?:-(?:on|upon|under|le|sur|en|in|by)(?:-the)?-{_TOKEN})?"
    rf"(?:[ \t]+(?:(?:St|Ste|Mt)\.(?=[ \t]+[A-Z])|{_TOKEN}"
    # "Surigao del Norte", "Newcastle upon Tyne": a small word between two capitalised ones.
    r"|(?:del|de|la|upon|under|sur|da|dos)(?=[ \t]+[A-Z])"
    r")){0,3}"
)
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
    r"|visit(?:ing)?[ \t]+after|holiday|vacation|trip|meetup|meet-up"
    r"|presenting[ \t]+(?:at|this|my|our|a[ \t]+poster))\b"
    r"|\w*week[ \t]+20\d\d\b"
)
# Any capitalised words after these cues are a place ("lives off Boylston"); the
# window searched ends with the preposition.
ANY_PLACE_CUE_RE: Final = re.compile(
    r"\b(?:(?:lives?|living|lived|resides|residing|stays|staying)"
    r"(?:[ \t]+(?:alone|just|up|down|out|over|back|still|now))*"
    r"[ \t]+(?:near|off|outside|by|in|on)"
    r"|(?:lives?|living|lived|resides|residing|stays|staying)[ \t]+(?:with|near|above|behind"
    r"|next[ \t]+to|by)[ \t]+[^.;:\n]{1,30}?[ \t]+(?:in|near)"
    r"|(?:moved|relocated|moving)[ \t]+(?:here[ \t]+)?(?:to|from)"
    r"|(?:transfer(?:red)?|drove|driven|came|flown|flew|airlifted|walked|travell?ed|commutes"
    r"|commuting|visiting|hails|originally|grew[ \t]+up|raised|born)"
    r"(?:[ \t]+(?:in|over|up|down|here|all[ \t]+the[ \t]+way))?[ \t]+(?:from|in)"
    r"|(?:is|s)[ \t]+(?:originally[ \t]+)?from"
    # "visiting her daughter in Wagga"
    r"|visit(?:ing|ed|s)?[ \t]+(?:her|his|their)[ \t]+[\w-]+[ \t]+(?:in|near|outside)"
    r"|\b(?:man|woman|men|women|boy|girl|guy|lady|gentleman|patient|pt|kid|child|teen|family"
    r"|mother|father|mum|mom|dad|son|daughter|farmer|worker|miner|driver|cleaner|nurse|teacher"
    r"|student|veteran|retiree|widow|widower|bloke|chap|fella|fellow|lad|lass|couple|grandad"
    r"|granddad|grandpa|grandma|granny|nana|aunt|auntie|uncle|cousin|husband|wife|baby|toddler"
    r"|infant|fisherman|fishermen|trucker|rancher|labourer|laborer|shepherd|flyer|regular)s?"
    r"[ \t]+from"
    # "a dairy farmer just outside Tillamook", "a farm outside Dubbo": a home or a living.
    r"|(?:farmer|rancher|grazier|farm|ranch|station|property|croft|cottage|caravan|homestead)s?"
    r"[ \t]+(?:just[ \t]+)?(?:outside|near|out[ \t]+(?:past|beyond)|past|beyond)"
    r"|(?:native|resident)[ \t]+of|(?:town|village|neighbou?rhood)[ \t]+of"
    r"|(?:edge|outskirts|suburbs?|north|south|east|west|centre|center)[ \t]+of)[ \t]*$"
)
CORNER_RE: Final = re.compile(
    # "the corner of Queen and Bathurst", "the bus stop at Wilson and Broadway": a corner
    r"(?:(?P<corner>(?:[Cc]orner|[Jj]unction|[Ii]ntersection|[Cc]rossroads)[ \t]+of"
    r"|\b(?:stop|station)[ \t]+(?:at|on))"
    r"|(?P<near>\b(?:at|near|on|by)))[ \t]+(?:the[ \t]+)?"
    rf"(?P<a>\d{{1,3}}(?:st|nd|rd|th)|{_TOKEN})"
    # "the corner of Main St and Elm": a street type after the first street
    r"(?:[ \t]+(?:St|Street|Ave|Avenue|Rd|Road|Blvd|Dr|Drive)\.?(?=[ \t]+(?:and|&)))?"
    r"[ \t]+(?:and|&)[ \t]+"
    rf"(?P<b>\d{{1,3}}(?:st|nd|rd|th)|{_TOKEN})\b"
)
STATE_TAIL_RE: Final = re.compile(r",[ \t]*([A-Z]{2})(?![\w])")

# Ages over 89 written without "years old".
AGE_AFTER_VERB_RE: Final = re.compile(
    r"(?:is|was|s|(?<=\bi['’])m|turned|turns|turning|aged?[ \t]*:?|age[ \t]+of)[ \t]+"
    r"(?:now[ \t]+|only[ \t]+|just[ \t]+|nearly[ \t]+|almost[ \t]+)?"
    rf"(?P<age>{_AGE_NUMBER})(?P<tail>[ \t]*(?:yo|y/o|y\.o\.)|)(?![\w%°])"
    r"(?![ \t]*(?:%|percent|mg|mcg|kg|lbs?|pounds?|cm|mm|ml|units?|bpm|beats|mmhg|degrees"
    r"|or[ \t]+(?:older|over|above|more)|and[ \t]+(?:older|over|above)|\+|/|[.,-]\d"
    r"|[a-zµ]+/|pg|ng|mmol|meq|iu|seconds?|secs?|min(?:ute)?s?|hours?|hrs?|days?|weeks?"
    r"|months?|years?(?![ \t-]*(?:old|of[ \t]+age))|times|x\b|points?|ms\b))"
)
# ", 93," after a name (the letter before the comma is checked in Python).
# ", 91," or " — 96," after a name or a bed: "Astrid S., 91, NOF #", "Mrs. Wiśniewska — 96,",
# "Our Lola in bed 3, 95, from Marikina", "Mrs. Fitzgerald-Yeo, 92: 'If I say I'm fine…'",
# "Mr Gurdev Sahota, 93 (he says 95)", "from out past Kaikohe, 97 and still chopping wood".
# ", 96 in May", ", 90 on Sunday": an age with the day it is reached, after a name.
AGE_BEFORE_DAY_RE: Final = re.compile(
    rf",[ \t]+(?P<age>{_AGE_NUMBER})[ \t]+(?:on|in|this|next|last)[ \t]+(?:(?:mon|tues|wednes|thurs"
    r"|fri|satur|sun)day|january|february|march|april|may|june|july|august|september|october"
    r"|november|december)\b"
)
_AGE_BETWEEN = (
    rf"[ \t]+(?P<age>{_AGE_NUMBER})(?:[ \t]*[MF]|[ \t]*(?:yrs?|years?)\b)?"
    r"(?:[ \t]*(?:[,)(:]|[—–]|!+(?!\d))|[ \t]+and[ \t]+still\b)"
)
AGE_BETWEEN_COMMAS_RE: Final = re.compile("," + _AGE_BETWEEN)
AGE_BETWEEN_DASHES_RE: Final = re.compile("[—–]" + _AGE_BETWEEN)
AGE_BETWEEN_HYPHENS_RE: Final = re.compile(" -" + _AGE_BETWEEN)
BED_NUMBER_BEFORE_RE: Final = re.compile(r"\b(?:bed|bay|rm|room|cubicle|cub)[ \t]*\d{1,4}[a-z]?$")
# "At 98 she is still...": an age before a person pronoun.
AGE_AT_RE: Final = re.compile(
    rf"\bat[ \t]+(?P<age>{_AGE_NUMBER})(?=[ \t,]+(?:she|he|they|the[ \t]+patient|pt|mum|mom|dad)\b)"
)
# "passed this morning at 97.": an age closing a sentence about a death or a diagnosis.
AGE_AT_END_RE: Final = re.compile(rf"\bat[ \t]+(?P<age>{_AGE_NUMBER})(?=[ \t]*(?:[.!;,]|$))")
LIFE_EVENT_BEFORE_RE: Final = re.compile(
    r"\b(?:died|passed|death|dying|diagnosed|fell|retired|widowed|married|delivered|operated)\b"
)
# "92 and still mowing": an age opening a sentence (the start is checked in Python).
AGE_SENTENCE_START_RE: Final = re.compile(
    rf"(?P<age>{_AGE_NUMBER})(?=[ \t]+today[ \t]*!|(?:[ \t]+today)?[ \t]*(?:,|and[ \t]+still"
    r"|and[ \t]+lives"
    r"|and[ \t]+(?:cycles|walks|drives|swims|dances|gardens|plays|works)\b"
    r"|and[ \t]+living|and[ \t]+sharp|and[ \t]+independent|and[ \t]+(?:she|he)\b"
    r"|and[ \t]+(?:sassy|sassier|feisty|vain|fierce|lucid|witty|funny|stubborn|spry|still"
    r"|tired|tough|tougher|strong|stronger|frail|fit|happy|cheeky|brave|braver|sharper"
    r"|determined|fearless|proud|charming|hilarious)\b))"
)
AGE_NUMBER_WORD_RE: Final = re.compile(
    r"(?P<age>ninety(?:[ -](?:one|two|three|four|five|six|seven|eight|nine))?|(?:a|one)[ -]hundred"
    r"(?:[ -](?:and[ -])?(?:one|two|three|four|five|six|seven|eight|nine|ten))?)\b"
)
AGE_VERB_BEFORE_RE: Final = re.compile(
    r"(?:\b(?:is|was|aged|turned|turns|turning|reached|reaches|hits|hit)|['’]s)[ \t]+$"
)
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
# Ireland's Eircode: a routing key and four characters ("F26 K7P3", "D02 X285"). Taken when
# the four mix letters and digits or the label comes before (checked in Python).
EIRCODE_RE: Final = re.compile(
    r"(?<![\w-])[ACDEFHKNPRTVWXY]\d[\dW][ ]?(?P<unique>[0-9ACDEFHKNPRTVWXY]{4})(?![\w-])"
)
# The last three characters of a UK ("2AA") or Canadian ("3L9") postcode.
POSTCODE_TRIGGER_RE: Final = re.compile(r"0[A-Z][A-Z0]\b")  # on the digit shape
# NHS (and Scottish CHI) numbers: ten digits, usually 3-3-4.
NHS_AFTER_CUE_RE: Final = re.compile(
    r"(?:nhs|chi|hcn)\b[^\n\d]{0,25}?(?P<id>(?<![\w-])\d{3}[ -]?\d{3}[ -]?\d{4}(?![\w-]))"
)
# Provincial health card numbers: 9-10 digits with an optional version code.
HEALTH_CARD_RE: Final = re.compile(
    r"(?:ohip|health[ \t]+card|health[ \t]+number|phn|ramq|msp|msi|mcp|phin|hsn|shn|ahcip"
    r"|health[ \t]+insurance[ \t]+number|pmjay|abha)"
    r"(?:[ \t]*(?:number|no\.?|#|is|:|,|card|id))*[ \t]*"
    r"(?P<id>\d{4}[ -]?\d{3}[ -]?\d{3}(?:[ -]?[A-Z]{2})?|\d{3}[ -]?\d{3}[ -]?\d{3}"
    r"|\d{4}[ -]\d{4}[ -]\d{4})(?![\w-])",
    re.IGNORECASE,
)
INTL_PHONE_RE: Final = re.compile(
    r"\+(?<![\w+]\+)\d{1,3}(?:[ .-]?\(?\d{1,5}\)?){1,5}(?:[ .-]\d{2,6})?(?![\d])"
)
LOWER_TITLE_RE: Final = re.compile(
    # "mr. okonkwo", "Mr. tran"; not "MR vaccine" (a capital, then lower case, or none).
    r"(?P<title>[Mm](?:r|rs|s|iss|x|dm|adam)|[Ee]ncik|[Pp]uan|[Mm]akcik|[Pp]akcik)\.?[ \t]+"
    r"(?:&[ \t]+(?:mr|mrs|ms)\.?[ \t]+)?"
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
    r"|grandma|grandmother|grandfather|partner|carer|caregiver)\b"
    # "dmitri's case", "Cillian's bloods": the possessive only
    r"|(?<=['’]s)[ \t]+(?:case|bloods|labs|scan|results|notes|story|biopsy)\b)"
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
# "Mohinder Kaur, Southall, UB1 3HX": the town written right before a postcode.
PLACE_BEFORE_POSTCODE_RE: Final = re.compile(rf"(?<![\w'’-])({_TOKEN}(?:[ \t]+{_TOKEN})?),?[ \t]+$")
# Mobile numbers written without a cue: UK "07469 555 210" / "07700 900456", Australian
# "0412 555 019". (An NHS number is 3-3-4 and does not start with 07 or 04 in these groups.)
AADHAAR_RE: Final = re.compile(r"(?<![\d-])\d{4}[ -]\d{4}[ -]\d{4}(?![\d-])")
# A North American number without its area code: "555-0172".
LOCAL_NUMBER_RE: Final = re.compile(r"\d{3}-\d{4}")
# Who a local number reaches, or "#": "daughter at 555-0147", "son Minh 555-0193", "best # is".
LOCAL_NUMBER_CUE_RE: Final = re.compile(
    r"(?:#|\b(?:daughter|son|wife|husband|mum|mom|dad|mother|father|partner|carer|sister"
    r"|brother|niece|nephew|aunt|uncle|grandson|granddaughter|family|home|work|best|dtr|callback"
    r"|call[ \t]?back|cousin|neighbou?r|pager|unit[ \t]+at|is[ \t]+at|from|updates)\b)"
)
MOBILE_SHAPE_RE: Final = re.compile(
    r"07\d{3}[ ]?(?:\d{3}[ ]?\d{3}|\d{6})|04\d{2}[ ]?\d{3}[ ]?\d{3}"
    # Numbers dialled with a leading 0 elsewhere: Nigeria, Kenya, South Africa, the
    # Philippines ("0803 555 7721", "0711 555 284", "0998 555 0167"), UK and Australian
    # landlines ("020 7946 0123", "(07) 5550 1834").
    r"|0[1-9]\d{2}[ -]?\d{3}[ -]?\d{3,4}|0\d{2} \d{4} \d{4}|0\d\) ?\d{4} ?\d{4}"
    # India's mobiles, written in two fives ("98410 22736"); Korea's ("010-4821-7763").
    r"|[6-9]\d{4} \d{5}|01[016-9]-\d{3,4}-\d{4}"
)
# Dublin's Eircodes, whose routing key is "D" and a district ("D08 XY52", "D6W X234"): found
# from the literal "D" without a label, unlike the others (below).
DUBLIN_EIRCODE_RE: Final = re.compile(
    r"D(?<![\w-]D)(?:0[1-9]|1[0-8]|2[024]|6W)[ ]?(?P<unique>[0-9ACDEFHKNPRTVWXY]{4})(?![\w-])"
)
# Brazil's postcode after its label: "CEP 05433-010".
CEP_RE: Final = re.compile(r"cep[ \t]*:?[ \t]*(?P<code>\d{5}-?\d{3})(?![\w-])", re.IGNORECASE)
# "Dubbo NSW 2830": an Australian state and its four-digit postcode.
AU_POSTCODE_RE: Final = re.compile(
    r"(?:NSW|VIC|QLD|TAS|ACT|NT|SA|WA),?[ \t]+(?P<code>\d{4})(?![\w/-]|\.\d)"
)
for _word in "nsw vic qld tas act nt sa wa".split():
    TRIGGERS[_word] = (*TRIGGERS.get(_word, ()), "au_state")
# Colleagues named without a title: "Jennifer and Carlos from pharmacy".
COLLEAGUE_AFTER_RE: Final = re.compile(
    r"(?:[ \t]+and[ \t]+[A-Z][a-z]+)?[ \t]+(?:from|in|on)[ \t]+(?:the[ \t]+)?(?:pharmacy|nursing"
    r"|cardiology|nephrology|neurology|oncology|radiology|pathology|surgery|anesthesia"
    r"|anaesthesia|ortho|icu|micu|ed|er|case management|social work|pt|ot|rt|respiratory"
    r"|our team|my team|the team|the \w+ team|the \w+ service|admin|it|billing"
    r"|infection control|palliative|physio"
    r"|physiotherapy|dietetics|nutrition|slt|speech therapy|psych|psychiatry|rehab|theatres?"
    r"|housekeeping|security|reception|the lab|lab|cath lab|imaging|endoscopy|dialysis"
    r"|(?:night|day|late|early|weekend|twilight)[ \t]+(?:team|shift))\b"
    # A ward or a ward's number after "from" is where a colleague works ("Jen from 4B"); after
    # "on" or "in" it is where a patient lies ("Pani Zofia on 5 North", "Esperanza on ward 7").
    r"|[ \t]+from[ \t]+(?:the[ \t]+)?(?:ward[ \t]+(?!rounds?\b)\w+|\d\w?)\b"
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
# "(91)" or "(97, still drives)" after a person.
AGE_IN_BRACKETS_RE: Final = re.compile(rf"\((?P<age>{_AGE_NUMBER})(?:!*\)|,[ \t])")
# Brazil's taxpayer number, on every form there: "123.456.789-09".
CPF_RE: Final = re.compile(r"\d{3}\.\d{3}\.\d{3}-\d{2}(?![\w-])")
# A Malaysian identity card number, "560418-10-5326": yymmdd, a place code, a serial.
MYKAD_RE: Final = re.compile(r"(?<![\w-])\d\d(?P<month>\d\d)(?P<day>\d\d)-\d\d-\d{4}(?![\w-])")
MYKAD_SHAPE: Final = "000000-00-0000"  # its digit shape (see ``digit_shape``)
# A person named right before a bracket: a surname after a title or a relative's title ("Mrs
# Abernethy (97, ...)", "Uncle Tevita Fifita (94)"), or a full name ("Esther Goldberg (99").
TITLED_NAME_BEFORE_RE: Final = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Miss|Mx|Uncle|Aunty|Auntie|Nana|Grandma|Grandpa|Lola|Lolo|Koro|Kuia)\.?"
    rf"(?:[ \t]+[A-Z](?:[\w'’-]+|\.)?){{1,2}}|\b[A-Z][{_L}'’-]+[ \t]+[A-Z][{_L}'’-]+)[ \t]*$"
)
PERSON_BEFORE_AGE: Final = frozenset(
    """pt patient mr mrs ms miss he she man woman lady gentleman grandmother grandfather mum mom
    dad nan gran granny grandma grandpa husband wife mother father sahib sahab saab ji""".split()
)
LOWER_WORD_RE: Final = re.compile(rf"[{_L}]+(?![\w'’-])")
# A patient described by age and sex, then where they come from: "96f from east boston",
# "91m from bath", "t.b., 99, from ballincollig": any listed place after it, in lower case,
# even one that is a word, and any capitalised words ("89F, from Fish Hoek").
AGE_SEX_FROM_RE: Final = re.compile(
    r"\b\d{1,3}(?:[ \t]?(?:[mf]|yo|y/o|(?:yrs?|years?)(?:[ \t]+old)?)\b,?|,)"
    # "96yo lady from ballina", "101yo gentleman from moose jaw"
    r"(?:[ \t]+(?:lady|man|woman|gentleman|gent|male|female|pt|patient|bloke|guy|farmer))?"
    r"[ \t]+from$",
    re.IGNORECASE,
)
LOWER_PLACE_WORDS_RE: Final = re.compile(rf"[{_L}]+(?:[ \t]+[{_L}]+){{0,2}}")
# ", a taxi driver", ", our patient": an appositive that makes the word before it a person.
APPOSITIVE_RE: Final = re.compile(
    r",[ \t]+(?:the[ \t]+(?:parents|couple|twins|grandparents|family|children|kids)\b"
    # "Jean-Baptiste, her partner,", "Mavis, his wife of 60 years": a relative
    r"|(?:his|her|their|my|our)[ \t]+(?:wife|husband|partner|son|daughter|mother|father|mum|mom"
    r"|dad|brother|sister|grandson|granddaughter|grandmother|grandfather|nan|niece|nephew|aunt"
    r"|uncle|cousin|carer|fiance|fiancee|twin|boyfriend|girlfriend|neighbou?r|friend)\b"
    # "Pita, the kaumatua who blessed the ward": a person described
    r"|the[ \t]+[a-z]+[ \t]+(?:who|whose)\b"
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
AGE_WORD_TAIL_RE: Final = re.compile(
    r"[ \t]*(?:,|and[ \t]+(?:still|sharp)|years?[ \t]+(?:old|young)|y/o\b|yo\b|y\.o\.)"
)
# "Mr 95 with pneumonia": an age right after a title, in clipped notes.
# "Mrs 94", and a title and a surname before the age: "mrs fitzgerald 93 from kilkee".
AGE_AFTER_TITLE_RE: Final = re.compile(
    rf"m(?:r|rs|s)\.?[ \t]+(?:[a-zß-öø-ÿ'’-]{{2,}}[ \t]+)?(?P<age>{_AGE_NUMBER})"
    r"(?![\w%./-]|,\d|[ \t]*(?:mg|mcg|kg|%|units?|ml|min(?:ute)?s?|h(?:ou)?rs?|days?|weeks?)\b)"
)
# A sign-out line's bed, a name and an age: "bed 8 nora 95, ?aspiration" (the words are checked
# to be listed names in Python).
BED_NAME_AGE_RE: Final = re.compile(
    r"(?:bed|bay|rm|room|cubicle|cub)[ \t]*\d{1,4}[a-z]?[ \t]*(?:[-–—:,)][ \t]*)?"
    rf"(?P<name>[a-z][a-z'’-]+(?:[ \t]+[a-z][a-z'’-]+)?)[ \t,]+(?P<age>{_AGE_NUMBER})(?:[mf]|yo)?"
    r"(?![\w%./-]|,\d|[ \t]*(?:mg|mcg|kg|%|units?|ml|min(?:ute)?s?|h(?:ou)?rs?|days?|weeks?"
    r"|on|sats?)\b)"
)
# A lower-case letter opening a sentence or a line ("lucia came back").
LOWER_SENTENCE_START_RE: Final = re.compile(r"[.!?\n][ \t\"'(]*[a-z]")
LOWER_WORD_START_RE: Final = re.compile(r"[a-z]+")
for _word in NAME_CUE_WORDS:
    TRIGGERS[_word] = (*TRIGGERS.get(_word, ()), "name_cue")

# Regions that follow a town after a comma ("Hope, BC", "Normal, Illinois", "Battle, East
# Sussex"): states, provinces and counties. The town before them may be any capitalised words.
_REGIONS = (
    "Alabama|Alaska|Arizona|Arkansas|California|Colorado|Connecticut|Delaware|Florida|Georgia"
    "|Hawaii|Idaho|Illinois|Indiana|Iowa|Kansas|Kentucky|Louisiana|Maine|Maryland|Massachusetts"
    "|Michigan|Minnesota|Mississippi|Missouri|Montana|Nebraska|Nevada|New[ \t]+Hampshire"
    "|New[ \t]+Jersey|New[ \t]+Mexico|New[ \t]+York|North[ \t]+Carolina|North[ \t]+Dakota|Ohio"
    "|Oklahoma|Oregon|Pennsylvania|Rhode[ \t]+Island|South[ \t]+Carolina|South[ \t]+Dakota"
    "|Tennessee|Texas|Utah|Vermont|Virginia|West[ \t]+Virginia|Washington|Wisconsin|Wyoming"
    "|Alberta|British[ \t]+Columbia|Manitoba|New[ \t]+Brunswick|Newfoundland|Nova[ \t]+Scotia"
    "|Ontario|Quebec|Saskatchewan|Yukon|Nunavut|New[ \t]+South[ \t]+Wales|Queensland|Tasmania"
    "|Victoria|Western[ \t]+Australia|South[ \t]+Australia|Northern[ \t]+Territory"
    "|NSW|QLD|Qld|VIC|Vic|TAS|Tas|(?:Co\\.?|County)[ \t]+[A-Z][a-z]+"
    "|(?:East|West|North)[ \t]+(?:Sussex|Yorkshire|Riding)|Kent|Essex|Surrey|Devon|Cornwall"
    "|Dorset|Somerset|Norfolk|Suffolk|Cumbria|Lancashire|Cheshire|Derbyshire|Yorkshire"
    "|Lincolnshire|Northumberland|Durham|Shropshire|Herefordshire|Wiltshire|Hampshire"
    "|Gloucestershire|Oxfordshire|Berkshire|Staffordshire|Warwickshire|Leicestershire"
    "|Nottinghamshire|Northamptonshire|Cambridgeshire|Hertfordshire|Worcestershire|Fife"
    "|Perthshire|Aberdeenshire|Argyll|Highlands|Gwynedd|Powys|Ceredigion|Pembrokeshire"
    "|Kerala|Tamil[ \t]+Nadu|Maharashtra|Karnataka|Punjab|Gujarat|Rajasthan|Bihar"
    "|Uttar[ \t]+Pradesh|West[ \t]+Bengal|Andhra[ \t]+Pradesh|Telangana|Odisha|Assam"
    "|Lagos[ \t]+State|Ogun|Oyo|Anambra|Enugu[ \t]+State|Kano|Rivers[ \t]+State"
    # countries after a town ("raised in Kingston, Jamaica")
    "|Jamaica|Trinidad|Barbados|Nigeria|Ghana|Kenya|Uganda|Zimbabwe|Zambia|Malawi|South[ \t]+Africa"
    "|India|Pakistan|Bangladesh|Sri[ \t]+Lanka|Nepal|Philippines|Ireland|Scotland|Wales|England"
    "|Northern[ \t]+Ireland|Poland|Romania|Portugal|Italy|Mexico|Guatemala|Honduras"
    "|El[ \t]+Salvador"
    "|[A-Z]{2}(?![\\w])"
)
REGION_TAIL_RE: Final = re.compile(rf",[ \t]*(?=[A-Z])(?:{_REGIONS})\b")
# A town of any capitalised words after a locative word, right before the region's comma.
TOWN_BEFORE_REGION_RE: Final = re.compile(
    r"\b(?:[Ff]rom|[Ii]n|[Nn]ear|[Oo]utside|[Oo]f|[Tt]o|[Aa]round|[Pp]ast|[Bb]eyond)[ \t]+"
    rf"(?P<town>{_TOKEN}(?:[ \t]+(?:{_TOKEN}|del|de|la|upon|on|under)){{0,3}})$"
)
# A home "at" a town: "now lives in a caravan at Clacton", "living on a farm at Gundagai".
HOME_AT_BEFORE_RE: Final = re.compile(
    r"\b(?:lives?|living|lived|stays?|staying|resides|residing)[ \t]+"
    r"(?:(?:alone|now|still|just)[ \t]+)?(?:in|on)[ \t]+(?:a|an|the|her|his|their)[ \t]+"
    r"(?:[\w-]+[ \t]+){0,2}?(?:caravan|flat|house|bungalow|cottage|farm|trailer|van|boat|hostel"
    r"|shelter|home|bedsit|camp|tent|station|block|croft|unit)[ \t]+$"
)

# Ages written in the language of the note: "95 ans", "101 años", "104 anos", "95 lat",
# "92 éves", "91岁", "92세"; the one-letter units of Finnish, Czech and Lithuanian notes ("93 v,",
# "93 y,", "93 m.,") only inside a list, where no measure is written so. Matched from the number
# the unit's word (or character) follows.
AGE_BEFORE_UNIT_RE: Final = re.compile(rf"(?<![\w.,/])(?P<age>{_AGE_NUMBER})[ \t]*$")
AGE_IN_OTHER_LANGUAGES_RE: Final = re.compile(
    rf"(?P<age>{_AGE_NUMBER})(?:[ \t]*(?:ans|años|anos|anni|ani|lat|éves|jahre"
    r"|jährige[rn]?|år|vuotta|metų|godina|godine|saal|sal|tahun|taon|taong|anyos|jaar|jarige"
    r"|yaşında|yaş|лет|года|岁|歲|세|살|歳)(?![\w])"
    r"|[ \t]+(?:y|v|m\.)(?=[ \t]*[,;)])|[ \t]+a\.(?=[ \t,]))"
)
EAST_ASIAN_AGE_UNITS: Final = "岁歲세살歳"
# An age closing a list item after an identifier of eight digits or more: "OIB 12345678903,
# 93, came by tram", "DOB 03/07/1931, 93, from", "(kt. 140330-2389), 95,".
LONG_NUMBER_BEFORE_RE: Final = re.compile(r"\d[\d/.\- ]{6,}\d\)?$")
# "Happy 100th to Nana Florence!": a birthday's ordinal without the word.
AGE_HAPPY_ORDINAL_RE: Final = re.compile(
    rf"happy[ \t]+(?P<age>{_AGE_NUMBER}(?:st|nd|rd|th))(?![\w])"
)
# Dates written in the language of the note, a day before its month: "3 mars", "17. mars",
# "12 de marzo", "8 de maio", "5. März", "14 maart", "3 marca". Matched from the day before
# each month's word.
DAY_BEFORE_OTHER_MONTH_RE: Final = re.compile(
    r"(?<![\w.,/])(?:0?[1-9]|[12]\d|3[01])\.?[ \t]+(?:de[ \t]+)?$"
)
OTHER_MONTH_YEAR_RE: Final = re.compile(r"[ \t]+(?:de[ \t]+)?(?:19|20)\d\d\b")
# Dates of China and Japan: "2026年3月14日", "3月14日".
EAST_ASIAN_DATE_RE: Final = re.compile(
    r"(?:(?:19|20)\d\d年[ \t]?)?(?:0?[1-9]|1[0-2])月[ \t]?(?:0?[1-9]|[12]\d|3[01])日"
)
# A day and month with the trailing dot of German, Nordic and Central European notes
# ("14.03.", "19.3.", "14. 3."), read as a date only a few words after a word of the stay in
# hospital ("adm", "entlassen", "inskrivning").
# A month and day with a hyphen in a texted sign-out, next to its word: "admit 3-9",
# "4-22 admit", "transferred 6-12 from" (not "3-4 times", "6-12 hours").
HYPHEN_MONTH_DAY_RE: Final = re.compile(
    r"(?<![\w/.-])(?:1[0-2]|0?[1-9])-(?:3[01]|[12]\d|0?[1-9])(?![\w/-]|\.\d)"
    r"(?![ \t]*(?:x\b|times|days?|weeks?|wks?|hours?|hrs?|h\b|mins?|minutes|months?|years?|yrs?"
    r"|mg|mcg|ml|units?|%|/))"
)
DOTTED_DAY_MONTH_RE: Final = re.compile(
    r"(?<![\w.,/])(?:0?[1-9]|[12]\d|3[01])\.[ ]?(?:0?[1-9]|1[0-2])\.(?![\w.]|[ ]?\d)"
)
# A name in Chinese characters or Hangul beside its romanisation: "王秀兰 Wang Xiulan",
# "李建国 (Li Jianguo)", "Choi Mal-soon (최말순)".
_HAN_OR_HANGUL = r"[\u4e00-\u9fff\uac00-\ud7a3]{2,4}"
_ROMANISED = r"[A-Z][a-z]+(?:[ \t]|-)[A-Z]?[a-z]+(?:-[a-z]+)?"
EAST_ASIAN_SCRIPT_RE: Final = re.compile(r"[\u4e00-\u9fff\uac00-\ud7a3]")
NAME_IN_TWO_SCRIPTS_RE: Final = re.compile(
    rf"(?<![\u4e00-\u9fff\uac00-\ud7a3])(?P<native>{_HAN_OR_HANGUL})[ \t]*\(?[ \t]*"
    rf"(?P<roman>{_ROMANISED})(?![\w])"
    rf"|(?P<roman_first>{_ROMANISED})[ \t]*\([ \t]*(?P<native_after>{_HAN_OR_HANGUL})[ \t]*\)"
)
# A nickname or a short name before the name it stands for: "'Bubba' (legal name Tyrell
# Jackson Jr)", "Little Sunny (real name Sunniva Haugen, 3)". Looked for in the few characters
# before each " name" whose word before is "real", "legal", "full" or "proper".
REAL_BEFORE_NAME_RE: Final = re.compile(r"(?:real|legal|full|proper)[ \t]*$")
NAME_BEFORE_REAL_NAME_RE: Final = re.compile(
    r"(?:['‘\"“](?P<quoted>[A-Z][\w'’ -]{0,20}?)['’\"”]|(?<![\w'’-])(?P<bare>[A-Z][a-z]+))"
    r"[ \t]*\([ \t]*$"
)
# Streets of other languages. A street word first, with its number before or after: "12 rue de
# la Roquette", "14 Heol y Nant", "12 Cnoc na Gréine", "14 Sharia El-Tahrir", "ul.
# Marszałkowska 140/12", "calle Mayor 5". Matched at each street word the word pass finds.
_STREET_NAME = (
    r"(?:(?:de|del|de[ \t]+la|des|du|da|do|y|na|la|le|el|al|von|der)[ \t]+)*[A-ZÀ-ÝĀ-Ž][\w'’-]*"
)
NUMBER_BEFORE_STREET_WORD_RE: Final = re.compile(r"(?<![\w/.,-])\d{1,5}[a-zA-Z]?,?[ \t]+$")
STREET_WORD_THEN_NAME_RE: Final = re.compile(
    rf"[\w.]+[ \t]+{_STREET_NAME}(?:[ \t]+{_STREET_NAME}){{0,2}}"
)
STREET_WORD_NAME_NUMBER_RE: Final = re.compile(
    rf"[\w.]+[ \t]+{_STREET_NAME}(?:[ \t]+{_STREET_NAME}){{0,2}}[ \t]+\d{{1,5}}[a-zA-Z]?"
    r"(?:/\d{1,4}[a-zA-Z]?)?(?![\w/-])"
)
# A street in one word with its ending, then its number: "Götgatan 22", "Storetveitvegen 18",
# "Nørrebrogade 45", "Mannerheimintie 88 B 12", "Lindenstraße 4".
STREET_ENDINGS: Final = (
    "gatan",
    "vägen",
    "vegen",
    "veien",
    "vej",
    "gade",
    "gata",
    "gasse",
    "straße",
    "strasse",
    "weg",
    "allee",
    "platz",
    "laan",
    "straat",
    "gracht",
    "katu",
    "tie",
    "kuja",
    "utca",
    "ulica",
    "cesta",
    "iela",
    "gatvė",
    "tänav",
    "sokak",
    "caddesi",
)
# The postcode after such a street: "Götgatan 22, 116 46 Stockholm", "Marszałkowska 140/12,
# 00-061", "Storetveitvegen 18, 5067".
POSTCODE_AFTER_STREET_RE: Final = re.compile(
    r",[ \t]*(?:\d\.[ \t]*\w{1,3},[ \t]*)?(?P<code>\d{2}-\d{3}|\d{3}[ ]\d{2}|\d{4,5})(?![\w/-])"
)
NUMBER_AFTER_STREET_RE: Final = re.compile(
    r"[ \t]+\d{1,5}[a-zA-Z]?(?:[ \t]+[A-Z](?:[ \t]+\d{1,4})?)?(?![\w/-])"
)

# A name typed into a form's field: "Name: HOLLOWAY, DERRICK J    DOB", "Patient name:
# derrick holloway", "Employee: Reyes-Villanueva, Osvaldo". The label opens a line, follows a
# wide gap or one of the words before it (checked in Python); the value runs to a gap of two
# spaces, the line's end or a semicolon, at most four words and initials.
FORM_NAME_RE: Final = re.compile(
    r"(?:name|nombre|nom|naam|nome|employee|claimant|insured|member|resident)[ \t]*[:=][ \t]*"
    r"(?P<name>[^\W\d_][\w'’.-]*(?:,?[ ](?:[^\W\d_][\w'’.-]*))"
    r"{0,3})(?=[ \t]{2,}|[ \t]*(?:[\n;|]|$)|,[ \t]+(?:dob|mrn|age|sex|nhs|ssn|id)\b)",
    re.IGNORECASE,
)
# Words that may stand before "name" in such a label.
FORM_NAME_OWNERS: Final = frozenset(
    """patient pt pt's patient's full first last given family sur maiden legal preferred
    resident client nok kin mother's father's""".split()
)
# DICOM header fields pasted as text: "PatientName: NAKAMURA^HIROSHI", "PatientID = 'HSP-0091'",
# "(0010,0030) PatientBirthDate: 19310507", "PatientAge = '093Y'".
DICOM_FIELD_RE: Final = re.compile(
    r"(?P<field>Patient(?:'s)?[ \t]?(?:Name|ID|BirthDate|Birth[ \t]Date|Age|Address"
    r"|TelephoneNumbers)"
    r"|OtherPatientIDs|(?:Study|Series|Acquisition|Content)Date|AccessionNumber)"
    r"[ \t]*[:=][ \t]*['\"]?(?P<value>[^\s'\",;]+(?:\^[^\s'\",;]+)*)"
)
# A name written the DICOM way, family and given parts joined by carets: "O'BRIEN^SIOBHAN^M".
CARET_NAME_RE: Final = re.compile(
    r"(?<![\w^])[A-Z][A-Za-z'’-]+\^[A-Z][A-Za-z'’-]+(?:\^[A-Z][a-z]*)?"
)
# A file name of an image or document, whose parts may hold a name and a date:
# "IMG_okafor_chidi_0611.jpg", "melanoma_Kowalczyk_Anna_DOB_03-09-1947.png".
FILE_NAME_RE: Final = re.compile(
    r"(?<![\w./-])(?P<stem>[\w-]+(?:[.][\w-]+)*)\.(?:jpe?g|png|heic|heif|dcm|pdf|tiff?|gif|webp"
    r"|bmp|docx?|mp4|mov)(?![\w])",
    re.IGNORECASE,
)
FILE_NAME_PART_RE: Final = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])")
FILE_NAME_DATE_RE: Final = re.compile(
    r"(?<!\d)(?:\d{1,2}[-.]\d{1,2}[-.](?:19|20)\d\d|(?:19|20)\d\d[-.]?\d\d[-.]?\d\d)(?!\d)"
)
# Ages in more phrasings of home visits: "in her 94th year", "(nearly 96!!)", "99 and a half",
# "Mrs Ivy Blenkinsop 102, Mr Stan Earnshaw 91".
AGE_IN_YEAR_RE: Final = re.compile(
    rf"\bin[ \t]+(?:her|his|their)[ \t]+(?P<age>{_AGE_NUMBER}(?:st|nd|rd|th))[ \t]+year\b"
)
AGE_NEARLY_IN_BRACKETS_RE: Final = re.compile(
    rf"\([ \t]*(?:nearly|almost|now|aged|just|also)[ \t]+(?P<age>{_AGE_NUMBER})[ \t]*!*[ \t]*\)"
)
# "oldest 99, youngest 65", "our oldest patient is 102".
AGE_OLDEST_RE: Final = re.compile(
    r"\boldest(?:[ \t]+(?:patient|pt|one|resident|lady|man|woman|member))?(?:[ \t]+(?:was|is|at))?"
    rf"[ \t:]*(?P<age>{_AGE_NUMBER})(?![\w.%/-])"
)
AGE_AND_A_HALF_RE: Final = re.compile(
    rf"(?<![\w.,/])(?P<age>{_AGE_NUMBER})[ \t]+and[ \t]+a[ \t]+half\b(?![ \t]+(?:hours?|hrs?"
    r"|days?|weeks?|months?|years?[ \t]+(?:ago|of)|minutes?|mins?|mg|kg|litres?|liters?|units?))"
)
TITLED_NAME_THEN_AGE_RE: Final = re.compile(
    rf"\b(?:Mr|Mrs|Ms|Miss|Mx)\.?[ \t]+(?:[A-Z][\w'’-]*[ \t]+){{0,3}}[A-Z][\w'’-]+[ \t]+"
    rf"(?P<age>{_AGE_NUMBER})(?=[ \t]*(?:[,;)]|and\b|$))",
    re.MULTILINE,
)
