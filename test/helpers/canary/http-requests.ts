/** One HTTP/1.1 request as it crossed a tap. */
export type CapturedRequest = { method: string; path: string; body: Buffer };

/**
 * The requests in one connection's client-to-server stream (keep-alive: several in a row).
 * Bodies by Content-Length or chunked encoding; a WebSocket upgrade ends the HTTP part.
 */
export function httpRequestsOf(stream: Buffer): CapturedRequest[] {
  const requests: CapturedRequest[] = [];
  let at = 0;
  while (at < stream.length) {
    const headerEnd = stream.indexOf('\r\n\r\n', at);
    if (headerEnd < 0) break;
    const head = stream.subarray(at, headerEnd).toString('latin1');
    const [line = '', ...headers] = head.split('\r\n');
    const [method = '', path = ''] = line.split(' ');
    const header = (name: string) =>
      headers
        .find((h) => h.toLowerCase().startsWith(`${name}:`))
        ?.slice(name.length + 1)
        .trim();
    let cursor = headerEnd + 4;
    let body: Buffer = Buffer.alloc(0);
    if (header('transfer-encoding')?.toLowerCase() === 'chunked') {
      const parts: Buffer[] = [];
      for (;;) {
        const sizeEnd = stream.indexOf('\r\n', cursor);
        if (sizeEnd < 0) break;
        const size = parseInt(stream.subarray(cursor, sizeEnd).toString('latin1'), 16);
        cursor = sizeEnd + 2;
        if (!size) {
          cursor += 2;
          break;
        }
        parts.push(stream.subarray(cursor, cursor + size));
        cursor += size + 2;
      }
      body = Buffer.concat(parts);
    } else {
      const length = Number(header('content-length') ?? 0);
      body = stream.subarray(cursor, cursor + length);
      cursor += length;
    }
    requests.push({ method, path, body });
    if (/websocket/i.test(header('upgrade') ?? '')) break;
    at = cursor;
  }
  return requests;
}
