/** A similarity (-1…1) as a whole percentage. */
export function percent(x: number | null | undefined): string {
  return x === null || x === undefined || !Number.isFinite(x) ? '—' : `${Math.round(x * 100)} %`;
}

/** The start of a model version hash, enough to tell versions apart on screen. */
export function shortVersion(version: string | null): string {
  return version ? version.slice(0, 12) : 'unknown';
}

/** A rough reading of a relevance score (cosine similarity, all-MiniLM-L6-v2 scale). */
export function relevanceLabel(score: number | null): string {
  if (score === null) return 'unknown';
  if (score >= 0.5) return 'fits the Datanet';
  if (score >= 0.3) return 'partly fits';
  return 'looks off-topic';
}

export const DUPLICATE_KIND_LABELS = {
  exact: 'same text',
  text: 'overlapping text',
  semantic: 'same meaning',
} as const;

export const SOURCE_LABELS = {
  configured: 'configured folder',
  bundled: 'bundled with the app',
  cache: "this computer's model cache",
  hub: 'Hugging Face hub (downloads on first use)',
  none: 'not available',
} as const;
