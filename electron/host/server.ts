import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Dispatcher } from '../../shared/api/dispatcher';
import { libraryMethods } from '../../shared/api/library';
import { WS_PATH, requestMessageSchema, type EventMessage, type ResponseMessage } from '../../shared/api/wire';
import type { AppErrorData } from '../../shared/errors';
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

/**
 * Largest WebSocket message: a `library.importFile` request at the contract's largest upload
 * (read from the schema, so the two cannot drift apart) plus its name, relative path (at most
 * 5,120 characters, 6 bytes each when JSON-escaped) and framing. ws refuses a longer frame from
 * its header, before buffering it, and closes with 1009. Only a client holding the session
 * cookie gets this far, and at most HOST_LIMITS.maxConnections of them.
 */
export const MAX_MESSAGE_BYTES = (libraryMethods['library.importFile'].input.shape.dataBase64.maxLength ?? 0) + 64 * 1024;

export type HostLimits = {
  /** WebSocket connections open at once; more are refused with 503 (a tab needs one). */
  maxConnections: number;
  /** Token bucket per connection: `burst` requests at once, refilled at `requestsPerSecond`. */
  burst: number;
  requestsPerSecond: number;
  /** Requests of one connection still being answered; more get `rate_limited`. */
  maxInFlight: number;
};

/**
 * Bounds on what one authenticated client can make the host do. The renderer sends a handful of
 * requests per user action, in sequence for imports, so these bind a runaway script, not a user.
 */
export const HOST_LIMITS: HostLimits = { maxConnections: 8, burst: 200, requestsPerSecond: 100, maxInFlight: 64 };

export type HostServer = {
  server: Server;
  port: number;
  /** The address to open: it carries this run's key (`?token=`), exchanged for a cookie at the first load. */
  url: string;
  close(): Promise<void>;
};

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

const TOKEN_PARAM = 'token';

