/** Anonymised clinical notes for devnet tests: distinct enough that none is a near-duplicate of another. */
export const NOTES = [
  'Patient [PERSON_1] presented with a persistent dry cough and low grade fever for three days. Chest auscultation revealed scattered wheezing. Prescribed a salbutamol inhaler, advised rest and fluids, follow up in one week if symptoms persist.',
  'Follow up visit for type 2 diabetes mellitus. HbA1c improved from 8.1 to 7.2 percent on metformin twice daily. Discussed diet, regular exercise and daily foot inspection. Continue current medication and repeat laboratory tests in three months.',
  'Admitted via the emergency department with acute right lower quadrant abdominal pain, nausea and rebound tenderness. Ultrasound consistent with appendicitis. Surgical team consulted; laparoscopic appendectomy performed without complications.',
  'Routine prenatal check at 28 weeks gestation. Blood pressure 118/76, fundal height appropriate, fetal heart rate 142 beats per minute. Glucose tolerance test ordered. Counselled on iron supplementation and warning signs of preeclampsia.',
  'Elderly patient reviewed for falls at home. Orthostatic hypotension noted on standing. Reduced dose of antihypertensive amlodipine, referred to physiotherapy for gait and balance training, and arranged an occupational therapy home assessment.',
  'Child aged 6 seen with otitis media, ear pain and irritability for two days. Tympanic membrane bulging and erythematous on otoscopy. Started amoxicillin for seven days, paracetamol for pain; parents advised to return if fever continues.',
  'Psychiatric outpatient review for major depressive disorder. Mood improved on sertraline 100 mg, sleep and appetite normalising, no suicidal ideation reported. Continue cognitive behavioural therapy sessions fortnightly and review in six weeks.',
  'Post operative review after total knee replacement. Wound healing well, staples removed, range of motion 0 to 95 degrees. Continue anticoagulation for thromboprophylaxis until day 35 and progress physiotherapy exercises as tolerated.',
  'Patient with chronic obstructive pulmonary disease attended for exacerbation: increased breathlessness and purulent sputum. Oxygen saturation 91 percent on air. Started prednisolone and doxycycline, inhaler technique reviewed, smoking cessation discussed.',
  'New diagnosis of atrial fibrillation found on electrocardiogram during a pre operative assessment. CHA2DS2-VASc score 3. Started apixaban for stroke prevention and bisoprolol for rate control; echocardiogram requested.',
] as const;

export const CLINICAL_DESCRIPTION =
  'Anonymised clinical notes: patient visits, symptoms, examinations, diagnoses, medications, procedures and treatment plans.';

const VOCABULARY = (
  'patient presented reported denies history examination revealed tenderness swelling fever cough pain nausea fatigue ' +
  'dizziness headache rash wheezing murmur oedema pressure pulse saturation temperature glucose creatinine haemoglobin ' +
  'diagnosis suspected confirmed chronic acute infection inflammation fracture asthma diabetes hypertension anaemia ' +
  'prescribed started stopped increased reduced continued dose daily twice weekly tablets injection inhaler cream ' +
  'referred follow review discharge admitted scan ultrasound radiograph electrocardiogram biopsy culture bloods ' +
  'advised counselled rest fluids diet exercise physiotherapy monitoring weeks months days return worsening improved'
).split(' ');

/** A synthetic note: seeded words from a clinical vocabulary, so that no two share many shingles. */
export function syntheticNote(seed: number, words = 80): string {
  let state = (seed + 1) * 2654435761;
  const next = (): number => {
    state = (Math.imul(state ^ (state >>> 15), 2246822519) + 0x9e3779b9) >>> 0;
    return state / 4294967296;
  };
  return `Note ${seed}: ${Array.from({ length: words }, () => VOCABULARY[Math.floor(next() * VOCABULARY.length)]).join(' ')}.`;
}
