import { useCallback, useEffect, useState } from 'react';
import type { Datanet } from '../../../../shared/api/datanets';
import type { Earnings, RewardsSummary, SyncResult, TrailRow } from '../../../../shared/api/rewards';
import { OPEN_DECIMALS } from '../../../../shared/reward-contracts';
import { formatUnits } from '../../../../shared/rewards-math';
import { useApi, useEvent } from '../../api/ApiContext';
import { useActions, useLoad, useMutation } from '../../api/useContract';
import { downloadText } from '../../components/download';
import { EmptyState } from '../../components/EmptyState';
import { ErrorNote } from '../../components/ErrorNote';
import { RewardsCharts } from './RewardsCharts';
import { WhatIfPanel } from './WhatIfPanel';
import './rewards.css';

/** Where a trail link leads: an item in its Datanet's library, or a submission in its Submit tab. */
export type RewardsTarget = { datanetId: string; itemId?: string; submissionId?: string };

const open = (amount: string): string => formatUnits(amount, OPEN_DECIMALS, 4);
const pct = (v: number | null): string => (v === null ? '—' : `${(v * 100).toFixed(1)} %`);
const shortHex = (h: string | null): string => (h ? `${h.slice(0, 10)}…` : '—');
const when = (iso: string | null): string => (iso ? new Date(iso).toLocaleString() : 'never');

type Progress = { fromBlock: number; toBlock: number; currentBlock: number; done: boolean };

type Dashboard = { summary: RewardsSummary; earnings: Earnings | null; trail: TrailRow[] };

/**
 * The rewards dashboard: $OPEN balance, earned, acceptance rate, standing with its formula, how
 * fresh the index is (sync with progress), charts, the per-file trail with links into the app,
 * CSV export and the what-if panel. Every figure comes from the local index, so it shows offline.
 */
