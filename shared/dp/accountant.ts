import { AppError } from '../errors';
import { cdpEpsilon, pureDpToZcdp, zcdpToApproxDpEpsilon } from './mechanisms';
import { preciseLog } from './precise-log';

/**
 * Privacy accounting: totals of a sequence of (ε, δ) spends under several composition theorems,
 * and the tightest valid one. Every accountant here returns a guarantee that is *valid*; they
 * differ only in how tight it is, so taking the minimum ε is sound (each is a true statement
 * about the same composed mechanism).
 */

/** One spend: its (ε, δ) guarantee and, where the mechanism is also ρ-zCDP, that ρ. */
export type PrivacyCost = {
  readonly epsilon: number;
  readonly delta: number;
  /** Set for Gaussian spends (ρ = Δ²/2σ²). Pure spends (δ = 0) are ε²/2-zCDP implicitly. */
  readonly rho?: number;
};

export type AccountantName = 'basic' | 'advanced' | 'kov-heterogeneous' | 'kov-optimal' | 'zcdp' | 'zcdp-optimal';

/** A total guarantee and the accountant that produced it. */
export type CompositionTotal = {
  readonly epsilon: number;
  readonly delta: number;
  readonly accountant: AccountantName;
};

/** Above this many identical spends the O(k)-per-step exact composition search is skipped. */
export const KOV_OPTIMAL_MAX_ENTRIES = 10_000;

function invalid(message: string): never {
  throw new AppError('invalid_input', message);
}

function requireEntries(entries: readonly PrivacyCost[]): void {
  for (const entry of entries) {
    if (!(entry.epsilon >= 0) || !(entry.delta >= 0 && entry.delta <= 1)) {
      invalid(`every spend needs ε ≥ 0 and δ in [0, 1], got (${entry.epsilon}, ${entry.delta})`);
    }
    if (entry.rho !== undefined && !(entry.rho >= 0)) invalid('ρ must be non-negative');
  }
}

function requireSlack(deltaPrime: number): void {
  if (!(deltaPrime > 0 && deltaPrime < 1)) invalid(`the slack δ' must be in (0, 1), got ${deltaPrime}`);
}

function sum(values: readonly number[]): number {
  let total = 0;
  for (const value of values) total += value;
  return total;
}

/** Basic sequential composition: (Σεᵢ, Σδᵢ) (Dwork & Roth 2014, Thm 3.16). */
export function basicComposition(entries: readonly PrivacyCost[]): CompositionTotal {
  requireEntries(entries);
  return {
    epsilon: sum(entries.map((entry) => entry.epsilon)),
    delta: Math.min(1, sum(entries.map((entry) => entry.delta))),
    accountant: 'basic',
  };
}

/**
 * Advanced composition for k-fold (ε, δ): ε' = √(2k ln(1/δ'))·ε + kε(e^ε − 1), δ_total = kδ + δ'
 * (Dwork, Rothblum & Vadhan 2010; Dwork & Roth 2014, Thm 3.20).
 */
export function advancedCompositionEpsilon(epsilon: number, k: number, deltaPrime: number): number {
  requireSlack(deltaPrime);
  return Math.sqrt(2 * k * preciseLog(1 / deltaPrime)) * epsilon + k * epsilon * Math.expm1(epsilon);
}

/**
 * DRV advanced composition over a list: every (εᵢ, δᵢ) spend is also (max ε, δᵢ)-DP, so the
 * homogeneous theorem applies with ε = max εᵢ and the per-mechanism failure probabilities add:
 * δ_total = Σδᵢ + δ' (Dwork & Roth 2014, proof of Thm 3.20).
 */
export function advancedComposition(entries: readonly PrivacyCost[], deltaPrime: number): CompositionTotal {
  requireEntries(entries);
  const maxEpsilon = entries.reduce((max, entry) => Math.max(max, entry.epsilon), 0);
  return {
    epsilon: advancedCompositionEpsilon(maxEpsilon, entries.length, deltaPrime),
    delta: Math.min(1, sum(entries.map((entry) => entry.delta)) + deltaPrime),
    accountant: 'advanced',
  };
}

/** The two heterogeneous bounds of KOV Thm 3.5, reported separately (diffprivlib's `drv` and `kov`). */
export type KovHeterogeneousBounds = { readonly drv: number; readonly kov: number };

