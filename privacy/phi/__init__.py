"""Patient-privacy scanner for Rounds posts.

``find_phi(text)`` looks for text that could identify a patient, following the
text identifiers of the HIPAA Safe Harbor list (names, small geographic units,
person-linked dates and ages over 89, contact details, record and account
numbers, device and vehicle identifiers, URLs, IP addresses, biometrics and
other unique codes). It returns :class:`Finding` objects sorted by position;
the UI shows :data:`KIND_LABELS` and :data:`KIND_EXPLANATIONS` next to them.

The scanner is plain Python and regular expressions compiled at import time:
no model, no download, no I/O. Every rule is a cheap pattern plus a small
context check around the hit, because in clinical writing the same digits are
a dose, a lab value or a date depending on the words next to them.

Confidence is ``"high"`` when the context makes the identifier unambiguous
(a label such as "MRN", "DOB" or "Mr.", an SSN or email pattern) and
``"low"`` when the text might be innocent (a bare date, a bare five-digit
number, a capitalised word after "pt", any URL).

Speed: ``re`` scans fast only when a pattern starts with a literal, so the
scanner (1) finds all keyword cues in one pass over the lower-cased words and
then runs anchored ``match`` calls at those positions, (2) gives rare shapes a
literal-prefixed trigger (".", "-", "@") and runs the full pattern only when
the trigger fires, and (3) merges shapes that start at the same place
(numeric dates, digit groups, streets) into single passes. A 5,000-character
post takes about a millisecond (see ``bench/phi_bench.py`` and docs/phi.md).
"""

from __future__ import annotations

import re
import string
from bisect import bisect_right
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Final

__all__ = ["HIGH", "KIND_EXPLANATIONS", "KIND_LABELS", "LOW", "Finding", "find_phi"]

HIGH: Final = "high"
LOW: Final = "low"


@dataclass(frozen=True, slots=True)
class Finding:
    """One suspected identifier: ``text == source[start:end]``."""

    kind: str
    start: int
    end: int
    text: str
    confidence: str


KIND_LABELS: Final[dict[str, str]] = {
    "name": "Person's name",
    "address": "Street address or town",
    "zip": "ZIP code",
    "date": "Date linked to a person",
    "age": "Age over 89",
    "phone": "Phone number",
    "fax": "Fax number",
    "email": "Email address",
    "ssn": "Social Security number",
    "mrn": "Medical record number",
    "health_plan": "Health plan number",
    "account": "Account number",
    "licence": "Licence or certificate number",
    "vehicle": "Vehicle identifier",
    "device": "Device serial number",
    "url": "Web address",
    "ip": "IP address",
    "biometric": "Biometric identifier",
    "other_id": "Other identifying number",
}

KIND_EXPLANATIONS: Final[dict[str, str]] = {
    "name": "A name points straight at the patient or at a relative who can lead back to them.",
    "address": "A street address or town narrows the patient down to a household or small area.",
    "zip": "A full ZIP code covers a small area and, with age and sex, often singles out one "
    "person.",
    "date": "A birth, admission, discharge, procedure or death date can be matched against "
    "hospital records.",
    "age": "Very few people are over 89, so an exact age that high is nearly unique.",
    "phone": "A phone number belongs to one person or household and can be looked up.",
    "fax": "A fax number identifies the practice, home or facility that holds the records.",
    "email": "An email address usually contains or reveals the owner's identity.",
    "ssn": "A Social Security number, even in part, is tied to exactly one person.",
    "mrn": "A medical record number opens the patient's chart in the hospital system.",
    "health_plan": "An insurance or Medicare number identifies the member and their claims.",
    "account": "An account or billing number is linked to the patient's bills and payments.",
    "licence": "Licence and certificate numbers are issued to one named person.",
    "vehicle": "A licence plate or VIN can be traced to the registered owner.",
    "device": "An implant or device serial number is registered to the patient who has it.",
    "url": "A web address can lead to a page about the patient; even reference links are "
    "worth a second look.",
    "ip": "An IP address can be traced to a home or device at a given time.",
    "biometric": "Fingerprints, voice prints, retina or face data and distinctive marks "
    "identify a body, not just a record.",
    "other_id": "Any other unique number or code (claim, case, passport, study ID) can be "
    "linked back to the person.",
}

# ---------------------------------------------------------------------------
# Word lists. They keep context checks to O(1) set lookups instead of large
# regex alternations, which cost far more per character scanned.
# ---------------------------------------------------------------------------


def _words(blob: str) -> frozenset[str]:
    return frozenset(blob.split())


# Common given names, used only to accept "First Last" pairs that have no
# other clinical cue. Names that are also common words, months, places or
# eponyms (April, Grace, Hunter, Austin, Virginia...) are deliberately absent.
_FIRST_NAMES: Final = _words(
    """
    Mary Patricia Jennifer Linda Elizabeth Barbara Susan Jessica Sarah Karen Lisa Nancy
    Betty Margaret Sandra Ashley Kimberly Emily Donna Michelle Carol Amanda Dorothy Melissa
    Deborah Stephanie Rebecca Sharon Laura Cynthia Kathleen Amy Angela Shirley Anna Brenda
    Pamela Emma Nicole Helen Samantha Katherine Christine Debra Rachel Carolyn Janet
    Catherine Maria Heather Diane Ruth Julie Olivia Joyce Victoria Kelly Lauren Christina
    Joan Evelyn Judith Megan Andrea Cheryl Hannah Jacqueline Martha Gloria Teresa Ann Sara
    Madison Frances Kathryn Janice Jean Abigail Alice Judy Sophia Denise Doris Marilyn
    Danielle Beverly Isabella Theresa Diana Natalie Brittany Charlotte Marie Kayla Alexis
    Lori Ava Mia Amelia Harper Ella Chloe Zoe Zoey Layla Lily Nora Eleanor Hazel Violet
    Stella Lucy Penelope Scarlett Aaliyah Priya Aisha Fatima Noor Leila Yasmin Mei Keiko
    Yuki Mariana Lucia Sofia Camila Valentina Gabriela Ana Rosa Carmen Guadalupe Juana
    Elena Isabel Paula Beatriz Ines Marta Oksana Olga Tatiana Svetlana Irina Natasha Ingrid
    Astrid Greta Freya Siobhan Aoife Niamh Keisha Latoya Tamika Shanice Imani Ebony Deja
    Chiamaka Ngozi Amara Adaeze Ayesha Sana Anjali Deepa Lakshmi Sunita Kavya Ananya Roberta
    Gertrude Mildred Edna Ethel Agnes Bernice Florence Irene Lois Norma Gladys Hilda Lena
    Rita Vera Wanda Yvonne Maureen Colleen Eileen Bridget Molly Kaitlyn Brianna Jasmine
    Tiffany Erica Erin Tara Dana Leah Naomi Miriam Esther Rivka Tova Eleni Sophie Clara
    Julia Nina Mila Elsa Anya Shira Talia Marisol Luz Dolores Consuelo Inez Maribel Yolanda
    Xiomara Francesca Giulia Chiara Aurelia Renata Ximena Paloma Daniela Alejandra Fernanda
    James Robert John Michael David William Richard Joseph Thomas Charles Christopher Daniel
    Matthew Anthony Donald Steven Paul Andrew Joshua Kenneth Kevin Brian George Timothy
    Ronald Edward Jason Jeffrey Ryan Jacob Gary Nicholas Eric Jonathan Stephen Larry Justin
    Scott Brandon Benjamin Samuel Gregory Alexander Frank Patrick Raymond Jack Dennis Jerry
    Tyler Aaron Jose Adam Nathan Henry Douglas Zachary Peter Kyle Ethan Walter Noah Jeremy
    Keith Roger Terry Gerald Harold Sean Carl Arthur Lawrence Dylan Jesse Bryan Billy Joe
    Bruce Gabriel Logan Albert Willie Alan Juan Wayne Elijah Randy Roy Vincent Ralph Eugene
    Russell Bobby Mason Philip Louis Liam Lucas Oliver Owen Caleb Isaac Luke Levi Julian
    Mateo Santiago Diego Carlos Luis Jorge Miguel Alejandro Rafael Arturo Fernando Ricardo
    Eduardo Javier Pedro Manuel Francisco Antonio Sergio Raul Hector Ramon Enrique Emilio
    Tobias Marcus Deshawn Darnell Jamal Tyrone Malik Andre Terrence Kwame Kofi Chukwuemeka
    Emeka Obinna Tunde Oluwaseun Abdi Mohamed Mohammed Muhammad Ahmed Ali Omar Hassan
    Hussein Yusuf Ibrahim Khalid Tariq Karim Samir Rahul Arjun Vikram Ravi Sanjay Raj Amit
    Anil Kenji Hiroshi Takeshi Haruto Wei Jun Hao Minh Duc Thanh Tuan Dmitri Ivan Sergei
    Alexei Nikolai Vladimir Pavel Igor Andrei Piotr Tomasz Krzysztof Lars Sven Erik Anders
    Hans Klaus Jurgen Stefan Franz Giovanni Giuseppe Marco Luca Matteo Pierre Francois
    Jacques Luc Brayden Jayden Aiden Connor Colton Wyatt Grayson Jaxon Asher Ezra Silas
    Declan Finn Cormac Seamus Ronan Eamon Tom Tommy Tim Jim Jimmy Bob Rob Mike Dave Steve
    Dan Danny Ben Sam Matt Nick Chris Tony Joey Frankie Eddie Ted Teddy Lou Ray Hank Walt
    Gus Leo Vince Ernest Earl Floyd Herbert Howard Leonard Lloyd Melvin Norman Oscar Otis
    Stanley Vernon Wilbur Clarence Cecil Chester Clyde Elmer Homer Horace Luther Milton
    Morris Percy Rufus Sylvester Theodore Virgil Warren Reggie Marvin Calvin Curtis Cedric
    Dwayne Jerome Lamar Maurice Rodney Roland Lucille Gwendolyn Beatrice Harriet Mabel
    Geraldine Rosemary Bernadette Josephine Loretta Lorraine Marjorie Phyllis Pauline Myrtle
    Opal Thelma Velma Winifred Ida Nellie Minnie Fannie Sadie Della Estelle Imogen Ottilie
    Wilhelmina Henrietta Antoinette Claudette Odette Yvette Colette Juliette Anneliese
    Ursula Brigitte Heike Sabine Annika Solveig Sigrid Margit Agnieszka Katarzyna Malgorzata
    Zofia Ewa Halina Bozena Dragana Milica Jelena Snezana Ioana Andreea Mihaela Zeynep
    Elif Ayse Fatma Emine Hatice Nour Rania Dalia Huda Samira Layla Zainab Maryam Khadija
    Amina Hawa Halima Wanjiru Achieng Nkechi Folake Funmilayo Yetunde Abena Akosua Efua
    Thandiwe Nomvula Lindiwe Precious Blessing Chidinma Adwoa Mei-Ling Xiu Ying Hui Yan
    Jing Li Na Hyun Min-ji Seo-yeon Ji-woo Hana Yoko Akiko Naoko Emiko Haruka Aiko Lan
    Thuy Hoa Linh Trang Mai Ngoc Anh Phuong Nguyet Siti Nur Dewi Putri Ayu Rina Meera
    Shreya Pooja Neha Kavita Rekha Usha Geeta Nirmala Savitri Parvati Jaspreet Harpreet
    Manpreet Gurpreet Simran Esperanza Marisela Rocio Pilar Soledad Remedios Graciela
    Leticia Norma Reyna Araceli Yesenia Lourdes Milagros Altagracia Yanira Nayeli Itzel
    Harold Herman Howard Irving Julius Leroy Lester Lowell Mervin Murray Myron Newton Orville
    Oswald Reginald Rudolph Sherman Sidney Stuart Thaddeus Wendell Wilfred Winston Alfred
    Alvin Archibald Bernard Clifford Conrad Cornelius Desmond Edmund Emmett Ferdinand Gilbert
    Gordon Grover Gustav Ignatius Isidore Jasper Lionel Mortimer Nelson Neville Quentin
    Raymond Rupert Seymour Solomon Stanislaw Tadeusz Wojciech Jerzy Zbigniew Bogdan Dariusz
    Goran Dragan Milan Zoran Nikola Bogdan Mehmet Mustafa Emre Burak Yusuf Hamza Bilal
    Idris Ismail Jamil Nabil Rashid Walid Youssef Ayodele Babatunde Chinedu Chibueze Ikechukwu
    Kelechi Olumide Segun Yaw Kwabena Kwesi Kojo Themba Sipho Thabo Bongani Jomo Wanjala
    Tendai Farai Tatenda Haruki Kazuo Kenta Koji Masato Naoki Ryo Shota Takumi Yuto Jian
    Jie Ming Qiang Tao Wen Yong Zhen Chang Hyun-woo Ji-hoon Min-jun Seung Dong-hyun Quang
    Hung Long Nam Phuc Thang Vinh Bao Arvind Ashok Deepak Ganesh Harish Krishna Manoj Mahesh
    Naveen Prakash Rajesh Ramesh Suresh Vijay Gurdeep Harjit Jaswinder Kuldeep Balwinder
    Alonso Rodrigo Ernesto Guillermo Gustavo Ignacio Joaquin Julio Marcos Mauricio Octavio
    Orlando Osvaldo Reynaldo Rogelio Salvador Teodoro Wilfredo Yadiel Jairo Edgar Efrain
    """
)

