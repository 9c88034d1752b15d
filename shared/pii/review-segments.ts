/**
 * How the review screen cuts a window of text into runs that each show one detection (or none),
 * so that overlapping detections still render as flat, non-nested elements whose offsets map
 * back to the item's text. Pure, so that it is tested without a DOM; offsets are UTF-16 code
 * units into the whole text, `end` exclusive, as everywhere in the contract.
 */

/**
 * Characters the review screen renders at once. Documents of tens of MB are paged through
 * windows of this size (fetched by offset), so the DOM never holds more than one page of text.
 */
export const REVIEW_PAGE_SIZE = 20_000;

export type SegmentDetection = {
  id: string;
  start: number;
  end: number;
  origin: 'detector' | 'reviewer';
  decision: 'pending' | 'accepted' | 'rejected';
  confidence: number;
};

export type Segment = {
  start: number;
  end: number;
  /** The detection this run shows; null for plain text. */
  primaryId: string | null;
  /** Every detection covering the run, the primary first. */
  ids: string[];
};

const DECISION_RANK = { rejected: 0, pending: 1, accepted: 2 } as const;

/**
 * Which of two detections covering the same characters is shown: a reviewer's span, then an
 * accepted, a pending, a rejected one (what will happen to the text wins); then the shorter
 * (an inner date stays visible inside a longer address), then the more confident.
 */
function outranks(a: SegmentDetection, b: SegmentDetection): boolean {
  const ra = (a.origin === 'reviewer' ? 3 : 0) + DECISION_RANK[a.decision];
  const rb = (b.origin === 'reviewer' ? 3 : 0) + DECISION_RANK[b.decision];
  if (ra !== rb) return ra > rb;
  const la = a.end - a.start;
  const lb = b.end - b.start;
  if (la !== lb) return la < lb;
  if (a.confidence !== b.confidence) return a.confidence > b.confidence;
  return a.id < b.id;
}

/** Runs covering [windowStart, windowEnd) exactly, in order; detections are clipped to the window. */
export function segmentWindow(windowStart: number, windowEnd: number, detections: readonly SegmentDetection[]): Segment[] {
  if (windowEnd <= windowStart) return [];
  const live = detections.filter((d) => d.end > windowStart && d.start < windowEnd && d.end > d.start);
  const cuts = new Set<number>([windowStart, windowEnd]);
  for (const d of live) {
    cuts.add(Math.max(windowStart, d.start));
    cuts.add(Math.min(windowEnd, d.end));
  }
  const points = [...cuts].sort((a, b) => a - b);
  const byStart = [...live].sort((a, b) => a.start - b.start);
  const active: SegmentDetection[] = [];
  const segments: Segment[] = [];
  let next = 0;
  for (let i = 0; i + 1 < points.length; i++) {
    const a = points[i] as number;
    const b = points[i + 1] as number;
    while (next < byStart.length && Math.max(windowStart, (byStart[next] as SegmentDetection).start) <= a)
      active.push(byStart[next++] as SegmentDetection);
    for (let j = active.length - 1; j >= 0; j--) if ((active[j] as SegmentDetection).end <= a) active.splice(j, 1);
    let primary: SegmentDetection | undefined;
    for (const d of active) if (primary === undefined || outranks(d, primary)) primary = d;
    const ids = primary === undefined ? [] : [primary.id, ...active.filter((d) => d !== primary).map((d) => d.id)];
    const last = segments[segments.length - 1];
    if (last !== undefined && last.primaryId === null && primary === undefined) last.end = b;
    else segments.push({ start: a, end: b, primaryId: primary?.id ?? null, ids });
  }
  return segments;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/**
 * Where a fetched page of text should end so that it cuts no surrogate pair in half: its end,
 * or one code unit earlier when it ends on the first half of a pair that the next page holds.
 */
export function safePageEnd(pageText: string, pageStart: number, textLength: number): number {
  const end = pageStart + pageText.length;
  if (end >= textLength || pageText.length < 2) return end;
  return isHighSurrogate(pageText.charCodeAt(pageText.length - 1)) ? end - 1 : end;
}

/** The next occurrence of `query` (case-insensitive) at or after `from` in a window; absolute offsets. */
export function findInWindow(windowText: string, windowStart: number, query: string, from: number): { start: number; end: number } | null {
  if (query.length === 0) return null;
  const haystack = windowText.toLowerCase();
  const needle = query.toLowerCase();
  // toLowerCase keeps UTF-16 lengths for almost every script; when it does not, offsets would drift, so search the text as is.
  const isSafe = haystack.length === windowText.length && needle.length === query.length;
  const h = isSafe ? haystack : windowText;
  const n = isSafe ? needle : query;
  let at = h.indexOf(n, Math.max(0, from - windowStart));
  if (at < 0) at = h.indexOf(n);
  return at < 0 ? null : { start: windowStart + at, end: windowStart + at + n.length };
}
