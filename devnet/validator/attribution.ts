import { mulberry32 } from '../../shared/seeded-prng';
import { cosine, embed, seedFrom } from './text';

/**
 * The simulated inference workload of one attribution epoch (Proof of Attribution, simulated):
 * per Datanet, `queriesPerDatanet` retrieval-augmented queries run against the Datanet's accepted
 * items; each query retrieves the `topK` items most similar to it (hashed bag-of-words cosine),
 * and each retrieval credits the retrieved item with one point. An item's score for the epoch is
 * its number of retrievals.
 *
 * Queries are drawn from the corpus itself: pick an item at random, take QUERY_TERMS of its key
 * terms and NOISE_TERMS of another item's, as a user asking about that item would. Everything is
 * driven by a PRNG seeded from `seed|epoch|datanetId`, so the same corpus, seed and epoch give the
 * same scores on every machine.
 */
export const QUERY_TERMS = 6;
export const NOISE_TERMS = 2;
export const DEFAULT_TOP_K = 3;
export const DEFAULT_QUERIES_PER_DATANET = 20;

export type AttributionItem = {
  datanetId: string;
  contributor: string;
  sha256: string;
  embedding: readonly number[];
  keyTerms: readonly string[];
};

export type AttributionScore = { datanetId: string; contributor: string; sha256: string; score: number };

export type WorkloadOptions = { seed: string; epoch: number; queriesPerDatanet: number; topK: number };

export type WorkloadResult = { queries: number; scores: AttributionScore[] };

const byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export function runRetrievalWorkload(items: readonly AttributionItem[], options: WorkloadOptions): WorkloadResult {
  const byDatanet = new Map<string, AttributionItem[]>();
  for (const item of items) {
    if (item.keyTerms.length === 0) continue; // nothing retrievable (a PDF or DOCX the devnet did not read)
    const list = byDatanet.get(item.datanetId) ?? [];
    list.push(item);
    byDatanet.set(item.datanetId, list);
  }

  const credits = new Map<string, { item: AttributionItem; score: number }>();
  let queries = 0;
  for (const datanetId of [...byDatanet.keys()].sort(byString)) {
    const corpus = (byDatanet.get(datanetId) ?? []).slice().sort((a, b) => byString(a.sha256, b.sha256));
    const rng = mulberry32(seedFrom(`${options.seed}|${options.epoch}|${datanetId}`));
    const pick = <T>(list: readonly T[]): T => list[Math.floor(rng() * list.length)] as T;
    for (let q = 0; q < options.queriesPerDatanet; q++) {
      const target = pick(corpus);
      const other = pick(corpus);
      const terms: string[] = [];
      for (let i = 0; i < QUERY_TERMS; i++) terms.push(pick(target.keyTerms));
      for (let i = 0; i < NOISE_TERMS; i++) terms.push(pick(other.keyTerms));
      const query = embed(terms);
      const ranked = corpus
        .map((item) => ({ item, similarity: cosine(query, item.embedding) }))
        .filter((r) => r.similarity > 0)
        .sort((a, b) => b.similarity - a.similarity || byString(a.item.sha256, b.item.sha256))
        .slice(0, options.topK);
      for (const { item } of ranked) {
        const key = `${item.datanetId}|${item.sha256}`;
        const entry = credits.get(key) ?? { item, score: 0 };
        entry.score++;
        credits.set(key, entry);
      }
      queries++;
    }
  }

  const scores = [...credits.values()]
    .map(({ item, score }) => ({ datanetId: item.datanetId, contributor: item.contributor, sha256: item.sha256, score }))
    .sort((a, b) => byString(a.datanetId, b.datanetId) || byString(a.sha256, b.sha256));
  return { queries, scores };
}

/** What the rewards contract pays a file: floor(budget × score / totalScore), as `payEpoch` computes it. */
export function expectedAmount(budget: bigint, score: number, totalScore: number): bigint {
  return totalScore === 0 ? 0n : (budget * BigInt(score)) / BigInt(totalScore);
}
