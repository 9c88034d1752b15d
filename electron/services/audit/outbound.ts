import { FetchRequest } from 'ethers';
import type { FetchGetUrlFunc } from 'ethers';
import type { AuditChannel } from '../../../shared/api/audit';
import { AppError } from '../../../shared/errors';
import type { OutboundRecorder } from './audit-log';

/** How long one outbound request (connect, send, whole answer) may take unless its caller says otherwise. */
export const OUTBOUND_TIMEOUT_MS = 30_000;
/** The largest answer read from a chain RPC, validator or faucet; no JSON they send comes near it. */
export const MAX_RESPONSE_BYTES = 10 * 1024 * 1024;
/** Same-origin redirects followed before giving up (a loop would otherwise run until the timeout). */
const MAX_REDIRECTS = 3;

/** Bounds of one request; tests pass small ones. */
export type OutboundLimits = { timeoutMs?: number; maxResponseBytes?: number };

export type OutboundRequest = {
  channel: AuditChannel;
  url: string;
  method: string;
  headers?: Record<string, string>;
  body?: Uint8Array | string;
  /** The log's "what"; `METHOD /path` when absent. */
  what?: string;
  /** The caller giving up (ethers cancelling a call). */
  signal?: AbortSignal;
};

export type OutboundResponse = {
  status: number;
  statusText: string;
  headers: Record<string, string>;
  body: Uint8Array;
  /** Where the answer came from (after same-origin redirects). */
  url: string;
};

const SERVER_NAMES: Partial<Record<AuditChannel, string>> = {
  'chain-rpc': 'chain RPC server',
  validator: 'validator',
  faucet: 'faucet',
  'model-download': 'model server',
};

/** The JSON-RPC method names of a request body (one call or a batch), for the log's "what". */
export function rpcMethodsOf(body: Uint8Array | null): string {
  if (!body) return 'request';
  try {
    const parsed: unknown = JSON.parse(new TextDecoder().decode(body));
    const calls = Array.isArray(parsed) ? parsed : [parsed];
    const names = calls.map((c) =>
      c && typeof c === 'object' && typeof (c as { method?: unknown }).method === 'string' ? (c as { method: string }).method : '?',
    );
    return names.join(',').slice(0, 200) || 'request';
  } catch {
    return 'request';
  }
}

