import { AutoTokenizer, env, type PreTrainedTokenizer } from '@huggingface/transformers';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { chunkText, memoizeCounter } from '../../../../electron/services/embeddings/chunking';
import { CHUNK_OVERLAP_TOKENS, MAX_CHUNK_TOKENS } from '../../../../electron/services/embeddings/constants';
import { requireTestModel } from '../../../helpers/embedding-model';

let tokenizer: PreTrainedTokenizer;
let count: (text: string) => number;
const options = { maxTokens: MAX_CHUNK_TOKENS - 2, overlapTokens: CHUNK_OVERLAP_TOKENS, maxChunks: 1000 };

beforeAll(async () => {
  const dir = requireTestModel();
  env.allowRemoteModels = false;
  tokenizer = await AutoTokenizer.from_pretrained(dir);
  count = memoizeCounter((text) => tokenizer.encode(text, { add_special_tokens: false }).length);
});

const WORDS =
  'the patient was admitted with acute chest pain; troponin elevated, ECG showed ST-elevation. Discharged on aspirin 75mg.'.split(' ');

function document(words: number, seed = 1): string {
  let s = seed;
  const out: string[] = [];
  for (let i = 0; i < words; i++) {
    s = (s * 16807) % 2147483647;
    out.push(WORDS[s % WORDS.length] as string);
    if (i % 17 === 16) out.push('\n\n');
  }
  return out.join(' ');
}

describe('token-aware chunking with the model tokenizer', () => {
  it('keeps every chunk within 256 tokens including [CLS] and [SEP], and covers every word', () => {
    const text = document(3000);
    const { chunks, isTruncated } = chunkText(text, count, options);
    expect(isTruncated).toBe(false);
    expect(chunks.length).toBeGreaterThan(10);
    for (const c of chunks) {
      const tokens = tokenizer.encode(text.slice(c.start, c.end)).length;
      expect(tokens).toBeLessThanOrEqual(MAX_CHUNK_TOKENS);
      expect(tokens - 2).toBe(c.tokens);
    }
    const covered = new Uint8Array(text.length);
    for (const c of chunks) covered.fill(1, c.start, c.end);
    for (let i = 0; i < text.length; i++) if (!/\s/.test(text[i] as string)) expect(covered[i]).toBe(1);
  });

  it('overlaps consecutive chunks by at most the overlap budget', () => {
    const text = document(2000, 7);
    const { chunks } = chunkText(text, count, options);
    for (let i = 1; i < chunks.length; i++) {
      const prev = chunks[i - 1]!;
      const next = chunks[i]!;
      expect(next.start).toBeGreaterThan(prev.start);
      expect(next.start).toBeLessThan(prev.end);
      const shared = count(text.slice(next.start, prev.end));
      expect(shared).toBeGreaterThan(0);
      expect(shared).toBeLessThanOrEqual(CHUNK_OVERLAP_TOKENS);
    }
  });

  it('splits a run without spaces that is longer than a chunk (a pasted log line) into pieces that fit', () => {
    // Punctuation splits into tokens, so this one "word" is about 2,000 tokens.
    const blob = Array.from({ length: 1000 }, (_, i) => `${'abcdefgh'[i % 8]}/`).join('');
    const text = `before ${blob} after`;
    const { chunks } = chunkText(text, count, options);
    expect(chunks.length).toBeGreaterThan(1);
    for (const c of chunks) expect(tokenizer.encode(text.slice(c.start, c.end)).length).toBeLessThanOrEqual(MAX_CHUNK_TOKENS);
    expect(chunks[0]!.start).toBe(0);
    expect(chunks.at(-1)!.end).toBe(text.length);
  });

  it('gives no chunks for an empty or blank text, and stops at maxChunks saying so', () => {
    expect(chunkText('', count, options)).toEqual({ chunks: [], isTruncated: false });
    expect(chunkText(' \n\t ', count, options)).toEqual({ chunks: [], isTruncated: false });
    const { chunks, isTruncated } = chunkText(document(3000), count, { ...options, maxChunks: 3 });
    expect(chunks).toHaveLength(3);
    expect(isTruncated).toBe(true);
  });
});

describe('chunking invariants (any tokenizer)', () => {
  it('never exceeds the budget, always advances and covers all words', () => {
    const word = fc.stringMatching(/^[a-z]{1,40}$/);
    fc.assert(
      fc.property(
        fc.array(word, { maxLength: 400 }),
        fc.integer({ min: 4, max: 60 }),
        fc.integer({ min: 0, max: 20 }),
        (words, max, overlap) => {
          const text = words.join(' ');
          // A tokenizer that counts one token per 3 characters (and splits long words).
          const counter = (s: string): number => s.split(/\s+/).reduce((n, w) => n + Math.ceil(w.length / 3), 0);
          const { chunks } = chunkText(text, counter, { maxTokens: max, overlapTokens: overlap, maxChunks: 10_000 });
          let lastStart = -1;
          const covered = new Uint8Array(text.length);
          for (const c of chunks) {
            expect(counter(text.slice(c.start, c.end))).toBeLessThanOrEqual(max);
            expect(c.start).toBeGreaterThan(lastStart);
            lastStart = c.start;
            covered.fill(1, c.start, c.end);
          }
          for (let i = 0; i < text.length; i++) if (text[i] !== ' ') expect(covered[i]).toBe(1);
        },
      ),
      { numRuns: 200 },
    );
  });
});
