/** A chunk of a text: UTF-16 offsets (end exclusive) and its token count without special tokens. */
export type ChunkSpan = { start: number; end: number; tokens: number };

export type ChunkOptions = {
  /** Tokens a chunk may hold, not counting the special tokens the tokenizer adds around it. */
  maxTokens: number;
  /** Tokens at the end of a chunk that the next one repeats (at most). */
  overlapTokens: number;
  /** Chunks after which the text is cut; `isTruncated` then says so. */
  maxChunks: number;
};

type Unit = { start: number; end: number; tokens: number };

/**
 * Memoises a token counter by string: a document repeats most of its words, and tokenizing a
 * word costs far more than a map lookup.
 */
export function memoizeCounter(count: (text: string) => number, maxEntries = 200_000): (text: string) => number {
  const cache = new Map<string, number>();
  return (text) => {
    let n = cache.get(text);
    if (n === undefined) {
      n = count(text);
      if (cache.size >= maxEntries) cache.clear();
      cache.set(text, n);
    }
    return n;
  };
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/** Splits a word the tokenizer makes longer than a chunk into pieces that fit, never inside a surrogate pair. */
function splitLongWord(text: string, start: number, end: number, count: (s: string) => number, maxTokens: number, out: Unit[]): void {
  const tokens = count(text.slice(start, end));
  if (tokens <= maxTokens || end - start <= 1) {
    out.push({ start, end, tokens: Math.min(tokens, maxTokens) });
    return;
  }
  let mid = start + Math.floor((end - start) / 2);
  if (isHighSurrogate(text.charCodeAt(mid - 1))) mid++;
  if (mid >= end) mid = end - 1;
  splitLongWord(text, start, mid, count, maxTokens, out);
  splitLongWord(text, mid, end, count, maxTokens, out);
}

/**
 * Cuts a text into chunks of at most `maxTokens` tokens with overlap, on whitespace boundaries.
 * Token counts come from the model's own tokenizer (`count`), word by word: for WordPiece and
 * similar tokenizers that pre-split on whitespace the sum is exact, and every chunk is checked
 * against the tokenizer as a whole so that other tokenizers cannot overflow a chunk either.
 */
export function chunkText(
  text: string,
  count: (text: string) => number,
  options: ChunkOptions,
): { chunks: ChunkSpan[]; isTruncated: boolean } {
  const { maxTokens, overlapTokens, maxChunks } = options;
  if (maxTokens < 1) throw new RangeError('maxTokens must be at least 1');
  const units: Unit[] = [];
  for (const match of text.matchAll(/\S+/g)) {
    const start = match.index;
    const end = start + match[0].length;
    const tokens = count(match[0]);
    if (tokens > maxTokens) splitLongWord(text, start, end, count, maxTokens, units);
    else units.push({ start, end, tokens });
  }
  const chunks: ChunkSpan[] = [];
  let i = 0;
  while (i < units.length) {
    if (chunks.length >= maxChunks) return { chunks, isTruncated: true };
    let j = i;
    let sum = 0;
    while (j < units.length && sum + (units[j] as Unit).tokens <= maxTokens) sum += (units[j++] as Unit).tokens;
    // Each unit fits on its own, so a chunk always advances; the check below covers tokenizers
    // whose count of a joined text exceeds the sum of its words.
    const start = (units[i] as Unit).start;
    let end = (units[j - 1] as Unit).end;
    let actual = count(text.slice(start, end));
    while (actual > maxTokens && j - 1 > i) {
      j--;
      end = (units[j - 1] as Unit).end;
      actual = count(text.slice(start, end));
    }
    chunks.push({ start, end, tokens: Math.min(actual, maxTokens) });
    if (j >= units.length) break;
    let k = j;
    let overlap = 0;
    while (k - 1 > i && overlap + (units[k - 1] as Unit).tokens <= overlapTokens) overlap += (units[--k] as Unit).tokens;
    i = k;
  }
  return { chunks, isTruncated: false };
}
