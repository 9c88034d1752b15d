import type { RandomSource } from './random';

/**
 * TEST ONLY. A seeded, reproducible xoshiro128** generator (Blackman & Vigna 2018), seeded through
 * splitmix32. It is fast and statistically good but predictable from its output, so noise drawn
 * from it protects nothing: the app injects the CSPRNG adapter
 * (`electron/services/dp/csprng.ts`) instead. Its `kind` says `seeded-test-only`, and that
 * label travels into the applied-parameters record.
 */
export function createSeededRandomForTests(seed: number): RandomSource {
  let mixer = seed >>> 0;
  const splitMix32 = (): number => {
    mixer = (mixer + 0x9e3779b9) >>> 0;
    let z = mixer;
    z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
    z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
    return (z ^ (z >>> 15)) >>> 0;
  };
  let s0 = splitMix32();
  let s1 = splitMix32();
  let s2 = splitMix32();
  let s3 = splitMix32();
  if ((s0 | s1 | s2 | s3) === 0) s0 = 1;

  return {
    kind: 'seeded-test-only',
    nextUint32(): number {
      const product = Math.imul(s1, 5);
      const result = Math.imul((product << 7) | (product >>> 25), 9) >>> 0;
      const shifted = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= shifted;
      s3 = (s3 << 11) | (s3 >>> 21);
      return result;
    },
  };
}
