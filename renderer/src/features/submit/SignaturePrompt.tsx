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
 * signs only what it showed (the manifest hash it displays is sent back and checked).
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
  const needsPassphrase = !wallet.isUnlocked && wallet.needsPassphrase && !wallet.hasEnvironmentPassphrase;

  const sign = async (): Promise<void> => {
    setIsSigning(true);
    setError(null);
    try {
      if (needsPassphrase) await api.call('wallet.unlock', { passphrase });
      const submission = await api.call('submissions.submit', {
        datanetId: prepared.datanetId,
        itemIds: prepared.itemIds,
        createdAt: prepared.createdAt,
        manifestHash: prepared.manifestHash,
      });
      onSubmitted(submission);
    } catch (e) {
      setError(toAppError(e));
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