/**
 * Heterogeneous composition (Kairouz, Oh & Viswanath 2017, "The composition theorem for
 * differential privacy", Thm 3.5), as in diffprivlib's BudgetAccountant.total():
 * with S = Σ εᵢ(e^εᵢ − 1)/(e^εᵢ + 1) and Q = Σ εᵢ²,
 * drv = S + √(2Q ln(1/δ')), kov = S + √(2Q ln(e + √Q/δ')).
 */
export function kovHeterogeneousBounds(entries: readonly PrivacyCost[], deltaPrime: number): KovHeterogeneousBounds {
  requireEntries(entries);
  requireSlack(deltaPrime);
  let expSum = 0;
  let squareSum = 0;
  for (const { epsilon } of entries) {
    // (e^ε − 1)/(e^ε + 1) = tanh(ε/2), which stays finite for large ε.
    expSum += epsilon * Math.tanh(epsilon / 2);
    squareSum += epsilon * epsilon;
  }
  return {
    drv: expSum + Math.sqrt(2 * squareSum * preciseLog(1 / deltaPrime)),
    kov: expSum + Math.sqrt(2 * squareSum * preciseLog(Math.E + Math.sqrt(squareSum) / deltaPrime)),
  };
}

/** KOV Thm 3.5 total: ε = min(drv, kov), δ = 1 − (1 − δ')·Π(1 − δᵢ). */
export function kovHeterogeneousComposition(entries: readonly PrivacyCost[], deltaPrime: number): CompositionTotal {
  const { drv, kov } = kovHeterogeneousBounds(entries, deltaPrime);
  let keep = 1 - deltaPrime;
  for (const entry of entries) keep *= 1 - entry.delta;
  return { epsilon: Math.min(drv, kov), delta: 1 - keep, accountant: 'kov-heterogeneous' };
}

/** ln(1 + e^x) without overflow. */
function log1pExp(x: number): number {
  return x > 36 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}

/**
 * Optimal composition of k identical (ε, δ) spends (Kairouz, Oh & Viswanath 2017, Thm 3.3), as
 * Google's dp_accounting `advanced_composition`: the smallest ε(k − 2i) whose
 * δᵢ = Σ_{l<i} C(k,l)(e^{ε(k−l)} − e^{ε(k−2i+l)})/(1 + e^ε)^k satisfies
 * 1 − (1 − δ)^k(1 − δᵢ) ≤ totalDelta; null when none does. Evaluated in log space, and δᵢ is
 * increasing in i, so the largest feasible i is found by bisection instead of a linear scan.
 */
export function optimalHomogeneousComposition(epsilon: number, delta: number, k: number, totalDelta: number): number | null {
  if (!(epsilon >= 0) || !Number.isFinite(epsilon)) invalid('ε must be a non-negative finite number');
  if (!(delta >= 0 && delta <= 1) || !(totalDelta >= 0 && totalDelta <= 1)) invalid('δ values must be in [0, 1]');
  if (!Number.isInteger(k) || k < 1) invalid('k must be a positive integer');
  const keepAll = (1 - delta) ** k;
  const isFeasible = (i: number): boolean => 1 - keepAll * (1 - deltaForIndex(i)) <= totalDelta;
  const logBinomial: number[] = [0];
  for (let l = 0; l < k; l += 1) logBinomial.push((logBinomial[l] ?? 0) + Math.log((k - l) / (l + 1)));
  const logNormaliser = k * log1pExp(epsilon);
  function deltaForIndex(i: number): number {
    let total = 0;
    for (let l = 0; l < i; l += 1) {
      // C(k,l)·e^{ε(k−l)}·(1 − e^{−2ε(i−l)}) / (1 + e^ε)^k
      const logTerm = (logBinomial[l] ?? 0) + epsilon * (k - l) - logNormaliser;
      total += Math.exp(logTerm) * -Math.expm1(-2 * epsilon * (i - l));
    }
    return total;
  }
  if (!isFeasible(0)) return null;
  let feasible = 0;
  let infeasible = Math.floor(k / 2) + 1;
  if (isFeasible(infeasible - 1)) return epsilon * (k - 2 * (infeasible - 1));
  while (infeasible - feasible > 1) {
    const middle = Math.floor((feasible + infeasible) / 2);
    if (isFeasible(middle)) feasible = middle;
    else infeasible = middle;
  }
  return epsilon * (k - 2 * feasible);
}

