import { useCallback, useEffect, useState } from 'react';
import type { Datanet } from '../../../../shared/api/datanets';
import type { MethodOutput } from '../../../../shared/api/index';
import type { ItemSummary } from '../../../../shared/api/library';
import type { PreparedSubmission, Preflight, QuotaStatus, Submission } from '../../../../shared/api/submissions';
import type { WalletStatus } from '../../../../shared/api/wallet';
import type { AppError } from '../../../../shared/errors';
import { formatBytes } from '../../../../shared/import-rules';
import { useApi, useEvent } from '../../api/ApiContext';
import { ErrorNote, toAppError } from '../../components/ErrorNote';
import { localAndUtc } from './format';
import { SignaturePrompt } from './SignaturePrompt';

type Plan = MethodOutput<'submissions.plan'>;

function QuotaLine({ quota }: { quota: QuotaStatus }) {
  return (
    <p className="quota-line" data-testid="quota-left">
      Left today: <strong>{formatBytes(quota.bytesLeft)}</strong> of {formatBytes(quota.bytesPerDay)}
      {quota.filesLeft !== null && (
        <>
          , <strong>{quota.filesLeft}</strong> of {quota.filesPerDay} files
        </>
      )}
      ; at most {quota.filesPerSubmission} files per submission. Resets {localAndUtc(quota.resetsAt)}.
    </p>
  );
}

function PlanView({ plan, onPick }: { plan: Plan; onPick: (ids: string[]) => void }) {
  return (
    <div className="plan" aria-label="Plan across days">
      <p>This selection does not fit today&apos;s quota. It can go out in these batches:</p>
      <ol>
        {plan.batches.map((b, i) => (
          <li key={`${b.day}-${i}`}>
            <span className="mono">{b.day}</span>: {b.itemIds.length} file{b.itemIds.length === 1 ? '' : 's'}, {formatBytes(b.bytes)}
            {i === 0 && b.day === plan.quotaStatus.day && (
              <button type="button" className="link" onClick={() => onPick(b.itemIds)}>
                Select this batch
              </button>
            )}
          </li>
        ))}
      </ol>
      {plan.unplannable.length > 0 && (
        <p className="warning">
          {plan.unplannable.length} file(s) are larger than a whole day&apos;s quota and can never be submitted here.
        </p>
      )}
    </div>
  );
}

/**
 * Builds a submission from the Datanet's items: the quota left today and when it resets, each
 * item's preflight reasons, a plan across days when the selection does not fit, and the signing
 * prompt.
 */
export function SubmissionBuilder({
  datanet,
  wallet,
  isReady,
  onSubmitted,
}: {
  datanet: Datanet;
  wallet: WalletStatus | null;
  isReady: boolean;
  onSubmitted: (submission: Submission) => void;
}) {
  const api = useApi();
  const [items, setItems] = useState<ItemSummary[]>([]);
  const [selected, setSelected] = useState<string[]>([]);
  const [preflight, setPreflight] = useState<Preflight | null>(null);
  const [quota, setQuota] = useState<QuotaStatus | null>(null);
  const [plan, setPlan] = useState<Plan | null>(null);
  const [prepared, setPrepared] = useState<PreparedSubmission | null>(null);
  const [error, setError] = useState<AppError | null>(null);

  const refreshItems = useCallback(async () => {
    try {
      setItems(await api.call('items.list', { datanetId: datanet.id }));
      setQuota(await api.call('submissions.quota', { datanetId: datanet.id }));
    } catch (e) {
      setError(toAppError(e));
    }
  }, [api, datanet.id]);
  useEffect(() => {
    void refreshItems();
  }, [refreshItems]);
  useEvent(
    'items.changed',
    useCallback((p: { datanetId: string }) => p.datanetId === datanet.id && void refreshItems(), [datanet.id, refreshItems]),
  );
  useEvent(
    'submissions.changed',
    useCallback((p: { datanetId: string }) => p.datanetId === datanet.id && void refreshItems(), [datanet.id, refreshItems]),
  );

  useEffect(() => {
    let isCurrent = true;
    if (selected.length === 0) {
      setPreflight(null);
      setPlan(null);
      return;
    }
    void (async () => {
      try {
        const result = await api.call('submissions.preflight', { datanetId: datanet.id, itemIds: selected });
        const nextPlan = result.quota.ok ? null : await api.call('submissions.plan', { datanetId: datanet.id, itemIds: selected });
        if (!isCurrent) return;
        setPreflight(result);
        setQuota(result.quotaStatus);
        setPlan(nextPlan);
      } catch (e) {
        if (isCurrent) setError(toAppError(e));
      }
    })();
    return () => {
      isCurrent = false;
    };
  }, [api, datanet.id, selected]);

  const toggle = (id: string): void => setSelected((s) => (s.includes(id) ? s.filter((x) => x !== id) : [...s, id]));
  const reasonsOf = (id: string) => preflight?.items.find((i) => i.itemId === id)?.reasons ?? [];

  const review = async (): Promise<void> => {
    setError(null);
    try {
      setPrepared(await api.call('submissions.prepare', { datanetId: datanet.id, itemIds: selected }));
    } catch (e) {
      setError(toAppError(e));
    }
  };

  return (
    <section className="submit-card builder" aria-label="New submission">
      <h3>New submission</h3>
      {quota && <QuotaLine quota={quota} />}
      {items.length === 0 ? (
        <p className="muted">No items in this Datanet yet.</p>
      ) : (
        <table className="submit-items" aria-label="Items to submit">
          <thead>
            <tr>
              <th>
                <input
                  type="checkbox"
                  aria-label="Select all"
                  checked={selected.length === items.length}
                  onChange={(e) => setSelected(e.target.checked ? items.map((i) => i.id) : [])}
                />
              </th>
              <th>Item</th>
              <th>Status</th>
              <th>Size</th>
              <th>Preflight</th>
            </tr>
          </thead>
          <tbody>
            {items.map((item) => {
              const isSelected = selected.includes(item.id);
              const reasons = isSelected ? reasonsOf(item.id) : [];
              return (
                <tr key={item.id} data-item={item.name}>
                  <td>
                    <input type="checkbox" aria-label={`Select ${item.name}`} checked={isSelected} onChange={() => toggle(item.id)} />
                  </td>
                  <td className="name">{item.name}</td>
                  <td>{item.status}</td>
                  <td>{formatBytes(item.size)}</td>
                  <td className="preflight">
                    {!isSelected ? null : reasons.length === 0 ? (
                      <span className="badge ok">ready</span>
                    ) : (
                      <ul>
                        {reasons.map((r) => (
                          <li key={r.code} data-code={r.code}>
                            {r.message}
                          </li>
                        ))}
                      </ul>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {preflight && (
        <p className="small">
          {preflight.totals.files} selected, {formatBytes(preflight.totals.bytes)}.
        </p>
      )}
      {plan && <PlanView plan={plan} onPick={setSelected} />}
      <ErrorNote error={error} onDismiss={() => setError(null)} />
      <div className="actions">
        <button
          type="button"
          className="primary"
          disabled={!isReady || !wallet?.hasWallet || selected.length === 0 || preflight?.isReady !== true}
          onClick={() => void review()}
        >
          Review and sign…
        </button>
      </div>
      {prepared && wallet && (
        <SignaturePrompt
          prepared={prepared}
          wallet={wallet}
          onClose={() => setPrepared(null)}
          onSubmitted={(s) => {
            setPrepared(null);
            setSelected([]);
            onSubmitted(s);
          }}
        />
      )}
    </section>
  );
}
