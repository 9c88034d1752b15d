/**
 * Deterministic synthetic clinical notes for throughput and robustness tests: realistic prose
 * (vitals, doses, section headings) with identifiers inserted where notes carry them. Nothing
 * here is real; the names and numbers are generated.
 */
import { mulberry32 } from '../../../shared/seeded-prng';

const FIRST = [
  'John',
  'Maria',
  'Ahmed',
  'Chen',
  'Olivia',
  'Lars',
  'Fatima',
  'David',
  'Priya',
  'Lucas',
  'Grace',
  'Tomasz',
  'Aisha',
  'Peter',
  'Sofia',
  'Kenji',
];
const LAST = [
  'Smith',
  'Garcia',
  'Okafor',
  'Nguyen',
  'Johansson',
  'Kowalski',
  'Haddad',
  'Brown',
  'Patel',
  'Silva',
  'Miller',
  'Novak',
  'Khan',
  'Schmidt',
  'Rossi',
  'Tanaka',
];
const CITIES = ['Boston', 'Springfield', 'Denver', 'Austin', 'Portland', 'Madison'];
const STREETS = ['Oak Street', 'Maple Avenue', 'Cedar Road', 'Elm Drive', 'Pine Lane', 'Hill Court'];
const MEDS = [
  'lisinopril 10 mg daily',
  'metformin 500 mg twice daily',
  'atorvastatin 40 mg at night',
  'aspirin 81 mg daily',
  'amlodipine 5 mg daily',
  'omeprazole 20 mg before breakfast',
];
const FINDINGS = [
  'The patient reports intermittent chest pain radiating to the left arm, worse with exertion and relieved by rest.',
  'Denies fever, chills, nausea or vomiting. No recent travel. Appetite is reduced and sleep is poor.',
  'On examination the abdomen is soft and non-tender, bowel sounds are present, no organomegaly.',
  'Lungs are clear to auscultation bilaterally. Heart sounds are regular with no murmurs, rubs or gallops.',
  'Blood pressure remains above target despite adherence to the current regimen; we discussed diet and exercise.',
  'Labs show hemoglobin 12.1 g/dL, creatinine 1.1 mg/dL, potassium 4.3 mmol/L and HbA1c of 7.2%.',
  'Follow up in 2 weeks with repeat labs, sooner if symptoms worsen. Return precautions were reviewed.',
  'Imaging from the previous admission was reviewed and compared; no interval change is seen.',
  'She describes the pain as a pressure-like sensation that lasts for about 10 to 15 minutes and resolves spontaneously.',
  'There is no associated shortness of breath, palpitations, diaphoresis or lightheadedness at the time of the episodes.',
  'He has been taking his medications as prescribed and checks his blood sugar twice a day with readings between 140 and 180.',
  'Her husband accompanies her today and confirms that she has been more tired than usual over the past month.',
  'The rash on the forearm has improved with topical steroid and there is no sign of secondary infection.',
  'Extremities show trace pitting edema at the ankles, distal pulses are intact and capillary refill is under 2 seconds.',
  'Neurologic examination is nonfocal; cranial nerves are intact, strength is 5/5 throughout and gait is steady.',
  'An electrocardiogram shows normal sinus rhythm at 72 beats per minute without acute ST-segment changes.',
  'We reviewed the risks and benefits of starting a statin and the patient agreed to begin therapy.',
  'Smoking cessation was discussed at length and nicotine replacement was offered, which the patient declined for now.',
  'The patient lives with family, walks independently and is able to perform all activities of daily living.',
  'Pain is rated 4 out of 10 today, down from 7 out of 10 at the last visit, and is controlled with acetaminophen.',
  'Kidney function is stable compared with prior values and the dose of metformin does not need adjustment.',
  'A referral to physical therapy was placed for the knee, with home exercises in the meantime.',
];

function pick<T>(r: () => number, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length)] as T;
}

function digits(r: () => number, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += Math.floor(r() * 10);
  return s;
}

function paragraph(r: () => number, sentences: number): string {
  const out: string[] = [];
  for (let i = 0; i < sentences; i++) out.push(pick(r, FINDINGS));
  return out.join(' ');
}

/** One note of roughly 3 KB: a header with identifiers, then narrative sections. */
export function syntheticNote(r: () => number): string {
  const name = `${pick(r, FIRST)} ${pick(r, LAST)}`;
  const doctor = `Dr. ${pick(r, LAST)}`;
  const month = 1 + Math.floor(r() * 12);
  const day = 1 + Math.floor(r() * 28);
  const year = 1940 + Math.floor(r() * 60);
  const lines = [
    `Patient: ${name}    MRN: ${digits(r, 8)}    DOB: ${month}/${day}/${year}`,
    `Address: ${10 + Math.floor(r() * 9000)} ${pick(r, STREETS)}, ${pick(r, CITIES)}, MA 0${digits(r, 4)}`,
    `Phone: (617) 555-${digits(r, 4)}    Email: ${name.toLowerCase().replace(' ', '.')}@example.com`,
    '',
    `HISTORY OF PRESENT ILLNESS: ${name.split(' ')[0] ?? ''} is a ${30 + Math.floor(r() * 50)}-year-old seen by ${doctor} on ${day} March 2024. ${paragraph(r, 5)}`,
    '',
    `PHYSICAL EXAMINATION: Vitals: BP ${110 + Math.floor(r() * 40)}/${70 + Math.floor(r() * 20)}, HR ${60 + Math.floor(r() * 40)}, temp 36.${Math.floor(r() * 9)}, SpO2 9${Math.floor(r() * 9)}%. ${paragraph(r, 4)}`,
    '',
    `MEDICATIONS: ${pick(r, MEDS)}; ${pick(r, MEDS)}.`,
    '',
    `ASSESSMENT AND PLAN: ${paragraph(r, 5)}`,
    '',
    `Signed electronically by ${doctor}, ${pick(r, CITIES)} General Hospital.`,
    '',
  ];
  return lines.join('\n');
}

/** About `bytes` characters of notes. */
export function syntheticCorpus(bytes: number, seed = 42): string {
  // Seeded so that the corpus is the same on every run.
  const r = mulberry32(seed);
  const parts: string[] = [];
  let size = 0;
  while (size < bytes) {
    const note = syntheticNote(r);
    parts.push(note);
    size += note.length + 1;
  }
  return parts.join('\n');
}
