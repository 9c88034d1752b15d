import { describe, expect, it } from 'vitest';
import { findInWindow, safePageEnd, segmentWindow, type SegmentDetection } from '../../../shared/pii/review-segments';

const det = (id: string, start: number, end: number, extra: Partial<SegmentDetection> = {}): SegmentDetection => ({
  id,
  start,
  end,
  origin: 'detector',
  decision: 'pending',
  confidence: 0.8,
  ...extra,
});

/** The runs' texts, with the id each shows, to compare against what a reader sees. */
function show(text: string, start: number, detections: SegmentDetection[]): [string, string | null][] {
  return segmentWindow(start, start + text.length, detections).map((s) => [text.slice(s.start - start, s.end - start), s.primaryId]);
}

describe('segmentWindow', () => {
  it('covers the window exactly with plain runs and one run per detection', () => {
    const text = 'Seen John Smith on 3 May.';
    expect(show(text, 0, [det('p', 5, 15), det('d', 19, 24)])).toEqual([
      ['Seen ', null],
      ['John Smith', 'p'],
      [' on ', null],
      ['3 May', 'd'],
      ['.', null],
    ]);
    expect(segmentWindow(0, 0, [])).toEqual([]);
  });

  it('keeps offsets in UTF-16 code units around emoji and combining characters', () => {
    // 👩‍⚕️ is five code units (two for 👩, ZWJ, ⚕, VS16) and é written as e + U+0301 two.
    const text = 'Dr \u{1F469}\u200D\u2695\uFE0F Jose\u0301 Ruiz, \u{1F600} ward';
    const start = text.indexOf('Jose');
    expect(start).toBe(9);
    const ward = text.indexOf('ward');
    const runs = show(text, 0, [det('p', start, start + 10), det('w', ward, ward + 4)]);
    expect(runs).toEqual([
      ['Dr \u{1F469}\u200D\u2695\uFE0F ', null],
      ['Jose\u0301 Ruiz', 'p'],
      [', \u{1F600} ', null],
      ['ward', 'w'],
    ]);
  });

  it('clips detections to the window and reports absolute offsets', () => {
    const runs = segmentWindow(100, 110, [det('a', 95, 103), det('b', 108, 130)]);
    expect(runs.map((r) => [r.start, r.end, r.primaryId])).toEqual([
      [100, 103, 'a'],
      [103, 108, null],
      [108, 110, 'b'],
    ]);
  });

  it('shows what will happen where detections overlap: a reviewer span over a detector span, an inner date inside an address', () => {
    const runs = segmentWindow(0, 20, [
      det('addr', 0, 20),
      det('date', 5, 10),
      det('mine', 15, 20, { origin: 'reviewer', decision: 'accepted', confidence: 1 }),
    ]);
    expect(runs.map((r) => [r.start, r.end, r.primaryId, r.ids])).toEqual([
      [0, 5, 'addr', ['addr']],
      [5, 10, 'date', ['date', 'addr']],
      [10, 15, 'addr', ['addr']],
      [15, 20, 'mine', ['mine', 'addr']],
    ]);
    // A rejected detection gives way to a pending one over the same characters.
    expect(segmentWindow(0, 4, [det('x', 0, 4, { decision: 'rejected' }), det('y', 0, 4)])[0]?.primaryId).toBe('y');
  });
});

describe('safePageEnd', () => {
  it('moves a page end off the middle of a surrogate pair, and leaves other ends alone', () => {
    const text = 'ab😀cd';
    expect(safePageEnd(text.slice(0, 3), 0, text.length)).toBe(2);
    expect(safePageEnd(text.slice(0, 4), 0, text.length)).toBe(4);
    expect(safePageEnd(text, 0, text.length)).toBe(text.length);
  });
});

describe('findInWindow', () => {
  it('finds case-insensitively from an offset, wraps to the start, and returns null when absent', () => {
    const text = 'Ward 7, then ward 9';
    expect(findInWindow(text, 1000, 'WARD', 1000)).toEqual({ start: 1000, end: 1004 });
    expect(findInWindow(text, 1000, 'ward', 1001)).toEqual({ start: 1013, end: 1017 });
    expect(findInWindow(text, 1000, 'ward', 1018)).toEqual({ start: 1000, end: 1004 });
    expect(findInWindow(text, 1000, 'bed', 1000)).toBeNull();
    expect(findInWindow(text, 1000, '', 1000)).toBeNull();
  });
});