# Distinctive eponyms and proper nouns that are never a patient's name in
# these posts. Eponyms that are also common surnames (Wilson, Graves, Becker,
# Lynch...) are left out on purpose: the word after them ("disease",
# "syndrome", "fracture") is the better signal, see _EPONYM_FOLLOWERS.
_EPONYMS: Final = _words(
    """
    Parkinson Crohn Apgar Glasgow Hodgkin Alzheimer Addison Cushing Hashimoto Huntington
    Guillain Barre Barré Kawasaki Marfan Klinefelter Raynaud Sjogren Sjögren Wegener Behcet
    Behçet Kaposi Burkitt Meckel Hirschsprung Tourette Asperger Bartter Gitelman Paget
    Peyronie Dupuytren Osgood Schlatter Perthes Brugada Takotsubo Bruton DiGeorge Ehlers
    Danlos Epstein Fanconi Gaucher Niemann Gehrig Lyme Meniere Ménière Munchausen Reye
    Romberg McBurney Kernig Brudzinski Babinski Homan Homans Trendelenburg Valsalva Heimlich
    Whipple Nissen Roux Hartmann Billroth Seldinger Swan Ganz Foley Pugh Ranson Framingham
    Killip Mallampati Kocher Lachman McMurray Phalen Tinel Finkelstein Spurling Kussmaul
    Cheyne Virchow Horner Argyll Holter Doppler Gram Ziehl Neelsen Naegele Braxton Osler
    Janeway Kerley Mallory Zenker Boerhaave Schatzki Budd Chiari Crigler Najjar Wernicke
    Korsakoff Broca Klumpke Colles Monteggia Galeazzi Lisfranc Maisonneuve Salter Bankart
    Scheuermann Kienbock Henoch Schonlein Schönlein Wiskott Aldrich Waldenstrom Waldenström
    Hurthle Merkel Ewing Wilms Krukenberg Trousseau Chvostek Pemberton Lhermitte Uhthoff
    Lennox Gastaut Dravet Rett Angelman Prader Willi Noonan Patau Apert Crouzon Treacher
    Sturge Hippel Lindau Willebrand Glanzmann Hageman Peutz Jeghers Cowden Fraumeni
    Zollinger Sheehan Kallmann Asherman Meigs Bartholin Hesselbach Morgagni Bochdalek Treitz
    Oddi Calot Langerhans Kupffer Sternberg Howell Jolly Heinz Lewy Schwann Purkinje Nissl
    Monro Sylvius Luschka Magendie Edinger Westphal Gunn Adie Kayser Fleischer Brushfield
    Koplik Nikolsky Auspitz Koebner Darier Muehrcke Quincke Corrigan Duroziez Traube
    Duchenne Dreifuss Friedreich Kearns Sayre Leber Menkes Hurler Sanfilippo Morquio Pompe
    McArdle Fabry Krabbe Canavan Zellweger Refsum Lemli Opitz Beckwith Wiedemann Stickler
    Alport Goodpasture Liddle Eisenmenger Ebstein Fallot Takayasu Buerger Churg Strauss
    Cogan Susac Koyanagi Harada Lyell Kasabach Merritt Klippel Trenaunay Maffucci Ollier
    Caffey Blount Freiberg Sprengel Dandy Mobius Möbius Parinaud Benedikt Gubler Foville
    Wallenberg Dejerine Gerstmann Balint Capgras Cotard Fregoli Ganser Kluver Bucy Ekbom
    Tietze Mondor Pancoast Bickerstaff Devic Marchiafava Bignami Creutzfeldt Jakob
    Fleischner Gleason Breslow Coombs Wolff Stokes Weiss Levodopa Arbor Hopkins Mayo Sinai
    Cedars Brigham Farber Kettering Sloan Montefiore Bellevue Geisinger Kaiser Permanente
    Lahey Vanderbilt Emory Baylor Scripps Ochsner Johns Israel
    """
)

# Capitalised words that start sentences, headings and title-cased notes.
_COMMON_CAPS: Final = _words(
    """
    The A An And Or But If In On At To From With Without For Of By As Is Was Are Were Be
    Been Has Had Have Do Does Did Not No Yes This That These Those It He She They We I You
    His Her Hers Him Their Them Our My Your Its Who Whom Whose What When Where Why How Which
    Then Than So Also Just Still Now Today Tomorrow Yesterday Tonight Here There Please
    Thanks Thank Hi Hello Hey Dear Re Fwd Update Note Notes Plan Assessment History Exam
    Impression Diagnosis Chief Complaint Subjective Objective Labs Vitals Meds Medications
    Allergies Imaging Results Education Safety Care Portal Zero Stable Denies Reports States
    Presents Presented Complains Admitted Discharged Seen Came Went Got Says Said Asked Called
    Refused Declined Agreed Reported Noted Found Started Stopped Continues Remains Returns
    Returned Arrived Developed Underwent Tolerating Ambulating Doing Feeling Feels Looks
    Appears Needs Wants Wanted Likes Lives Works Takes Took Uses Used Drinks Smokes Left Right
    Bilateral Chest Pain Shortness Breath Fever Cough Nausea Vomiting Diarrhea Headache
    Abdominal Back Leg Arm Head Neck Heart Lung Liver Kidney Brain Blood Pressure Rate Sugar
    Glucose Emergency Department Room Unit Floor Ward Bed Hospital Clinic Center Centre
    Medical General Memorial Regional Community University County Health Healthcare System
    Services Service Institute School College Academy Society Association Foundation Board
    Committee Team Group Program Division Internal Medicine Surgery Cardiology Oncology
    Neurology Nephrology Pulmonology Radiology Pathology Pediatrics Psychiatry Dermatology
    Urology Orthopedics Anesthesia Critical Intensive Primary Family Palliative Hospice Home
    Nursing Pharmacy Lab Laboratory Social Work Worker Case Manager Management Physical
    Occupational Therapy Speech Nutrition Patient Patients Pt Doctor Dr Nurse Mr Mrs Ms Miss
    Mister Mx Prof Professor Sir Madam Sister Brother Father Mother Son Daughter Wife Husband
    Baby Boy Girl Man Woman Male Female Gentleman Lady Monday Tuesday Wednesday Thursday
    Friday Saturday Sunday January February March April May June July August September
    October November December Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec Spring
    Summer Fall Autumn Winter Christmas Easter Thanksgiving New Old Young Big Little Great
    Good Bad Best First Second Third Last Next Other Another Some Any All Both Each Every
    Many Much More Most Few Several One Two Three Four Five Six Seven Eight Nine Ten Type
    Stage Grade Class Level Score Scale Test Study Trial Guideline Guidelines Review
    Question Answer Thoughts Help Advice Follow Discharge Admission Consult Summary Report
    Order Orders Chart Record Code Status Full Comfort Via Per Post Pre Positive Negative
    Normal Abnormal Acute Chronic Severe Mild Moderate Recurrent Refractory Sepsis Stroke
    Cancer Diabetes Hypertension Pneumonia Infection Disease Syndrome Sign Signs Symptoms
    Lives Living Alone Everything Nothing Someone Anyone Everyone Sorry Okay Ok Great Wow
    Interesting Amazing Quick Reminder Lesson Question Case Posting Discussed Spoke Met Saw
    Called Cleaning Need Needs Anyone Anybody Can Could Would Should Will Shall May Might
    Must Let Lets Let's Happy Best Regards Cheers Sincerely Attending Resident Fellow Intern
    Student Colleague Team Staff Pharmacist Therapist Chaplain Interpreter Translator
    Unknown Unnamed Anonymous Identified Ultrasound Echo Scan Surgery Procedure Operation
    Biopsy Culture Cultures Blood Urine Stool Sputum Positive Insurance Medicare Medicaid
    Tricare Billing Account Claim Police Court State Federal City Town Village Street Avenue
    Road Lane Drive North South East West Central Upper Lower Inner Outer Greater Metro
    """
)

