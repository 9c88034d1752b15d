import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { detectAll } from '../../../shared/pii/detect';
import type { EvaluationResult, GoldDoc } from '../../../shared/pii/evaluate';
import { evaluate, parsePresidioRecognizerCases, parsePresidioResearch, parseSpansFormat } from '../../../shared/pii/evaluate';
import { applyOperators } from '../../../shared/pii/operators';

/**
 * Scores the detectors on the reference material in ../shared/eval/pii (Presidio's recognizer
 * cases and a presidio-research sample) against the targets of issue 3, and prints the figures.
 */

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const evalDir = resolve(repoRoot, '../shared/eval/pii');

function readEval(relative: string): string {
  const path = resolve(evalDir, relative);
  if (!existsSync(path)) {
    throw new Error(
      `The PII evaluation material is missing: expected ${path} (the shared/eval/pii folder beside the repository). The evaluation cannot pass without it.`,
    );
  }
  return readFileSync(path, 'utf8');
}

function printTable(title: string, r: EvaluationResult): void {
  const rows = r.perLabel.map(
    (l) =>
      `  ${l.label.padEnd(16)} P ${l.precision.toFixed(3)}  R ${l.recall.toFixed(3)}  F1 ${l.f1.toFixed(3)}  support ${String(l.support).padStart(4)}  fp ${l.fp}`,
  );
  const sources = r.perSourceLabel.map((l) => `  ${l.label.padEnd(26)} recall ${l.recall.toFixed(3)} (${l.found}/${l.support})`);
  console.log(
    [
      `== ${title}: ${r.docs} documents`,
      ...rows,
      `  micro            P ${r.micro.precision.toFixed(3)}  R ${r.micro.recall.toFixed(3)}  F1 ${r.micro.f1.toFixed(3)}  support ${r.micro.support}`,
      `  redaction: char recall ${r.charRecall.toFixed(4)}, char precision ${r.charPrecision.toFixed(4)}`,
      '  by source label:',
      ...sources,
    ].join('\n'),
  );
}

describe('evaluation on the reference material', () => {
  it('meets the structured-identifier targets on Presidio recognizer cases', () => {
    const { cases, skipped } = parsePresidioRecognizerCases(readEval('presidio/recognizer_test_cases.json'));
    expect(cases.length).toBeGreaterThan(1300);
    const pairs = cases.map((c) => ({ gold: c.doc, predicted: detectAll(c.doc.text, { entities: c.entities }) }));
    const result = evaluate(pairs);
    printTable(`Presidio recognizer cases (${skipped} model-dependent or non-default cases skipped)`, result);
    const misses = cases.filter((_c, i) => evaluate([pairs[i]!]).micro.fn > 0).map((c) => `${c.label}: ${JSON.stringify(c.doc.text)}`);
    const falsePositives = cases
      .filter((_c, i) => evaluate([pairs[i]!]).micro.fp > 0)
      .map((c) => `${c.label}: ${JSON.stringify(c.doc.text)}`);
    console.log(`  missed: ${misses.join('; ') || 'none'}\n  false positives: ${falsePositives.join('; ') || 'none'}`);
    expect(result.micro.recall).toBeGreaterThanOrEqual(0.99);
    expect(result.micro.precision).toBeGreaterThanOrEqual(0.95);
  });

  it('meets the name, place and redaction targets on the presidio-research sample', () => {
    const docs = parsePresidioResearch(readEval('presidio-research/generated_small.json'));
    const result = evaluate(docs.map((d) => ({ gold: d, predicted: detectAll(d.text) })));
    printTable('presidio-research generated_small.json', result);
    const namesAndPlaces = result.perLabel.filter((l) => l.label === 'PERSON' || l.label === 'LOCATION');
    const found = namesAndPlaces.reduce((s, l) => s + l.tp, 0);
    const support = namesAndPlaces.reduce((s, l) => s + l.support, 0);
    console.log(`  names and places (PERSON + LOCATION/ADDRESS): recall ${(found / support).toFixed(3)} (${found}/${support})`);
    expect(found / support).toBeGreaterThanOrEqual(0.95);
    expect(result.charRecall).toBeGreaterThanOrEqual(0.98);
  });

  it('finds every entity of the Presidio end-to-end demo', () => {
    const input = readEval('presidio/demo.txt');
    const expected = readEval('presidio/demo_anonymized.txt');
    // Gold spans from the anonymised text: the literal pieces between <TAG>s, aligned in order.
    const pieces = expected.split(/<([A-Z_]+)>/);
    const gold: GoldDoc = { text: input, spans: [] };
    let pos = 0;
    for (let k = 0; k + 2 < pieces.length; k += 2) {
      const literal = pieces[k] ?? '';
      const start = input.indexOf(literal, pos) + literal.length;
      const next = pieces[k + 2] ?? '';
      const end = next === '' ? input.length : input.indexOf(next.slice(0, 12), start);
      gold.spans.push({ start, end, label: pieces[k + 1] ?? '' });
      pos = end;
    }
    const predicted = detectAll(input);
    const result = evaluate([{ gold, predicted }]);
    printTable('Presidio demo.txt', result);
    expect(result.micro.recall).toBe(1);
    const out = applyOperators(input, predicted);
    for (const span of gold.spans) expect(out.text).not.toContain(input.slice(span.start, span.end));
  });

  it('reads the spans format and rejects malformed files with invalid_input', () => {
    const docs = parseSpansFormat('{"text":"call 555-0100","spans":[{"start":5,"end":13,"entity_type":"PHONE_NUMBER"}]}\n');
    expect(docs[0]?.spans[0]).toEqual({ start: 5, end: 13, label: 'PHONE_NUMBER' });
    expect(() => parseSpansFormat('{"text":"x","spans":[{"start":0,"end":9,"entity_type":"PERSON"}]}')).toThrow(/outside its text/);
    expect(() => parsePresidioResearch('[{"full_text": 3}]')).toThrow(/expected shape/);
    expect(() => parsePresidioResearch('not json')).toThrow(/not valid JSON/);
  });
});
