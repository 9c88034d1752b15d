import { detectAll } from './detect';
import type { Detection, DetectOptions } from './types';

/**
 * Detection over a long text in segments, so that a worker can report progress between them and
 * memory stays bounded by one segment's candidates. Each segment is scanned with a margin on both
 * sides, so that context words and entities across a cut are still seen; a detection belongs to
 * the segment where it starts, and one that overlaps an earlier kept one is dropped.
 */

export const SEGMENT_CHARS = 1 << 20;
const MARGIN = 512;

/** Cut points near every `target` characters: at a line break, else at a space, else anywhere but inside a surrogate pair. */
export function segmentBounds(text: string, target = SEGMENT_CHARS): number[] {
  const bounds = [0];
  let pos = 0;
  while (text.length - pos > target) {
    const ideal = pos + target;
    let cut = text.lastIndexOf('\n', ideal);
    if (cut <= pos + target / 2) cut = text.lastIndexOf(' ', ideal);
    if (cut <= pos + target / 2) {
      cut = ideal;
      const c = text.charCodeAt(cut);
      if (c >= 0xdc00 && c <= 0xdfff) cut++;
    } else {
      cut++;
    }
    bounds.push(cut);
    pos = cut;
  }
  bounds.push(text.length);
  return bounds;
}

/** detectAll over segments; `onSegment` runs after each with characters done and detections so far. */
export function detectSegmented(
  text: string,
  options: DetectOptions = {},
  onSegment?: (done: number, total: number, detections: number) => void,
  target = SEGMENT_CHARS,
): Detection[] {
  const bounds = segmentBounds(text, target);
  if (bounds.length <= 2) {
    const all = detectAll(text, options);
    onSegment?.(text.length, text.length, all.length);
    return all;
  }
  const out: Detection[] = [];
  let lastEnd = 0;
  for (let i = 0; i + 1 < bounds.length; i++) {
    const s = bounds[i] as number;
    const e = bounds[i + 1] as number;
    const from = Math.max(0, s - MARGIN);
    const to = Math.min(text.length, e + MARGIN);
    for (const d of detectAll(text.slice(from, to), options)) {
      const start = d.start + from;
      if (start < s || start >= e || start < lastEnd) continue;
      out.push({ ...d, start, end: d.end + from });
      lastEnd = d.end + from;
    }
    onSegment?.(e, text.length, out.length);
  }
  return out.map((d, i) => ({ ...d, id: `d${i + 1}` }));
}
