import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { detectAll } from '../../../shared/pii/detect';
import { applyOperators } from '../../../shared/pii/operators';
import { detectSegmented, segmentBounds } from '../../../shared/pii/segmented';
import type { Detection } from '../../../shared/pii/types';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/pii/${name}`, import.meta.url));
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function wellFormed(text: string, ds: readonly Detection[]): void {
  let last = 0;
  for (const d of ds) {
    expect(d.start).toBeGreaterThanOrEqual(last);
    expect(d.end).toBeGreaterThan(d.start);
    expect(d.end).toBeLessThanOrEqual(text.length);
    expect(text.slice(d.start, d.end)).toBe(d.text);
    last = d.end;
  }
}

function found(text: string, ds: readonly Detection[], value: string, type: string): void {
  const start = text.indexOf(value);
  expect(start, value).toBeGreaterThanOrEqual(0);
  expect(ds.find((d) => d.start === start && d.end === start + value.length)?.type, value).toBe(type);
}

describe('bad and unusual input', () => {
  it('finds identifiers inside right-to-left prose at their exact UTF-16 offsets', () => {
    const text = fixture('rtl.txt').toString('utf8');
    const ds = detectAll(text);
    wellFormed(text, ds);
    found(text, ds, 'ahmed.hassan@example.com', 'EMAIL');
    found(text, ds, 'sara.cohen@example.org', 'EMAIL');
    expect(ds.some((d) => d.type === 'PHONE' && d.text.includes('7946 0958'))).toBe(true);
    const out = applyOperators(text, ds);
    expect(out.text).toContain('المريض');
    expect(out.text).not.toContain('ahmed.hassan@example.com');
  });

  it('keeps offsets right around emoji, ZWJ sequences and combining accents, and never splits a character', () => {
    const text = fixture('emoji-combining.txt').toString('utf8');
    const ds = detectAll(text);
    wellFormed(text, ds);
    found(text, ds, 'jose.garcia@example.com', 'EMAIL');
    found(text, ds, '4111 1111 1111 1111', 'CREDIT_CARD');
    // A name written with a combining accent is replaced whole, the accent with it.
    const zoe = ds.find((d) => d.type === 'PERSON' && d.text.startsWith('Zoe'));
    expect(zoe?.text).toBe('Zoe\u0308 Smith');
    const out = applyOperators(text, ds, { default: { kind: 'mask' } });
    expect(LONE_SURROGATE.test(out.text)).toBe(false);
    expect(out.text.startsWith('👩\u200d⚕️')).toBe(true);
    expect(out.text).toContain('👍🏽');
    expect(out.text).toContain('🇬🇧');
    for (const r of out.replacements) expect(out.text.slice(r.outputStart, r.outputEnd)).toBe(r.replacement);
    // A span that cuts a surrogate pair or leaves an accent behind is widened to whole characters.
    const cut = text.indexOf('🩺') + 1;
    const widened = applyOperators(text, [{ type: 'OTHER_ID', start: cut, end: cut + 1 }], { default: { kind: 'redact' } });
    expect(widened.replacements[0]).toMatchObject({ start: cut - 1, end: cut + 1 });
    expect(LONE_SURROGATE.test(widened.text)).toBe(false);
  });

  it('survives binary garbage read as Latin-1 and as UTF-8, with well-formed output', () => {
    const bytes = fixture('binary-garbage.bin');
    for (const text of [bytes.toString('latin1'), new TextDecoder('utf-8').decode(bytes)]) {
      const ds = detectAll(text);
      wellFormed(text, ds);
      const out = applyOperators(text, ds);
      expect(out.text.length).toBeGreaterThan(0);
      expect(detectSegmented(text, {}, undefined, 1000)).toHaveLength(ds.length);
    }
  });

  it('returns nothing for empty and blank documents, and anonymises them to themselves', () => {
    for (const name of ['empty.txt', 'whitespace.txt']) {
      const text = fixture(name).toString('utf8');
      expect(detectAll(text)).toEqual([]);
      expect(detectSegmented(text)).toEqual([]);
      expect(applyOperators(text, [])).toEqual({ text, replacements: [] });
    }
  });

  it('refuses what is not text with invalid_input instead of crashing', () => {
    expect(() => detectAll(undefined as unknown as string)).toThrow(expect.objectContaining({ code: 'invalid_input' }));
    expect(() => applyOperators(42 as unknown as string, [])).toThrow(expect.objectContaining({ code: 'invalid_input' }));
  });

  it('cuts segments at line breaks or spaces, never inside a surrogate pair, and finds the same entities as one pass', () => {
    const text = `${'word '.repeat(300)}Call john.smith@example.com now. ${'😀'.repeat(400)}${'x'.repeat(900)}`;
    const bounds = segmentBounds(text, 512);
    expect(bounds[0]).toBe(0);
    expect(bounds[bounds.length - 1]).toBe(text.length);
    for (const b of bounds.slice(1, -1)) {
      const c = text.charCodeAt(b);
      expect(c >= 0xdc00 && c <= 0xdfff).toBe(false);
    }
    const seg = detectSegmented(text, {}, undefined, 512);
    expect(seg.map((d) => [d.type, d.start, d.end])).toEqual(detectAll(text).map((d) => [d.type, d.start, d.end]));
  });
});