/** Shown instead of the app to a browser without this run's session cookie. No script, no data. */
const NEEDS_KEY_PAGE =
  '<!doctype html><html lang="en"><meta charset="utf-8"><title>Datanet Desk</title>' +
  '<h1>Datanet Desk</h1><p>Open the address printed by <code>npm run web</code> (it carries this session&rsquo;s key).</p></html>';

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** Constant-time comparison: equal-length digests, so neither content nor length leaks by timing. */
function isSameSecret(candidate: string | undefined, secret: Buffer): boolean {
  return candidate !== undefined && timingSafeEqual(digest(candidate), secret);
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

function refuseUpgrade(socket: Socket, status: string): void {
  socket.write(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  socket.destroy();
}

async function serveStatic(
  staticDir: string,
  req: IncomingMessage,
  res: ServerResponse,
  headers: Record<string, string>,
  hasSession: boolean,
): Promise<void> {
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
  // The page needs the session; the built assets (scripts, styles, fonts) do not: they are the same
  // bundle for every install and hold no user data, which only ever travels over the WebSocket.
  // Without the cookie the visitor learns how to get in instead of an app that cannot connect.
  if (file === join(root, 'index.html') && !hasSession) {
    res.writeHead(401, { ...headers, 'Content-Type': 'text/html; charset=utf-8' });
    res.end(req.method === 'HEAD' ? undefined : NEEDS_KEY_PAGE);
    return;
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
 * Serves the built renderer and the contract over a WebSocket, on 127.0.0.1 only. Three locks,
 * because a loopback port is reachable by more than the user's own tab:
 * - Host header: only `127.0.0.1:PORT` or `localhost:PORT` (a DNS-rebinding page reaches the
 *   port under its own name and would otherwise be same-origin with it).
 * - Origin: only pages served by this host may open the WebSocket (any website in the browser
 *   can open a loopback socket).
 * - A per-run secret: the printed URL carries it, the first load trades it for an HttpOnly,
 *   SameSite=Strict cookie, and the WebSocket refuses any upgrade without it (any local process
 *   can send whatever Origin header it likes).
 */
export async function startHostServer(options: HostServerOptions): Promise<HostServer> {
  const limits = HOST_LIMITS;
  const token = randomBytes(32).toString('base64url');
  const secret = digest(token);
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
  // The port is known once listening; requests cannot arrive before that.
  let port = 0;
  let allowedHosts = new Set<string>();
  let allowedOrigins = new Set<string>();
  // Cookies are not scoped by port: the port in the name keeps two hosts on one machine apart.
  const cookieName = (): string => `datanet_desk_session_${port}`;
  const hasSession = (req: IncomingMessage): boolean => isSameSecret(cookieValue(req.headers.cookie, cookieName()), secret);

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const headers = { ...securityHeaders(await currentPolicy()), 'Cache-Control': 'no-cache' };
    if (!allowedHosts.has(req.headers.host ?? '')) {
      res.writeHead(421, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' }).end('Unknown host name.');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, headers).end();
      return;
    }
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const offered = url.searchParams.get(TOKEN_PARAM);
    if (offered !== null) {
      if (!isSameSecret(offered, secret)) {
        res.writeHead(401, { ...headers, 'Content-Type': 'text/html; charset=utf-8' });
        res.end(req.method === 'HEAD' ? undefined : NEEDS_KEY_PAGE);
        return;
      }
      url.searchParams.delete(TOKEN_PARAM);
      // 303 to the same address without the key, so that it stays out of history and bookmarks.
      res.writeHead(303, {
        ...headers,
        'Cache-Control': 'no-store',
        // HttpOnly: no script can read it; SameSite=Strict: no other site's page sends it.
        'Set-Cookie': `${cookieName()}=${token}; HttpOnly; SameSite=Strict; Path=/`,
        Location: `${url.pathname}${url.search}`,
      });
      res.end();
      return;
    }
    // A plain GET of the WebSocket path tells the renderer whether its cookie is (still) good:
    // a browser does not show a page why a WebSocket upgrade failed.
    if (url.pathname === WS_PATH) {
      res.writeHead(hasSession(req) ? 204 : 401, { ...headers, 'Cache-Control': 'no-store' }).end();
      return;
    }
    await serveStatic(options.staticDir, req, res, headers, hasSession(req));
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error) => {
      options.onError(error);
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  // No compression: a deflated frame could expand far beyond what its length header says.
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES, perMessageDeflate: false });
  const sockets = new Set<WebSocket>();
  // Upgraded TCP sockets, counted from the moment the upgrade is accepted until they close.
  let upgraded = 0;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  allowedHosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  allowedOrigins = new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`]);

  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    if (!allowedHosts.has(req.headers.host ?? '')) return refuseUpgrade(socket, '421 Misdirected Request');
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    if (path !== WS_PATH || !allowedOrigins.has(req.headers.origin ?? '')) return refuseUpgrade(socket, '403 Forbidden');
    if (!hasSession(req)) return refuseUpgrade(socket, '401 Unauthorized');
    if (upgraded >= limits.maxConnections) return refuseUpgrade(socket, '503 Service Unavailable');
    upgraded += 1;
    socket.once('close', () => (upgraded -= 1));
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  const unsubscribe = options.events.subscribe((event, payload) => {
    const message: EventMessage = { type: 'event', event, payload };
    const text = JSON.stringify(message);
    for (const ws of sockets) if (ws.readyState === ws.OPEN) ws.send(text);
  });

  wss.on('connection', (ws) => {
    sockets.add(ws);
    let tokens = limits.burst;
    let refilledAt = performance.now();
    let inFlight = 0;
    const reply = (message: ResponseMessage): void => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
    };
    const refuse = (id: number, error: AppErrorData): void => reply({ type: 'response', id, ok: false, error });
    ws.on('close', () => sockets.delete(ws));
    ws.on('error', (error) => options.onError(error));
    ws.on('message', (data, isBinary) => {
      const now = performance.now();
      tokens = Math.min(limits.burst, tokens + ((now - refilledAt) / 1000) * limits.requestsPerSecond);
      refilledAt = now;
      // Every message counts, malformed ones too; the refusal is sent after parsing so that it can
      // name its request (the parse costs no more than reading the bytes, and only an
      // authenticated client gets here).
      const isOverRate = tokens < 1;
      if (!isOverRate) tokens -= 1;
      let parsed;
      try {
        parsed = isBinary ? undefined : requestMessageSchema.safeParse(JSON.parse(data.toString()));
      } catch {
        parsed = undefined;
      }
      if (!parsed?.success) {
        refuse(-1, { code: 'invalid_input', message: 'The message is not a valid request.' });
        return;
      }
      const { id, method, input } = parsed.data;
      if (isOverRate) {
        refuse(id, { code: 'rate_limited', message: 'Too many requests; wait a moment and try again.', details: { bound: 'rate' } });
        return;
      }
      if (inFlight >= limits.maxInFlight) {
        refuse(id, {
          code: 'rate_limited',
          message: 'Too many requests at once; wait for some to finish.',
          details: { bound: 'in_flight' },
        });
        return;
      }
      inFlight += 1;
      options
        .dispatch(method, input)
        .then((result) => reply({ type: 'response', id, ...result }))
        .catch(options.onError)
        .finally(() => (inFlight -= 1));
    });
  });

  return {
    server,
    port,
    url: `http://127.0.0.1:${port}/?${TOKEN_PARAM}=${token}`,
    async close() {
      unsubscribe();
      for (const ws of sockets) ws.terminate();
      wss.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
