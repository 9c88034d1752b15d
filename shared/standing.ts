/**
 * Acceptance rate and standing, as the validator reports them (docs/architecture.md, Product rules: standing
 * is earned by consistent acceptance, and a rejected submission does not reduce it).
 *
 * - acceptance rate = accepted / (accepted + rejected) over submissions the validator could
 *   attribute to the contributor; null before the first one.
 * - standing = the number of distinct UTC days on which the contributor had at least one
 *   submission accepted. Only acceptances enter it, so no rejection can lower it, and spreading
 *   work over days (consistency) counts for more than one large burst.
 */
export type VerdictOutcome = { day: string; isAccepted: boolean };

export function acceptanceRate(outcomes: readonly VerdictOutcome[]): number | null {
  if (outcomes.length === 0) return null;
  return outcomes.filter((o) => o.isAccepted).length / outcomes.length;
}

export function standing(outcomes: readonly VerdictOutcome[]): number {
  return new Set(outcomes.filter((o) => o.isAccepted).map((o) => o.day)).size;
}
