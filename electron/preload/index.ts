import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import { IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL } from '../../shared/api/wire';
import { BRIDGE_EVENT_NAMES, BRIDGE_METHOD_NAMES, IPC_DROP_CHANNEL, type DesktopBridge } from '../../shared/api/bridge';
import type { DroppedImport } from '../../shared/api/library';

// CLI-only methods (library.importPaths) are not forwarded: the page must not name paths.
const allowedMethods = new Set<string>(BRIDGE_METHOD_NAMES);
const allowedEvents = new Set<string>(BRIDGE_EVENT_NAMES);

/**
 * The paths Electron knows for dropped File objects. A File made by page script, or anything that
 * is not a File, has no path and is left out: so the page can hand over only what the user dropped.
 */
function droppedPaths(files: readonly unknown[]): string[] {
  const paths: string[] = [];
  for (const file of files) {
    try {
      const path = webUtils.getPathForFile(file as File);
      if (path) paths.push(path);
    } catch {
      // Not a File.
    }
  }
  return paths;
}

// The page gets two functions and nothing else: never ipcRenderer itself, which would let page
// script send on any channel.
const bridge: DesktopBridge = {
  invoke(method, input) {
    if (!allowedMethods.has(method)) {
      return Promise.resolve({ ok: false, error: { code: 'not_found', message: `Unknown method ${method}.` } });
    }
    return ipcRenderer.invoke(IPC_INVOKE_CHANNEL, method, input);
  },
  importDropped(files, request) {
    const paths = Array.isArray(files) ? droppedPaths(files) : [];
    if (paths.length === 0) {
      return Promise.resolve({
        ok: false,
        error: { code: 'invalid_input', message: 'Nothing dropped is a file or folder on this computer.' },
      });
    }
    // Rebuilt field by field so nothing else the page put in `request` crosses.
    const message: DroppedImport = { datanetId: String(request?.datanetId), importId: String(request?.importId), paths };
    return ipcRenderer.invoke(IPC_DROP_CHANNEL, message);
  },
  subscribe(listener) {
    const handler = (_event: IpcRendererEvent, name: string, payload: unknown): void => {
      if (allowedEvents.has(name)) listener(name, payload);
    };
    ipcRenderer.on(IPC_EVENT_CHANNEL, handler);
    return () => void ipcRenderer.off(IPC_EVENT_CHANNEL, handler);
  },
};

contextBridge.exposeInMainWorld('datanetDesk', bridge);
