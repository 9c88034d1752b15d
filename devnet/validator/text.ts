import { keccak256, toUtf8Bytes } from 'ethers';
import { mulberry32 } from '../../shared/seeded-prng';

/**
 * Text features the devnet validator scores with: tokens, MinHash signatures over word shingles
 * (near-duplicates), and hashed bag-of-words vectors (relevance and the simulated retrieval).
 * Deliberately simple and deterministic; the app's own quality signals use real embeddings.
 */

export const SHINGLE_SIZE = 3;
export const MINHASH_SIZE = 128;
export const EMBEDDING_DIMS = 512;
export const KEY_TERMS = 64;

/** Lower-cased runs of letters and digits of two or more characters. */
export function tokenize(text: string): string[] {
  return (text.toLowerCase().match(/[\p{L}\p{N}]{2,}/gu) ?? []).slice(0, 2_000_000);
}

/** FNV-1a over UTF-16 code units, finished with murmur3's fmix32 for avalanche. */
export function hash32(text: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return fmix32(h);
}

function fmix32(input: number): number {
  let h = input >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A 32-bit seed from any string (keccak256, first four bytes). */
export function seedFrom(text: string): number {
  return Number.parseInt(keccak256(toUtf8Bytes(text)).slice(2, 10), 16);
}

const MINHASH_SEEDS: number[] = (() => {
  const rng = mulberry32(0x5eed_0001);
  return Array.from({ length: MINHASH_SIZE }, () => Math.floor(rng() * 0x1_0000_0000));
})();

/** Word shingles of SHINGLE_SIZE; a text shorter than that is its own single shingle. */
export function shingles(tokens: readonly string[]): string[] {
  if (tokens.length === 0) return [];
  if (tokens.length < SHINGLE_SIZE) return [tokens.join(' ')];
  const out: string[] = [];
  for (let i = 0; i + SHINGLE_SIZE <= tokens.length; i++) out.push(tokens.slice(i, i + SHINGLE_SIZE).join(' '));
  return out;
}

/** MinHash signature of the shingle set; null for a text without tokens. */
export function minhash(tokens: readonly string[]): number[] | null {
  const set = new Set(shingles(tokens));
  if (set.size === 0) return null;
  const signature = new Array<number>(MINHASH_SIZE).fill(0xffffffff);
  for (const shingle of set) {
    const base = hash32(shingle);
    for (let i = 0; i < MINHASH_SIZE; i++) {
      const h = fmix32(base ^ (MINHASH_SEEDS[i] as number));
      if (h < (signature[i] as number)) signature[i] = h;
    }
  }
  return signature;
}

/** Estimated Jaccard similarity of two shingle sets: the share of equal MinHash slots. */
export function jaccardEstimate(a: readonly number[], b: readonly number[]): number {
  let equal = 0;
  for (let i = 0; i < MINHASH_SIZE; i++) if (a[i] === b[i]) equal++;
  return equal / MINHASH_SIZE;
}

/** Hashed bag of words with log term frequency, L2-normalised; all zeros for no tokens. */
export function embed(tokens: readonly string[]): number[] {
  const counts = new Map<string, number>();
  for (const t of tokens) counts.set(t, (counts.get(t) ?? 0) + 1);
  const vector = new Array<number>(EMBEDDING_DIMS).fill(0);
  for (const [term, count] of counts) {
    const h = hash32(term);
    // The sign bit halves the bias that hash collisions add to cosine similarity.
    const sign = h & 0x8000_0000 ? -1 : 1;
    const index = h % EMBEDDING_DIMS;
    vector[index] = (vector[index] as number) + sign * (1 + Math.log(count));
  }
  return normalise(vector);
}

export function normalise(vector: readonly number[]): number[] {
  const norm = Math.sqrt(vector.reduce((s, v) => s + v * v, 0));
  return norm === 0 ? vector.map(() => 0) : vector.map((v) => v / norm);
}

export function cosine(a: readonly number[], b: readonly number[]): number {
  let dot = 0;
  for (let i = 0; i < Math.min(a.length, b.length); i++) dot += (a[i] as number) * (b[i] as number);
  return dot;
}

/** The most frequent distinct terms (ties alphabetical): what the simulated queries are drawn from. */
export function keyTerms(tokens: readonly string[]): string[] {
  const counts = new Map<string, number>();
  for (const t of tokens) counts.set(t, (counts.get(t) ?? 0) + 1);
  return [...counts.entries()]
    .sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0))
    .slice(0, KEY_TERMS)
    .map(([term]) => term);
}
