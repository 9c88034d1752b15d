import { describe, expect, it } from 'vitest';
import { createCsprngRandomSource } from '../../../../electron/services/dp/csprng';
import { uniformIntBelow } from '../../../../shared/dp/random';

describe('CSPRNG random source', () => {
  it('labels itself csprng and yields uniform 32-bit words across buffer refills', () => {
    const rng = createCsprngRandomSource();
    expect(rng.kind).toBe('csprng');
    const words = Array.from({ length: 40_000 }, () => rng.nextUint32());
    for (const word of words) expect(Number.isInteger(word) && word >= 0 && word < 2 ** 32).toBe(true);
    expect(new Set(words).size).toBeGreaterThan(39_990);
    const mean = words.reduce((sum, word) => sum + word, 0) / words.length;
    expect(Math.abs(mean / 2 ** 32 - 0.5)).toBeLessThan(0.01);
  });

  it('two sources do not repeat each other', () => {
    const a = createCsprngRandomSource();
    const b = createCsprngRandomSource();
    expect(Array.from({ length: 8 }, () => a.nextUint32())).not.toEqual(Array.from({ length: 8 }, () => b.nextUint32()));
    expect(uniformIntBelow(a, 10)).toBeLessThan(10);
  });
});
