import { createContext, useContext, useEffect, type ReactNode } from 'react';
import type { ApiClient } from '../../../shared/api/client';
import type { EventName, EventPayload } from '../../../shared/api/index';

const ApiContext = createContext<ApiClient | undefined>(undefined);

export function ApiProvider({ client, children }: { client: ApiClient; children: ReactNode }) {
  return <ApiContext.Provider value={client}>{children}</ApiContext.Provider>;
}

/** The typed contract client; components never learn which host serves it. */
export function useApi(): ApiClient {
  const client = useContext(ApiContext);
  if (!client) throw new Error('useApi outside ApiProvider');
  return client;
}

/** Calls `listener` for each event of a kind while the component is mounted. */
export function useEvent<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): void {
  const api = useApi();
  useEffect(() => api.on(event, listener), [api, event, listener]);
}
