/**
 * Mulberry32: a seeded generator of floats in [0, 1), the same sequence on every platform. Not for
 * secrets or DP noise. The implementation is seeded-prng.js (plain JavaScript so that .mjs scripts
 * import it without a build).
 */
export declare function mulberry32(seed: number): () => number;
