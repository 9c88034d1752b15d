import { useEffect, useState } from 'react';
import type { RoomSignable, RoomSigningPrompt } from '../../../../shared/api/rooms';
import type { AppError } from '../../../../shared/errors';
import { useApi } from '../../api/ApiContext';
import { toAppError } from '../../components/ErrorNote';
import { Modal } from '../../components/Modal';
import { SignFooter } from '../../components/SignFooter';
import { SigningFieldTable } from '../submit/SigningFields';

/**
 * The prompt every room signature goes through: the host says in words and fields what the
 * EIP-712 message holds, and signs only the digest shown here (it recomputes and compares it).
 */
export function RoomSignModal({
  roomId,
  message,
  onClose,
  onSigned,
}: {
  roomId: string;
  message: RoomSignable;
  onClose: () => void;
  onSigned: (signed: { signer: string; signature: string }) => void;
}) {
  const api = useApi();
  const [prompt, setPrompt] = useState<(RoomSigningPrompt & { requestId: string }) | null>(null);
  const [isKeychainLocked, setIsKeychainLocked] = useState(false);
  const [needsPassphrase, setNeedsPassphrase] = useState(false);
  const [passphrase, setPassphrase] = useState('');
  const [isSigning, setIsSigning] = useState(false);
  const [error, setError] = useState<AppError | null>(null);

  useEffect(() => {
    let isCancelled = false;
    void (async () => {
      try {
        const [p, wallet] = await Promise.all([api.call('rooms.prepareSignature', { id: roomId, message }), api.call('wallet.status', {})]);
        if (isCancelled) return;
        setPrompt(p);
        setNeedsPassphrase(!wallet.isUnlocked && wallet.needsPassphrase && !wallet.hasEnvironmentPassphrase);
        setIsKeychainLocked(!wallet.isUnlocked && !wallet.needsPassphrase);
      } catch (e) {
        if (!isCancelled) setError(toAppError(e));
      }
    })();
    return () => {
      isCancelled = true;
    };
  }, [api, roomId, message]);

  const sign = async (): Promise<void> => {
    if (!prompt) return;
    setIsSigning(true);
    setError(null);
    try {
      // Clicking Sign is the explicit unlock: the keychain wallet is never opened by itself.
      if (needsPassphrase) await api.call('wallet.unlock', { passphrase });
      else if (isKeychainLocked) await api.call('wallet.unlock', {});
      onSigned(await api.call('rooms.sign', { id: roomId, message, digest: prompt.digest, requestId: prompt.requestId }));
    } catch (e) {
      const appError = toAppError(e);
      // The idle lock forgot the key meanwhile: ask for it again.
      if (appError.code === 'wallet_locked') {
        const wallet = await api.call('wallet.status', {});
        setNeedsPassphrase(wallet.needsPassphrase && !wallet.hasEnvironmentPassphrase);
        setIsKeychainLocked(!wallet.needsPassphrase);
      }
      setError(appError);
    } finally {
      setIsSigning(false);
    }
  };

  return (
    <Modal title="Review and sign" onClose={onClose}>
      <div className="signature-modal room-sign">
        {prompt === null && error === null && <p className="muted">Preparing what will be signed…</p>}
        {prompt && (
          <div className="signature-body">
            {prompt.summary.map((line) => (
              <p key={line}>{line}</p>
            ))}
            <SigningFieldTable
              label="Signed fields"
              caption={`EIP-712 message, signed by ${prompt.signer}`}
              fields={[...prompt.domain.map((f) => ({ ...f, label: `domain.${f.label}` })), ...prompt.fields]}
            />
            <p className="mono small">Digest {prompt.digest}</p>
          </div>
        )}
        <SignFooter
          needsPassphrase={needsPassphrase}
          passphrase={passphrase}
          onPassphrase={setPassphrase}
          error={error}
          onDismissError={() => setError(null)}
          isReady={prompt !== null}
          isSigning={isSigning}
          signLabel="Sign"
          onCancel={onClose}
          onSign={() => void sign()}
        />
      </div>
    </Modal>
  );
}
