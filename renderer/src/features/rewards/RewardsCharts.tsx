import { Area, AreaChart, Bar, BarChart, CartesianGrid, Tooltip, XAxis, YAxis } from 'recharts';
import type { Earnings } from '../../../../shared/api/rewards';
import { OPEN_DECIMALS } from '../../../../shared/reward-contracts';
import { formatUnits } from '../../../../shared/rewards-math';

const toOpen = (amount: string): number => Number(formatUnits(amount, OPEN_DECIMALS, 6));
const dayBefore = (day: string): string => new Date(Date.parse(`${day}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);

/**
 * Earnings over time (area: per day, line of the running total) and per Datanet (bars). Fixed
 * sizes rather than ResponsiveContainer: the dashboard's grid gives each chart a known width, and
 * a measured container renders nothing until layout, which keyboard users tabbing in would see as flicker.
 */
export function RewardsCharts({ earnings }: { earnings: Earnings }) {
  const points = earnings.overTime.map((d) => ({ day: d.day, earned: toOpen(d.amount), total: toOpen(d.cumulative) }));
  // The total was 0 the day before the first payout: with that point a single payday draws as an area, not a dot.
  const first = earnings.overTime[0];
  const overTime = first ? [{ day: dayBefore(first.day), earned: 0, total: 0 }, ...points] : points;
  const perDatanet = earnings.perDatanet.map((d) => ({
    name: d.name ?? `${d.datanetKey.slice(0, 10)}…`,
    earned: toOpen(d.amount),
    files: d.files,
  }));
  return (
    <div className="rewards-charts">
      <figure className="rewards-card chart" aria-label="Earnings over time" data-testid="chart-over-time" data-points={points.length}>
        <figcaption>Earnings over time ($OPEN per UTC day and running total)</figcaption>
        {overTime.length === 0 ? (
          <p className="muted">No rewards paid yet.</p>
        ) : (
          <AreaChart width={460} height={220} data={overTime} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="day" fontSize={11} />
            <YAxis fontSize={11} width={56} />
            <Tooltip />
            <Area
              type="monotone"
              dataKey="total"
              name="Total"
              stroke="#2f6fb1"
              fill="#2f6fb1"
              fillOpacity={0.15}
              isAnimationActive={false}
            />
            <Area
              type="monotone"
              dataKey="earned"
              name="That day"
              stroke="#2e8b57"
              fill="#2e8b57"
              fillOpacity={0.3}
              isAnimationActive={false}
            />
          </AreaChart>
        )}
      </figure>
      <figure
        className="rewards-card chart"
        aria-label="Earnings per Datanet"
        data-testid="chart-per-datanet"
        data-points={perDatanet.length}
      >
        <figcaption>Earnings per Datanet ($OPEN)</figcaption>
        {perDatanet.length === 0 ? (
          <p className="muted">No rewards paid yet.</p>
        ) : (
          <BarChart width={460} height={220} data={perDatanet} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="name" fontSize={11} />
            <YAxis fontSize={11} width={56} />
            <Tooltip />
            <Bar dataKey="earned" name="$OPEN" fill="#2f6fb1" isAnimationActive={false} />
          </BarChart>
        )}
      </figure>
    </div>
  );
}