/**
 * The exact (tight) total ε of k identical (ε, δ) spends at slack δ', for any ε_T rather than only
 * the grid points ε(k − 2i). Kairouz, Oh & Viswanath 2017 (Thm 2.4 and Thm 3.3): every (ε, δ)-DP
 * mechanism is dominated by their canonical one, whose k-fold composition has
 * δ(ε_T) = 1 − (1 − δ)^k·(1 − δ_RR(ε_T)), with δ_RR the hockey-stick divergence of k-fold binary
 * randomized response: Σ_{l : (k−2l)ε > ε_T} C(k,l)(e^{ε(k−l)} − e^{ε_T + εl})/(1 + e^ε)^k.
 * With the total δ set to 1 − (1 − δ)^k(1 − δ'), the condition is δ_RR(ε_T) ≤ δ', and the
 * smallest such ε_T is found by bisection (δ_RR is decreasing in ε_T). Always ≤ the grid value of
 * {@link optimalHomogeneousComposition}, and non-decreasing in k.
 */
export function exactHomogeneousComposition(epsilon: number, k: number, deltaPrime: number): number {
  if (!(epsilon >= 0) || !Number.isFinite(epsilon)) invalid('ε must be a non-negative finite number');
  if (!Number.isInteger(k) || k < 1) invalid('k must be a positive integer');
  requireSlack(deltaPrime);
  if (epsilon === 0) return 0;
  const logBinomial: number[] = [0];
  for (let l = 0; l < k; l += 1) logBinomial.push((logBinomial[l] ?? 0) + Math.log((k - l) / (l + 1)));
  const logNormaliser = k * log1pExp(epsilon);
  const hockeyStick = (totalEpsilon: number): number => {
    let total = 0;
    for (let l = 0; (k - 2 * l) * epsilon > totalEpsilon; l += 1) {
      const logTerm = (logBinomial[l] ?? 0) + epsilon * (k - l) - logNormaliser;
      total += Math.exp(logTerm) * -Math.expm1(totalEpsilon - epsilon * (k - 2 * l));
    }
    return total;
  };
  let low = 0;
  let high = k * epsilon;
  if (hockeyStick(low) <= deltaPrime) return 0;
  for (let i = 0; i < 200 && high - low > 1e-13 * high; i += 1) {
    const middle = (low + high) / 2;
    if (hockeyStick(middle) <= deltaPrime) high = middle;
    else low = middle;
  }
  return high;
}

/**
 * The per-spend ε such that k spends of (ε, δ) compose to (totalEpsilon, totalDelta) under
 * {@link optimalHomogeneousComposition}; null when δ alone already exceeds totalDelta. Bisection,
 * as Google's `get_smallest_epsilon_from_advanced_composition`.
 */
export function optimalHomogeneousEpsilonFor(totalEpsilon: number, totalDelta: number, k: number, delta = 0): number | null {
  if (1 - (1 - delta) ** k > totalDelta) return null;
  const fits = (epsilon: number): boolean => {
    const total = optimalHomogeneousComposition(epsilon, delta, k, totalDelta);
    return total !== null && total <= totalEpsilon;
  };
  let low = totalEpsilon / k;
  let high = totalEpsilon;
  if (!fits(low)) return null;
  for (let i = 0; i < 200 && high - low > 1e-12 * high; i += 1) {
    const middle = (low + high) / 2;
    if (fits(middle)) low = middle;
    else high = middle;
  }
  return low;
}

/** The zCDP conversion used by {@link zcdpComposition}. */
export type ZcdpConversion = 'bun-steinke' | 'optimal';

/**
 * zCDP accounting: ρ adds under composition (Bun & Steinke 2016, Lemma 2.3). Gaussian spends
 * (with ρ) and, when it helps, pure spends (ρ = ε²/2, Prop 1.4) are composed in zCDP and
 * converted at δ' — by ε = ρ + 2√(ρ ln(1/δ')) (Prop 1.3) or the optimal conversion (CKS 2020,
 * §2.3); the remaining spends are added by basic composition. Null when no spend has a ρ.
 */
