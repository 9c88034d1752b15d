import { describe, expect, it } from 'vitest';
import { acceptanceRate, standing } from '../../shared/standing';

describe('standing and acceptance rate', () => {
  it('counts distinct days with an acceptance; a rejection never lowers standing', () => {
    const history = [
      { day: '2026-03-01', isAccepted: true },
      { day: '2026-03-01', isAccepted: true },
      { day: '2026-03-02', isAccepted: true },
    ];
    expect(standing(history)).toBe(2);
    const withRejections = [...history, { day: '2026-03-03', isAccepted: false }, { day: '2026-03-01', isAccepted: false }];
    expect(standing(withRejections)).toBe(2);
    expect(acceptanceRate(withRejections)).toBeCloseTo(3 / 5);
  });

  it('has no acceptance rate before the first submission', () => {
    expect(acceptanceRate([])).toBeNull();
    expect(standing([])).toBe(0);
  });
});
