"""Word lists: names, eponyms, brands, places and other vocabulary the rules consult."""

from __future__ import annotations

from pathlib import Path
from typing import Final

# ---------------------------------------------------------------------------
# Word lists. They keep context checks to O(1) set lookups instead of large
# regex alternations, which cost far more per character scanned.
# ---------------------------------------------------------------------------


def _words(blob: str) -> frozenset[str]:
    return frozenset(blob.split())


# Common given names, used only to accept "First Last" pairs that have no
# other clinical cue. Names that are also common words, months, places or
# eponyms (April, Grace, Hunter, Austin, Virginia...) are deliberately absent.
FIRST_NAMES: Final = _words(
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
# "syndrome", "fracture") is the better signal, see EPONYM_FOLLOWERS.
_EPONYMS: Final = _words(
    """
    Jervell Romano Widal Courvoisier Charcot Kernig Brudzinski Chvostek Trousseau Rockall
    Blatchford Ranson Wernicke Korsakoff Boerhaave
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
    Korsakoff Broca Klumpke Mohs Somogyi Ballard Caplan Colles Monteggia Galeazzi
    Lisfranc Maisonneuve Salter Bankart
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
    Día Dia Cama Guardia Clínica Clinica Entrega Visita Urgencias Consultorio Turno Sala Piso
    Hoy Ingreso Feliz Gracias Hola Buenos Buenas Bom Boa Obrigado Obrigada Plantão
    Smt Shri Sri Srimati Kumari
    Geri Heme Nephro Uro Paeds Gynae Anaes Rehab Physio Obs
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
    Kerendia Lokelma Veltassa Tagrisso Cardizem Zurampic Lyrica Celexa Cymbalta Effexor
    Wellbutrin Paxil Pristiq Trintellix Vyvanse Adderall Ritalin Concerta Strattera Klonopin
    Restoril Lunesta Belsomra Neurontin Topamax Imitrex Nurtec Ubrelvy Aimovig Emgality
    Vimpat Briviact Xcopri Fycompa Sinemet Requip Mirapex Aricept Namenda Leqembi Ocrevus
    Tecfidera Gilenya Copaxone Tysabri Kesimpta Skyrizi Tremfya Taltz Cosentyx Otezla Olumiant
    Actemra Orencia Cimzia Simponi Entyvio Zeposia Xolair Nucala Fasenra Tezspire Trelegy
    Breo Anoro Incruse Trimbow Seretide Fostair Qvar Pulmicort Singulair Ofev Esbriet
    Kalydeco Trikafta Kaftrio Prolia Evenity Forteo Reclast Fosamax Zometa Xgeva Repatha
    Praluent Leqvio Nexletol Zetia Vytorin Tricor Lovaza Vascepa Camzyos Verquvo Corlanor
    Tikosyn Rythmol Betapace Pradaxa Savaysa Lixiana Bevyxxa Kengreal Effient Aggrenox
    Pletal Ranexa Imdur Nitrostat Cleviprex Cardene Lotensin Altace Vasotec Accupril Micardis
    Benicar Avapro Atacand Edarbi Tekturna Catapres Tenex Minipress Hytrin Uroxatral Rapaflo
    Vesicare Myrbetriq Ditropan Detrol Gemtesa Avodart Jalyn Xtandi Zytiga Erleada Nubeqa
    Lupron Firmagon Orgovyx Ibrance Kisqali Verzenio Tykerb Nerlynx Enhertu Kadcyla Perjeta
    Phesgo Trodelvy Lynparza Zejula Rubraca Imfinzi Tecentriq Libtayo Bavencio Yervoy
    Jemperli Lenvima Cabometyx Sutent Inlyta Votrient Nexavar Stivarga Lonsurf Xeloda
    Gleevec Sprycel Tasigna Bosulif Iclusig Imbruvica Calquence Brukinsa Venclexta Revlimid
    Pomalyst Darzalex Kyprolis Velcade Ninlaro Blincyto Kymriah Yescarta Rituxan Gazyva
    Adcetris Polivy Jakafi Inrebic Vonjo Promacta Nplate Doptelet Tavalisse Soliris Ultomiris
    Empaveli Hemlibra Advate Benefix Feraheme Injectafer Ferinject Monofer Venofer Infed
    Aranesp Mircera Retacrit Sensipar Parsabiv Renvela Phoslo Velphoro Auryxia Fosrenol
    Kayexalate Samsca Jynarque Tolvat Xifaxan Lactulose Ocaliva Iqirvo Livmarli Mavyret
    Epclusa Harvoni Sovaldi Vosevi Zepatier Biktarvy Genvoya Descovy Truvada Triumeq Dovato
    Juluca Cabenuva Odefsey Symtuza Prezcobix Isentress Tivicay Sunlenca Apretude Veklury
    Lagevrio Evusheld Xofluza Relenza Valtrex Zovirax Famvir Prevymis Valcyte Cresemba
    Noxafil Vfend Cancidas Mycamine Eraxis Ambisome Zerbaxa Avycaz Fetroja Recarbrio
    Vabomere Xerava Nuzyra Zyvox Sivextro Cubicin Dalvance Orbactiv Teflaro Vibativ Dificid
    Zinplava Vowst Rebyota Tygacil Invanz Merrem Primaxin Unasyn Timentin Tazocin Co-amoxiclav
    Clexane Fragmin Innohep Arixtra Syntocinon Syntometrine Hemabate Cytotec Mifeprex
    Makena Diclegis Xonvea Zuranolone Zurzuvae Spravato Rexulti Vraylar Caplyta Latuda
    Invega Abilify Aristada Uzedy Clozaril Geodon Saphris Fanapt Ingrezza Austedo Nuplazid
    Narcan Kloxxado Sublocade Brixadi Vivitrol Lucemyra Chantix Champix Zyban Antabuse
    Campral Elaprase Aldurazyme Naglazyme Vimizim Fabrazyme Cerezyme Myozyme Lumizyme
    Strensiq Crysvita Evkeeza Spinraza Zolgensma Evrysdi Vyndaqel Vyndamax Onpattro
    Amvuttra Tegsedi Wainua Attruby Rezdiffra Wegovy Zepbound Saxenda Qsymia Contrave
    Rybelsus Byetta Bydureon Soliqua Xultophy Toujeo Basaglar Semglee Fiasp Lyumjev Admelog
    Apidra Afrezza Glucagen Baqsimi Gvoke Steglatro Invokana Jentadueto Janumet Xigduo
    Synjardy Glyxambi Trijardy Qtern Tradjenta Onglyza Nesina Actos Avandia Amaryl Glucotrol
    Diabeta Prandin Starlix Welchol Cycloset Kerlone Tenormin Bystolic Inderal Zebeta
    Dosette Biodose
    """
)

US_STATES: Final = _words(
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
    Saskatchewan Alberta Manitoba Ontario Quebec Nova Scotia Brunswick Newfoundland Labrador
    Yukon Nunavut Queensland Tasmania
    """
)

# Brands, trial acronyms spelled as words, journals and other capitalised
# words of clinical writing that the name lists also hold.
_CLINICAL_WORDS: Final = _words(
    """
    Colon Max Beta Alpha Delta Gamma Sigma Kappa Lambda Omega Aura Vita Lima Mana Engl Med Trop
    Triage
    Moa Jama Lancet Nejm Bmj Chest Circulation Neurology Sprint Recovery Deliver Emperor
    Paradigm Accord Dapa Compass Courage Ischemia Fourier Select Step Sustain Leader Rewind
    Strength Hope Heart Strong Brave Warrior Fight Pray Prayers Team Army Love Rest Easy
    Jardiance Farxiga Xarelto Brilinta Humira Keflex Eliquis Ozempic Ambien Valium Lasix
    Unknown Sunny Queen King Pope Prince Princess President Senator Governor Mayor Saint
    Lord Lady Dame Judge Captain Coach Officer Deputy Sheriff Chief Rev Pastor Father Imam
    English Spanish French Arabic Urdu Punjabi Hindi Bengali Mandarin Cantonese Polish Russian
    Portuguese Somali Swahili Tagalog Vietnamese Korean Japanese Farsi Pashto Dari Turkish
    Italian German Greek Romanian Ukrainian Yoruba Igbo Hausa Amharic Tigrinya Creole Haitian
    Gujarati Tamil Telugu Malayalam Kannada Marathi Nepali Sinhala Burmese Khmer Thai Hmong
    American British Canadian Indian Nigerian Ghanaian Irish Scottish Welsh Mexican Jamaican
    Filipino Chinese African Asian European Caribbean Latino Latina Hispanic Muslim Christian
    Jewish Hindu Sikh Buddhist Catholic Protestant Orthodox Jehovah Witness Witnesses
    Ramadan Eid Diwali Hanukkah Passover Lent Kippur Rosh Hashanah Shabbat Sabbath Vaisakhi
    Navratri Holi Kwanzaa Advent Pentecost Todd Fournier Wonderland
    Rabbi Doc Docs Nurse Medic Medics Tech Techs Scribe Locum Registrar Consultant Houseman
    Medicine Ortho Neuro Cardio Renal Onc Peds Gyn Derm Psych Rheum Endo Gastro Pulm Hem
    ICU Nicu Picu Ed Er Or Pacu Covid Flu Strep Staph Mrsa Hiv Hep Tb Gp Nhs Nice Ohip

    """
)

# Genera, eponymous signs, scores and UK/Canadian brand names that read like
# names to the rules for unknown words ("Candida auris", "it's Wellens").
_MEDICAL_TERMS: Final = _words(
    """
    Zika Hendra Nipah Hantaan Norwalk Coxsackie Marburg Ebola Lassa Reston Machupo Junin
    Powassan Oropouche Chikungunya Mayaro Dengue Lepto Leptospirosis Melioidosis Typhoid
    Paratyphoid Mpox Pertussis Tetanus Diphtheria Scabies Tinea Kwashiorkor Marasmus
    Mum Mom Mam Dad Grandma Grandpa Granny Gran Aunty Auntie Uncle Cousin Niece Nephew
    Grandson Granddaughter Doña Mang Aling Kuya Tita Tito Lola Lolo Babcia Dziadek
    Kaumātua Kaumatua Kuia Pakcik Makcik Gogo Didi Chacha Chachi Tatay Nanay Dadi Nani Cucu
    Encik Puan Handover
    Candida Klebsiella Pseudomonas Enterobacter Enterococcus Acinetobacter Serratia Proteus
    Citrobacter Morganella Stenotrophomonas Burkholderia Legionella Listeria Neisseria
    Haemophilus Moraxella Bordetella Clostridium Clostridioides Bacteroides Fusobacterium
    Actinomyces Nocardia Mycobacterium Mycoplasma Chlamydia Chlamydophila Rickettsia Borrelia
    Treponema Leptospira Brucella Bartonella Coxiella Francisella Yersinia Salmonella Shigella
    Campylobacter Helicobacter Vibrio Aspergillus Cryptococcus Histoplasma Blastomyces
    Coccidioides Pneumocystis Mucor Rhizopus Trichophyton Malassezia Giardia Cryptosporidium
    Entamoeba Toxoplasma Plasmodium Strongyloides Schistosoma Ascaris Enterobius Sarcoptes
    Wellens Mobitz Wenckebach Brugada Kussmaul Cheyne Stokes Chvostek Trousseau Babinski
    Hoffmann Romberg Tinel Phalen Finkelstein Lachman McMurray Murphy Rovsing Psoas Kernig
    Brudzinski Homan Homans Mallampati Glasgow Apgar Ranson Gleason Breslow Clark Dukes Duke
    Forrest Rockall Blatchford Killip Framingham Wells Geneva Caprini Padua Centor McIsaac
    Takotsubo Kawasaki Hashimoto Graves Addison Cushing Conn Wernicke Korsakoff Guillain
    Barre Barré Marfan Ehlers Danlos Kocher Whipple Nissen Hartmann Roux Billroth Hasson
    Seldinger Swan Ganz Foley Coude Hickman Broviac Tazocin Augmentin Actrapid Novorapid
    Lantus Levemir Tresiba Humalog Trulicity Mounjaro Wegovy Saxenda Zoladex Ventolin
    Seretide Symbicort Spiriva Fostair Clexane Fragmin Tinzaparin Oramorph Zomorph Sevredol
    Oxynorm Codamol Cocodamol Buscopan Gaviscon Movicol Laxido Senna Fybogel Difflam Betnovate
    Dermovate Eumovate Diprobase Doublebase Epaderm Oilatum Canesten Daktarin Fucidin
    Bactroban Naseptin Ciproxin Tamiflu Paxlovid Datix Cerner Epic Meditech Medway Sunquest
    Siri Alexa Royal Infirmary General Memorial Ornge
    Aadhaar Ayushman PhilHealth Sehat Medisave Medishield Medifund Braden Waterlow Council
    Eircode Postcode Pincode Tues Thurs Weds
    Kikuyu Dholuo Luo Kiswahili Swahili isiZulu isiXhosa Zulu Xhosa Sesotho Setswana Afrikaans
    Twi Bisaya Cebuano Ilocano Malay Bahasa Sindhi Samoan Tongan Fijian Kia Ora Terima Kasih
    Rujukan Pakar Perubatan Shanti Salamat Baba Mzee Bhai Sahib
    """
)
_DATA_DIR: Final = Path(__file__).with_name("data")
# Generic and brand drug names that are no listed name or town (``data/drugs.txt``,
# see build.py), capitalised as they open a sentence ("Diltiazem drip started").
DRUG_NAMES: Final = frozenset((_DATA_DIR / "drugs.txt").read_text(encoding="utf-8").split())
# States, provinces and regions of other countries ("Sindh", "Sarawak"; ``data/regions.txt``).
WORLD_REGIONS: Final = frozenset((_DATA_DIR / "regions.txt").read_text(encoding="utf-8").split())
EPONYMS: Final = _EPONYMS
DRUG_BRANDS: Final = _DRUG_BRANDS
# The hand-written lists, which may hold listed names; the built ones hold none (build.py).
_LISTED_NOT_NAME: Final = (
    _EPONYMS | _COMMON_CAPS | _DRUG_BRANDS | _LARGE_PLACES | _CLINICAL_WORDS | _MEDICAL_TERMS
)
NOT_NAME: Final = _LISTED_NOT_NAME | DRUG_NAMES | WORLD_REGIONS

# Public figures whose names come up in clinical discussion as news, history
# or teaching cases, not as patients (lower case, full names), and the placeholder
# names of patients not yet identified ("John Doe").
PUBLIC_FIGURES: Final = frozenset(
    name.strip()
    for name in """
    florence nightingale|taylor swift|serena williams|venus williams|jimmy carter|joe biden
    |donald trump|barack obama|hillary clinton|bill clinton|ronald reagan|queen elizabeth
    |king charles|prince harry|prince william|princess diana|pope francis|pope benedict
    |michael j fox|muhammad ali|lou gehrig|stephen hawking|steve jobs|magic johnson
    |arthur ashe|elon musk|bill gates|oprah winfrey|kim kardashian|angelina jolie
    |christina applegate|selena gomez|justin bieber|lady gaga|bruce willis|jamie foxx
    |celine dion|simone biles|lebron james|tom brady|damar hamlin|christian eriksen
    |henrietta lacks|phineas gage|typhoid mary|mary mallon|anthony fauci|rochelle walensky
    |atul gawande|paul farmer|siddhartha mukherjee|eric topol|william osler|hippocrates
    |galen|john snow|edward jenner|louis pasteur|alexander fleming|marie curie
    |elizabeth blackwell|virginia apgar|joseph lister|ignaz semmelweis|rishi sunak
    |keir starmer|justin trudeau|narendra modi|boris johnson|king charles iii
    |victoria cross|george cross|st jude|saint jude|kate middleton|catherine middleton
    |princess kate|prince philip|kamala harris|melania trump|mark zuckerberg|jeff bezos
    |travis kelce|kanye west|britney spears|demi lovato|hailey bieber|christopher reeve
    |robin williams|matthew perry|chadwick boseman|lisa marie presley|bronny james
    |naomi osaka|novak djokovic|tiger woods|kobe bryant|shane warne|rosalynn carter|john mccain
    |mitch mcconnell|ted kennedy|john fetterman|dalai lama|nelson mandela|ben stiller
    |hugh jackman|kate garraway|jeremy clarkson|liz truss|theresa may|doug ford
    |amitabh bachchan|shah rukh khan|sachin tendulkar|virat kohli|michael schumacher
    |diego maradona|pele|freddie mercury|rock hudson|terry pratchett|glenn close
    |grace kelly|marilyn monroe|elvis presley|john lennon|steve irwin|natasha richardson
    |terri schiavo|karen quinlan|nancy cruzan|jahi mcmath|charlie gard|alfie evans|lou reed
    |biden|trump|obama|fauci|beyonce|beyoncé|rihanna|kardashian|zuckerberg|bezos|oprah
    |john doe|jane doe|baby doe|joe bloggs|jane bloggs
    |chris hani|chris hani bara|aga khan|steve biko|kenyatta|lady reading|baragwanath
    |chris whitty|nye bevan|aneurin bevan|stephen donnelly|wes streeting|matt hancock
    |jeremy hunt|sajid javid|groote schuur|tan tock seng|karolinska|austin flint|graham steell
    """.split("|")
) - {""}

# ---------------------------------------------------------------------------
# Name and place lists built by ``python -m privacy.phi.build`` (see that
# module for sources and licences) and loaded once at import.
# ---------------------------------------------------------------------------

# Bits of NAME_FLAGS.
GIVEN: Final = 1
SURNAME: Final = 2
# A name that is also an ordinary word ("will", "grace", "brown").
WORD: Final = 4
# A name that needs no other evidence than its capital letter (or a cue in
# lower-case writing): in a list, not an ordinary word, not clinical jargon.
STRONG: Final = 8


def _load_names() -> dict[str, int]:
    """Lower-cased name -> GIVEN | SURNAME | WORD | STRONG bits (one dict keeps memory low)."""
    not_name = {w.lower() for w in _LISTED_NOT_NAME}
    flags: dict[str, int] = {w.lower(): GIVEN | STRONG for w in FIRST_NAMES}
    for line in (_DATA_DIR / "names.tsv").read_text(encoding="utf-8").splitlines():
        name, letters = line.split("\t")
        bits = flags.get(name, 0)
        bits |= (GIVEN if "f" in letters else 0) | (SURNAME if "l" in letters else 0)
        if "w" in letters:
            bits = (bits | WORD) & ~STRONG
        elif not bits & WORD:
            bits |= STRONG
        flags[name] = bits
    for name in not_name & flags.keys():
        flags[name] &= ~STRONG
    return flags


def _load_places() -> tuple[dict[str, int], frozenset[str]]:
    """Town and city names (as written) with population, and those that are common words."""
    population: dict[str, int] = {}
    words: list[str] = []
    for line in (_DATA_DIR / "places.tsv").read_text(encoding="utf-8").splitlines():
        name, pop, letters = line.split("\t")
        population[name] = int(pop)
        if "w" in letters:
            words.append(name)
    return population, frozenset(words)


NAME_FLAGS: Final = _load_names()
# Neighbourhoods and boroughs of big cities whose members post here that
# GeoNames lists poorly or not at all; after a locative word they count as
# towns do. The population is nominal: enough to be read in lower case too.
_NEIGHBOURHOODS: Final = """
    Hackney|Lewisham|Tower Hamlets|Toxteth|Anfield|Everton|Kirkdale|Moss Side|Wythenshawe
    |Longsight|Cheetham Hill|Ancoats|Levenshulme|Rusholme|Govan|Easterhouse|Drumchapel
    |Castlemilk|Possilpark|Springburn|Gorbals|Leith|Niddrie|Wester Hailes|Handsworth
    |Sparkbrook|Small Heath|Erdington|Kingstanding|Chapeltown|Harehills|Seacroft
    |Byker|Benwell|Pilton|St Pauls|Lawrence Weston|Knowle West|Hartcliffe|Splott
    |Butetown|Grangetown|Ballymun|Tallaght|Finglas|Darndale|Clondalkin|Crumlin
    |Falls Road|Shankill|Ardoyne|Roxbury|Mattapan|Jamaica Plain|Chelsea|Hyde Park
    |East Boston|Southie|South Boston|Charlestown|Back of the Yards|Little Village|Humboldt Park
    |Austin|Garfield Park|Auburn Gresham|Chatham|Bronzeville|Rogers Park|Watts
    |Boyle Heights|Skid Row|South Central|Inglewood|East Harlem|Spanish Harlem|Washington Heights
    |Jackson Heights|Bed-Stuy|Bedford-Stuyvesant|Brownsville|East New York|Crown Heights
    |Flatbush|Canarsie|Sunset Park|Bushwick|Mott Haven|Hunts Point|Soundview|Far Rockaway
    |Queens|Staten Island|Kensington|Fishtown|Germantown|Frankford|Anacostia|Sandtown
    |Overtown|Liberty City|Little Haiti|Fifth Ward|Third Ward|Jane and Finch|Regent Park
    |Parkdale|Rexdale|Malvern|Thorncliffe Park|Flemingdon Park|St. James Town|Moss Park
    |Downtown Eastside|Whalley|Hochelaga|Montréal-Nord|Montreal-Nord|Saint-Michel|Côte-des-Neiges
    |Cote-des-Neiges|Parc-Extension|North Preston|Dharavi|Govandi|Kurla|Seelampur
"""
PLACE_POPULATION, PLACE_WORDS = _load_places()
# Counties of Britain and Ireland the town list does not hold ("a Tipperary man", "from Dorset");
# those that are also given names or eponyms (Kerry, Clare, Tyrone, Down, Mayo, Argyll) are
# left out.
_COUNTIES: Final = """
    Dorset|Donegal|Tipperary|Wexford|Wicklow|Kildare|Meath|Louth|Offaly|Laois|Longford
    |Westmeath|Leitrim|Roscommon|Sligo|Cavan|Monaghan|Carlow|Kilkenny|Fermanagh|Antrim|Armagh
    |Lancashire|Cumbria|Northumberland|Cheshire|Shropshire|Herefordshire|Worcestershire
    |Warwickshire|Staffordshire|Derbyshire|Nottinghamshire|Leicestershire|Lincolnshire
    |Northamptonshire|Cambridgeshire|Bedfordshire|Hertfordshire|Buckinghamshire|Oxfordshire
    |Berkshire|Hampshire|Wiltshire|Gloucestershire|Sussex|Surrey|Powys|Gwynedd|Ceredigion
    |Pembrokeshire|Carmarthenshire|Aberdeenshire|Lanarkshire|Ayrshire|Perthshire|Moray|Lothian
"""
for _place in (p.strip() for p in (_NEIGHBOURHOODS + "|" + _COUNTIES).split("|")):
    PLACE_POPULATION.setdefault(_place, 50_000)
PLACE_WORDS = PLACE_WORDS - {"Queens"}
CA_PROVINCES: Final = _words("AB BC MB NB NL NS NT NU ON PE QC SK YT")
# States, provinces, countries and their abbreviations: what follows a town after a comma.
REGIONS: Final = US_STATES | CA_PROVINCES | _LARGE_PLACES | WORLD_REGIONS

# A capitalised pair followed by one of these is an eponym or an institution
# ("Charles Bonnet syndrome", "Marcus Gunn pupil", "Mary Washington Hospital").
EPONYM_FOLLOWERS: Final = _words(
    """
    syndrome syndromes disease disorder sign signs score scale criteria classification
    staging stage grade pupil pupils murmur maneuver manoeuvre test reflex phenomenon nodule
    node nodes lesion lesions fracture sequence triad procedure operation repair surgery tube
    catheter sarcoma lymphoma tumor tumour carcinoma cell cells body bodies palsy paralysis
    pattern approach incision point law rule equation formula effect ratio index method stain
    staining type variant anomaly malformation cyst ulcer tear hernia line lines space canal
    duct gland ligament triangle plexus valve wave sphincter diverticulum esophagus virus
    viper enceph
    bacillus protocol position breathing respiration gait contracture thyroiditis
    encephalopathy aneurysm angina arthritis dystrophy ataxia chorea hospital clinic center
    centre institute university college school medical memorial foundation award lecture
    prize trial study cohort calculator questionnaire inventory technique forceps clamp
    retractor splint brace boot fund regional general health healthcare children's
    paresis gangrene chapter textbook book manual handbook principles lecture ward wing unit
    house building lodge suite fever spotted encephalitis flu belly regimen pentad tetrad
    """
)

CREDENTIALS: Final = _words(
    """
    MD M.D. DO D.O. MBBS MBChB PhD RN NP PA PA-C DNP PharmD FACP FACC FACS FRCP FRCPC FRCS
    MPH MSc BSN APRN CNM CRNA DDS DMD MS MA BA BS LPN CNA FAAP FACEP FCCP FHM
    """
)


def _load_english_words() -> frozenset[str]:
    """Lower-case English words of Zipf 3.0 or more (``data/words.txt``, see build.py)."""
    return frozenset((_DATA_DIR / "words.txt").read_text(encoding="utf-8").split())


# Words a reader would know as English; a word outside this list and the name
# list is the unusual word that a name is, in a person context.
ENGLISH_WORDS: Final = _load_english_words()


def inflected_english(word: str) -> bool:
    """A lower-case word formed from an English word by an ending ("messaged", "cannulating")."""
    for ending, stems in (
        ("ed", ("", "e")),
        ("ing", ("", "e")),
        ("es", ("",)),
        ("s", ("",)),
        ("ly", ("",)),
        ("er", ("", "e")),
    ):
        if word.endswith(ending) and len(word) > len(ending) + 2:
            stem = word[: -len(ending)]
            if any(stem + tail in ENGLISH_WORDS for tail in stems):
                return True
            if stem[-1:] == stem[-2:-1] and stem[:-1] in ENGLISH_WORDS:
                return True  # "stopped", "planning"
    return False