export function zcdpComposition(
  entries: readonly PrivacyCost[],
  deltaPrime: number,
  conversion: ZcdpConversion = 'bun-steinke',
): CompositionTotal | null {
  requireEntries(entries);
  requireSlack(deltaPrime);
  const toEpsilon = conversion === 'optimal' ? cdpEpsilon : zcdpToApproxDpEpsilon;
  const accountant: AccountantName = conversion === 'optimal' ? 'zcdp-optimal' : 'zcdp';
  let best: CompositionTotal | null = null;
  for (const isPureInZcdp of [false, true]) {
    let rho = 0;
    let hasZcdpPart = false;
    let restEpsilon = 0;
    let restDelta = 0;
    for (const entry of entries) {
      if (entry.rho !== undefined) {
        rho += entry.rho;
        hasZcdpPart = true;
      } else if (isPureInZcdp && entry.delta === 0) {
        rho += pureDpToZcdp(entry.epsilon);
        hasZcdpPart = true;
      } else {
        restEpsilon += entry.epsilon;
        restDelta += entry.delta;
      }
    }
    if (!hasZcdpPart) continue;
    const candidate: CompositionTotal = {
      epsilon: toEpsilon(rho, deltaPrime) + restEpsilon,
      delta: Math.min(1, deltaPrime + restDelta),
      accountant,
    };
    if (best === null || candidate.epsilon < best.epsilon) best = candidate;
  }
  return best;
}

/** Every accountant's total for the entries, with the slack δ' where an accountant needs one. */
export function compositionCandidates(entries: readonly PrivacyCost[], deltaPrime: number): CompositionTotal[] {
  requireEntries(entries);
  requireSlack(deltaPrime);
  const candidates: CompositionTotal[] = [basicComposition(entries)];
  if (entries.length === 0) return candidates;
  candidates.push(advancedComposition(entries, deltaPrime));
  candidates.push(kovHeterogeneousComposition(entries, deltaPrime));
  const first = entries[0];
  const isHomogeneous = first !== undefined && entries.every((entry) => entry.epsilon === first.epsilon && entry.delta === first.delta);
  if (first !== undefined && isHomogeneous && entries.length <= KOV_OPTIMAL_MAX_ENTRIES && Number.isFinite(first.epsilon)) {
    candidates.push({
      epsilon: exactHomogeneousComposition(first.epsilon, entries.length, deltaPrime),
      delta: 1 - (1 - first.delta) ** entries.length * (1 - deltaPrime),
      accountant: 'kov-optimal',
    });
  }
  for (const conversion of ['bun-steinke', 'optimal'] as const) {
    const total = zcdpComposition(entries, deltaPrime, conversion);
    if (total !== null) candidates.push(total);
  }
  return candidates;
}

/** Options for {@link tightestTotal}. */
export type TightestTotalOptions = {
  /** Candidates whose δ exceeds this are set aside (e.g. the policy's δ cap). */
  readonly maxDelta?: number;
};

/**
 * The smallest valid total ε over all applicable accountants (ties broken by smaller δ), among
 * candidates whose δ is within `maxDelta`; when none is, the candidate with the smallest δ, so the
 * caller's cap check refuses it. Basic composition is always a candidate.
 */
export function tightestTotal(
  entries: readonly PrivacyCost[],
  deltaPrime: number,
  options: TightestTotalOptions = {},
): CompositionTotal & { readonly candidates: readonly CompositionTotal[] } {
  const candidates = compositionCandidates(entries, deltaPrime);
  const maxDelta = options.maxDelta ?? 1;
  const within = candidates.filter((candidate) => candidate.delta <= maxDelta);
  const pool = within.length > 0 ? within : candidates;
  const byEpsilon = (a: CompositionTotal, b: CompositionTotal): number => a.epsilon - b.epsilon || a.delta - b.delta;
  const byDelta = (a: CompositionTotal, b: CompositionTotal): number => a.delta - b.delta || a.epsilon - b.epsilon;
  const best = [...pool].sort(within.length > 0 ? byEpsilon : byDelta)[0] ?? candidates[0];
  if (best === undefined) throw new AppError('internal', 'no composition candidate');
  return { ...best, candidates };
}
