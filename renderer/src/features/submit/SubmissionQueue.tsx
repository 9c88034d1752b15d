import { useCallback, useEffect, useState } from 'react';
import type { Submission } from '../../../../shared/api/submissions';
import type { AppError } from '../../../../shared/errors';
import { formatBytes } from '../../../../shared/import-rules';
import { useApi, useEvent } from '../../api/ApiContext';
import { downloadText } from '../../components/download';
import { ErrorNote, toAppError } from '../../components/ErrorNote';
import { shortHex, statusWords } from './format';

function Verdict({ submission }: { submission: Submission }) {
  const { verdict, reasons, lastError, nextAttemptAt } = submission;
  if (verdict?.status === 'accepted') return <span>Accepted, score {verdict.score}</span>;
  if (submission.status === 'rejected') {
    return (
      <ul className="reasons">
        {reasons.map((r, i) => (
          <li key={`${r.code}-${i}`} data-code={r.code}>
            <span className="mono">{r.code}</span>: {r.message}
          </li>
        ))}
      </ul>
    );
  }
  if (lastError) {
    return (
      <span className="waiting" data-code={lastError.code}>
        Waiting: {lastError.message}
        {nextAttemptAt && <> Next try {new Date(nextAttemptAt).toLocaleTimeString()}.</>}
      </span>
    );
  }
  return <span className="muted">In progress</span>;
}

/** The Datanet's submissions as a queue: each one's status, its attestations and the validator's verdict. */
export function SubmissionQueue({
  datanetId,
  refreshKey,
  focusSubmissionId,
}: {
  datanetId: string;
  refreshKey: number;
  /** A submission opened from the rewards trail: highlighted, scrolled to and focused. */
  focusSubmissionId?: string;
}) {
  const api = useApi();
  const [submissions, setSubmissions] = useState<Submission[]>([]);
  const [error, setError] = useState<AppError | null>(null);

  const refresh = useCallback(async () => {
    try {
      setSubmissions(await api.call('submissions.list', { datanetId }));
    } catch (e) {
      setError(toAppError(e));
    }
  }, [api, datanetId]);
  useEffect(() => {
    void refresh();
  }, [refresh, refreshKey]);
  useEvent(
    'submissions.changed',
    useCallback((p: { datanetId: string }) => p.datanetId === datanetId && void refresh(), [datanetId, refresh]),
  );

  const retry = async (id: string): Promise<void> => {
    try {
      await api.call('submissions.retry', { id });
      await refresh();
    } catch (e) {
      setError(toAppError(e));
    }
  };

  // The EAS shareable package {sig, signer}: anyone can check it with the EAS SDK or `datanet-desk verify-attestation`.
  const exportAttestation = async (s: Submission): Promise<void> => {
    try {
      const { json } = await api.call('submissions.attestation', { id: s.id });
      downloadText(`attestation-${(s.offchainUid ?? s.id).slice(0, 18)}.json`, json);
    } catch (e) {
      setError(toAppError(e));
    }
  };

  return (
    <section className="submit-card queue" aria-label="Submissions">
      <h3>Submissions</h3>
      {submissions.length === 0 ? (
        <p className="muted">Nothing submitted yet.</p>
      ) : (
        <table className="submissions" aria-label="Submission queue">
          <thead>
            <tr>
              <th>Created</th>
              <th>Files</th>
              <th>Status</th>
              <th>Attestations</th>
              <th>Verdict</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {submissions.map((s) => (
              <tr
                key={s.id}
                data-status={s.status}
                data-manifest={s.manifestHash}
                className={s.id === focusSubmissionId ? 'focused' : undefined}
                aria-current={s.id === focusSubmissionId ? 'true' : undefined}
                tabIndex={s.id === focusSubmissionId ? -1 : undefined}
                ref={s.id === focusSubmissionId ? (el) => el?.focus() : undefined}
              >
                <td>{new Date(s.createdAt).toLocaleString()}</td>
                <td>
                  {s.fileCount} · {formatBytes(s.totalBytes)}
                </td>
                <td className="status-cell">
                  <span className={`badge status-${s.status}`}>{statusWords(s.status)}</span>
                </td>
                <td className="mono small">
                  <div title={s.offchainUid ?? ''}>off-chain {shortHex(s.offchainUid)}</div>
                  <div title={s.onchainUid ?? ''}>
                    on-chain {s.isOnchainSkipped ? 'skipped (no funds)' : shortHex(s.onchainUid)}
                    {s.batchSize !== null && s.batchSize > 1 && <> (batch of {s.batchSize})</>}
                  </div>
                  <div title={s.txHash ?? ''}>tx {shortHex(s.txHash)}</div>
                </td>
                <td className="verdict-cell">
                  <Verdict submission={s} />
                </td>
                <td>
                  {s.offchainUid && (
                    <button type="button" className="link" onClick={() => void exportAttestation(s)}>
                      Export attestation
                    </button>
                  )}
                  {s.status !== 'accepted' && s.status !== 'rejected' && (
                    <button type="button" className="link" onClick={() => void retry(s.id)}>
                      Retry now
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <ErrorNote error={error} onDismiss={() => setError(null)} />
    </section>
  );
}