export function RewardsView({ datanets, onNavigate }: { datanets: Datanet[]; onNavigate: (target: RewardsTarget) => void }) {
  const api = useApi();
  const [progress, setProgress] = useState<Progress | null>(null);
  const [lastSync, setLastSync] = useState<SyncResult | null>(null);
  // The figures are first read after the first sync, when there is a network to sync with.
  const [isReady, setIsReady] = useState(false);
  const dashboard = useLoad<Dashboard>(
    'rewards.dashboard',
    async ({ previous }) => {
      const summary = await api.call('rewards.summary', {});
      if (!summary.address || !summary.network) return { summary, earnings: previous?.earnings ?? null, trail: previous?.trail ?? [] };
      const [earnings, trail] = await Promise.all([api.call('rewards.earnings', {}), api.call('rewards.trail', {})]);
      return { summary, earnings, trail };
    },
    { isEnabled: isReady },
  );
  const summary = dashboard.data?.summary ?? null;
  const earnings = dashboard.data?.earnings ?? null;
  const trail = dashboard.data?.trail ?? [];
  const syncing = useMutation('rewards.sync');
  const isSyncing = syncing.isRunning;
  const syncError = syncing.error;
  const exporting = useActions();

  const { run: runSync } = syncing;
  const { retry: reload } = dashboard;
  const sync = useCallback(async () => {
    setProgress(null);
    const done = await runSync({});
    if (done.isOk) setLastSync(done.value);
    setIsReady(true);
    reload();
  }, [runSync, reload]);

  useEffect(() => {
    let isCurrent = true;
    void (async () => {
      const s = await api.call('rewards.summary', { isBalanceLive: false }).catch(() => null);
      if (!isCurrent) return;
      // Show the last known figures at once, then bring them up to date.
      if (s?.address && s.network) void sync();
      else setIsReady(true);
    })();
    return () => {
      isCurrent = false;
    };
  }, [api, sync]);

  useEvent(
    'rewards.syncProgress',
    useCallback((p: Progress) => setProgress(p), []),
  );

  const exportCsv = async (): Promise<void> => {
    const done = await exporting.call('rewards.exportTrail', {});
    if (done.isOk) downloadText(done.value.fileName, done.value.csv, 'text/csv');
  };
  const error = exporting.error ?? dashboard.error;
  const dismiss = (): void => {
    exporting.reset();
    dashboard.clearError();
  };

  if (summary === null) {
    return (
      <section className="rewards-view" aria-label="Rewards">
        <h1>Rewards</h1>
        <ErrorNote error={error} onDismiss={dismiss} />
        {!error && <p className="muted">Loading…</p>}
      </section>
    );
  }
  if (!summary.network) {
    return (
      <section className="rewards-view" aria-label="Rewards">
        <h1>Rewards</h1>
        <EmptyState title="No network chosen">
          <p>Rewards are read from a network&apos;s chain. Choose its profile in a Datanet&apos;s Submit tab (network profile JSON).</p>
        </EmptyState>
      </section>
    );
  }
  if (!summary.address) {
    return (
      <section className="rewards-view" aria-label="Rewards">
        <h1>Rewards</h1>
        <EmptyState title="No wallet yet">
          <p>Rewards are paid to your wallet&apos;s address. Create or import a wallet in a Datanet&apos;s Submit tab.</p>
        </EmptyState>
      </section>
    );
  }

  const f = summary.freshness;
  const fraction =
    progress && progress.toBlock > progress.fromBlock
      ? (progress.currentBlock - progress.fromBlock + 1) / (progress.toBlock - progress.fromBlock + 1)
      : 1;

  return (
    <section className="rewards-view" aria-label="Rewards">
      <header className="rewards-header">
        <div>
          <h1>Rewards</h1>
          <p className="muted mono small" title={summary.address}>
            {summary.network.name} · {summary.address}
          </p>
        </div>
        <div className="freshness" data-testid="rewards-freshness" aria-live="polite">
          {f.lastIndexedBlock === null ? (
            <span>Nothing indexed yet.</span>
          ) : (
            <span>
              Indexed to block <strong data-testid="last-indexed-block">{f.lastIndexedBlock}</strong> ({when(f.lastIndexedBlockTime)}),
              synced {when(f.syncedAt)}; {f.confirmations} confirmation{f.confirmations === 1 ? '' : 's'} awaited.
            </span>
          )}
          <button type="button" onClick={() => void sync()} disabled={isSyncing}>
            {isSyncing ? 'Syncing…' : 'Sync now'}
          </button>
          {lastSync && !isSyncing && (
            <span className="muted" data-testid="last-sync-range" data-from={lastSync.fromBlock} data-to={lastSync.toBlock}>
              {lastSync.toBlock >= lastSync.fromBlock
                ? `Last sync read blocks ${lastSync.fromBlock}–${lastSync.toBlock}`
                : 'Last sync: no new confirmed blocks'}
              {lastSync.reorg && ` after rolling back to block ${lastSync.reorg.rolledBackTo} (a reorganisation)`}.
            </span>
          )}
          {isSyncing && (
            <progress aria-label="Sync progress" max={1} value={fraction}>
              {Math.round(fraction * 100)} %
            </progress>
          )}
        </div>
      </header>
      {syncError && (
        <div className="banner" role="status" data-code={syncError.code}>
          {syncError.code === 'unavailable' ? 'Offline: the figures below are from the last sync. ' : `${syncError.code}: `}
          {syncError.message}
        </div>
      )}
      <ErrorNote error={error} onDismiss={dismiss} />

      <div className="rewards-figures">
        <div className="rewards-card figure">
          <span className="label">Balance</span>
          <strong data-testid="rewards-balance" data-amount={summary.balance?.amount ?? ''}>
            {summary.balance ? `${open(summary.balance.amount)} OPEN` : '—'}
          </strong>
          <span className="muted small">
            {summary.balance
              ? summary.balance.isLive
                ? 'from the token contract now'
                : `last read ${when(summary.balance.readAt)}`
              : 'not read yet'}
          </span>
        </div>
        <div className="rewards-card figure">
          <span className="label">Earned</span>
          <strong data-testid="rewards-earned" data-amount={summary.earned}>
            {open(summary.earned)} OPEN
          </strong>
          <span className="muted small">
            {summary.paidFiles} file{summary.paidFiles === 1 ? '' : 's'} paid over {summary.epochs} epoch{summary.epochs === 1 ? '' : 's'}
          </span>
        </div>
        <div className="rewards-card figure">
          <span className="label">Acceptance rate</span>
          <strong data-testid="rewards-acceptance">{pct(summary.acceptanceRate)}</strong>
          <span className="muted small">
            {summary.accepted} accepted · {summary.rejected} rejected
          </span>
        </div>
        <div className="rewards-card figure">
          <span className="label">Standing</span>
          <strong data-testid="rewards-standing">{summary.standing}</strong>
          <span className="muted small" data-testid="standing-formula">
            {summary.formulas.standing}
          </span>
        </div>
      </div>
      <p className="muted small formula">{summary.formulas.acceptanceRate}</p>

      {f.lastIndexedBlock === null && !isSyncing ? (
        <EmptyState title="Nothing indexed yet">
          <p>Sync to read your verdicts and rewards from the chain.</p>
        </EmptyState>
      ) : (
        earnings && <RewardsCharts earnings={earnings} />
      )}

      <section className="rewards-card" aria-label="Trail">
        <div className="trail-header">
          <h3>Per-file trail: file → submission → verdict → attribution → $OPEN</h3>
          <button type="button" onClick={() => void exportCsv()} disabled={trail.length === 0}>
            Export CSV
          </button>
        </div>
        {trail.length === 0 ? (
          <p className="muted">No submitted files with a verdict or a reward yet.</p>
        ) : (
          <table className="trail" aria-label="Rewards trail">
            <thead>
              <tr>
                <th>File</th>
                <th>Submission</th>
                <th>Verdict and reason</th>
                <th>Attribution score</th>
                <th>$OPEN paid</th>
              </tr>
            </thead>
            <tbody>
              {trail.map((r) => (
                <tr key={`${r.submissionId ?? 'chain'}:${r.contentHash}`} data-content-hash={r.contentHash} data-item-id={r.itemId ?? ''}>
                  <td>
                    {r.itemId && r.datanetId ? (
                      <button
                        type="button"
                        className="link"
                        onClick={() => onNavigate({ datanetId: r.datanetId!, itemId: r.itemId! })}
                        aria-label={`Open item ${r.fileName ?? r.itemId}`}
                      >
                        {r.fileName ?? r.itemId}
                      </button>
                    ) : (
                      <span className="mono" title={r.contentHash}>
                        {shortHex(r.contentHash)} (not on this machine)
                      </span>
                    )}
                    {r.datanetName && <div className="muted small">{r.datanetName}</div>}
                  </td>
                  <td>
                    {r.submissionId && r.datanetId ? (
                      <button
                        type="button"
                        className="link mono"
                        onClick={() => onNavigate({ datanetId: r.datanetId!, submissionId: r.submissionId! })}
                        aria-label={`Open submission ${shortHex(r.manifestHash)}`}
                        title={r.manifestHash ?? ''}
                      >
                        {shortHex(r.manifestHash)}
                      </button>
                    ) : (
                      '—'
                    )}
                  </td>
                  <td data-verdict={r.verdict ? (r.verdict.isAccepted ? 'accepted' : 'rejected') : 'none'}>
                    {r.verdict ? (
                      <>
                        <span className={`badge status-${r.verdict.isAccepted ? 'accepted' : 'rejected'}`}>
                          {r.verdict.isAccepted ? 'Accepted' : 'Rejected'}
                        </span>{' '}
                        score {r.verdict.score}
                        {!r.verdict.isAccepted && <div className="small">{r.verdict.reason ?? r.verdict.reasonCode}</div>}
                      </>
                    ) : (
                      <span className="muted">no verdict indexed</span>
                    )}
                  </td>
                  <td className="num">{r.payments.length > 0 ? r.score : '—'}</td>
                  <td className="num" data-amount={r.amount}>
                    {r.payments.length > 0 ? (
                      <span title={r.payments.map((p) => `epoch ${p.epoch}: ${open(p.amount)} OPEN, tx ${p.txHash}`).join('\n')}>
                        {open(r.amount)}
                      </span>
                    ) : (
                      '—'
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <WhatIfPanel datanets={datanets} />
    </section>
  );
}
