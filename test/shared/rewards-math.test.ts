import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatUnits, latestVerdicts, priorAcceptanceProbability, projectPlan, toCsv } from '../../shared/rewards-math';
import { acceptanceRate, standing } from '../../shared/standing';

const A = (day: string) => ({ day, isAccepted: true });
const R = (day: string) => ({ day, isAccepted: false });

describe('standing and acceptance rate against the seed facts', () => {
  it('consistent acceptance builds standing; a rejected submission does not reduce it', () => {
    const history = [A('2026-03-01'), A('2026-03-02'), A('2026-03-02')];
    expect(standing(history)).toBe(2);
    expect(standing([...history, R('2026-03-03'), R('2026-03-04')])).toBe(2);
    expect(acceptanceRate([...history, R('2026-03-03')])).toBe(0.75);
    // Spread over days counts for more than one burst.
    expect(standing([A('2026-03-01'), A('2026-03-02'), A('2026-03-03')])).toBeGreaterThan(
      standing([A('2026-03-01'), A('2026-03-01'), A('2026-03-01')]),
    );
  });

  it('no sequence of rejections ever lowers standing (property)', () => {
    const day = fc.integer({ min: 1, max: 28 }).map((d) => `2026-03-${String(d).padStart(2, '0')}`);
    const outcome = fc.record({ day, isAccepted: fc.boolean() });
    fc.assert(
      fc.property(fc.array(outcome), fc.array(day), (history, rejectedDays) => {
        expect(standing([...history, ...rejectedDays.map(R)])).toBe(standing(history));
      }),
    );
  });
});

describe('projectPlan', () => {
  const history = [A('2026-03-01'), R('2026-03-01'), A('2026-03-02'), R('2026-03-03')];

  it('projects expected, best and worst acceptance rate and standing', () => {
    const p = projectPlan(history, [
      { day: '2026-03-02', acceptanceProbability: 0.5 }, // a day already counted: adds no standing
      { day: '2026-03-04', acceptanceProbability: 0.5 },
      { day: '2026-03-04', acceptanceProbability: 0.5 },
    ]);
    expect(p.current).toEqual({ acceptanceRate: 0.5, standing: 2, submissions: 4 });
    expect(p.newDays).toEqual(['2026-03-04']);
    expect(p.best).toEqual({ acceptanceRate: 5 / 7, standing: 3 });
    expect(p.worst).toEqual({ acceptanceRate: 2 / 7, standing: 2 });
    expect(p.expected.acceptanceRate).toBeCloseTo(3.5 / 7, 12);
    expect(p.expected.standing).toBeCloseTo(2 + 0.75, 12);
  });

  it('worst-case standing is the current standing whatever the plan (property)', () => {
    const day = fc.integer({ min: 1, max: 28 }).map((d) => `2026-04-${String(d).padStart(2, '0')}`);
    const plan = fc.array(fc.record({ day, acceptanceProbability: fc.double({ min: 0, max: 1, noNaN: true }) }));
    fc.assert(
      fc.property(plan, (planned) => {
        const p = projectPlan(history, planned);
        expect(p.worst.standing).toBe(2);
        expect(p.expected.standing).toBeGreaterThanOrEqual(p.worst.standing - 1e-9);
        expect(p.expected.standing).toBeLessThanOrEqual(p.best.standing + 1e-9);
      }),
    );
  });

  it('refuses probabilities outside [0, 1] and malformed days', () => {
    expect(() => projectPlan([], [{ day: '2026-03-01', acceptanceProbability: 1.5 }])).toThrow(RangeError);
    expect(() => projectPlan([], [{ day: 'tomorrow', acceptanceProbability: 0.5 }])).toThrow(RangeError);
    expect(projectPlan([], []).expected).toEqual({ acceptanceRate: null, standing: 0 });
  });

  it('assumes the rule of succession for the chance a ready submission is accepted', () => {
    expect(priorAcceptanceProbability([])).toBe(0.5);
    expect(priorAcceptanceProbability(history)).toBe(0.5);
    expect(priorAcceptanceProbability([A('d'), A('d'), A('d')])).toBe(0.8);
  });
});

describe('helpers', () => {
  it('keeps the latest verdict per manifest', () => {
    const v = latestVerdicts([
      { manifestHash: 'a', order: 1, accepted: false },
      { manifestHash: 'b', order: 2, accepted: true },
      { manifestHash: 'a', order: 3, accepted: true },
    ]);
    expect(v.map((x) => [x.manifestHash, x.accepted])).toEqual([
      ['b', true],
      ['a', true],
    ]);
  });

  it('formats 18-decimal amounts exactly', () => {
    expect(formatUnits('1000000000000000000000', 18)).toBe('1000');
    expect(formatUnits('123456789012345678', 18)).toBe('0.123456');
    expect(formatUnits('0', 18)).toBe('0');
  });

  it('writes RFC 4180 CSV and defuses formula cells', () => {
    expect(
      toCsv(
        ['a', 'b'],
        [
          ['x,y', 'say "hi"'],
          ['=1+1', -5],
          [null, '@x'],
        ],
      ),
    ).toBe('a,b\r\n"x,y","say ""hi"""\r\n\'=1+1,-5\r\n,\'@x\r\n');
  });
});