# Brand names appear capitalised right after "pt" ("gave pt Zofran").
_DRUG_BRANDS: Final = _words(
    """
    Tylenol Zofran Lasix Eliquis Xarelto Coumadin Ativan Haldol Norco Percocet Dilaudid
    Keppra Lovenox Narcan Ozempic Wegovy Mounjaro Jardiance Farxiga Entresto Lipitor Crestor
    Zoloft Prozac Lexapro Xanax Valium Ambien Seroquel Zyprexa Risperdal Abilify Lamictal
    Depakote Tegretol Dilantin Synthroid Lantus Humalog Novolog Levemir Tresiba Trulicity
    Victoza Januvia Glucophage Plavix Brilinta Aspirin Motrin Advil Aleve Toradol Benadryl
    Claritin Zyrtec Flonase Albuterol Ventolin Proventil Symbicort Advair Spiriva Prednisone
    Medrol Decadron Solumedrol Zosyn Vancomycin Vanc Rocephin Cipro Levaquin Bactrim Keflex
    Augmentin Zithromax Flagyl Diflucan Tamiflu Paxlovid Remdesivir Humira Remicade Stelara
    Enbrel Keytruda Opdivo Herceptin Avastin Neulasta Epogen Procrit Heparin Protonix Prilosec
    Nexium Pepcid Reglan Miralax Colace Senna Imodium Flomax Proscar Cialis Viagra Norvasc
    Lopressor Toprol Coreg Cozaar Diovan Zestril Aldactone Bumex Demadex Lanoxin Cordarone
    Multaq Xeljanz Rinvoq Dupixent Botox Suboxone Methadone Insulin Potassium Magnesium
    """
)

_US_STATES: Final = _words(
    """
    AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV
    NH NJ NM NY NC ND OH OK OR PA PR RI SC SD TN TX UT VT VA WA WV WI WY
    """
)

# Places too large to identify anyone ("lives in Florida", "moved to Canada").
_LARGE_PLACES: Final = _words(
    """
    Alabama Alaska Arizona Arkansas California Colorado Connecticut Delaware Florida Georgia
    Hawaii Idaho Illinois Indiana Iowa Kansas Kentucky Louisiana Maine Maryland
    Massachusetts Michigan Minnesota Mississippi Missouri Montana Nebraska Nevada New
    Hampshire Jersey Mexico York Carolina Dakota Ohio Oklahoma Oregon Pennsylvania Rhode
    Island Tennessee Texas Utah Vermont Virginia Washington Wisconsin Wyoming America USA US
    Canada England Scotland Wales Ireland Britain UK France Germany Spain Italy Portugal
    Poland Ukraine Russia China Japan Korea India Pakistan Bangladesh Nigeria Ghana Kenya
    Ethiopia Somalia Egypt Brazil Argentina Colombia Peru Chile Venezuela Cuba Haiti Jamaica
    Philippines Vietnam Australia Zealand Europe Asia Africa Puerto Rico Guatemala Honduras
    Salvador Dominican Republic Israel Iran Iraq Syria Lebanon Turkey Greece Sweden Norway
    Denmark Finland Netherlands Belgium Switzerland Austria Afghanistan Nepal Sudan Congo
    The Midwest South North East West Northeast Southwest Southeast Northwest Rural Urban
    """
)

_NOT_NAME: Final = _EPONYMS | _COMMON_CAPS | _DRUG_BRANDS | _LARGE_PLACES

# A capitalised pair followed by one of these is an eponym or an institution
# ("Charles Bonnet syndrome", "Marcus Gunn pupil", "Mary Washington Hospital").
_EPONYM_FOLLOWERS: Final = _words(
    """
    syndrome syndromes disease disorder sign signs score scale criteria classification
    staging stage grade pupil pupils murmur maneuver manoeuvre test reflex phenomenon nodule
    node nodes lesion lesions fracture sequence triad procedure operation repair surgery tube
    catheter sarcoma lymphoma tumor tumour carcinoma cell cells body bodies palsy paralysis
    pattern approach incision point law rule equation formula effect ratio index method stain
    staining type variant anomaly malformation cyst ulcer tear hernia line lines space canal
    duct gland ligament triangle plexus valve wave sphincter diverticulum esophagus virus
    bacillus protocol position breathing respiration gait contracture thyroiditis
    encephalopathy aneurysm angina arthritis dystrophy ataxia chorea hospital clinic center
    centre institute university college school medical memorial foundation award lecture
    prize trial study cohort calculator questionnaire inventory technique forceps clamp
    retractor splint brace boot fund regional general health healthcare children's
    """
)

_CREDENTIALS: Final = _words(
    """
    MD M.D. DO D.O. MBBS MBChB PhD RN NP PA PA-C DNP PharmD FACP FACC FACS FRCP FRCPC FRCS
    MPH MSc BSN APRN CNM CRNA DDS DMD MS MA BA BS LPN CNA FAAP FACEP FCCP FHM
    """
)

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

_TOKEN_RE: Final = re.compile(_TOKEN)
# Punctuation and spacing become a plain space, so that ``split(" ")`` yields
# the words of the lower-cased text ("s/n" stays one word) at C speed.
_TO_SPACE: Final = {
    c: " "
    for c in [*range(0x80), 0xA0, 0x2019, 0x2018, 0x201C, 0x201D, 0x2013, 0x2014, 0x2028]
    if not (chr(c).isalnum() or chr(c) == "/")
}

# ---------------------------------------------------------------------------
# Context regexes, run on short windows of the lower-cased text
# ---------------------------------------------------------------------------

