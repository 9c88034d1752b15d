import { randomFillSync } from 'node:crypto';
import type { RandomSource } from '../../../shared/dp/random';

/** Words fetched from the OS CSPRNG per refill: 64 KiB amortises the call over ~16k draws. */
const BUFFER_WORDS = 16_384;

/**
 * The app's randomness for differential privacy: Node's CSPRNG (`crypto.randomFillSync`, backed
 * by the OS generator). Every noise draw must come from here; a predictable generator would let
 * anyone who learns its state subtract the noise. Words are buffered because the samplers draw
 * ~10 words per noised value and a syscall-backed fill per word would dominate at a million rows.
 * Each word is handed out once and the buffer is overwritten on refill.
 */
export function createCsprngRandomSource(): RandomSource {
  const buffer = new Uint32Array(BUFFER_WORDS);
  let next = BUFFER_WORDS;
  return {
    kind: 'csprng',
    nextUint32(): number {
      if (next === BUFFER_WORDS) {
        randomFillSync(buffer);
        next = 0;
      }
      const word = buffer[next] as number;
      next += 1;
      return word;
    },
  };
}
