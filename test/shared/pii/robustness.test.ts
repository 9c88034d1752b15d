import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { detectAll } from '../../../shared/pii/detect';
import { applyOperators } from '../../../shared/pii/operators';
import type { Detection } from '../../../shared/pii/types';
import { syntheticCorpus } from './synthetic-notes';

/** Offsets inside the text, spans matching their text, sorted and not overlapping. */
function expectWellFormed(text: string, ds: readonly Detection[]): void {
  let last = 0;
  for (const d of ds) {
    expect(d.start).toBeGreaterThanOrEqual(last);
    expect(d.end).toBeGreaterThan(d.start);
    expect(d.end).toBeLessThanOrEqual(text.length);
    expect(text.slice(d.start, d.end)).toBe(d.text);
    expect(d.confidence).toBeGreaterThanOrEqual(0);
    expect(d.confidence).toBeLessThanOrEqual(1);
    last = d.end;
  }
}

function timed<T>(label: string, bytes: number, f: () => T): T {
  const t = performance.now();
  const out = f();
  const ms = performance.now() - t;
  console.log(`${label}: ${(bytes / 1e6).toFixed(1)} MB in ${ms.toFixed(0)} ms (${(bytes / 1e6 / (ms / 1000)).toFixed(1)} MB/s)`);
  return out;
}

describe('inputs that would hang or crash a careless detector', () => {
  it('finishes a single 5 MB line of clinical text', { timeout: 120_000 }, () => {
    const line = syntheticCorpus(5_000_000).replace(/\n/g, ' ');
    const ds = timed('5 MB single line', line.length, () => detectAll(line));
    expectWellFormed(line, ds);
    expect(ds.length).toBeGreaterThan(1000);
  });

  it('finishes adversarial repetitions (numbers, separators, titles, month names)', { timeout: 240_000 }, () => {
    const mb = 300_000;
    const patterns = [
      '1 '.repeat(mb / 2),
      '1-'.repeat(mb / 2),
      '12.'.repeat(mb / 3),
      'ab:'.repeat(mb / 3),
      'Aa '.repeat(mb / 3),
      'A B '.repeat(mb / 4),
      '@a.'.repeat(mb / 3),
      'x@'.repeat(mb / 2),
      'May 1 '.repeat(mb / 6),
      '(1) '.repeat(mb / 4),
      'MR. '.repeat(mb / 4),
      '12 Main Street '.repeat(mb / 15),
      'a'.repeat(mb),
      ':'.repeat(mb),
      '0'.repeat(mb),
    ];
    for (const text of patterns) {
      const ds = timed(`repeated ${JSON.stringify(text.slice(0, 12))}…`, text.length, () => detectAll(text));
      expectWellFormed(text, ds);
    }
  });

  it('finishes binary garbage decoded as text', { timeout: 120_000 }, () => {
    let seed = 7;
    const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
    const bytes = new Uint8Array(3_000_000).map(() => next() & 0xff);
    const latin1 = new TextDecoder('latin1').decode(bytes);
    const utf8 = new TextDecoder('utf-8').decode(bytes);
    // Random UTF-16 code units, lone surrogates included.
    const units = Array.from({ length: 1_000_000 }, () => String.fromCharCode(next() & 0xffff)).join('');
    for (const [label, text] of [
      ['latin1 garbage', latin1],
      ['utf-8 garbage', utf8],
      ['utf-16 garbage', units],
    ] as const) {
      const ds = timed(label, text.length, () => detectAll(text));
      expectWellFormed(text, ds);
      const out = applyOperators(text, ds);
      expect(out.replacements).toHaveLength(ds.length);
    }
  });

  it('returns well-formed detections for any string (property)', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'grapheme', maxLength: 300 }),
          fc.string({ unit: fc.constantFrom(...'0123456789 -./:()+@ABCxyz#\n'), maxLength: 300 }),
        ),
        (text) => {
          expectWellFormed(text, detectAll(text, { minConfidence: 0 }));
        },
      ),
      { numRuns: 400 },
    );
  });
});
