import { useState } from 'react';
import type { WalletStatus } from '../../../../shared/api/wallet';
import type { AppError } from '../../../../shared/errors';
import { useApi } from '../../api/ApiContext';
import { ErrorNote, toAppError } from '../../components/ErrorNote';

type Mode = 'idle' | 'create' | 'import';

/**
 * The contributor's wallet: create or import a key, unlock and lock it. Only the address is
 * ever shown: the key stays with the host, encrypted at rest.
 */
export function WalletPanel({ status, hasFaucet, onChanged }: { status: WalletStatus | null; hasFaucet: boolean; onChanged: () => void }) {
  const api = useApi();
  const [mode, setMode] = useState<Mode>('idle');
  const [passphrase, setPassphrase] = useState('');
  const [repeat, setRepeat] = useState('');
  const [secret, setSecret] = useState('');
  const [currentPassphrase, setCurrentPassphrase] = useState('');
  const [error, setError] = useState<AppError | null>(null);
  const [note, setNote] = useState('');
  const asksPassphrase = status !== null && status.needsPassphrase && !status.hasEnvironmentPassphrase;

  const run = async (action: () => Promise<unknown>, done: string): Promise<void> => {
    setError(null);
    setNote('');
    try {
      const result = await action();
      const backupPath = (result as { backupPath?: string | null } | undefined)?.backupPath;
      setNote(backupPath ? `${done} The old key was backed up, encrypted, to ${backupPath}.` : done);
      setMode('idle');
      setPassphrase('');
      setRepeat('');
      setSecret('');
      setCurrentPassphrase('');
      onChanged();
    } catch (e) {
      setError(toAppError(e));
    }
  };

  const withPassphrase = (): { passphrase?: string } => (asksPassphrase ? { passphrase } : {});
  const isPassphraseOk = !asksPassphrase || (passphrase.length >= 8 && passphrase === repeat);
  const replace = status?.hasWallet ?? false;
  // Replacing a keystore wallet needs its passphrase, even with DATANET_DESK_PASSPHRASE set.
  const asksCurrent = replace && status !== null && status.needsPassphrase;
  const withCurrent = (): { currentPassphrase?: string } => (asksCurrent ? { currentPassphrase } : {});

  const create = () =>
    run(() => api.call('wallet.create', { ...withPassphrase(), ...withCurrent(), replace }), 'A new wallet was created.');
  const importKey = () => {
    const isKey = /^(0x)?[0-9a-fA-F]{64}$/.test(secret.trim());
    return run(
      () =>
        api.call('wallet.import', {
          ...(isKey ? { privateKey: secret.trim() } : { mnemonic: secret }),
          ...withPassphrase(),
          ...withCurrent(),
          replace,
        }),
      'The key was imported.',
    );
  };

  return (
    <section className="submit-card wallet-panel" aria-label="Wallet">
      <h3>Wallet</h3>
      {status === null ? (
        <p className="muted">Loading…</p>
      ) : status.hasWallet ? (
        <>
          <p>
            <span className="mono" data-testid="wallet-address">
              {status.address}
            </span>{' '}
            <span className={`badge ${status.isUnlocked ? 'ok' : 'locked'}`}>{status.isUnlocked ? 'unlocked' : 'locked'}</span>
          </p>
          <p className="muted small">
            {status.vault === 'os-keychain'
              ? 'The key is kept by the system keychain.'
              : 'The key is kept in an encrypted keystore file in the data folder.'}{' '}
            {status.isUnlocked
              ? `It locks itself after ${status.idleLockMinutes} minutes without a signature.`
              : 'Unlock it to sign; it locks itself again when left idle.'}
          </p>
          <div className="row">
            {!status.isUnlocked && asksPassphrase && (
              <>
                <label>
                  Passphrase
                  <input
                    type="password"
                    autoComplete="current-password"
                    value={passphrase}
                    onChange={(e) => setPassphrase(e.target.value)}
                  />
                </label>
                <button type="button" onClick={() => void run(() => api.call('wallet.unlock', { passphrase }), 'Unlocked.')}>
                  Unlock
                </button>
              </>
            )}
            {!status.isUnlocked && !asksPassphrase && (
              <button type="button" onClick={() => void run(() => api.call('wallet.unlock', {}), 'Unlocked.')}>
                Unlock
              </button>
            )}
            {status.isUnlocked && (
              <button type="button" onClick={() => void run(() => api.call('wallet.lock', {}), 'Locked.')}>
                Lock
              </button>
            )}
            {hasFaucet && (
              <button type="button" onClick={() => void run(() => api.call('wallet.fund', {}), 'Test ether received.')}>
                Get test ether
              </button>
            )}
            <button type="button" className="link" onClick={() => setMode(mode === 'idle' ? 'import' : 'idle')}>
              Replace…
            </button>
          </div>
        </>
      ) : (
        <div className="row">
          <p>No wallet yet: submissions are signed with one.</p>
          <button type="button" className="primary" onClick={() => setMode('create')}>
            Create wallet
          </button>
          <button type="button" onClick={() => setMode('import')}>
            Import key…
          </button>
        </div>
      )}
      {mode !== 'idle' && (
        <form
          className="form wallet-form"
          onSubmit={(e) => {
            e.preventDefault();
            void (mode === 'create' ? create() : importKey());
          }}
        >
          {replace && (
            <p className="warning">
              This replaces the current wallet. Its key is first backed up, still encrypted, to the data folder (wallet/backups).
            </p>
          )}
          {asksCurrent && (
            <label>
              Current wallet passphrase
              <input
                type="password"
                autoComplete="current-password"
                value={currentPassphrase}
                onChange={(e) => setCurrentPassphrase(e.target.value)}
              />
            </label>
          )}
          {mode === 'import' && (
            <label>
              Private key or mnemonic
              <textarea rows={2} autoComplete="off" spellCheck={false} value={secret} onChange={(e) => setSecret(e.target.value)} />
            </label>
          )}
          {asksPassphrase && (
            <>
              <label>
                New passphrase (8+ characters)
                <input type="password" autoComplete="new-password" value={passphrase} onChange={(e) => setPassphrase(e.target.value)} />
              </label>
              <label>
                Repeat passphrase
                <input type="password" autoComplete="new-password" value={repeat} onChange={(e) => setRepeat(e.target.value)} />
              </label>
            </>
          )}
          <div className="actions">
            <button type="button" onClick={() => setMode('idle')}>
              Cancel
            </button>
            <button
              type="submit"
              className="primary"
              disabled={!isPassphraseOk || (asksCurrent && currentPassphrase === '') || (mode === 'import' && secret.trim() === '')}
            >
              {mode === 'create' ? 'Create' : 'Import'}
            </button>
          </div>
          {replace && mode === 'import' && (
            <button type="button" className="link" onClick={() => setMode('create')}>
              Or create a new key instead
            </button>
          )}
        </form>
      )}
      {note && (
        <p role="status" className="muted small">
          {note}
        </p>
      )}
      <ErrorNote error={error} onDismiss={() => setError(null)} />
    </section>
  );
}
