import { useSyncExternalStore } from 'react';
import type { ConnectionState } from './ws-transport';

let state: ConnectionState = 'connecting';
const listeners = new Set<() => void>();

/** Whether the renderer currently reaches its host (always open under Electron). */
export const connectionStore = {
  set(next: ConnectionState): void {
    state = next;
    for (const l of listeners) l();
  },
  subscribe(listener: () => void): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
  get: (): ConnectionState => state,
};

export function useConnectionState(): ConnectionState {
  return useSyncExternalStore(connectionStore.subscribe, connectionStore.get);
}
