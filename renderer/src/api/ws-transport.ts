import type { DispatchResult } from '../../../shared/api/dispatcher';
import type { Transport } from '../../../shared/api/client';
import { WS_PATH, serverMessageSchema } from '../../../shared/api/wire';

export type ConnectionState = 'connecting' | 'open' | 'closed';

type Pending = { resolve: (r: DispatchResult) => void };

/**
 * The contract over the Node host's WebSocket. Reconnects with backoff; requests made while the
 * socket is down wait for it, and requests in flight when it drops fail with `unavailable`.
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
    onState('connecting');
    const ws = new WebSocket(url);
    socket = ws;
    ws.onopen = () => {
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
      onState('closed');
      for (const [id, p] of pending) {
        pending.delete(id);
        p.resolve({ ok: false, error: { code: 'unavailable', message: 'Lost the connection to Datanet Desk; try again.' } });
      }
      retry = Math.min(retry + 1, 6);
      setTimeout(connect, 250 * 2 ** retry);
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