# Words that tie a date to a person or a clinical event.
_DATE_CUE_RE: Final = re.compile(
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
_EVENT_CUE_RE: Final = re.compile(
    r"\b(?:d\.?o\.?b|born|admit(?:ted)?|readmit(?:ted)?|discharg(?:e|ed)|died|surgery"
    r"|operated|underwent|biopsy|ct|mri|echo|cath|intubated|extubated|delivered|lmp|edd"
    r"|seen|saw|visit(?:ed)?|presented|diagnosed|fell|injured|vaccinated|transferred|dated"
    r"|started|stopped|on|since|until|mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun|monday"
    r"|tuesday|wednesday|thursday|friday|saturday|sunday)\b"
)
# "4/5 strength", "pain 7/10", "CPAP 12/8": fractions and settings, not dates.
_FRACTION_CONTEXT_RE: Final = re.compile(
    r"\b(?:strength|power|grip|pain|grade|murmur|acuity|score|reflex(?:es)?|bp|pressure"
    r"|ratio|tab(?:let)?s?|dose|of|scale|motor|cpap|bipap|peep|vent|settings?)\b"
)
# Dates of meetings, publications and approvals are not tied to a patient.
_EVENT_NOT_PERSON_RE: Final = re.compile(
    r"\b(?:conference|congress|meeting|summit|symposium|webinar|workshop|sessions?"
    r"|registration|deadline|abstracts?|posters?|lectures?|talk|course|published|publication"
    r"|approved|approval|guidelines?|statement|updated?|released?|journal|grand rounds|cme"
    r"|launch(?:ed)?|convention|annual meeting|scientific|holiday|applications?|office)\b"
)
# Meeting shorthand such as "ACC.24" or "CHEST 2024" (case matters here).
_MEETING_TAG_RE: Final = re.compile(r"\b[A-Z]{2,6}(?:\.\d{2}|[ \t]20\d{2})\b")
_RANGE_IN_DATE_RE: Final = re.compile(r"\d[ \t]*(?:-|–|—|to|through|thru)[ \t]*\D*\d")
_DATE_LABEL_RE: Final = re.compile(r"\b(?:d\.?o\.?b|lmp|edd|dod|date of \w+)\b[ \t.:]*$")

_PHONE_CUE_RE: Final = re.compile(
    r"\b(?:(?P<fax>fax(?:es|ed|ing)?|telefax)|(?P<label>(?:phone|tel|telephone|cell|cellphone"
    r"|mobile|ph|pager|landline|whatsapp)s?)|call(?:ed|s)?|reach|contacts?|text|voicemail"
    r"|numbers?)\b"
)
_TEMPERATURE_CUE_RE: Final = re.compile(r"\b(?:t|temp|temperature|tmax|tm|fever|febrile)\b")
_VERSION_BEFORE_RE: Final = re.compile(r"\b(?:version|ver|v|release|build|firmware)\.?[ \t]*$")

_ZIP_EXCLUDE_BEFORE_RE: Final = re.compile(
    r"\b(?:cpt|hcpcs|codes?|coded|coding|billed|bill|billing|charged|e/m|icd|pmid|nct|drg"
    r"|rvus?|modifier)\b"
)
_LAB_BEFORE_RE: Final = re.compile(
    r"\b(?:wbc|plt|platelets?|bnp|nt-?probnp|troponin|trop|ferritin|cd4|ldh|ck|cpk|d-?dimer"
    r"|lipase|amylase|tsh|vitamin|hcg|afp|cea|count|svr|pvr|level|iu|dose)[ \t:=]*$"
)
_UNIT_AFTER_RE: Final = re.compile(
    r"[ \t]*(?:mg|mcg|µg|ug|g|kg|ml|l|units?|u|iu|meq|mmol|mol|ng|pg|cells?|copies|steps?"
    r"|kcal|cal|mm|cm|m|km|mi|miles?|ft|feet|lbs?|pounds?|patients?|people|persons?|cases?"
    r"|visits?|admissions?|deaths?|participants?|subjects?|sites?|hours?|hrs?|minutes?|min"
    r"|days?|weeks?|months?|years?|times?|x|dollars?|usd|beds?|applications?|members?"
    r"|physicians?|doctors?|nurses?|residents?|students?|views?|followers?|words?|cmh2o"
    r"|mmhg|ms)\b"
    r"|[ \t]*[/%]"
)
_ZIP_CUE_RE: Final = re.compile(
    r"\b(?:lives?|living|resides?|residing|moved|relocated|zip|area|neighbou?rhood)\b"
)
_STATE_BEFORE_RE: Final = re.compile(r"\b([A-Z]{2})[ \t]+$")
_CITY_BEFORE_STATE_RE: Final = re.compile(rf"({_TOKEN}(?:[ \t]+{_TOKEN}){{0,2}}),[ \t]*$")

_PERSON_NOUN_RE: Final = re.compile(
    r"\b(?:patients?|pts?|man|men|woman|women|gentleman|lady|guy|boy|girl|teen(?:ager)?"
    r"|child|kid|baby|infant|toddler|newborn|son|daughter|wife|husband|brother|sister"
    r"|mother|father|friend|someone|person|veteran|student|farmer|worker|individual)\b"
)
_NOT_PERSON_NAME_RE: Final = re.compile(
    r"\b(?:brand|generic|trade|drug|file|user|product|street|domain|code|screen|host|company"
    r"|program|study|trial|last|first|maiden|middle)[ \t]+$"
)
_COLLEAGUE_BEFORE_RE: Final = re.compile(
    r"(?:\b(?:Dr|Drs|Doctor|Prof|Professor|Nurse|Rev|Sr)\.?[ \t]+$)"
    r"|(?:\b(?:talk|lecture|presented|written|authored|taught) by[ \t]+$)"
)
_FOLLOWING_WORD_RE: Final = re.compile(r"(?:['’]s)?[ \t]*([\w'’.-]+)(?:[ \t]+(\w+))?")
_CREDENTIAL_AFTER_RE: Final = re.compile(r",[ \t]*([A-Za-z][A-Za-z.-]{1,7})(?![\w])")
_SIGNATURE_BEFORE_RE: Final = re.compile(
    r"\n[ \t]*(?:--?|—|–|~)|\b(?:MD|M\.D\.|DO|MBBS|MBChB|PhD|NP|PA-C|RN|DNP|PharmD|FACP"
    r"|FRCP\w*|Dr\.)(?![\w])|\bmy[ \t]+npi\b"
)
_DOSE_AFTER_RE: Final = re.compile(r"[ \t]*\d")

# ---------------------------------------------------------------------------
# Keyword rules. A single pass over the lower-cased words finds trigger
# words; each rule then runs ``match`` at those offsets only.
# ---------------------------------------------------------------------------

# Labelled identifiers: a label followed by a code.
_NUM_SUFFIX = r"(?:[ \t]*(?:number|no\.?|#|id|identifier|num))?"
_ID_LABELS: Final[dict[str, str]] = {
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
_ID_LABEL_RE: Final = re.compile(
    "(?:" + "|".join(f"(?P<{kind}>{rx})" for kind, rx in _ID_LABELS.items()) + ")"
    # A label ending in a letter must end the word ("mrn", not "mrna"); one
    # ending in "#" may touch the code ("case #CR-2023-4471").
    r"(?!(?<=[a-z])[a-z])"
)
# Short labels that are ordinary words in lower case ("fin", "sn", "dl").
_UPPERCASE_ONLY_LABELS: Final = frozenset({"fin", "sn", "dl", "vin", "mbi", "dea"})
_ID_AFTER_LABEL_RE: Final = re.compile(
    r"[ \t]*(?:[:#=.(-][ \t]*)*"
    r"(?:(?:[Nn]o|[Nn]os|[Nn]umber|[Nn]um|[Nn]r|is|was|are|of|ID|[Ii]d|[Ee]nding(?:[ \t]+in)?)"
    r"\b\.?[ \t]*[:#]?[ \t]*){0,3}"
    # A few words may sit between label and code: "MRN for this patient is 123".
    r"(?:(?:for|on|of|in)(?:[ \t]+[a-z]+){0,4}?(?:[ \t]+(?:is|was|reads)\b|[ \t]*[=:])[ \t]*)?"
    r"(?P<id>(?:[A-Z]{1,4}[ ](?=\d))?(?=[A-Z0-9-]*\d)[A-Z0-9](?:[A-Z0-9]|[-/](?=[A-Z0-9]))*"
    r"(?:[ ](?=[A-Z0-9-]*\d)[A-Z0-9](?:[A-Z0-9]|-(?=[A-Z0-9]))*){0,3})(?![\w-])"
)
_LAST_FOUR_SSN_RE: Final = re.compile(
    r"last (?:4|four)(?: digits)? of (?:(?:his|her|their|the) )?(?:ssn|social security)"
    r"(?: number)?[ \t]*(?:is|are|was|:)?[ \t]*:?[ \t]*(\d{4})\b"
)
_PMID_RE: Final = re.compile(
    r"(?:pmid|pmcid|pubmed(?:[ \t]+id)?)[ \t]*[:#]?[ \t]*(?:pmc)?\d{1,9}\b"
)
_NPI_RE: Final = re.compile(r"npi\b(?:[ \t]*(?:number|no\.?|#|:|is))*[ \t:#]*(\d{10})\b")
_ZIP_LABEL_RE: Final = re.compile(
    r"(?:zip|zipcode|postal code|post code|postcode)\b(?:[ \t]*\+[ \t]*4)?"
    r"(?:[ \t]*(?:code|is|:|#|\())*[ \t]*(\d{5}(?:-\d{4})?)(?![\w-])"
)
# Looser phone shapes ("555-0199") count only right after a phone label.
_LABELLED_PHONE_RE: Final = re.compile(
    r"(?:phone|tel|telephone|cell|cellphone|mobile|ph|fax|pager|landline|whatsapp)\b\.?"
    r"(?:[ \t]*(?:no\.?|number|#|is|:))*[ \t:#]*"
    r"(?P<num>\+?\(?\d[\d \t().-]{5,18}\d(?:[ \t]*(?:x|ext\.?)[ \t]*\d{1,5})?)"
)
_AGE_CUE_RE: Final = re.compile(
    r"(?:(?P<label>aged?|turned|turns|turning)[ \t]*:?"
    # "she is 91", "pt is 96": a bare number after a person and a verb.
    r"|(?:he|she|patient|pt|mom|dad|mother|father|grandmother|grandfather)(?:['’]s|[ \t]+(?:is"
    r"|was|turns|just[ \t]+turned))(?:[ \t]+(?:actually|now|already|nearly|almost|just|only"
    rf"|about))?)[ \t]*(?P<age>{_AGE_NUMBER})\b"
    r"(?![ \t]*(?:\+|or (?:older|over|above|more)|and (?:older|over|above)|years? (?:and|or)"
    r"|%|percent|mg|mcg|kg|lbs?|pounds?|cm|inches|in\b|bpm|beats|mmhg|mm|ml|units?|/|°"
    r"|degrees|f\b|c\b|\.\d|-))"
)
_CITY_CUE_RE: Final = re.compile(
    r"(?:(?:lives|living|lived|resides|residing|resided)(?:[ \t]+alone)?[ \t]+(?:in|to)"
    r"|(?:moved|relocated)[ \t]+(?:in|to|from)|grew[ \t]+up[ \t]+in|raised[ \t]+in"
    r"|born[ \t]+in|hometown[ \t]+(?:of|is))"
    r"[ \t]+(?:the[ \t]+)?"
)
_CITY_AFTER_CUE_RE: Final = re.compile(rf"{_TOKEN}(?:[ \t]+{_TOKEN}){{0,2}}")
_BIOMETRIC_RE: Final = re.compile(
    r"(?:(?:finger|thumb|palm|voice)[ \t-]?prints?|retina(?:l)?[ \t]+scans?|iris[ \t]+scans?"
    r"|facial[ \t]+recognition|face[ \t]+scans?|full[ \t-]face[ \t]+(?:photo(?:graph)?s?"
    r"|images?|pictures?)|dna[ \t]+(?:profiles?|fingerprints?)|hand[ \t]+geometry"
    r"|biometrics?(?:[ \t]+(?:data|scans?|templates?|identifiers?|id))?)\b"
)
_TATTOO_RE: Final = re.compile(
    r"tattoo(?:ed)?[ \t]+(?:reading|saying|that says|of|with)[ \t]+"
    r"(?:the[ \t]+name[ \t]+)?(?:['\"‘“][^'\"’”\n]{1,40}['\"’”])"
)
_HOLIDAY_RE: Final = re.compile(
    r"(?:Christmas(?:[ \t]+(?:Eve|Day))?|New[ \t]+Year['’]?s(?:[ \t]+(?:Eve|Day))?"
    r"|Thanksgiving(?:[ \t]+Day)?|Easter(?:[ \t]+Sunday)?|Halloween|Independence[ \t]+Day"
    rf"|Valentine['’]?s[ \t]+Day|Labor[ \t]+Day|Memorial[ \t]+Day)[ \t]+(?:of[ \t]+)?{_YEAR}\b"
)
_NAME_CUE_RE: Final = re.compile(
    r"(?:(?P<pt>patient|pt)\b\.?|(?P<named>named|called|name is|name['’]s|goes by|name)"
    r"|(?P<rel>wife|husband|son|daughter|mother|mom|mum|father|dad|brother|sister|partner"
    r"|spouse|fianc[eé]e?|boyfriend|girlfriend|grandson|granddaughter|grandmother"
    r"|grandfather|grandma|grandpa|grandchild|niece|nephew|aunt|uncle|cousin|caregiver"
    r"|carer|guardian|proxy|roommate|neighbou?r|stepson|stepdaughter|stepmother|stepfather"
    r"|sibling|twin|child|kid|boy|girl|teen|baby|infant|man|woman|gentleman|lady)\b)"
)
_NAME_AFTER_CUE_RE: Final = re.compile(
    rf"(?:[ \t]*[,:(][ \t]*|[ \t]+)(?:is[ \t]+)?(?P<name>{_NAME_SEQ})"
)

_RELATION_WORDS = """
    wife husband son daughter mother mom mum father dad brother sister partner spouse fiance
    fiancee fiancé fiancée boyfriend girlfriend grandson granddaughter grandmother grandfather
    grandma grandpa grandchild niece nephew aunt uncle cousin caregiver carer guardian proxy
    roommate neighbor neighbour stepson stepdaughter stepmother stepfather sibling twin child
    kid boy girl teen baby infant man woman gentleman lady
"""
# Trigger word -> rules that start at that word.
_TRIGGERS: Final[dict[str, tuple[str, ...]]] = {}
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
        "lives living lived resides residing resided moved relocated grew raised born hometown",
    ),
    (
        "biometric",
        """finger fingerprint fingerprints thumb thumbprint thumbprints palm palmprint
        palmprints voice voiceprint voiceprints retina retinal iris facial face full dna hand
        biometric biometrics""",
    ),
    ("tattoo", "tattoo tattooed"),
    ("zip", "zip zipcode postal post postcode"),
    ("pmid", "pmid pmcid pubmed"),
    ("npi", "npi"),
    ("last_four", "last"),
    (
        "holiday",
        "christmas new thanksgiving easter halloween independence valentine labor memorial",
    ),
    ("phone_label", "phone tel telephone cell cellphone mobile ph fax pager landline whatsapp"),
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
        _TRIGGERS[_word] = (*_TRIGGERS.get(_word, ()), _rule)

# ---------------------------------------------------------------------------
# Shape rules, run on the original text
# ---------------------------------------------------------------------------

# Protected shapes (never reported unless inside a URL). Each starts with a
# literal so ``re`` can skip straight to candidates.
_DOI_RE: Final = re.compile(r"10\.(?<![\w.]10\.)\d{4,9}/[^\s\"<>]+")
_ORCID_TRIGGER_RE: Final = re.compile(r"-\d{4}-\d{3}[\dX]")
_ORCID_RE: Final = re.compile(r"\b\d{4}-\d{4}-\d{4}-\d{3}[\dX]\b")
_TRIAL_ID_RE: Final = re.compile(r"\b(?:NCT\d{8}|ISRCTN\d{8}|EudraCT[ \t]*\d{4}-\d{6}-\d{2})\b")
_MENTION_RE: Final = re.compile(r"@(?<![\w.@]@)[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?")

# Emails are found from each "@": walk back over the local part, then match
# the domain forward, which stays linear even for text like "a@a@a@...".
_EMAIL_LOCAL_CHARS: Final = frozenset(string.ascii_letters + string.digits + "._%+-")
_EMAIL_DOMAIN_RE: Final = re.compile(r"@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b")
_URL_BODY = r"[^\s<>\"'()\[\]{}]+"
_URL_RES: Final = (
    re.compile(rf"h(?<![\w]h)ttps?://{_URL_BODY}"),
    re.compile(rf"w(?<![\w./]w)ww\.{_URL_BODY}"),
    re.compile(rf"f(?<![\w]f)tp://{_URL_BODY}"),
)
_TLD = r"(?:com|org|net|edu|gov|io|health|info|co\.uk|org\.uk|nhs\.uk|ca)"
_TLD_TRIGGER_RE: Final = re.compile(rf"\.{_TLD}(?![a-z0-9-])")
_BARE_DOMAIN_RE: Final = re.compile(
    rf"(?<![\w@./-])(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+{_TLD}"
    r"(?:/[^\s<>\"'()\[\]{}]*)?(?![\w@])"
)
_DOMAIN_CHARS: Final = frozenset("abcdefghijklmnopqrstuvwxyz0123456789.-")
# Digit groups: phone numbers in any national format, sorted out afterwards.
_DIGIT_GROUPS_RE: Final = re.compile(
    # The leading look-ahead lets ``re`` skip to candidate characters quickly.
    r"(?=[\d+(])(?<![\w+/.-])(?:\+?\d{1,3}[ .-])?\(?\d{1,5}\)?(?:[ .-]\d{2,6}){1,4}"
    r"(?:[ ]?(?:x|ext\.?|extension)[ ]?\d{1,5})?(?![\w/-]|\.\d)"
)
# North American shape: unambiguous enough to flag without a cue.
_NANP_RE: Final = re.compile(
    r"(?=[\d+(])(?<![\w+/.-])(?:\+?1[ .-]?)?(?:\(\d{3}\)[ ]?|\d{3}[ .-])\d{3}[ .-]\d{4}"
    r"(?:[ ]?(?:x|ext\.?|extension)[ ]?\d{1,5})?(?![\d])"
)
_IPV4_TRIGGER_RE: Final = re.compile(r"\.\d{1,3}\.\d{1,3}\.\d")
_IPV4_RE: Final = re.compile(
    r"(?<![\w.])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
    r"(?!\w|\.\d)"
)
_IPV6_TRIGGER_RE: Final = re.compile(r":(?:[0-9A-Fa-f]{1,4})?:")
_IPV6_RE: Final = re.compile(r"(?<![\w:.])[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?![\w:])")

_SSN_TRIGGER_RE: Final = re.compile(r"-\d\d-\d{4}")
_SSN_RE: Final = re.compile(r"(?<![\w-])(\d{3})-(\d{2})-(\d{4})(?![\w-])")
_BARE_ZIP_RE: Final = re.compile(r"\d{5}(?:-\d{4})?(?![\w%/-]|[.,:]\d)")
# Long unlabelled codes: 9+ digits, or 9+ upper-case letters and digits.
# Maximal runs only, with both boundaries checked in Python: a trailing
# look-ahead here would make the scan backtrack through every long run at
# every position inside it (quadratic time).
_LONG_CODE_RE: Final = re.compile(r"[A-Z0-9]{9,}")
_VIN_CHARS_RE: Final = re.compile(r"[A-HJ-NPR-Z0-9]{17}")
_UDI_RE: Final = re.compile(r"\(01\)\d{14}(?:\(\d{2,4}\)[A-Za-z0-9]+)*")

# All date shapes that start with a digit, longest alternatives first.
_NUMERIC_DATE_RE: Final = re.compile(
    r"(?=\d)(?<![\w./-])(?:"
    r"(?P<iso_y>(?:19|20)\d{2})(?P<iso_sep>[-/.])(?P<iso_m>\d{1,2})(?P=iso_sep)(?P<iso_d>\d{1,2})"
    r"|(?P<a>\d{1,2})(?P<sep>[/.-])(?P<b>\d{1,2})(?P=sep)(?P<y>\d{4}|\d{2})"
    r"|(?P<my_m>0?[1-9]|1[0-2])/(?P<my_y>(?:19|20)\d{2})"
    rf"|(?P<dmy>{_DAY}[ \t]+(?:of[ \t]+)?{_MONTH}(?![\w])(?:,?[ \t]+{_YEAR}\b)?)"
    r"|(?P<md_m>\d{1,2})/(?P<md_d>\d{1,2})"
    r")(?![\w/]|[.-]\d)"
)
_MONTH_DATE_RE: Final = re.compile(
    rf"{_MONTH}[ \t]+(?:(?:the[ \t]+)?{_DAY}\b{_RANGE_END}?(?:,?[ \t]+{_YEAR}\b)?"
    rf"|(?:of[ \t]+)?{_YEAR}\b)"
)
_DATE_ORDINAL_RE: Final = re.compile(
    r"t(?<![\w]t)he[ \t]+(?:0?[1-9]|[12]\d|3[01])(?:st|nd|rd|th)"
    r"(?=[ \t]*(?:[,.;:)]|$|(?:and|or|after|before|when|then)\b))",
    re.MULTILINE,
)

_AGE_RE: Final = re.compile(
    rf"{_AGE_NUMBER}(?:"
    r"[ \t]*-?[ \t]*(?:years?|yrs?)\.?(?:[ \t]*-?[ \t]*old|[ \t]+of[ \t]+age)"
    r"|[ \t]*-?[ \t]*(?:yo|y/o|y\.o\.?|yr[ \t-]*old)(?![a-z])"
    r"|(?P<sex>[MF])(?![\w°]))"
)
_AGE_WORDS_RE: Final = re.compile(
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
_STREET_RE: Final = re.compile(
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
_PO_BOX_RE: Final = re.compile(
    r"\b(?:P\.?[ \t]?O\.?[ \t]?Box|Post[ \t]+Office[ \t]+Box)[ \t]+\d{1,6}" + _ADDRESS_TAIL
)

_HONORIFIC_RE: Final = re.compile(
    r"M(?<![\w]M)(?:r|rs|s|x|ister|iss)\.?[ \t]+"
    # "Mr. T, 47": case posts often shorten the surname to an initial.
    rf"(?:(?P<name>{_NAME_SEQ})|(?P<initial>[A-Z])\b\.?(?![\w.]))"
)
_FAMILY_RE: Final = re.compile(
    # "The Hendersons brought their son": a family referred to by surname.
    rf"he(?<=(?<![\w])[Tt]he)[ \t]+(?P<name>{_TOKEN}s)[ \t]+(?:brought|came|asked|said|say"
    r"|want(?:ed)?|are|were|have|had|called|visited|arrived|decided|agreed|declined|refused"
    r"|requested|family|kids|children)\b"
)
# ", a 45-year-old" / ", 58," after a capitalised name.
_AGE_AFTER_NAME_RE: Final = re.compile(
    r",[ \t]+(?:(?:a|an)[ \t]+\d{1,3}[ \t-]*(?:years?|yrs?|y/?o|months?|mos?|weeks?)\b"
    r"|\d{1,3}[ \t]?(?:[MF]\b|y/?o\b|yrs?\b|years?\b|,))"
)
_NAME_BEFORE_RE: Final = re.compile(
    rf"(?<![\w@.'’-])({_TOKEN}(?:[ \t]+{_PARTICLE}{{0,3}}{_TOKEN}){{0,2}})$"
)
_CAPITALISED_RE: Final = re.compile(r"[A-Z][a-z]+")
_NEXT_TOKEN_RE: Final = re.compile(rf"[ \t]+(?P<last>{_PARTICLE}{{0,3}}{_TOKEN})")
_INITIALS_TRIGGER_RE: Final = re.compile(r"\.[ ]?[A-Z]\.")
_INITIALS_RE: Final = re.compile(r"(?<![\w.])[A-Z]\.[ ]?[A-Z]\.(?:[ ]?[A-Z]\.){0,2}(?!\w)")
_INITIALS_CUE_BEFORE_RE: Final = re.compile(r"\b(?:pt|patient|initials)\b[^\n]{0,12}$")
_AGE_AFTER_INITIALS_RE: Final = re.compile(
    r",?[ \t]+(?:a|an)[ \t]+\d{1,3}[ \t-]*(?:year|yr|yo|y/o)|,[ \t]*\d{1,3}[ \t]?(?:[MF]\b|y)"
)
_CREDENTIAL_INITIALS: Final = frozenset(
    "M.D. D.O. R.N. N.P. P.A. U.S. U.K. E.R. O.R. I.V. P.O. A.M. P.M. B.S. M.S. B.A. M.A. "
    "E.D. D.C.".split()
)

# ---------------------------------------------------------------------------
# Scan state and helpers
# ---------------------------------------------------------------------------

_Span = tuple[int, int]
_CONF_RANK: Final = {HIGH: 0, LOW: 1}
# Tie-break for equal spans: labelled, specific kinds before generic ones.
_KIND_RANK: Final = {
    kind: rank
    for rank, kind in enumerate(
        "ssn mrn health_plan account licence vehicle device email ip url fax phone date age "
        "address zip name biometric other_id".split()
    )
}


@dataclass(slots=True)
class _Doc:
    """The text, its aligned lower-case copy, and trigger-word offsets by rule."""

    text: str
    low: str
    cues: dict[str, list[int]]

    def at(self, rule: str) -> list[int]:
        return self.cues.get(rule, [])


def _lower_aligned(text: str) -> str:
    """Lower-case ``text`` without changing any character offset.

    ``str.lower`` lengthens a few characters (e.g. "İ"), which would shift
    every offset found in the lower-cased copy.
    """
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c if len(lc := c.lower()) != 1 else lc for c in text)


def _scan_words(low: str) -> dict[str, list[int]]:
    """Offsets of trigger words in ``low``, grouped by the rules they start."""
    padded = " " + low.translate(_TO_SPACE) + " "
    cues: dict[str, list[int]] = {}
    cursor = 0
    for word in padded.split(" "):
        rules = _TRIGGERS.get(word)
        if rules is None:
            continue
        # Every occurrence of a trigger word is visited in order, so the next
        # whole-word occurrence after the previous hit is this one. The
        # leading pad space makes ``found`` the word's offset in ``low``.
        found = padded.find(f" {word} ", cursor)
        cursor = found + len(word) + 1
        for rule in rules:
            cues.setdefault(rule, []).append(found)
    return cues


def _clear_before(text: str, start: int, also: str) -> bool:
    """True if ``text[start - 1]`` is neither a word character nor in ``also``.

    Simple shape patterns check this here rather than with a leading
    look-behind, which measured two to three times slower; a match rejected
    here cannot hide a valid one inside it, because every position inside is
    preceded by a digit or separator.
    """
    if not start:
        return True
    prev = text[start - 1]
    return not (prev.isalnum() or prev == "_" or prev in also)


def _finding(text: str, kind: str, start: int, end: int, confidence: str) -> Finding:
    return Finding(kind, start, end, text[start:end], confidence)


def _strip_trailing_punct(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1] in ".,;:!?":
        end -= 1
    return end


def _valid_month_day(month: int, day: int) -> bool:
    return 1 <= month <= 12 and 1 <= day <= 31


def _last_match_end(rx: re.Pattern[str], text: str, start: int, end: int) -> int:
    """End offset of the last match of ``rx`` in ``text[start:end]``, or -1."""
    last = -1
    for m in rx.finditer(text, start, end):
        last = m.end()
    return last


# ---------------------------------------------------------------------------
# Protected spans
# ---------------------------------------------------------------------------


def _protected_spans(doc: _Doc) -> tuple[list[_Span], list[Finding]]:
    """Spans that look like identifiers but are not about a patient.

    DOIs, ORCIDs, PubMed and trial IDs, @mentions and the author's NPI in a
    sign-off. Also returns NPIs outside a sign-off, which are reported as
    ``other_id`` because they identify the treating clinician.
    """
    text, low = doc.text, doc.low
    spans: list[_Span] = [m.span() for m in _DOI_RE.finditer(text)]
    if _ORCID_TRIGGER_RE.search(text):
        spans += [m.span() for m in _ORCID_RE.finditer(text)]
    if "NCT" in text or "ISRCTN" in text or "EudraCT" in text:
        spans += [m.span() for m in _TRIAL_ID_RE.finditer(text)]
    spans += [m.span() for m in _MENTION_RE.finditer(text)]
    for pos in doc.at("pmid"):
        if m := _PMID_RE.match(low, pos):
            spans.append(m.span())
    npi_findings: list[Finding] = []
    for pos in doc.at("npi"):
        m = _NPI_RE.match(low, pos)
        if m is None:
            continue
        # Look back to the start of the line 100 characters earlier, so a
        # sign-off on the previous line ("Dr. X, MD\nNPI ...") counts.
        line_start = text.rfind("\n", 0, max(0, pos - 100)) + 1
        if _SIGNATURE_BEFORE_RE.search("\n" + text[line_start:pos]):
            spans.append(m.span())
        else:
            npi_findings.append(_finding(text, "other_id", *m.span(1), LOW))
    return spans, npi_findings


# ---------------------------------------------------------------------------
# Detectors
# ---------------------------------------------------------------------------


def _detect_contacts(doc: _Doc) -> Iterator[Finding]:
    text, low = doc.text, doc.low
    at = text.find("@")
    while at != -1:
        start = at
        while start > 0 and at - start < 64 and text[start - 1] in _EMAIL_LOCAL_CHARS:
            start -= 1
        while start < at and not text[start].isalnum():
            start += 1
        domain = _EMAIL_DOMAIN_RE.match(text, at) if start < at else None
        if domain is not None:
            yield _finding(text, "email", start, domain.end(), HIGH)
            at = text.find("@", domain.end())
        else:
            at = text.find("@", at + 1)
    for rx in _URL_RES:
        for m in rx.finditer(low):
            yield _finding(text, "url", m.start(), _strip_trailing_punct(text, *m.span()), LOW)
    done = -1
    for tld in _TLD_TRIGGER_RE.finditer(low):
        if tld.start() < done:
            continue
        # Walk back to the start of the host name, then match from there.
        start = tld.start()
        floor = max(0, start - 253)  # longest possible host name
        while start > floor and low[start - 1] in _DOMAIN_CHARS:
            start -= 1
        if m := _BARE_DOMAIN_RE.match(low, start):
            done = m.end()
            yield _finding(text, "url", start, _strip_trailing_punct(text, start, done), LOW)


def _phone_cue(low: str, start: int) -> tuple[str, str | None]:
    """Phone kind ("phone"/"fax") and the nearest cue type before ``start``.

    The cue type is "label" for words like "phone" or "fax", "generic" for
    "call", "number" and the like, and None when there is no cue.
    """
    cues = list(_PHONE_CUE_RE.finditer(low, max(0, start - 40), start))
    if not cues:
        return "phone", None
    nearest = cues[-1]
    if nearest.group("fax"):
        return "fax", "label"
    return "phone", "label" if nearest.group("label") else "generic"


def _detect_phones(doc: _Doc) -> Iterator[Finding]:
    text, low = doc.text, doc.low
    # North American numbers first: their shape is enough, a cue only raises
    # confidence. Other digit groups need a cue and must not overlap these.
    taken: list[_Span] = []
    for m in _NANP_RE.finditer(text):
        taken.append(m.span())
        kind, cue = _phone_cue(low, m.start())
        yield _finding(text, kind, *m.span(), LOW if cue is None else HIGH)
    for m in _DIGIT_GROUPS_RE.finditer(text):
        start, end = m.span()
        digits = sum(c.isdigit() for c in m.group())
        if not 7 <= digits <= 15 or _overlaps_any(taken, start, end):
            continue
        kind, cue = _phone_cue(low, start)
        if cue == "label":
            yield _finding(text, kind, start, end, HIGH)
        elif cue == "generic" and digits >= 9:
            # Low: "number" may introduce a labelled ID ("member number 882-441-090")
            # and that finding, being high, must win the overlap.
            yield _finding(text, kind, start, end, LOW)
    for pos in doc.at("phone_label"):
        m = _LABELLED_PHONE_RE.match(low, pos)
        if m is None:
            continue
        start, end = m.span("num")
        end = _strip_trailing_punct(text, start, end)
        while end > start and not text[end - 1].isdigit():
            end -= 1
        if 7 <= sum(c.isdigit() for c in text[start:end]) <= 15 and not _overlaps_any(
            taken, start, end
        ):
            kind, _ = _phone_cue(low, start)
            yield _finding(text, kind, start, end, HIGH)


def _overlaps_any(spans: list[_Span], start: int, end: int) -> bool:
    """Whether [start, end) overlaps any of ``spans`` (sorted, non-overlapping)."""
    i = bisect_right(spans, (end,))
    return i > 0 and spans[i - 1][1] > start


def _detect_network(doc: _Doc) -> Iterator[Finding]:
    text, low = doc.text, doc.low
    if _IPV4_TRIGGER_RE.search(text):
        for m in _IPV4_RE.finditer(text):
            if not _VERSION_BEFORE_RE.search(low, max(0, m.start() - 12), m.start()):
                yield _finding(text, "ip", *m.span(), HIGH)
    if _IPV6_TRIGGER_RE.search(text):
        for m in _IPV6_RE.finditer(text):
            candidate = m.group()
            groups = [g for g in candidate.split(":") if g]
            compressed = candidate.count("::") == 1
            if len(groups) >= 3 and (compressed or candidate.count(":") == 7):
                yield _finding(text, "ip", *m.span(), HIGH)


def _detect_labelled_ids(doc: _Doc) -> Iterator[Finding]:
    text, low = doc.text, doc.low
    for pos in doc.at("id"):
        m = _ID_LABEL_RE.match(low, pos)
        if m is None:
            continue
        kind = next(k for k in _ID_LABELS if m.group(k) is not None)
        if (
            m.group(kind).rstrip("# \t") in _UPPERCASE_ONLY_LABELS
            and not text[m.start() : m.end()].isupper()
        ):
            continue
        after = _ID_AFTER_LABEL_RE.match(text, m.end())
        if after is None:
            continue
        start, end = after.span("id")
        compact = text[start:end].replace(" ", "").replace("-", "").replace("/", "")
        if kind == "ssn":
            if not compact.isdigit() or len(compact) not in (4, 9):
                continue
        elif len(compact) < 4 or sum(c.isdigit() for c in compact) < 2:
            continue
        yield _finding(text, kind, start, end, HIGH)
    for pos in doc.at("last_four"):
        if m := _LAST_FOUR_SSN_RE.match(low, pos):
            yield _finding(text, "ssn", *m.span(1), HIGH)


def _detect_numbers(doc: _Doc) -> Iterator[Finding]:
    """SSNs, ZIP codes, UDIs, VINs and long unlabelled codes."""
    text, low = doc.text, doc.low
    if _SSN_TRIGGER_RE.search(text):
        for m in _SSN_RE.finditer(text):
            area, group, serial = m.groups()
            if area not in ("000", "666") and group != "00" and serial != "0000":
                yield _finding(text, "ssn", *m.span(), HIGH)
    for pos in doc.at("zip"):
        if m := _ZIP_LABEL_RE.match(low, pos):
            yield _finding(text, "zip", *m.span(1), HIGH)
    for m in _BARE_ZIP_RE.finditer(text):
        start, end = m.span()
        if not _clear_before(text, start, ".,$/#:()+-"):
            continue
        state = _STATE_BEFORE_RE.search(text, max(0, start - 4), start)
        if state and state.group(1) in _US_STATES:
            yield _finding(text, "zip", start, end, HIGH)
            city = _CITY_BEFORE_STATE_RE.search(text, max(0, state.start() - 40), state.start())
            if city and city.group(1).split()[0] not in _NOT_NAME:
                yield _finding(text, "address", city.start(1), end, HIGH)
            continue
        # Billing talk lists several codes per sentence, so look well back.
        before = low[max(0, start - 120) : start]
        if (
            _ZIP_EXCLUDE_BEFORE_RE.search(before)
            or _LAB_BEFORE_RE.search(before)
            or _UNIT_AFTER_RE.match(low, end)
        ):
            continue
        confidence = HIGH if _ZIP_CUE_RE.search(before[-25:]) else LOW
        yield _finding(text, "zip", start, end, confidence)
    if "(01)" in text:
        for m in _UDI_RE.finditer(text):
            yield _finding(text, "device", *m.span(), HIGH)
    for m in _LONG_CODE_RE.finditer(text):
        code, end = m.group(), m.end()
        after = text[end : end + 2]
        if (
            not _clear_before(text, m.start(), "./#$-")
            or after[:1].isalnum()
            or after[:1] == "_"
            or (after[:1] in (".", ",", "-") and after[1:2].isdigit())
        ):
            continue
        if _UNIT_AFTER_RE.match(low, m.end()):
            continue
        digits = sum(c.isdigit() for c in code)
        if code.isdigit():
            kind, cue = _phone_cue(low, m.start())
            if cue is None or len(code) not in (10, 11):
                kind = "other_id"
            yield _finding(text, kind, *m.span(), LOW)
        elif len(code) == 17 and _VIN_CHARS_RE.fullmatch(code) and digits >= 3:
            yield _finding(text, "vehicle", *m.span(), LOW)
        elif digits >= 4:
            yield _finding(text, "other_id", *m.span(), LOW)


def _date_confidence(doc: _Doc, start: int, end: int, *, is_range: bool) -> str | None:
    """HIGH if the date is tied to a person, LOW if bare, None if it is an event date.

    When both kinds of cue precede the date, the nearer one wins: "the
    ultrasound workshop closes on Feb 28" is about the workshop.
    """
    text, low = doc.text, doc.low
    if _DATE_LABEL_RE.search(low, max(0, start - 20), start):
        return HIGH
    person = _last_match_end(_DATE_CUE_RE, low, max(0, start - 40), start)
    event = max(
        _last_match_end(_EVENT_NOT_PERSON_RE, low, max(0, start - 80), start),
        _last_match_end(_MEETING_TAG_RE, text, max(0, start - 80), start),
    )
    if person > event:
        return HIGH
    if is_range or event >= 0 or _EVENT_NOT_PERSON_RE.search(low, end, end + 30):
        return None
    return LOW


def _is_fraction(doc: _Doc, start: int, end: int) -> bool:
    low = doc.low
    return bool(
        _FRACTION_CONTEXT_RE.search(low, max(0, start - 25), start)
        or _FRACTION_CONTEXT_RE.match(low, end + 1, end + 12)
        or _UNIT_AFTER_RE.match(low, end)
    )


def _detect_dates(doc: _Doc) -> Iterator[Finding]:
    text, low = doc.text, doc.low
    spans: list[tuple[int, int, bool]] = []
    for m in _NUMERIC_DATE_RE.finditer(text):
        start, end = m.span()
        if m.group("iso_y"):
            valid = _valid_month_day(int(m.group("iso_m")), int(m.group("iso_d")))
        elif m.group("a"):
            a, b = int(m.group("a")), int(m.group("b"))
            # Either US (month/day) or European (day/month) order; a dotted
            # date needs a four-digit year to differ from a version number.
            valid = (_valid_month_day(a, b) or _valid_month_day(b, a)) and (
                m.group("sep") != "." or len(m.group("y")) == 4
            )
        elif m.group("md_m"):
            # No year ("3/15"): only a date right after an event word, and
            # never a score, fraction or device setting.
            if (
                _valid_month_day(int(m.group("md_m")), int(m.group("md_d")))
                and not _is_fraction(doc, start, end)
                and _EVENT_CUE_RE.search(low, max(0, start - 25), start)
            ):
                yield _finding(text, "date", start, end, HIGH)
            continue
        else:
            valid = True
        if valid:
            spans.append((start, end, False))
    done = -1
    for pos in doc.at("month"):
        # Skip the second month of a range ("Aug 30 - Sept 2"), already inside a match.
        if pos >= done and (m := _MONTH_DATE_RE.match(text, pos)):
            done = m.end()
            spans.append((m.start(), m.end(), bool(_RANGE_IN_DATE_RE.search(m.group()))))
    for pos in doc.at("holiday"):
        if m := _HOLIDAY_RE.match(text, pos):
            spans.append((m.start(), m.end(), False))
    for start, end, is_range in spans:
        confidence = _date_confidence(doc, start, end, is_range=is_range)
        if confidence is not None:
            yield _finding(text, "date", start, end, confidence)
    for m in _DATE_ORDINAL_RE.finditer(low):
        if _EVENT_CUE_RE.search(low, max(0, m.start() - 25), m.start()):
            yield _finding(text, "date", *m.span(), HIGH)


def _detect_ages(doc: _Doc) -> Iterator[Finding]:
    text, low = doc.text, doc.low
    for m in _AGE_RE.finditer(text):
        if not _clear_before(text, m.start(), "."):
            continue
        if m.group("sex"):
            # "99F" is an age in "99F with a fall" but a temperature in "Tmax 99F".
            if _TEMPERATURE_CUE_RE.search(low, max(0, m.start() - 12), m.start()):
                continue
            yield _finding(text, "age", *m.span(), LOW)
        else:
            yield _finding(text, "age", *m.span(), HIGH)
    for pos in doc.at("age"):
        if m := _AGE_CUE_RE.match(low, pos):
            # Keep the label when it reads as part of the age ("aged 91").
            start = pos if m.group("label") else m.start("age")
            yield _finding(text, "age", start, m.end("age"), HIGH)
    if "ninety" in low or "hundred" in low:
        for m in _AGE_WORDS_RE.finditer(low):
            yield _finding(text, "age", *m.span(), HIGH)


def _address_end(m: re.Match[str]) -> int:
    """Drop a captured ", City" or ", XX" tail that is really the next phrase."""
    city = m.group("city")
    if city and city.lstrip(", \t").split()[0] in _NOT_NAME:
        return m.start("city")
    state = m.group("state")
    if state and state.strip(", \t")[:2] not in _US_STATES:
        return m.start("state")
    return m.end()


def _detect_addresses(doc: _Doc) -> Iterator[Finding]:
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
        for m in _STREET_RE.finditer(text, lo, hi):
            yield from _street_finding(text, m)
    if "box" in low:
        for m in _PO_BOX_RE.finditer(text):
            yield _finding(text, "address", m.start(), _address_end(m), HIGH)
    for pos in doc.at("city"):
        cue = _CITY_CUE_RE.match(low, pos)
        if cue is None:
            continue
        place = _CITY_AFTER_CUE_RE.match(text, cue.end())
        if place and place.group().split()[0] not in _NOT_NAME:
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
    elif m.group("named") not in _NOT_NAME:
        yield _finding(text, "address", m.start("named"), m.end(), LOW)


def _detect_biometrics(doc: _Doc) -> Iterator[Finding]:
    text, low = doc.text, doc.low
    for pos in doc.at("biometric"):
        if m := _BIOMETRIC_RE.match(low, pos):
            yield _finding(text, "biometric", *m.span(), HIGH)
    for pos in doc.at("tattoo"):
        if m := _TATTOO_RE.match(low, pos):
            yield _finding(text, "biometric", *m.span(), LOW)


# --- names ---


def _trim_name(text: str, start: int, end: int, *, keep_right: bool = False) -> _Span | None:
    """Cut a raw capitalised run down to the words that can be a person's name.

    Cue-based rules keep the run from the left (the name follows the cue);
    the "Name, 45," rule keeps it from the right (the name precedes the age).
    """
    tokens = list(_TOKEN_RE.finditer(text, start, end))
    if keep_right:
        tokens.reverse()
    kept: list[re.Match[str]] = []
    for tok in tokens:
        word = tok.group()
        parts = [p for p in re.split(r"[-'’]", word) if p]
        if word in _NOT_NAME or all(p in _NOT_NAME for p in parts):
            break
        kept.append(tok)
    if not kept:
        return None
    if keep_right:
        return kept[-1].start(), kept[0].end()
    # Keep leading particles ("de la Cruz") that precede the first token.
    return (start if kept[0].start() > start else kept[0].start()), kept[-1].end()


def _is_person_name(text: str, start: int, end: int) -> bool:
    """Reject eponyms, colleagues, signatures and @handles."""
    if start > 0 and text[start - 1] == "@":
        return False
    follow = _FOLLOWING_WORD_RE.match(text, end)
    if follow:
        nxt = follow.group(1).lower().rstrip(".,")
        if nxt in _EPONYM_FOLLOWERS or (nxt == "et" and (follow.group(2) or "") == "al"):
            return False
    if _COLLEAGUE_BEFORE_RE.search(text, max(0, start - 25), start):
        return False
    cred = _CREDENTIAL_AFTER_RE.match(text, end)
    return not (cred and cred.group(1) in _CREDENTIALS)


def _name_finding(
    text: str, start: int, end: int, confidence: str, *, keep_right: bool = False
) -> Finding | None:
    span = _trim_name(text, start, end, keep_right=keep_right)
    if span is None or not _is_person_name(text, *span):
        return None
    return _finding(text, "name", *span, confidence)


def _names_after_cues(doc: _Doc) -> Iterator[Finding | None]:
    text, low = doc.text, doc.low
    for pos in doc.at("name"):
        cue = _NAME_CUE_RE.match(low, pos)
        if cue is None:
            continue
        after = _NAME_AFTER_CUE_RE.match(text, cue.end())
        if after is None:
            continue
        start, end = after.span("name")
        named = cue.group("named")
        if named is not None:
            if named.startswith("name"):
                # "the name Ortega", but not "brand name Eliquis" or "file name".
                if _NOT_PERSON_NAME_RE.search(low, max(0, pos - 12), pos):
                    continue
            elif not _PERSON_NOUN_RE.search(low, max(0, pos - 40), pos):
                # "a drug called Ozempic" is not a person; require a person noun.
                continue
            yield _name_finding(text, start, end, HIGH)
        elif cue.group("pt") is not None:
            # "gave pt Zofran 4 mg": a capitalised word followed by a dose is a drug.
            if _DOSE_AFTER_RE.match(text, end):
                continue
            finding = _name_finding(text, start, end, HIGH)
            # A single word after "pt" may be a name or just a capitalised word.
            if finding is not None and " " not in finding.text.strip():
                finding = _finding(text, "name", finding.start, finding.end, LOW)
            yield finding
        else:
            yield _name_finding(text, start, end, HIGH)


def _detect_names(doc: _Doc) -> Iterator[Finding]:
    text, low = doc.text, doc.low
    found: list[Finding | None] = []
    for m in _HONORIFIC_RE.finditer(text):
        if m.group("name"):
            found.append(_name_finding(text, *m.span("name"), HIGH))
        else:
            found.append(_finding(text, "name", *m.span("initial"), LOW))
    found.extend(_names_after_cues(doc))
    for m in _FAMILY_RE.finditer(text):
        found.append(_name_finding(text, *m.span("name"), LOW))
    for m in _AGE_AFTER_NAME_RE.finditer(text):
        before = _NAME_BEFORE_RE.search(text, max(0, m.start() - 80), m.start())
        if before:
            found.append(_name_finding(text, *before.span(1), HIGH, keep_right=True))
    for m in _CAPITALISED_RE.finditer(text):
        start, end = m.span()
        prev = text[start - 1] if start else " "
        if (
            m.group() not in _FIRST_NAMES
            or prev.isalnum()
            or prev in "@.'’-"
            or text[end : end + 1] not in (" ", "\t")
        ):
            continue
        nxt = _NEXT_TOKEN_RE.match(text, end)
        if nxt is None:
            continue
        # Both words must survive trimming: "Marcus Gunn" loses "Gunn" (an
        # eponym), and "Marcus" alone is no evidence of a name.
        finding = _name_finding(text, start, nxt.end("last"), LOW)
        if finding is not None and finding.end == nxt.end("last"):
            found.append(finding)
    if _INITIALS_TRIGGER_RE.search(text):
        for m in _INITIALS_RE.finditer(text):
            if m.group().replace(" ", "") in _CREDENTIAL_INITIALS:
                continue
            start, end = m.span()
            if _INITIALS_CUE_BEFORE_RE.search(
                low, max(0, start - 25), start
            ) or _AGE_AFTER_INITIALS_RE.match(text, end):
                found.append(_finding(text, "name", start, end, HIGH))
    yield from (f for f in found if f is not None)


_DETECTORS: Final[tuple[Callable[[_Doc], Iterator[Finding]], ...]] = (
    _detect_contacts,
    _detect_phones,
    _detect_network,
    _detect_labelled_ids,
    _detect_numbers,
    _detect_dates,
    _detect_ages,
    _detect_addresses,
    _detect_biometrics,
    _detect_names,
)

# ---------------------------------------------------------------------------
# Public entry point
# ---------------------------------------------------------------------------


def _resolve(candidates: list[Finding], protected: list[_Span], size: int) -> list[Finding]:
    """Drop protected findings, then keep the longest, most confident of overlaps.

    A byte per character marks what is taken, so each check is a C-level
    ``find`` and the whole step stays linear in the text and findings.
    """
    taken = bytearray(size)
    for start, end in protected:
        taken[start:end] = b"\x01" * (end - start)
    candidates = [f for f in candidates if f.kind == "url" or taken.find(1, f.start, f.end) == -1]
    taken = bytearray(size)
    candidates.sort(
        key=lambda f: (f.start - f.end, _CONF_RANK[f.confidence], _KIND_RANK[f.kind], f.start)
    )
    kept: list[Finding] = []
    for f in candidates:
        if taken.find(1, f.start, f.end) == -1:
            taken[f.start : f.end] = b"\x01" * (f.end - f.start)
            kept.append(f)
    kept.sort(key=lambda f: f.start)
    return kept


def find_phi(text: str) -> list[Finding]:
    """Return suspected patient identifiers in ``text``, sorted by start offset."""
    if not text:
        return []
    low = _lower_aligned(text)
    doc = _Doc(text, low, _scan_words(low))
    protected, candidates = _protected_spans(doc)
    for detect in _DETECTORS:
        candidates.extend(detect(doc))
    return _resolve(candidates, protected, len(text))
