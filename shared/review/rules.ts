import type { VoteChoice } from './eip712';

/** The policy's review rule (policy.review): when valid votes decide an item. */
export type ReviewRule = { minAccepts: number; maxRejects: number; minRejects: number };

export const DEFAULT_REVIEW_RULE: ReviewRule = { minAccepts: 2, maxRejects: 0, minRejects: 2 };

/**
 * An item's state under the rule. `accepted` / `rejected` are decisions; `contested` means valid
 * accepts and rejects disagree without a decision; `needs-changes` that someone asked for changes.
 */
export type ItemOutcome = 'open' | 'needs-changes' | 'contested' | 'accepted' | 'rejected';

export type VoteTally = { accept: number; reject: number; 'needs-changes': number };

export function tally(choices: Iterable<VoteChoice>): VoteTally {
  const counts: VoteTally = { accept: 0, reject: 0, 'needs-changes': 0 };
  for (const c of choices) counts[c]++;
  return counts;
}

/** The decision rule: rejection first, so a rule whose thresholds overlap never accepts a rejected item. */
export function decide(counts: VoteTally, rule: ReviewRule): ItemOutcome {
  if (counts.reject >= rule.minRejects) return 'rejected';
  if (counts.accept >= rule.minAccepts && counts.reject <= rule.maxRejects) return 'accepted';
  if (counts.accept > 0 && counts.reject > 0) return 'contested';
  if (counts['needs-changes'] > 0) return 'needs-changes';
  return 'open';
}

export function isDecided(outcome: ItemOutcome): boolean {
  return outcome === 'accepted' || outcome === 'rejected';
}
