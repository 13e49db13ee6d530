"""The words the scale data set is written with: names, places, clinical topics, hashtags,
groups, and the sentence templates posts and comments are assembled from."""

from __future__ import annotations

FIRST_NAMES = (
    "Amara Ana Ben Chen Chioma Daniel Deepa Elena Fatima Gabriel Hana Ibrahim Isabel James "
    "Jia Jonah Kofi Laila Leah Lucas Maya Mei Miguel Nadia Noah Olivia Omar Priya Rafael Ravi "
    "Rosa Samuel Sara Tariq Tomas Uma Victor Wei Yara Yusuf Zara Aisha Diego Emeka Grace "
    "Hiro Ines Kavya Lena Marco Nia Paolo Quinn Rohan Sofia Thanh Vera"
).split()
LAST_NAMES = (
    "Adeyemi Alvarez Anand Baker Banerjee Castillo Chen Cohen Diallo Dubois Evans Fernandes "
    "Garcia Gupta Haddad Hernandez Ito Jensen Kaur Khan Kim Kowalski Lee Lopez Mensah Morales "
    "Nguyen Novak Okafor Olsen Patel Perez Rahman Reyes Rossi Santos Sato Schmidt Shah Silva "
    "Singh Smith Tanaka Torres Usman Wang Williams Wong Yilmaz Zhou Abara Brennan Cruz Delgado"
).split()
INSTITUTIONS = [
    "State University College of Medicine",
    "Riverside Community Hospital",
    "Lakeside Medical Center",
    "Northgate University",
    "Saint Luke's Teaching Hospital",
    "Eastfield College",
    "Hillview High School",
    "Bayside Academic Health System",
    "Mountain View Clinic",
    "Central Polytechnic",
]
COUNTRIES = ["US"] * 14 + ["CA", "CA", "GB", "GB", "IN", "NG", "PH", "MX", "AU", "IE"]
TIME_ZONES = [
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "America/Toronto",
    "Europe/London",
    "Asia/Kolkata",
    "Africa/Lagos",
    "Asia/Manila",
    "America/Mexico_City",
    "Australia/Sydney",
    "UTC",
]
LANGUAGE_SETS = ['["en"]'] * 12 + ['["en", "es"]', '["en", "fr"]', '["en", "hi"]', '["es"]']

