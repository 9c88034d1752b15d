import { useState } from 'react';
import type { PreparedSubmission, Submission } from '../../../../shared/api/submissions';
import type { WalletStatus } from '../../../../shared/api/wallet';
import type { AppError } from '../../../../shared/errors';
import { useApi } from '../../api/ApiContext';
import { toAppError } from '../../components/ErrorNote';
import { Modal } from '../../components/Modal';
import { SignFooter } from '../../components/SignFooter';
import { SigningFields } from './SigningFields';

/**
 * The prompt every signature goes through: it shows what will be signed, in words and fields, and
 * with the fee estimate and caps. Signing names the host's signing request and the manifest hash
 * shown here; the host refuses anything else (consent_required), and in Electron asks again natively.
 */
export function SignaturePrompt({
  prepared,
  wallet,
  onClose,
  onSubmitted,
}: {
  prepared: PreparedSubmission;
  wallet: WalletStatus;
  onClose: () => void;
  onSubmitted: (submission: Submission) => void;
}) {
  const api = useApi();
  const [passphrase, setPassphrase] = useState('');
  const [isSigning, setIsSigning] = useState(false);
  const [error, setError] = useState<AppError | null>(null);
  // The idle lock can forget the key while this prompt is open: a wallet_locked reply asks again.
  const [isLocked, setIsLocked] = useState(!wallet.isUnlocked);
  const asksPassphrase = wallet.needsPassphrase && !wallet.hasEnvironmentPassphrase;
  const needsPassphrase = isLocked && asksPassphrase;

  const sign = async (): Promise<void> => {
    setIsSigning(true);
    setError(null);
    try {
      // Clicking here is the explicit unlock: the keychain wallet is never opened by itself.
      if (isLocked && (asksPassphrase || !wallet.needsPassphrase)) {
        await api.call('wallet.unlock', asksPassphrase ? { passphrase } : {});
        setIsLocked(false);
      }
      const submission = await api.call('submissions.submit', { requestId: prepared.requestId, manifestHash: prepared.manifestHash });
      onSubmitted(submission);
    } catch (e) {
      const appError = toAppError(e);
      if (appError.code === 'wallet_locked') setIsLocked(true);
      setError(appError);
    } finally {
      setIsSigning(false);
    }
  };

  return (
    <Modal title="Review and sign" onClose={onClose}>
      <div className="signature-modal">
        <div className="signature-body">
          <SigningFields prompt={prepared.prompt} />
          <p className="mono small">Manifest hash {prepared.manifestHash}</p>
          <p className="muted small">
            This prompt is valid until {new Date(prepared.expiresAt).toLocaleTimeString()}; after that, review the selection again.
          </p>
        </div>
        <SignFooter
          needsPassphrase={needsPassphrase}
          passphrase={passphrase}
          onPassphrase={setPassphrase}
          error={error}
          onDismissError={() => setError(null)}
          isReady
          isSigning={isSigning}
          signLabel="Sign and submit"
          onCancel={onClose}
          onSign={() => void sign()}
        />
      </div>
    </Modal>
  );
}
