import { Tensor, mean_pooling } from '@huggingface/transformers';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { meanPoolNormalized, meanVector, parseVectorLiteral, toVectorLiteral } from '../../../../electron/services/embeddings/vectors';

describe('vector helpers', () => {
  it('pools like transformers.js mean_pooling followed by L2 normalisation', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 16 }),
        fc.nat(),
        (batch, seq, dims, seed) => {
          let s = seed + 1;
          const rnd = (): number => {
            s = (s * 16807) % 2147483647;
            return s / 2147483647 - 0.5;
          };
          const hidden = Float32Array.from({ length: batch * seq * dims }, rnd);
          // Right padding: each row keeps at least one token.
          const mask = BigInt64Array.from({ length: batch * seq }, (_, i) => (i % seq === 0 || rnd() > 0 ? 1n : 0n));
          const expected = mean_pooling(
            new Tensor('float32', hidden, [batch, seq, dims]),
            new Tensor('int64', mask, [batch, seq]),
          ).normalize(2, -1);
          const actual = meanPoolNormalized(hidden, mask, batch, seq, dims);
          const want = expected.data as Float32Array;
          for (let i = 0; i < actual.length; i++) expect(actual[i]).toBeCloseTo(want[i] as number, 5);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('writes pgvector literals that read back exactly as float32', () => {
    const v = Float32Array.from([0.1, -0.333333343, 1e-8, 0, 12345.678]);
    expect(parseVectorLiteral(toVectorLiteral(v))).toEqual(v);
    expect(() => toVectorLiteral([Number.NaN])).toThrow(RangeError);
  });

  it("averages an item's chunk vectors into one unit vector", () => {
    const mean = meanVector(Float32Array.from([1, 0, 0, 1]), 2)!;
    expect(Array.from(mean)).toEqual([Math.fround(Math.SQRT1_2), Math.fround(Math.SQRT1_2)]);
    expect(meanVector(new Float32Array(0), 2)).toBeUndefined();
  });
});
