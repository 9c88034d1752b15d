import { FetchRequest } from 'ethers';
import type { FetchGetUrlFunc } from 'ethers';
import type { AuditChannel } from '../../../shared/api/audit';
import type { OutboundRecorder } from './audit-log';

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

/**
 * A FetchRequest whose every send (first try and ethers' own retries; a JsonRpcProvider clones
 * the request per call and the clone keeps getUrlFunc) is recorded before it goes out.
 */
export function auditedFetchRequest(url: string, recorder: OutboundRecorder | undefined): FetchRequest {
  const request = new FetchRequest(url);
  if (!recorder) return request;
  const send: FetchGetUrlFunc = FetchRequest.createGetUrlFunc();
  request.getUrlFunc = async (req, signal) => {
    const body = req.body;
    await recorder.recordOutbound({
      channel: 'chain-rpc',
      url: req.url,
      what: rpcMethodsOf(body),
      body: body ?? `${req.method} ${req.url}`,
    });
    return send(req, signal);
  };
  return request;
}

/** `fetch`, recorded first: the body, or the request line when there is none. */
export function auditedFetch(recorder: OutboundRecorder | undefined, channel: AuditChannel): typeof fetch {
  if (!recorder) return fetch;
  return async (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    const method = init?.method ?? (input instanceof Request ? input.method : 'GET');
    const body = typeof init?.body === 'string' ? init.body : init?.body instanceof Uint8Array ? init.body : `${method} ${url}`;
    await recorder.recordOutbound({ channel, url, what: `${method} ${new URL(url).pathname}`, body });
    return fetch(input, init);
  };
}
