import { LSH_BANDS, LSH_ROWS, MINHASH_PERMUTATIONS, SHINGLE_WORDS } from './constants';

/** The value of a signature slot that saw no shingle (an empty text). */
const EMPTY = 0xffffffff;

/** MurmurHash3's 32-bit finaliser: a bijection that spreads every input bit over the output. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** FNV-1a over UTF-16 code units. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * Seeds of the hash functions. Fixed forever: stored signatures are only comparable with
 * signatures made with the same seeds (a change needs a new CHUNKER_ID so that items are redone).
 */
const SEEDS: Uint32Array = (() => {
  const seeds = new Uint32Array(MINHASH_PERMUTATIONS);
  let s = 0x5eed1234;
  for (let i = 0; i < seeds.length; i++) {
    s = (s + 0x9e3779b9) >>> 0;
    seeds[i] = fmix32(s);
  }
  return seeds;
})();

/** Words for shingling: NFKC, lower case, runs of letters and digits (punctuation and spacing do not make a text different). */
export function shingleWords(text: string): string[] {
  return (
    text
      .normalize('NFKC')
      .toLowerCase()
      .match(/[\p{L}\p{N}]+/gu) ?? []
  );
}

/** Distinct hashes of the text's word shingles (`size` consecutive words; a shorter text is one shingle). */
export function shingleHashes(text: string, size = SHINGLE_WORDS): Uint32Array {
  const words = shingleWords(text);
  const set = new Set<number>();
  if (words.length > 0 && words.length < size) set.add(fmix32(fnv1a(words.join(' '))));
  for (let i = 0; i + size <= words.length; i++) set.add(fmix32(fnv1a(words.slice(i, i + size).join(' '))));
  return Uint32Array.from(set);
}

/** The MinHash signature of a set of shingle hashes: per hash function, the smallest value it gives over the set. */
export function minhashSignature(hashes: Uint32Array): Uint32Array {
  const sig = new Uint32Array(MINHASH_PERMUTATIONS).fill(EMPTY);
  for (let s = 0; s < SEEDS.length; s++) {
    const seed = SEEDS[s] as number;
    let min = EMPTY;
    for (let i = 0; i < hashes.length; i++) {
      const h = fmix32(((hashes[i] as number) ^ seed) >>> 0);
      if (h < min) min = h;
    }
    sig[s] = min;
  }
  return sig;
}

/** Estimated Jaccard similarity of two shingle sets from their signatures; 0 when either text had no words. */
export function estimateJaccard(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length || a.length === 0) throw new RangeError('signatures differ in length');
  let same = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i] && (a[i] as number) >>> 0 !== EMPTY) same++;
  return same / a.length;
}

/**
 * LSH buckets: one hash per band of `LSH_ROWS` signature slots. Two items share a bucket in
 * some band with probability 1 − (1 − J^rows)^bands, so only likely near-duplicates are compared.
 */
export function lshBuckets(sig: ArrayLike<number>): Int32Array {
  const buckets = new Int32Array(LSH_BANDS);
  for (let band = 0; band < LSH_BANDS; band++) {
    let h = 0x811c9dc5 ^ band;
    for (let r = 0; r < LSH_ROWS; r++) {
      h = Math.imul(h ^ ((sig[band * LSH_ROWS + r] as number) >>> 0), 0x01000193);
    }
    buckets[band] = fmix32(h >>> 0) | 0;
  }
  return buckets;
}

/** True when a signature saw no shingle at all. */
export function isEmptySignature(sig: ArrayLike<number>): boolean {
  for (let i = 0; i < sig.length; i++) if ((sig[i] as number) >>> 0 !== EMPTY) return false;
  return true;
}
