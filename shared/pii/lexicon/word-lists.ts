/**
 * Hand-kept word lists for the name and address detectors. Lower case. They complement the
 * lexicons in lexicon.ts where those are thin: clinical and legal vocabulary that appears
 * capitalised (section headings, roles), first names from outside the English-speaking world,
 * and the words that mark titles, organisations and street names.
 */

/** Words that are capitalised in notes and filings without being names. */
export const COMMON_CAPITALISED: readonly string[] = `
patient pt plaintiff plaintiffs defendant defendants counsel attorney attorneys witness witnesses judge court petitioner respondent appellant appellee claimant
doctor nurse physician surgeon therapist resident intern fellow attending consultant specialist pharmacist provider providers clinician caregiver guardian
history hpi pmh psh fhx shx ros impression diagnosis diagnoses medications medication meds allergies allergy exam examination findings results labs lab vitals vital
procedure procedures indication indications technique comparison conclusion conclusions summary discharge admission admitted follow followup subjective objective
assessment plan chief complaint complaints review systems social family past medical surgical physical general skin heent neck chest lungs lung heart cardiac
abdomen abdominal extremities extremity neuro neurologic neurological psych psychiatric pulse temp temperature weight height bmi bp hr rr spo2 sao2 ecg ekg cbc bmp cmp
mri ct cxr xray x-ray ultrasound echo biopsy pathology radiology cardiology oncology neurology nephrology urology gastroenterology dermatology psychiatry pediatrics
orthopedics obstetrics gynecology surgery anesthesia emergency department unit ward icu er ed or pacu floor room bed bay building clinic hospital hospice pharmacy
primary care referral consult consultation report reports letter form forms signature signed statement agreement contract party parties client clients customer
account card number service services policy insurance claim claims payment balance amount due invoice total subtotal order orders motion motions exhibit exhibits
section sections article articles chapter chapters page pages table tables figure figures note notes appendix schedule annex clause paragraph
date time name address phone telephone mobile email e-mail fax tel zip postcode city state country county street
yes no none normal abnormal negative positive left right bilateral daily twice tablet tablets capsule capsules dose doses mg mcg ml
take continue start stop increase decrease monitor return call please thank thanks dear sincerely regards hello hi hey dear
today tomorrow yesterday morning evening night afternoon noon midnight week weeks month months year years day days hour hours minute minutes
english spanish french german italian portuguese chinese japanese korean arabic russian hindi latin greek dutch polish swedish danish norwegian finnish turkish
christmas easter thanksgiving halloween ramadan hanukkah god lord jesus christ allah bible koran quran internet web online
wisdom discipline justice liberty freedom truth love peace hope faith charity
mission vision values goals objectives background introduction methods method discussion abstract keywords acknowledgements references bibliography
pain fever cough nausea vomiting diarrhea fatigue headache dizziness syncope dyspnea edema rash chills
hypertension diabetes asthma copd chf cad ckd afib dvt pe uti mi stroke sepsis pneumonia cancer tumor tumour anemia obesity depression anxiety dementia
aspirin ibuprofen acetaminophen paracetamol tylenol advil motrin insulin metformin lisinopril atorvastatin amlodipine omeprazole warfarin heparin morphine
world song songs music radio album band tales verses poems poetry film films movie movies show shows series episode season
the a an and or but if then else when while where who whom whose which what why how this that these those there here
mr mrs ms dr prof sir madam miss
north south east west northern southern eastern western central upper lower new old great big little
`
  .split(/\s+/)
  .filter((w) => w.length > 0);

