/**
 * The short crash-trial run of `npm test`: one SIGKILL trial of each phase (import, anonymise,
 * embed, submit) with the harness `npm run crash-trials` runs at full length (scripts/crash-trials.mjs).
 */
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ES module script without type declarations.
import { runCrashTrials } from '../../scripts/crash-trials.mjs';

type Summary = { trials: number; failures: number; problems: string[]; durationMs: number; seed: number };

describe('crash trials (short run)', () => {
  it(
    'a SIGKILL at a random point of import, anonymisation, embedding and submission loses, half-stores and duplicates nothing',
    { timeout: 900_000 },
    async () => {
      const { summary } = (await runCrashTrials({ trials: 1, report: () => undefined })) as { summary: Summary };
      console.info(JSON.stringify({ crashTrials: summary }));
      expect(summary.problems).toEqual([]);
      expect(summary.trials).toBe(4);
    },
  );
});