function sizeText(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round(bytes / 1024 / 1024)} MB` : `${Math.ceil(bytes / 1024)} KB`;
}

function isRedirect(status: number): boolean {
  return status === 301 || status === 302 || status === 303 || status === 307 || status === 308;
}

function failure(server: string, origin: string, error: unknown, timeoutMs: number, callerSignal?: AbortSignal): AppError {
  if (error instanceof AppError) return error;
  if (callerSignal?.aborted) return new AppError('cancelled', `The request to the ${server} at ${origin} was cancelled.`);
  const e = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError') {
    return new AppError(
      'unavailable',
      `The ${server} at ${origin} did not answer within ${Math.ceil(timeoutMs / 1000)} s. Check the address in the network profile and try again later.`,
      { isNetworkError: true },
    );
  }
  const reason = e?.cause?.code ?? e?.cause?.message ?? e?.message ?? 'no answer';
  return new AppError(
    'unavailable',
    `The ${server} at ${origin} cannot be reached (${reason}). Check your connection and the address in the network profile, then try again.`,
    { isNetworkError: true },
  );
}

/**
 * Reads a body up to `maxBytes` and aborts the transfer past it, so a server cannot make the app
 * buffer an endless answer. Counted after decompression: a small gzip bomb is cut off as well.
 */
async function readCapped(response: Response, maxBytes: number, tooLarge: () => AppError): Promise<Uint8Array> {
  const declared = Number(response.headers.get('content-length') ?? '');
  if (!response.headers.has('content-encoding') && declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw tooLarge();
  }
  if (!response.body) return new Uint8Array(0);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(value);
  }
  const body = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    body.set(chunk, at);
    at += chunk.byteLength;
  }
  return body;
}

/**
 * Sends one HTTP request the audited way: recorded in the audit log before it leaves (nothing is
 * sent when recording fails), with a deadline over the whole exchange and a cap on the answer.
 * Redirects are never left to `fetch`: it would send the bytes to wherever `Location` points while
 * the log names the first host. A redirect to the same origin is followed (each hop recorded)
 * when it resends the same bytes; one to another origin, scheme or port is refused with
 * `unavailable` and nothing goes there.
 */
export async function sendOutbound(
  recorder: OutboundRecorder | undefined,
  request: OutboundRequest,
  limits: OutboundLimits = {},
): Promise<OutboundResponse> {
  const timeoutMs = limits.timeoutMs ?? OUTBOUND_TIMEOUT_MS;
  const maxBytes = limits.maxResponseBytes ?? MAX_RESPONSE_BYTES;
  const deadline = AbortSignal.timeout(timeoutMs);
  const signal = request.signal ? AbortSignal.any([deadline, request.signal]) : deadline;
  const server = SERVER_NAMES[request.channel] ?? request.channel;
  let url = new URL(request.url);
  for (let hop = 0; ; hop++) {
    const origin = url.origin;
    await recorder?.recordOutbound({
      channel: request.channel,
      url: url.href,
      what: request.what ?? `${request.method} ${url.pathname}`,
      body: request.body ?? `${request.method} ${url.href}`,
    });
    let response: Response;
    try {
      response = await fetch(url, { method: request.method, headers: request.headers, body: request.body, redirect: 'manual', signal });
    } catch (error) {
      throw failure(server, origin, error, timeoutMs, request.signal);
    }
    const location = response.headers.get('location');
    if (isRedirect(response.status) && location !== null) {
      await response.body?.cancel().catch(() => undefined);
      let target: URL | null = null;
      try {
        target = new URL(location, url);
      } catch {
        target = null;
      }
      const resendsSameBytes = response.status === 307 || response.status === 308 || request.method === 'GET' || request.method === 'HEAD';
      if (target === null || target.origin !== origin || !resendsSameBytes || hop >= MAX_REDIRECTS) {
        throw new AppError(
          'unavailable',
          `The ${server} at ${origin} redirected to ${target?.origin ?? 'an invalid address'}; redirects to another server are not followed, so nothing was sent there. Put the server's final address in the network profile.`,
          { isNetworkError: true, status: response.status },
        );
      }
      url = target;
      continue;
    }
    const tooLarge = () =>
      new AppError(
        'unavailable',
        `The ${server} at ${origin} sent an answer larger than ${sizeText(maxBytes)}; it was dropped. Check that the network profile points at the right server.`,
        { isNetworkError: true },
      );
    let body: Uint8Array;
    try {
      body = await readCapped(response, maxBytes, tooLarge);
    } catch (error) {
      throw failure(server, origin, error, timeoutMs, request.signal);
    }
    const headers: Record<string, string> = {};
    response.headers.forEach((value, name) => (headers[name] = value));
    return { status: response.status, statusText: response.statusText, headers, body, url: url.href };
  }
}

/**
 * A FetchRequest sent through {@link sendOutbound}: every send is recorded first, bounded, and
 * never redirected to another origin. The getUrlFunc does the redirect handling because ethers'
 * own (FetchRequest.redirect) builds a fresh request without it, which would go out unaudited and
 * unbounded. A JsonRpcProvider clones the request per call (and on its 429 retries); the clone
 * keeps getUrlFunc. `timeout` is the deadline for the whole exchange.
 */
export function auditedFetchRequest(url: string, recorder: OutboundRecorder | undefined, limits: OutboundLimits = {}): FetchRequest {
  const request = new FetchRequest(url);
  const send: FetchGetUrlFunc = async (req, signal) => {
    const cancel = new AbortController();
    signal?.addListener(() => cancel.abort());
    const response = await sendOutbound(
      recorder,
      {
        channel: 'chain-rpc',
        url: req.url,
        method: req.method,
        headers: req.headers,
        body: req.body ?? undefined,
        what: rpcMethodsOf(req.body),
        signal: cancel.signal,
      },
      { timeoutMs: limits.timeoutMs ?? req.timeout, maxResponseBytes: limits.maxResponseBytes },
    );
    return {
      statusCode: response.status,
      statusMessage: response.statusText,
      headers: response.headers,
      body: response.body.byteLength > 0 ? response.body : null,
    };
  };
  request.getUrlFunc = send;
  return request;
}
