import type { AppError } from '../../../shared/errors';
import { ErrorNote } from './ErrorNote';

/**
 * The bottom of every signing prompt: the wallet passphrase when the key is locked, the error of
 * the last attempt, and Cancel / Sign. One component so that every signature asks alike.
 */
export function SignFooter({
  needsPassphrase,
  passphrase,
  onPassphrase,
  error,
  onDismissError,
  isReady,
  isSigning,
  signLabel,
  onCancel,
  onSign,
}: {
  needsPassphrase: boolean;
  passphrase: string;
  onPassphrase: (value: string) => void;
  error: AppError | null;
  onDismissError: () => void;
  /** False while what will be signed is still being prepared. */
  isReady: boolean;
  isSigning: boolean;
  signLabel: string;
  onCancel: () => void;
  onSign: () => void;
}) {
  return (
    <>
      {needsPassphrase && (
        <label className="passphrase">
          Wallet passphrase
          <input type="password" autoComplete="current-password" value={passphrase} onChange={(e) => onPassphrase(e.target.value)} />
        </label>
      )}
      <ErrorNote error={error} onDismiss={onDismissError} />
      <div className="actions">
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
        <button
          type="button"
          className="primary"
          disabled={!isReady || isSigning || (needsPassphrase && passphrase === '')}
          onClick={onSign}
        >
          {isSigning ? 'Signing…' : signLabel}
        </button>
      </div>
    </>
  );
}