/** First names the compromise lexicon lacks (Nordic, Dutch, German, Slavic, Romance, Arabic, African, Asian). */
export const EXTRA_FIRST_NAMES: readonly string[] = `
arne lars sven jens nils bjorn björn erik anders magnus henrik olav olaf leif sigrid astrid ingrid solveig liv kari birgit britt marit maja freja frida linnea elin ebba saga
pieter jan joost bram sander ruud wim kees henk sanne femke anouk lieke fleur marloes eva ilse annemiek
jürgen jurgen jörg joerg dieter klaus uwe helmut wolfgang manfred günter gunter horst karl heinz hans franz fritz otto lukas leon finn jonas felix maximilian
ursula renate sabine petra birgit heike anke silke katrin kerstin jutta gisela
piotr paweł pawel tomasz krzysztof andrzej marek wojciech jakub kacper agnieszka małgorzata malgorzata katarzyna magdalena joanna zofia
jiří jiri petr pavel tomáš tomas lukáš lukas jana petra lucie tereza veronika
ivan dmitri dmitry sergei sergey alexei alexey nikolai vladimir yuri igor oleg olga natasha natalia tatiana svetlana irina elena anastasia ekaterina
giuseppe giovanni francesco antonio alessandro matteo lorenzo marco luca andrea giulia chiara francesca alessandra federica valentina
josé jose juan carlos miguel javier alejandro pablo sergio jorge luis diego mateo santiago lucía lucia sofía sofia valeria camila ximena
joão joao pedro tiago rui nuno inês ines beatriz leonor
mohammed muhammad mohamed ahmed ahmad ali omar hassan hussein khalid yusuf youssef ibrahim mustafa karim tariq fatima aisha ayesha zainab maryam layla leila nour yasmin
kwame kofi kwaku ama abena chinedu chidi ngozi emeka oluwaseun tunde ade adebayo folake amara zuri thabo sipho nomvula
hiroshi takeshi kenji yuki haruto sakura yuna hana aiko akira wei li ming jun hao xin yan mei ling jie min-jun seo-yeon ji-woo
raj rahul amit arjun vikram ravi sanjay priya ananya divya pooja sunita lakshmi deepak anil sunil
honoré honore
`
  .split(/\s+/)
  .filter((w) => w.length > 0);

/** First names that are also everyday words: names only where the context says so. */
export const AMBIGUOUS_FIRST_NAMES: readonly string[] = `
frank grace hope rose mark bill will jack pat sue drew ray dawn faith joy june april may august max chase hunter art rich gene penny sandy holly ivy lily
ruby amber summer autumn crystal pearl jade angel victor earl dean miles grant wade lance glen cliff rocky rusty carol ginger sky river forest august
bob rob robin don guy jean norman brook brooks page gray grey king price mason carter cooper porter baker miller taylor parker hall young wood woods
`
  .split(/\s+/)
  .filter((w) => w.length > 0);

/** Courtesy and professional titles written before a name. */
export const TITLES: readonly string[] =
  'dr doctor mr mrs ms miss mx prof professor sir dame lord lady rev reverend fr pastor rabbi imam judge justice hon honorable capt captain sgt lt col gen officer det detective nurse atty'.split(
    ' ',
  );

/** Words that end organisation names. */
export const ORG_SUFFIXES: readonly string[] = `
inc incorporated ltd limited llc llp lp plc corp corporation co company gmbh ag sa sas sarl bv nv ab asa oy spa srl pty kg ohg
group holdings partners associates consulting software systems solutions technologies technology labs laboratories pharmaceuticals pharma
bank insurance foundation institute university college school academy hospital clinic infirmary hospice health healthcare services agency authority
council department ministry club society association trust fund capital ventures media studios records airlines motors industries enterprises
international global church center centre network networks
`
  .split(/\s+/)
  .filter((w) => w.length > 0);

/** Street types written after the street name (English, plus Nordic, Dutch, German compounds). */
export const STREET_TYPES: readonly string[] = `
street st road rd avenue ave av boulevard blvd lane ln drive dr court ct place pl square sq terrace tce way parkway pkwy highway hwy circle cir crescent cres
close cl gardens gdns grove gr row walk alley mews hill park parade pde esplanade quay wharf wynd gate gardens green rise vale view
`
  .split(/\s+/)
  .filter((w) => w.length > 0);

/** Street types written before the street name (Romance languages and others). */
export const STREET_PREFIXES: readonly string[] = `
rue via viale piazza piazzale calle avenida av carrer camino paseo plaza praça praca rua travessa largo strada chemin allée allee route impasse cours quai boulevard bd ulica ul aleja al
`
  .split(/\s+/)
  .filter((w) => w.length > 0);

/** Endings of compound street names (Dutch, German, Nordic, Hungarian, Slavic). */
export const STREET_COMPOUND_ENDINGS: readonly string[] = `
straat strasse straße gasse weg platz allee ring damm ufer laan gracht plein kade singel dreef vej gade gata gatan vägen väg veien vegen katu tie utca útja út ulice ulica náměstí trida třída
`
  .split(/\s+/)
  .filter((w) => w.length > 0);

/** Words after which a line starts an address. */
export const ADDRESS_CUES: readonly string[] = [
  'address',
  'addresses',
  'address is',
  'billing address',
  'shipping address',
  'home address',
  'mailing address',
  'lives at',
  'live at',
  'lived at',
  'living at',
  'lives on',
  'located at',
  'resides at',
  'residing at',
  'return to',
  'ship to',
  'send to',
  'mail to',
  'lived in',
  'moved to',
];
