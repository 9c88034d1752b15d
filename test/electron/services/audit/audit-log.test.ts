import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { AuditLog, auditEndpoint } from '../../../../electron/services/audit/audit-log';
import { auditedFetchRequest, rpcMethodsOf, sendOutbound } from '../../../../electron/services/audit/outbound';
import { openDatabase, type Database } from '../../../../electron/services/db/database';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AppError } from '../../../../shared/errors';

let db: Database;
let audit: AuditLog;
let server: Server;
let baseUrl: string;
const received: Buffer[] = [];

beforeAll(async () => {
  db = await openDatabase(undefined);
  audit = new AuditLog(db);
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push(Buffer.concat(chunks));
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ jsonrpc: '2.0', id: 1, result: '0x2a' }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server?.close();
  await db?.close();
});

const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

describe('audit log', () => {
  it('keeps scheme, host and path of an endpoint, never a query or user info', () => {
    expect(auditEndpoint('https://user:secret@rpc.example.org:8443/v3/path?apikey=k#x')).toBe('https://rpc.example.org:8443/v3/path');
    expect(auditEndpoint('wss://signal.example.org/')).toBe('wss://signal.example.org/');
  });

  it('records the exact bytes an audited ethers request sends: hash, size, JSON-RPC method', async () => {
    const request = auditedFetchRequest(`${baseUrl}/rpc?key=secret`, audit);
    request.body = new TextEncoder().encode(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_blockNumber', params: [] }));
    const response = await request.send();
    expect(response.statusCode).toBe(200);
    const sent = received.at(-1) as Buffer;
    const { entries } = await audit.list({ limit: 10, channel: 'chain-rpc' });
    expect(entries[0]).toMatchObject({
      source: 'host',
      channel: 'chain-rpc',
      endpoint: `${baseUrl}/rpc`,
      what: 'eth_blockNumber',
      bytes: sent.length,
      contentSha256: sha(sent),
    });
    expect(rpcMethodsOf(new TextEncoder().encode('[{"method":"a"},{"method":"b"}]'))).toBe('a,b');
  });

  it('records fetch requests of the validator client before they are sent', async () => {
    const body = JSON.stringify({ manifest: 'm' });
    await sendOutbound(audit, { channel: 'validator', url: `${baseUrl}/submissions`, method: 'POST', body });
    expect(received.at(-1)?.toString()).toBe(body);
    const { entries } = await audit.list({ limit: 1, channel: 'validator' });
    expect(entries[0]).toMatchObject({ what: 'POST /submissions', bytes: body.length, contentSha256: sha(body) });
  });

  it('sends nothing when the transfer cannot be recorded', async () => {
    const failing = { recordOutbound: () => Promise.reject(new AppError('unavailable', 'no log')) };
    const before = received.length;
    await expect(sendOutbound(failing, { channel: 'validator', url: `${baseUrl}/health`, method: 'GET' })).rejects.toMatchObject({
      code: 'unavailable',
    });
    const request = auditedFetchRequest(baseUrl, failing);
    request.body = new TextEncoder().encode('{}');
    await expect(request.send()).rejects.toThrow();
    expect(received.length).toBe(before);
  });

  it('records renderer transfers as the renderer’s, filters, and pages newest first', async () => {
    await audit.recordFromRenderer([
      { channel: 'review-signaling', endpoint: 'ws://127.0.0.1:1/?room=x', what: 'publish', bytes: 10, contentSha256: 'a'.repeat(64) },
      { channel: 'review-peer', endpoint: 'webrtc://peer-1', what: 'sync-update', bytes: 20, contentSha256: 'b'.repeat(64) },
    ]);
    const renderer = await audit.list({ limit: 10, source: 'renderer' });
    expect(renderer.total).toBe(2);
    expect(renderer.entries.map((e) => e.channel)).toEqual(['review-peer', 'review-signaling']);
    expect(renderer.entries[1]?.endpoint).toBe('ws://127.0.0.1:1/');
    const text = await audit.list({ limit: 10, text: 'SYNC' });
    expect(text.entries.map((e) => e.what)).toEqual(['sync-update']);
    const all = await audit.list({ limit: 2 });
    const older = await audit.list({ limit: 2, beforeId: all.entries[1]?.id });
    expect(older.entries.every((e) => e.id < (all.entries[1]?.id ?? 0))).toBe(true);
    const future = await audit.list({ limit: 10, from: new Date(Date.now() + 60_000).toISOString() });
    expect(future).toEqual({ entries: [], total: 0 });
  });

  it('exports CSV (formula-safe) and JSON with the same entries, oldest first', async () => {
    await audit.recordFromRenderer([
      { channel: 'review-peer', endpoint: 'webrtc://peer', what: '=HYPERLINK("x")', bytes: 1, contentSha256: 'c'.repeat(64) },
    ]);
    const json = await audit.export({ format: 'json' });
    const parsed = JSON.parse(json.content) as { entries: { id: number; what: string }[] };
    expect(parsed.entries.length).toBe(json.count);
    expect(parsed.entries.map((e) => e.id)).toEqual([...parsed.entries.map((e) => e.id)].sort((a, b) => a - b));
    const csv = await audit.export({ format: 'csv', channel: 'review-peer' });
    const lines = csv.content.trim().split('\r\n');
    expect(lines[0]).toBe('id,at,source,channel,endpoint,what,bytes,contentSha256');
    expect(lines).toHaveLength(csv.count + 1);
    expect(csv.content).toContain(`"'=HYPERLINK(""x"")"`);
    expect(csv.fileName).toMatch(/^datanet-desk-audit-\d{4}-\d\d-\d\d\.csv$/);
  });

  it('is append-only: rows cannot be changed or deleted', async () => {
    await expect(db.query(`update audit_log set bytes = 0`)).rejects.toThrow(/append-only/);
    await expect(db.query(`delete from audit_log`)).rejects.toThrow(/append-only/);
  });
});
