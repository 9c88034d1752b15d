import { useState, type FormEvent } from 'react';
import { AUDIT_CHANNELS, type AuditChannel } from '../../../../shared/api/audit';
import { useMutation, useQuery } from '../../api/useContract';
import { downloadText } from '../../components/download';
import { EmptyState } from '../../components/EmptyState';
import { ErrorNote } from '../../components/ErrorNote';

const PAGE = 100;

const CHANNEL_LABELS: Record<AuditChannel, string> = {
  'chain-rpc': 'Chain RPC',
  validator: 'Validator',
  faucet: 'Faucet',
  'model-download': 'Model download',
  'review-signaling': 'Review signaling',
  'review-peer': 'Review peer',
  consent: 'Consent',
};

type Filter = { channel: AuditChannel | ''; from: string; to: string; text: string };

function toQuery(f: Filter) {
  return {
    ...(f.channel ? { channel: f.channel } : {}),
    // Date inputs give local days; the log stores instants.
    ...(f.from ? { from: new Date(`${f.from}T00:00:00`).toISOString() } : {}),
    ...(f.to ? { to: new Date(new Date(`${f.to}T00:00:00`).getTime() + 86_400_000).toISOString() } : {}),
    ...(f.text.trim() ? { text: f.text.trim() } : {}),
  };
}

function formatBytes(n: number): string {
  return n < 1024 ? `${n} B` : n < 1024 * 1024 ? `${(n / 1024).toFixed(1)} KB` : `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/** What left this machine, when and to where: the audit log, filterable and exportable (Settings). */
export function AuditLogBlock() {
  const [draft, setDraft] = useState<Filter>({ channel: '', from: '', to: '', text: '' });
  const [filter, setFilter] = useState<Filter>(draft);
  // The first page; a new filter's answer replaces it, the previous one staying shown until then.
  const list = useQuery('audit.list', { ...toQuery(filter), limit: PAGE }, { isPreviousKept: true });
  const older = useMutation('audit.list');
  const exporting = useMutation('audit.export');
  const entries = list.data?.entries ?? null;
  const total = list.data?.total ?? 0;
  const isBusy = list.isLoading || older.isRunning;
  const error = exporting.error ?? older.error ?? list.error;
  const clearErrors = (): void => {
    list.clearError();
    older.reset();
    exporting.reset();
  };

  const apply = (e: FormEvent): void => {
    e.preventDefault();
    setFilter({ ...draft });
  };

  const refresh = (): void => {
    clearErrors();
    list.retry();
  };

  const showOlder = async (beforeId: number | undefined): Promise<void> => {
    clearErrors();
    const page = await older.run({ ...toQuery(filter), limit: PAGE, ...(beforeId ? { beforeId } : {}) });
    if (page.isOk) list.setData((shown) => ({ entries: [...shown.entries, ...page.value.entries], total: page.value.total }));
  };

  const exportAs = async (format: 'csv' | 'json'): Promise<void> => {
    clearErrors();
    const file = await exporting.run({ ...toQuery(filter), format });
    if (file.isOk) downloadText(file.value.fileName, file.value.content, file.value.mimeType);
  };

  return (
    <section className="form audit-log" aria-label="Audit log">
      <fieldset>
        <legend>Audit log</legend>
        <p className="muted small">
          Everything this app sent off the machine: to the chain, the validator, a faucet, the model hub and review rooms. Each entry keeps
          the endpoint, the time, the size and the SHA-256 of the exact bytes sent, not the bytes themselves.
        </p>
        <form className="audit-filters" onSubmit={apply} aria-label="Audit log filters">
          <label>
            Channel
            <select value={draft.channel} onChange={(e) => setDraft({ ...draft, channel: e.target.value as AuditChannel | '' })}>
              <option value="">All</option>
              {AUDIT_CHANNELS.map((c) => (
                <option key={c} value={c}>
                  {CHANNEL_LABELS[c]}
                </option>
              ))}
            </select>
          </label>
          <label>
            From
            <input type="date" value={draft.from} onChange={(e) => setDraft({ ...draft, from: e.target.value })} />
          </label>
          <label>
            To
            <input type="date" value={draft.to} onChange={(e) => setDraft({ ...draft, to: e.target.value })} />
          </label>
          <label>
            Endpoint or content
            <input
              type="search"
              value={draft.text}
              onChange={(e) => setDraft({ ...draft, text: e.target.value })}
              placeholder="e.g. eth_sendRawTransaction"
            />
          </label>
          <div className="actions">
            <button type="submit">Filter</button>
            <button type="button" onClick={refresh} disabled={isBusy}>
              Refresh
            </button>
            <button type="button" onClick={() => void exportAs('csv')}>
              Export CSV
            </button>
            <button type="button" onClick={() => void exportAs('json')}>
              Export JSON
            </button>
          </div>
        </form>
        <ErrorNote error={error} onDismiss={clearErrors} />
        {entries === null ? (
          <p role="status">Loading the audit log…</p>
        ) : entries.length === 0 ? (
          <EmptyState title="Nothing has left this machine">
            <p>No transfer matches{filter.channel || filter.from || filter.to || filter.text ? ' these filters' : ' yet'}.</p>
          </EmptyState>
        ) : (
          <>
            <p role="status" className="muted small">
              Showing {entries.length} of {total} transfers, newest first.
            </p>
            <table className="items audit-entries" aria-label="Outbound transfers">
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Channel</th>
                  <th scope="col">Endpoint</th>
                  <th scope="col">What</th>
                  <th scope="col">Size</th>
                  <th scope="col">SHA-256</th>
                </tr>
              </thead>
              <tbody>
                {entries.map((e) => (
                  <tr key={e.id}>
                    <td className="nowrap">{new Date(e.at).toLocaleString()}</td>
                    <td>
                      {CHANNEL_LABELS[e.channel]}
                      {e.source === 'renderer' ? ' (window)' : ''}
                    </td>
                    <td className="mono small">{e.endpoint}</td>
                    <td className="mono small">{e.what}</td>
                    <td className="nowrap">{formatBytes(e.bytes)}</td>
                    <td className="mono small" title={e.contentSha256}>
                      {e.contentSha256.slice(0, 12)}…
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            {entries.length < total && (
              <button type="button" disabled={isBusy} onClick={() => void showOlder(entries.at(-1)?.id)}>
                Show older
              </button>
            )}
          </>
        )}
      </fieldset>
    </section>
  );
}
