import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { EVENT_NAMES, METHOD_NAMES } from '../../shared/api/index';
import { IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL } from '../../shared/api/wire';
import type { DesktopBridge } from '../../shared/api/bridge';

const allowedMethods = new Set<string>(METHOD_NAMES);
const allowedEvents = new Set<string>(EVENT_NAMES);

// The page gets two functions and nothing else: never ipcRenderer itself, which would let page
// script send on any channel.
const bridge: DesktopBridge = {
  invoke(method, input) {
    if (!allowedMethods.has(method)) {
      return Promise.resolve({ ok: false, error: { code: 'not_found', message: `Unknown method ${method}.` } });
    }
    return ipcRenderer.invoke(IPC_INVOKE_CHANNEL, method, input);
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
