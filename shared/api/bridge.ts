import type { Transport } from './client';

/** What the Electron preload exposes on `window.datanetDesk`: exactly a client transport. */
export type DesktopBridge = Transport;
export const BRIDGE_GLOBAL = 'datanetDesk';
