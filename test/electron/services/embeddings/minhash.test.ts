import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  estimateJaccard,
  isEmptySignature,
  lshBuckets,
  minhashSignature,
  shingleHashes,
} from '../../../../electron/services/embeddings/minhash';

const signature = (text: string): Uint32Array => minhashSignature(shingleHashes(text));

function trueJaccard(a: Uint32Array, b: Uint32Array): number {
  const sa = new Set(a);
  const sb = new Set(b);
  let inter = 0;
  for (const x of sa) if (sb.has(x)) inter++;
  const union = sa.size + sb.size - inter;
  return union === 0 ? 0 : inter / union;
}

// Words from two alphabets that share no letter, so their shingles cannot coincide.
const wordA = fc.stringMatching(/^[a-m]{2,8}$/);
const wordB = fc.stringMatching(/^[n-z]{2,8}$/);

describe('MinHash over word shingles', () => {
  it('estimates 1 for identical texts', () => {
    fc.assert(
      fc.property(fc.array(wordA, { minLength: 1, maxLength: 200 }), (words) => {
        const text = words.join(' ');
        expect(estimateJaccard(signature(text), signature(text))).toBe(1);
      }),
    );
  });

  it('estimates about 0 for texts with no word in common', () => {
    fc.assert(
      fc.property(fc.array(wordA, { minLength: 20, maxLength: 200 }), fc.array(wordB, { minLength: 20, maxLength: 200 }), (a, b) => {
        expect(estimateJaccard(signature(a.join(' ')), signature(b.join(' ')))).toBeLessThanOrEqual(0.05);
      }),
    );
  });

  it('tracks the true Jaccard similarity of the shingle sets', () => {
    fc.assert(
      fc.property(
        fc.array(wordA, { minLength: 30, maxLength: 300 }),
        fc.array(wordA, { minLength: 0, maxLength: 100 }),
        fc.nat(),
        (base, insert, at) => {
          const a = base.join(' ');
          const cut = at % base.length;
          const b = [...base.slice(0, cut), ...insert, ...base.slice(cut)].join(' ');
          const exact = trueJaccard(shingleHashes(a), shingleHashes(b));
          // 128 hash functions: the standard error is at most 0.5/sqrt(128) ≈ 0.044.
          expect(Math.abs(estimateJaccard(signature(a), signature(b)) - exact)).toBeLessThan(0.2);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('ignores case, punctuation and spacing', () => {
    const a = 'The patient, admitted on Monday, was discharged.';
    const b = 'the   patient admitted on monday was DISCHARGED';
    expect(estimateJaccard(signature(a), signature(b))).toBe(1);
  });

  it('puts identical signatures in the same LSH bucket of every band, and an empty text nowhere', () => {
    const text = 'one two three four five six seven eight nine ten';
    expect(Array.from(lshBuckets(signature(text)))).toEqual(Array.from(lshBuckets(signature(text))));
    const empty = signature('…  — !!');
    expect(isEmptySignature(empty)).toBe(true);
    expect(estimateJaccard(empty, empty)).toBe(0);
  });
});
