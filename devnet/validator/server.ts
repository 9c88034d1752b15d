import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AppError, isAppError } from '../../shared/errors';
import type { ErrorCode } from '../../shared/errors';
import { MAX_POLICY_BYTES } from '../../shared/datanet-registry';
import { RawBody } from './policies';
import type { PolicyStore } from './policies';
import type { Validator } from './validator';

/** Enough for a day's 10 MB quota in base64 several times over, and still a bound. */
const MAX_BODY_BYTES = 64 * 1024 * 1024;

const STATUS: Partial<Record<ErrorCode, number>> = {
  invalid_input: 400,
  invalid_policy: 400,
  not_found: 404,
  conflict: 409,
  quota_exceeded: 429,
  unavailable: 503,
};

export type ValidatorServer = { url: string; port: number; stop(): Promise<void> };

type Route = {
  method: string;
  pattern: RegExp;
  /** Set: the body is handed over as raw bytes, refused above this many. */
  rawBodyLimit?: number;
  handle: (match: RegExpExecArray, body: unknown) => Promise<[number, unknown]>;
};

/**
 * The validator's HTTP JSON API on 127.0.0.1. No CORS headers on purpose: a web page the user
 * visits must not be able to drive the local validator or faucet; the app calls it from Node.
 */
export async function startValidatorServer(
  validator: Validator,
  port: number,
  log: (line: string) => void,
  policies: PolicyStore,
): Promise<ValidatorServer> {
  const routes: Route[] = [
    { method: 'GET', pattern: /^\/health$/, handle: async () => [200, await validator.health()] },
    { method: 'GET', pattern: /^\/datanets$/, handle: async () => [200, validator.listDatanets()] },
    {
      method: 'POST',
      pattern: /^\/datanets$/,
      handle: async (_m, body) => {
        const { datanet, isNew } = await validator.registerDatanet(body);
        return [isNew ? 201 : 200, datanet];
      },
    },
    {
      method: 'GET',
      pattern: /^\/datanets\/([^/]+)$/,
      handle: async (m) => [200, validator.getDatanet(decodeURIComponent(m[1] as string))],
    },
    // Owner approval of a shared Datanet (validator.ts, approve): what is held, and applying a
    // batch a curator published on chain.
    {
      method: 'GET',
      pattern: /^\/datanets\/(0x[0-9a-fA-F]{64})\/held$/,
      handle: async (m) => [200, validator.heldItems(m[1] as string)],
    },
    {
      method: 'POST',
      pattern: /^\/datanets\/(0x[0-9a-fA-F]{64})\/approve$/,
      handle: async (m, body) => [200, await validator.approve(m[1] as string, body)],
    },
    { method: 'POST', pattern: /^\/submissions$/, handle: async (_m, body) => [200, await validator.submit(body)] },
    { method: 'GET', pattern: /^\/submissions\/(0x[0-9a-fA-F]{64})$/, handle: async (m) => [200, validator.getSubmission(m[1] as string)] },
    { method: 'GET', pattern: /^\/contributors\/([^/]+)$/, handle: async (m) => [200, await validator.contributorStats(m[1] as string)] },
    { method: 'POST', pattern: /^\/epoch$/, handle: async () => [200, await validator.runEpoch()] },
    { method: 'GET', pattern: /^\/epochs$/, handle: async () => [200, validator.listEpochs()] },
    { method: 'POST', pattern: /^\/faucet$/, handle: async (_m, body) => [200, await validator.faucet(body)] },
    // Policy documents by sha256 for the registry's policy hashes (devnet/validator/policies.ts).
    {
      method: 'PUT',
      pattern: /^\/policies$/,
      rawBodyLimit: MAX_POLICY_BYTES,
      handle: async (_m, body) => {
        const stored = await policies.put(body as Uint8Array);
        return [stored.isNew ? 201 : 200, { sha256: stored.sha256, bytes: stored.bytes }];
      },
    },
    {
      method: 'GET',
      pattern: /^\/policies\/(0x[0-9a-f]{64})$/,
      handle: async (m) => [200, new RawBody(await policies.get(m[1] as string), 'application/json')],
    },
  ];

  let actualPort = port;
  const server: Server = createServer((request, response) => {
    void handle(request, response).catch((error: unknown) => {
      log(`validator: ${(error as Error).stack ?? String(error)}`);
      if (!response.headersSent) send(response, 500, { error: { code: 'internal', message: 'the validator failed; see its log' } });
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    // DNS rebinding: a page on evil.example resolving to 127.0.0.1 would arrive with its own Host.
    const host = request.headers.host ?? '';
    if (host !== `127.0.0.1:${actualPort}` && host !== `localhost:${actualPort}`) {
      send(response, 403, { error: { code: 'invalid_input', message: 'unexpected Host header' } });
      return;
    }
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    const candidates = routes.filter((r) => r.pattern.test(path));
    const route = candidates.find((r) => r.method === request.method);
    if (!route) {
      const code = candidates.length > 0 ? 405 : 404;
      send(response, code, { error: { code: 'not_found', message: `no ${request.method ?? ''} ${path}` } });
      return;
    }
    try {
      const body =
        route.rawBodyLimit !== undefined
          ? await readRawBody(request, route.rawBodyLimit)
          : request.method === 'POST'
            ? await readJsonBody(request)
            : undefined;
      const [status, payload] = await route.handle(route.pattern.exec(path) as RegExpExecArray, body);
      send(response, status, payload);
    } catch (error) {
      if (isAppError(error)) {
        send(response, STATUS[error.code] ?? 500, { error: error.toJSON() });
        return;
      }
      log(`validator ${request.method ?? ''} ${path}: ${(error as Error).stack ?? String(error)}`);
      send(response, 500, { error: { code: 'internal', message: 'the validator failed; see its log' } });
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  actualPort = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${actualPort}`,
    port: actualPort,
    stop: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
    },
  };
}

function send(response: ServerResponse, status: number, payload: unknown): void {
  if (payload instanceof RawBody) {
    response.writeHead(status, { 'content-type': payload.contentType, 'cache-control': 'no-store' });
    response.end(payload.bytes);
    return;
  }
  const body = JSON.stringify(payload, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value));
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  response.end(body);
}

/**
 * The body as bytes, refused (`invalid_policy`, reason `too_large`) above `limit`. The rest is
 * still read, up to MAX_BODY_BYTES, so that the client receives the refusal rather than a reset.
 */
async function readRawBody(request: IncomingMessage, limit: number): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) break;
    if (size <= limit) chunks.push(buffer);
  }
  if (size > limit) {
    throw new AppError('invalid_policy', `A policy document may have at most ${limit} bytes.`, { reason: 'too_large', limit });
  }
  return new Uint8Array(Buffer.concat(chunks));
}

async function readJsonBody(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new AppError('invalid_input', `the request body is over ${MAX_BODY_BYTES} bytes`);
    chunks.push(buffer);
  }
  if (size === 0) return {};
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    throw new AppError('invalid_input', 'the request body is not JSON');
  }
}
