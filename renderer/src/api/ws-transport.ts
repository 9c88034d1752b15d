import type { DispatchResult } from '../../../shared/api/dispatcher';
import type { Transport } from '../../../shared/api/client';
import { WS_PATH, serverMessageSchema } from '../../../shared/api/wire';

/** `unauthorized`: the host refuses this browser's session cookie (none yet, or from an earlier run of the host). */
export type ConnectionState = 'connecting' | 'open' | 'closed' | 'unauthorized';

type Pending = { resolve: (r: DispatchResult) => void };

/**
 * Why an upgrade that never opened failed: a browser hides the HTTP status of a refused
 * WebSocket, so a plain GET of the same path (same cookie) asks the host whether the session is
 * good. No answer at all means the host is not running.
 */
async function isSessionRefused(): Promise<boolean> {
  try {
    return (await fetch(WS_PATH, { cache: 'no-store', credentials: 'same-origin' })).status === 401;
  } catch {
    return false;
  }
}

/**
 * The contract over the Node host's WebSocket. Reconnects with backoff; requests made while the
 * socket is down wait for it, and requests in flight when it drops fail with `unavailable`.
 * Without a valid session cookie it says so (`unauthorized`) and keeps trying slowly, so that
 * opening the printed address in another tab lets this one in.
 */
export function createWsTransport(onState: (state: ConnectionState) => void): Transport {
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${WS_PATH}`;
  const listeners = new Set<(event: string, payload: unknown) => void>();
  const pending = new Map<number, Pending>();
  const queue: string[] = [];
  let nextId = 1;
  let socket: WebSocket | undefined;
  let retry = 0;

  const connect = (): void => {
    // A retry keeps showing why the last attempt failed rather than flickering to `connecting`.
    if (retry === 0) onState('connecting');
    const ws = new WebSocket(url);
    socket = ws;
    let hasOpened = false;
    ws.onopen = () => {
      hasOpened = true;
      retry = 0;
      onState('open');
      for (const message of queue.splice(0)) ws.send(message);
    };
    ws.onmessage = (e: MessageEvent<string>) => {
      let raw: unknown;
      try {
        raw = JSON.parse(e.data);
      } catch {
        return;
      }
      const parsed = serverMessageSchema.safeParse(raw);
      if (!parsed.success) return;
      const message = parsed.data;
      if (message.type === 'event') {
        for (const l of listeners) l(message.event, message.payload);
        return;
      }
      const p = pending.get(message.id);
      if (!p) return;
      pending.delete(message.id);
      p.resolve(message.ok ? { ok: true, result: message.result } : { ok: false, error: message.error });
    };
    ws.onclose = () => {
      // Their callers are told `unavailable` below: sending them later would run what they were told failed.
      queue.length = 0;
      for (const [id, p] of pending) {
        pending.delete(id);
        p.resolve({ ok: false, error: { code: 'unavailable', message: 'Lost the connection to Datanet Desk; try again.' } });
      }
      retry = Math.min(retry + 1, 6);
      const again = (): void => void setTimeout(connect, 250 * 2 ** retry);
      if (hasOpened) {
        onState('closed');
        again();
        return;
      }
      void isSessionRefused().then((isRefused) => {
        onState(isRefused ? 'unauthorized' : 'closed');
        again();
      });
    };
  };
  connect();

  return {
    invoke(method, input) {
      const id = nextId++;
      const text = JSON.stringify({ type: 'request', id, method, input });
      return new Promise<DispatchResult>((resolve) => {
        pending.set(id, { resolve });
        if (socket?.readyState === WebSocket.OPEN) socket.send(text);
        else queue.push(text);
      });
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
