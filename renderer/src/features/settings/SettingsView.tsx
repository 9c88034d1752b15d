import { useState, type FormEvent } from 'react';
import { useMutation, useQuery } from '../../api/useContract';
import { ErrorNote } from '../../components/ErrorNote';
import { AuditLogBlock } from '../audit/AuditLogBlock';
import { ModelStatusBlock } from '../embeddings/ModelStatusBlock';

/** The contributor's overall privacy budget across every Datanet. */
function PrivacyBudgetSettings() {
  const stored = useQuery('dp.contributorCap', {});
  const saving = useMutation('dp.setContributorCap');
  // null: show the stored cap until the contributor types.
  const [editedCap, setCap] = useState<string | null>(null);
  const storedCap = stored.data?.epsilonCap;
  const cap = editedCap ?? (storedCap === undefined || storedCap === null ? '' : String(storedCap));
  const [status, setStatus] = useState('');
  const save = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    stored.clearError();
    const done = await saving.run({ epsilonCap: cap.trim() === '' ? null : Number(cap) });
    if (done.isOk) setStatus(done.value.epsilonCap === null ? 'No overall cap.' : `Overall cap set to ε ${done.value.epsilonCap}.`);
  };
  const error = saving.error ?? stored.error;
  return (
    <form className="form" onSubmit={(e) => void save(e)} aria-label="Privacy budget settings">
      <fieldset>
        <legend>Privacy budget</legend>
        <p className="muted small">
          Every application of differential privacy spends ε. Each Datanet caps what one dataset and the whole Datanet may spend; this caps
          what you spend across all Datanets together.
        </p>
        <label>
          Overall ε cap (empty: none)
          <input type="number" min="0" step="any" value={cap} onChange={(e) => setCap(e.target.value)} />
        </label>
        <ErrorNote
          error={error}
          onDismiss={() => {
            saving.reset();
            stored.clearError();
          }}
        />
        {status && <p role="status">{status}</p>}
        <div className="actions">
          <button type="submit" className="primary">
            Save
          </button>
        </div>
      </fieldset>
    </form>
  );
}

const WEI_PER_ETH = 10n ** 18n;

/** ETH as typed ("0.01") to wei, exactly; null when it is not a positive amount with at most 18 decimals. */
export function ethToWei(text: string): string | null {
  const match = /^(\d*)(?:\.(\d{0,18}))?$/.exec(text.trim());
  if (!match || (match[1] === '' && !match[2])) return null;
  const wei = BigInt(match[1] || '0') * WEI_PER_ETH + BigInt((match[2] ?? '').padEnd(18, '0') || '0');
  return wei > 0n ? wei.toString() : null;
}

/** Wei (decimal string) as ETH, exactly. */
export function weiToEth(wei: string): string {
  const n = BigInt(wei);
  const fraction = (n % WEI_PER_ETH).toString().padStart(18, '0').replace(/0+$/, '');
  return fraction ? `${n / WEI_PER_ETH}.${fraction}` : String(n / WEI_PER_ETH);
}

/** The wallet's idle lock and the user's own fee caps (a Datanet's policy may only tighten them). */
function WalletFeeSettings() {
  const stored = useQuery('wallet.settings', {});
  const saving = useMutation('wallet.updateSettings');
  type Form = { idle: string; perGas: string; isPerGasCapped: boolean; total: string; isTotalCapped: boolean };
  const [edited, setEdited] = useState<Form | null>(null);
  const [problem, setProblem] = useState('');
  const [status, setStatus] = useState('');
  const s = stored.data;
  const form: Form = edited ?? {
    idle: s ? String(s.idleLockMinutes) : '',
    perGas: s?.maxFeePerGasGwei != null ? String(s.maxFeePerGasGwei) : '',
    isPerGasCapped: s ? s.maxFeePerGasGwei !== null : true,
    total: s?.maxTotalWeiPerSubmission ? weiToEth(s.maxTotalWeiPerSubmission) : '',
    isTotalCapped: s ? s.maxTotalWeiPerSubmission !== null : true,
  };
  const edit = (patch: Partial<Form>): void => {
    setStatus('');
    setEdited({ ...form, ...patch });
  };
  const save = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    setProblem('');
    const idle = Number(form.idle);
    if (!Number.isInteger(idle) || idle < 1 || idle > 1440) return setProblem('Idle lock: a whole number of minutes from 1 to 1440.');
    const perGas = Number(form.perGas);
    if (form.isPerGasCapped && !(perGas > 0 && perGas <= 1_000_000))
      return setProblem('Max fee per gas: a positive number of gwei, at most 1,000,000.');
    const total = form.isTotalCapped ? ethToWei(form.total) : null;
    if (form.isTotalCapped && total === null) return setProblem('Max total per submission: a positive amount of ETH (up to 18 decimals).');
    const done = await saving.run({
      idleLockMinutes: idle,
      maxFeePerGasGwei: form.isPerGasCapped ? perGas : null,
      maxTotalWeiPerSubmission: total,
    });
    if (done.isOk) {
      setEdited(null);
      stored.setData(() => done.value);
      setStatus('Saved.');
    }
  };
  return (
    <form className="form" onSubmit={(e) => void save(e)} aria-label="Wallet and fees">
      <fieldset>
        <legend>Wallet and fees</legend>
        <p className="muted small">
          Nothing is signed above these caps: a submission, or a registry transaction (publish, join, propose, vote, execute), over them is
          refused before signing. A Datanet&rsquo;s policy can only lower them.
        </p>
        {stored.isLoading && !s && <p className="muted">Loading…</p>}
        <label>
          Lock the wallet after idle (minutes)
          <input type="number" min="1" max="1440" step="1" value={form.idle} onChange={(e) => edit({ idle: e.target.value })} />
        </label>
        <label className="check">
          <input type="checkbox" checked={!form.isPerGasCapped} onChange={(e) => edit({ isPerGasCapped: !e.target.checked })} />
          No own cap on the fee per gas
        </label>
        <label>
          Max fee per gas (gwei)
          <input
            type="number"
            min="0"
            step="any"
            value={form.perGas}
            disabled={!form.isPerGasCapped}
            onChange={(e) => edit({ perGas: e.target.value })}
          />
        </label>
        <label className="check">
          <input type="checkbox" checked={!form.isTotalCapped} onChange={(e) => edit({ isTotalCapped: !e.target.checked })} />
          No own cap on the total per transaction
        </label>
        <label>
          Max total per submission or transaction (ETH)
          <input inputMode="decimal" value={form.total} disabled={!form.isTotalCapped} onChange={(e) => edit({ total: e.target.value })} />
        </label>
        {form.isTotalCapped && ethToWei(form.total) && <p className="muted small">= {ethToWei(form.total)} wei</p>}
        {problem && (
          <p role="alert" className="error-note" data-code="invalid_input">
            <span className="code">invalid_input</span> <span className="message">{problem}</span>
          </p>
        )}
        <ErrorNote
          error={saving.error ?? stored.error}
          onDismiss={() => {
            saving.reset();
            stored.clearError();
          }}
        />
        {status && <p role="status">{status}</p>}
        <div className="actions">
          <button type="submit" className="primary" disabled={saving.isRunning || !s}>
            Save
          </button>
        </div>
      </fieldset>
    </form>
  );
}

/** App-wide settings. Sections of other features are mounted here. */
export function SettingsView() {
  return (
    <section className="settings" aria-label="Settings">
      <h1>Settings</h1>
      <PrivacyBudgetSettings />
      <WalletFeeSettings />
      <ModelStatusBlock />
      <AuditLogBlock />
    </section>
  );
}
