import { acceptanceRate, standing, type VerdictOutcome } from './standing';

/**
 * Rewards arithmetic the dashboard, the CLI and the what-if panel share: the formulas shown to the
 * contributor (as text, next to the figures they produce) and the projection of a planned batch.
 * Pure: no chain, no database.
 */

export const ACCEPTANCE_RATE_FORMULA =
  'acceptance rate = accepted submissions ÷ all submissions with a verdict (latest verdict per manifest)';
export const STANDING_FORMULA =
  'standing = number of distinct UTC days with at least one accepted submission (a rejection never lowers it)';

/** A planned submission: the UTC day it would be sent and the chance it is accepted (0–1). */
export type PlannedSubmission = { day: string; acceptanceProbability: number };

export type Projection = {
  current: { acceptanceRate: number | null; standing: number; submissions: number };
  /** Expected figures after the plan (acceptance rate as the ratio of expected counts). */
  expected: { acceptanceRate: number | null; standing: number };
  /** Every planned submission accepted. */
  best: { acceptanceRate: number | null; standing: number };
  /** Every planned submission rejected: standing stays where it is, by the seed rule. */
  worst: { acceptanceRate: number | null; standing: number };
  /** UTC days of the plan on which no submission has been accepted yet: each can add one to standing. */
  newDays: string[];
};

/**
 * The acceptance probability to assume for a submission that passes the app's preflight: the
 * contributor's history with Laplace's rule of succession ((accepted + 1) / (all + 2)), so that a
 * short history is not taken at face value and an empty one gives one half.
 */
export function priorAcceptanceProbability(outcomes: readonly VerdictOutcome[]): number {
  const accepted = outcomes.filter((o) => o.isAccepted).length;
  return (accepted + 1) / (outcomes.length + 2);
}

/** Projects acceptance rate and standing after a planned batch of submissions. */
export function projectPlan(outcomes: readonly VerdictOutcome[], plan: readonly PlannedSubmission[]): Projection {
  for (const p of plan) {
    if (!(p.acceptanceProbability >= 0 && p.acceptanceProbability <= 1)) throw new RangeError('acceptanceProbability must be in [0, 1]');
    if (!/^\d{4}-\d{2}-\d{2}$/.test(p.day)) throw new RangeError(`day must be YYYY-MM-DD, got ${p.day}`);
  }
  const accepted = outcomes.filter((o) => o.isAccepted).length;
  const all = outcomes.length + plan.length;
  const currentStanding = standing(outcomes);
  const acceptedDays = new Set(outcomes.filter((o) => o.isAccepted).map((o) => o.day));

  // P(a new day gets at least one acceptance) = 1 − Π(1 − p) over that day's submissions,
  // assuming verdicts are independent.
  const missProbability = new Map<string, number>();
  for (const p of plan) {
    if (acceptedDays.has(p.day)) continue;
    missProbability.set(p.day, (missProbability.get(p.day) ?? 1) * (1 - p.acceptanceProbability));
  }
  const newDays = [...missProbability.keys()].sort();
  const expectedNewDays = [...missProbability.values()].reduce((s, miss) => s + (1 - miss), 0);
  const expectedAccepted = accepted + plan.reduce((s, p) => s + p.acceptanceProbability, 0);
  const rate = (n: number): number | null => (all === 0 ? null : n / all);
  return {
    current: { acceptanceRate: acceptanceRate(outcomes), standing: currentStanding, submissions: outcomes.length },
    expected: { acceptanceRate: rate(expectedAccepted), standing: currentStanding + expectedNewDays },
    best: { acceptanceRate: rate(accepted + plan.length), standing: currentStanding + newDays.length },
    worst: { acceptanceRate: rate(accepted), standing: currentStanding },
    newDays,
  };
}

/**
 * Outcomes as the chain records them: several verdicts may exist for one manifest (the validator
 * judges a retryable rejection afresh), and the latest one counts.
 */
export function latestVerdicts<T extends { manifestHash: string; order: number }>(verdicts: readonly T[]): T[] {
  const latest = new Map<string, T>();
  for (const v of verdicts) {
    const seen = latest.get(v.manifestHash);
    if (!seen || v.order > seen.order) latest.set(v.manifestHash, v);
  }
  return [...latest.values()].sort((a, b) => a.order - b.order);
}

/** Formats an amount of the smallest unit (decimal string) with `decimals` as a decimal number string. */
export function formatUnits(amount: string, decimals: number, maxFraction = 6): string {
  const value = BigInt(amount);
  const base = 10n ** BigInt(decimals);
  const whole = value / base;
  const fraction = (value % base).toString().padStart(decimals, '0').slice(0, maxFraction).replace(/0+$/, '');
  return fraction ? `${whole}.${fraction}` : whole.toString();
}

/** RFC 4180 CSV: fields with a comma, quote or line break are quoted, quotes doubled. */
export function toCsv(header: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number | null>>): string {
  const cell = (v: string | number | null): string => {
    const s = v === null ? '' : String(v);
    // A leading =, +, - or @ makes spreadsheets run the cell as a formula (CSV injection).
    const safe = /^[=+\-@\t\r]/.test(s) && !/^-?\d/.test(s) ? `'${s}` : s;
    return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
  };
  return [header, ...rows].map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
}
