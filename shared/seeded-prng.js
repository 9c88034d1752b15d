// Plain JavaScript with types beside it (seeded-prng.d.ts) because the benches and scripts are .mjs
// that Node 20 runs as they are: this one file serves them, the devnet and the tests alike.

/**
 * Mulberry32 (Tommy Ettinger, 2017): a small seeded generator of floats in [0, 1), the same
 * sequence on every platform, which Math.random is not. Predictable from its output: for corpora,
 * benchmarks and the devnet's simulated attribution, never for keys or DP noise (those use the
 * CSPRNG, electron/services/dp/csprng.ts).
 */
export function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
