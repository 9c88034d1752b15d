import type { Transport } from './client';
import type { DispatchResult } from './dispatcher';
import { EVENT_NAMES, UI_METHOD_NAMES, type EventName, type UiMethodName } from './index';

/**
 * What the Electron preload exposes on `window.datanetDesk`: a client transport, and the one way
 * a page hands the host files by path. `TFile` is the DOM's File in the renderer (shared/ has no
 * DOM types); the preload asks Electron for each File's path, so only files the user dropped or
 * picked have one, and a File made by page script has none.
 */
export type DesktopBridge<TFile = unknown> = Transport & {
  /** Imports the dropped files and folders by their paths on this machine, with progress events. */
  importDropped(files: readonly TFile[], request: { datanetId: string; importId: string }): Promise<DispatchResult>;
};
export const BRIDGE_GLOBAL = 'datanetDesk';

/** The channel of dropped paths, apart from the contract's invoke channel: it takes only DroppedImport. */
export const IPC_DROP_CHANNEL = 'datanet-desk:import-dropped';

/** The methods the preload forwards: the UI surface, never a CLI-only one (they read caller-named paths). */
export const BRIDGE_METHOD_NAMES: readonly UiMethodName[] = UI_METHOD_NAMES;
/** The events the preload passes to the page. */
export const BRIDGE_EVENT_NAMES: readonly EventName[] = EVENT_NAMES;
