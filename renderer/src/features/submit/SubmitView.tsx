import { useCallback, useEffect, useState } from 'react';
import type { Datanet } from '../../../../shared/api/datanets';
import type { WalletStatus } from '../../../../shared/api/wallet';
import type { AppError } from '../../../../shared/errors';
import type { NetworkProfile } from '../../../../shared/network-profile';
import { useApi, useEvent } from '../../api/ApiContext';
import { ErrorNote, toAppError } from '../../components/ErrorNote';
import { NetworkPanel } from './NetworkPanel';
import { SubmissionBuilder } from './SubmissionBuilder';
import { SubmissionQueue } from './SubmissionQueue';
import { WalletPanel } from './WalletPanel';
import './submit.css';

/** The Submit tab of a Datanet: network, wallet, a new submission within quota, and the queue. */
export function SubmitView({ datanet, focusSubmissionId }: { datanet: Datanet; focusSubmissionId?: string }) {
  const api = useApi();
  const [wallet, setWallet] = useState<WalletStatus | null>(null);
  const [profile, setProfile] = useState<NetworkProfile | null>(null);
  const [refreshKey, setRefreshKey] = useState(0);
  const [error, setError] = useState<AppError | null>(null);

  const refresh = useCallback(async () => {
    try {
      setWallet(await api.call('wallet.status', {}));
      setProfile((await api.call('network.get', {})).profile);
    } catch (e) {
      setError(toAppError(e));
    }
  }, [api]);
  useEffect(() => {
    void refresh();
  }, [refresh]);
  useEvent('wallet.changed', setWallet);

  return (
    <div className="submit-view">
      <ErrorNote error={error} onDismiss={() => setError(null)} />
      <div className="submit-top">
        <NetworkPanel profile={profile} onChanged={() => void refresh()} />
        <WalletPanel status={wallet} hasFaucet={profile?.faucetUrl !== undefined} onChanged={() => void refresh()} />
      </div>
      <SubmissionBuilder datanet={datanet} wallet={wallet} isReady={profile !== null} onSubmitted={() => setRefreshKey((k) => k + 1)} />
      <SubmissionQueue datanetId={datanet.id} refreshKey={refreshKey} focusSubmissionId={focusSubmissionId} />
    </div>
  );
}
