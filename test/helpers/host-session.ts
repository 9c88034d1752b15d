import { request } from 'node:http';
import WebSocket from 'ws';
import { WS_PATH } from '../../shared/api/wire';

export type HostSession = {
  /** `http://127.0.0.1:PORT`, the Origin the host's own page has. */
  origin: string;
  /** `name=value` of the session cookie, as a browser would send it. */
  cookie: string;
  /** Opens the contract WebSocket as the host's page does (its Origin and cookie). */
  connect(): Promise<WebSocket>;
};

/**
 * What a browser does with the address the host prints: loads it once, keeps the session cookie
 * it is given in exchange for the key, and sends that cookie with the WebSocket upgrade.
 */
export async function openHostSession(url: string): Promise<HostSession> {
  const target = new URL(url);
  const cookie = await new Promise<string>((resolve, reject) => {
    const req = request(target, (res) => {
      res.resume();
      const setCookie = res.headers['set-cookie']?.[0];
      if (res.statusCode !== 303 || !setCookie) reject(new Error(`the host answered ${res.statusCode} without a session cookie`));
      else resolve(setCookie.split(';')[0] ?? '');
    });
    req.on('error', reject);
    req.end();
  });
  const origin = target.origin;
  return {
    origin,
    cookie,
    connect: () =>
      new Promise((resolve, reject) => {
        const ws = new WebSocket(`ws://${target.host}${WS_PATH}`, { origin, headers: { cookie } });
        ws.once('open', () => resolve(ws));
        ws.once('error', reject);
      }),
  };
}
