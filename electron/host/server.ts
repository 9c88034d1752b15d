import { readFile, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Dispatcher } from '../../shared/api/dispatcher';
import { WS_PATH, requestMessageSchema, type EventMessage, type ResponseMessage } from '../../shared/api/wire';
import type { EventBus } from '../services/events';
import { CONTENT_SECURITY_POLICY, securityHeaders } from './security-headers';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

/** Largest WebSocket message: a base64 file of the largest policy size plus framing. */
export const MAX_MESSAGE_BYTES = 300 * 1024 * 1024;

export type HostServer = { server: Server; port: number; url: string; close(): Promise<void> };

export type HostServerOptions = {
  dispatch: Dispatcher;
  events: EventBus;
  staticDir: string;
  port: number;
  onError: (error: unknown) => void;
  /**
   * The Content Security Policy for the next response, read from the selected network profile
   * each time so a changed profile applies at the page's next load. Absent: own origin only.
   */
  contentSecurityPolicy?: () => Promise<string>;
};

async function serveStatic(staticDir: string, req: IncomingMessage, res: ServerResponse, csp: string): Promise<void> {
  const headers = { ...securityHeaders(csp), 'Cache-Control': 'no-cache' };
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, headers).end();
    return;
  }
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  let rel: string;
  try {
    rel = decodeURIComponent(url.pathname);
  } catch {
    res.writeHead(400, headers).end();
    return;
  }
  const root = normalize(staticDir + sep);
  let file = normalize(join(root, rel));
  // Refuse paths that climb out of the renderer folder.
  if (!file.startsWith(root)) {
    res.writeHead(403, headers).end();
    return;
  }
  try {
    if (!(await stat(file)).isFile()) file = join(root, 'index.html');
  } catch {
    file = join(root, 'index.html');
  }
  try {
    const body = await readFile(file);
    res.writeHead(200, { ...headers, 'Content-Type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream' });
    res.end(req.method === 'HEAD' ? undefined : body);
  } catch {
    res.writeHead(404, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' }).end('The app has not been built: run npm run build.');
  }
}

/**
 * Serves the built renderer and the contract over a WebSocket, on 127.0.0.1 only. Only pages
 * served by this host may connect (Origin checked): any website open in the user's browser could
 * otherwise reach a loopback socket and drive the library.
 */
export async function startHostServer(options: HostServerOptions): Promise<HostServer> {
  const currentPolicy = async (): Promise<string> => {
    if (!options.contentSecurityPolicy) return CONTENT_SECURITY_POLICY;
    try {
      return await options.contentSecurityPolicy();
    } catch (error) {
      // Fail closed: a profile that cannot be read allows no signaling server.
      options.onError(error);
      return CONTENT_SECURITY_POLICY;
    }
  };
  const server = createServer((req, res) => {
    currentPolicy()
      .then((csp) => serveStatic(options.staticDir, req, res, csp))
      .catch((error) => {
        options.onError(error);
        if (!res.headersSent) res.writeHead(500).end();
      });
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  const sockets = new Set<WebSocket>();

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const allowedOrigins = new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`]);

  server.on('upgrade', (req, socket, head) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    if (path !== WS_PATH || !allowedOrigins.has(req.headers.origin ?? '')) {
      socket.write('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  const unsubscribe = options.events.subscribe((event, payload) => {
    const message: EventMessage = { type: 'event', event, payload };
    const text = JSON.stringify(message);
    for (const ws of sockets) if (ws.readyState === ws.OPEN) ws.send(text);
  });

  wss.on('connection', (ws) => {
    sockets.add(ws);
    ws.on('close', () => sockets.delete(ws));
    ws.on('error', (error) => options.onError(error));
    ws.on('message', (data, isBinary) => {
      void (async () => {
        let parsed;
        try {
          parsed = isBinary ? undefined : requestMessageSchema.safeParse(JSON.parse(data.toString()));
        } catch {
          parsed = undefined;
        }
        if (!parsed?.success) {
          ws.send(
            JSON.stringify({
              type: 'response',
              id: -1,
              ok: false,
              error: { code: 'invalid_input', message: 'The message is not a valid request.' },
            } satisfies ResponseMessage),
          );
          return;
        }
        const { id, method, input } = parsed.data;
        const reply = await options.dispatch(method, input);
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ type: 'response', id, ...reply }));
      })().catch(options.onError);
    });
  });

  return {
    server,
    port,
    url: `http://127.0.0.1:${port}/`,
    async close() {
      unsubscribe();
      for (const ws of sockets) ws.terminate();
      wss.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