CONDITIONS = (
    "sepsis pneumonia asthma diabetes hypertension anemia migraine stroke appendicitis "
    "pancreatitis cellulitis bronchiolitis eczema psoriasis gout lupus hypothyroidism "
    "arrhythmia endocarditis meningitis concussion osteoporosis scoliosis glaucoma "
    "cataracts depression anxiety delirium dementia epilepsy obesity malnutrition "
    "tuberculosis influenza dehydration preeclampsia jaundice hepatitis cirrhosis "
    "nephrolithiasis hyperkalemia hyponatremia anaphylaxis melanoma leukemia lymphoma"
).split()
TOPICS = [
    "heart failure",
    "atrial fibrillation",
    "chest pain",
    "shortness of breath",
    "acute kidney injury",
    "diabetic ketoacidosis",
    "pulmonary embolism",
    "septic shock",
    "the MCAT",
    "residency interviews",
    "personal statements",
    "research electives",
    "shadowing",
    "board exams",
    "night shifts",
    "patient handoffs",
    "informed consent",
    "point-of-care ultrasound",
    "antibiotic stewardship",
    "medical Spanish",
    "burnout",
    "the match",
    "away rotations",
    "clinical reasoning",
    "ECG interpretation",
    "fluid management",
    "pain management",
    "vaccine hesitancy",
    "telehealth",
    "breaking bad news",
]
DRUGS = (
    "metformin insulin lisinopril amlodipine atorvastatin heparin warfarin apixaban "
    "ceftriaxone vancomycin amoxicillin albuterol prednisone furosemide ondansetron "
    "acetaminophen ibuprofen naloxone epinephrine levothyroxine"
).split()
HASHTAGS = (
    "medstudent meded residency mcat premed cardiology emergencymedicine pediatrics "
    "surgery internalmedicine research wellness match2025 usmle step1 step2 "
    "publichealth globalhealth womeninmedicine firstgen mentorship ecg pocus "
    "criticalcare neurology oncology psychiatry dermatology radiology anesthesiology "
    "familymedicine infectiousdisease nephrology endocrinology gastroenterology "
    "orthopedics obgyn urology ophthalmology ent pathology geriatrics "
    "palliativecare sportsmedicine toxicology sepsis diabetes hypertension asthma "
    "vaccines antibiotics stewardship telehealth burnout nightshift clinicalpearls "
    "casereport journalclub evidencebasedmedicine statistics qualityimprovement "
    "patientsafety handoffs simulation anatomy physiology pharmacology biochemistry "
    "microbiology immunology genetics ethics humanities narrativemedicine "
    "healthequity ruralhealth lgbtqhealth disabilityinmedicine nutrition exercise "
    "sleep mentalhealth addiction harmreduction ultrasound airway trauma stroke "
    "heartfailure afib kidneyinjury dka pe shock fluids pain consent spanish "
    "interviews personalstatement shadowing volunteering gapyear applications "
    "scholarships debt matchday whitecoat anki studytips boards shelf rotations "
    "subinternship electives awayrotation erasmus internship chiefresident fellowship "
    "leadership advocacy policy"
).split()
TOPIC_CIRCLES = [
    ("MCAT study group", "Plans, practice tests and moral support for the MCAT."),
    ("First-generation in medicine", "For the first in their families to go into medicine."),
    ("Research beginners", "Finding a lab, reading papers, first abstracts."),
    ("Residency applications", "ERAS, letters, interviews and the rank list."),
    ("Wellbeing on the wards", "Sleep, food, friendships and asking for help."),
    ("Global health", "Working across borders and health systems."),
    ("Women in medicine", "Careers, negotiation and support."),
    ("Medical Spanish", "Practise clinical Spanish with colleagues."),
    ("Point-of-care ultrasound", "Images, pearls and training paths."),
    ("Journal club", "One paper a week, read together."),
    ("Rural medicine", "Practising and training far from big centres."),
    ("Medical humanities", "Writing, art and the stories of medicine."),
    ("High-school health careers", "What doctors do, and how to start."),
    ("Step 1 and Step 2", "Board preparation for medical students."),
    ("Quality improvement", "Small projects that make care safer."),
]
OPENERS = [
    "Quick question for the group about {topic}.",
    "A tip that helped me with {topic}:",
    "Does anyone have a good approach to {topic}?",
    "I keep seeing {condition} on my rotation and want to get better at it.",
    "Sharing what I learned this week about {condition}.",
    "Teaching point from today's rounds on {topic}.",
    "Three things I wish I had known earlier about {topic}.",
    "How do you explain {condition} to a worried family?",
]
MIDDLES = [
    "We talked through the differential and the first tests to order, and {drug} came up "
    "as a reasonable first step for {condition} in otherwise well adults.",
    "The attending reminded us to look at the whole patient, not only the labs, and to "
    "check for {condition} early when the story fits.",
    "What worked for me was a short checklist, spaced repetition, and asking seniors to "
    "quiz me on {topic} every morning.",
    "The guideline changed last year, so older resources on {topic} may be out of date.",
    "Residents: how do you balance {topic} with everything else on a busy night shift?",
    "For students, shadowing a clinic that sees a lot of {condition} is the fastest way to "
    "understand it.",
    "Watch the dose of {drug} in kidney disease; it caught a colleague out with {condition}.",
    "A structured handoff with a clear plan for {condition} saved us time overnight.",
]
CLOSERS = [
    "Happy to share my notes.",
    "Would love to hear how others do it.",
    "Any reading suggestions welcome.",
    "Thanks in advance!",
    "Hope this helps someone.",
    "Let me know if I have missed something.",
    "",
]
COMMENTS = [
    "Great point about {topic}, thank you.",
    "We do something similar for {condition} on our service.",
    "I would add a repeat lactate if you suspect sepsis.",
    "This is really helpful for my {topic} prep.",
    "Could you share the guideline you mentioned?",
    "Agree. Start {drug} early and reassess.",
    "As a pre-med this is so useful to read.",
    "Our attending says the same about {condition}.",
    "Saving this for my next rotation.",
    "Careful with {drug} in older patients.",
]
JOURNALS = [
    "The New England Journal of Medicine",
    "The Lancet",
    "JAMA",
    "BMJ",
    "Annals of Internal Medicine",
    "Academic Medicine",
    "Medical Education",
    "Pediatrics",
    "Circulation",
    "Critical Care Medicine",
]
