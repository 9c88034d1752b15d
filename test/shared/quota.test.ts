import { describe, expect, it } from 'vitest';
import { defaultPolicy } from '../../shared/policy';
import { checkQuota, nextResetAt, planBatches, remainingQuota, usageOn, utcDay } from '../../shared/quota';
import type { QuotaPolicy } from '../../shared/quota';

const NOON = Date.parse('2026-03-10T12:00:00.000Z');
const policy = (overrides: Partial<QuotaPolicy> = {}): QuotaPolicy => ({ ...defaultPolicy().quota, ...overrides });

describe('quota', () => {
  it('defaults to the seed limits: 10 MB (SI) per day and 20 files per submission', () => {
    expect(policy()).toEqual({ bytesPerDay: 10_000_000, filesPerSubmission: 20, filesPerDay: null });
  });

  it('uses the UTC day and resets at UTC midnight', () => {
    expect(utcDay(Date.parse('2026-03-10T23:59:59.999Z'))).toBe('2026-03-10');
    expect(utcDay(Date.parse('2026-03-11T00:00:00.000Z'))).toBe('2026-03-11');
    expect(new Date(nextResetAt(NOON)).toISOString()).toBe('2026-03-11T00:00:00.000Z');
    expect(usageOn('2026-03-11', { day: '2026-03-10', bytes: 5, files: 1 })).toEqual({ day: '2026-03-11', bytes: 0, files: 0 });
  });

  it('accepts exactly up to each limit and refuses one over, with every reason', () => {
    const p = policy({ filesPerDay: 20 });
    const used = { day: '2026-03-10', bytes: 9_000_000, files: 15 };
    expect(checkQuota(p, used, { files: 5, bytes: 1_000_000 })).toEqual({ ok: true, reasons: [] });
    const over = checkQuota(p, used, { files: 21, bytes: 1_000_001 });
    expect(over.ok).toBe(false);
    expect(over.reasons.map((r) => r.limit)).toEqual(['files_per_submission', 'bytes_per_day', 'files_per_day']);
    expect(over.reasons[1]).toMatchObject({ max: 10_000_000, used: 9_000_000, requested: 1_000_001 });
  });

  it('ignores the files-per-day limit when the policy sets none', () => {
    expect(checkQuota(policy(), { day: 'd', bytes: 0, files: 10_000 }, { files: 20, bytes: 1 }).ok).toBe(true);
  });

  it('reports what is left today and when it resets', () => {
    expect(remainingQuota(policy({ filesPerDay: 20 }), { day: '2026-03-10', bytes: 4_000_000, files: 3 }, NOON)).toEqual({
      day: '2026-03-10',
      bytes: 6_000_000,
      files: 17,
      filesPerSubmission: 20,
      resetsAt: '2026-03-11T00:00:00.000Z',
    });
    // yesterday's usage does not count today
    expect(remainingQuota(policy(), { day: '2026-03-09', bytes: 10_000_000, files: 3 }, NOON).bytes).toBe(10_000_000);
  });

  describe('planBatches', () => {
    it('fills today first, then following days, in submissions of at most filesPerSubmission', () => {
      const items = Array.from({ length: 45 }, (_, i) => ({ id: `f${i}`, bytes: 400_000 }));
      const plan = planBatches(policy(), { day: '2026-03-10', bytes: 2_000_000, files: 5 }, items, NOON);
      // 8 MB left today = 20 files; 10 MB a day after = 25 files (20 + 5)
      expect(plan.batches.map((b) => [b.day, b.itemIds.length])).toEqual([
        ['2026-03-10', 20],
        ['2026-03-11', 20],
        ['2026-03-11', 5],
      ]);
      expect(plan.unplannable).toEqual([]);
      expect(plan.batches.flatMap((b) => b.itemIds)).toEqual(items.map((i) => i.id));
      for (const batch of plan.batches) expect(batch.bytes).toBe(batch.itemIds.length * 400_000);
    });

    it('lets a small item go ahead of a large one that does not fit today, and never plans a day over quota', () => {
      const p = policy({ bytesPerDay: 1000, filesPerDay: 3 });
      const plan = planBatches(
        p,
        undefined,
        [
          { id: 'big', bytes: 900 },
          { id: 'a', bytes: 200 },
          { id: 'b', bytes: 50 },
          { id: 'c', bytes: 10 },
          { id: 'd', bytes: 10 },
        ],
        NOON,
      );
      expect(plan.batches).toEqual([
        { day: '2026-03-10', itemIds: ['big', 'b', 'c'], bytes: 960 },
        { day: '2026-03-11', itemIds: ['a', 'd'], bytes: 210 },
      ]);
      for (const batch of plan.batches) expect(checkQuota(p, undefined, { files: batch.itemIds.length, bytes: batch.bytes }).ok).toBe(true);
    });

    it('reports an item larger than a whole day instead of planning it', () => {
      const plan = planBatches(
        policy({ bytesPerDay: 100 }),
        undefined,
        [
          { id: 'huge', bytes: 101 },
          { id: 'ok', bytes: 100 },
        ],
        NOON,
      );
      expect(plan.unplannable).toMatchObject([{ id: 'huge', limit: 'bytes_per_day' }]);
      expect(plan.batches).toEqual([{ day: '2026-03-10', itemIds: ['ok'], bytes: 100 }]);
    });
  });
});
