import { useApi } from '../../api/ApiContext';
import { toAppError } from '../../api/contract-query';
import { useLoad, type Query } from '../../api/useContract';
import type { SharedDatanet } from '../../../../shared/api/datanets';
import type { AppError } from '../../../../shared/errors';

export type SharedState = { view: SharedDatanet; syncRefusal: AppError | null };

/**
 * A Datanet's shared state: the stored view at once, then (for a shared one) a sync with the chain.
 * An unreachable chain comes back as the last known policy with `isStale`; any other refusal of
 * the sync (a document whose hash does not match, another network selected) is kept beside the
 * stored view, so the Datanet stays usable and the reason shows.
 */
export function useSharedDatanet(id: string): Query<SharedState> {
  const api = useApi();
  return useLoad<SharedState>(`shared ${id}`, async () => {
    const view = await api.call('datanets.show', { id });
    if (view.onchainId === null) return { view, syncRefusal: null };
    try {
      return { view: await api.call('datanets.sync', { id }), syncRefusal: null };
    } catch (error) {
      return { view, syncRefusal: toAppError(error) };
    }
  });
}
