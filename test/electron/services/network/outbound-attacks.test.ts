import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AuditLog } from '../../../../electron/services/audit/audit-log';
import { MAX_RESPONSE_BYTES } from '../../../../electron/services/audit/outbound';
import { openDatabase, type Database } from '../../../../electron/services/db/database';
import { rpcProvider } from '../../../../electron/services/network/network-service';
import { ValidatorClient } from '../../../../electron/services/network/validator-client';
import type { NetworkProfile } from '../../../../shared/network-profile';

/** A real loopback HTTP server that records every request it receives. */
type TestServer = {
  url: string;
  hits: { method: string; path: string; body: string }[];
  /** Body bytes the server managed to write before the client went away. */
  written: { bytes: number };
  close(): Promise<void>;
};

async function serve(answer: (req: IncomingMessage, res: ServerResponse, server: TestServer) => void): Promise<TestServer> {
  const state: TestServer = { url: '', hits: [], written: { bytes: 0 }, close: async () => undefined };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      state.hits.push({ method: req.method ?? '', path: req.url ?? '', body: Buffer.concat(chunks).toString() });
      answer(req, res, state);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () =>
    new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    });
  return state;
}

/** Writes 64 KiB chunks as fast as the client reads them, until `limit` bytes or the client leaves. */
function stream(res: ServerResponse, state: TestServer, limit = Number.POSITIVE_INFINITY): void {
  const chunk = Buffer.alloc(64 * 1024, 0x20);
  const pump = (): void => {
    while (!res.destroyed && state.written.bytes < limit) {
      state.written.bytes += chunk.length;
      if (!res.write(chunk)) return void res.once('drain', pump);
    }
    if (!res.destroyed) res.end();
  };
  pump();
}

const HEALTH = {
  ok: true,
  chainId: 31337,
  blockNumber: 1,
  validatorAddress: '0x5FbDB2315678afecb367f032d93F642f64180aa3',
  datanets: 0,
  submissions: 0,
  epochs: 0,
};

const rpcAnswer = (res: ServerResponse): void => {
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ jsonrpc: '2.0', id: 1, result: '0x2a' }));
};

function profileFor(rpcUrl: string, validatorUrl: string): NetworkProfile {
  return {
    name: 'attack-test',
    chainId: 31337,
    rpcUrl,
    contracts: {
      eas: '0x5FbDB2315678afecb367f032d93F642f64180aa3',
      schemaRegistry: '0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512',
      token: '0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0',
      rewards: '0xCf7Ed3AccA5a467e9e704C703E8D87F634fB0Fc9',
    },
    schemas: { contribution: `0x${'11'.repeat(32)}`, verdict: `0x${'22'.repeat(32)}` },
    validatorUrl,
    signalingUrls: [],
  };
}

let db: Database;
let audit: AuditLog;
const servers: TestServer[] = [];
const start = async (answer: Parameters<typeof serve>[0]): Promise<TestServer> => {
  const s = await serve(answer);
  servers.push(s);
  return s;
};

beforeAll(async () => {
  db = await openDatabase(undefined);
  audit = new AuditLog(db);
});
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});
afterAll(async () => {
  await db?.close();
});

const endpointsLogged = async (): Promise<string[]> => (await audit.list({ limit: 1_000 })).entries.map((e) => e.endpoint);
const hostOf = (url: string): string => new URL(url).host;

describe('redirects', () => {
  it('a validator answering 302 to another host: the request fails, the second host gets nothing, the log names the first only', async () => {
    const elsewhere = await start((_req, res) => res.end('{"status":"ok"}'));
    const validator = await start((_req, res) => {
      res.writeHead(302, { location: `${elsewhere.url}/health` });
      res.end();
    });
    const before = (await audit.list({ limit: 1 })).total;
    const failure = await new ValidatorClient(validator.url, 5_000, audit).health().catch((e: unknown) => e);
    expect(failure).toMatchObject({ code: 'unavailable' });
    expect((failure as Error).message).toContain(`redirected to ${elsewhere.url}`);
    expect(validator.hits).toHaveLength(1);
    expect(elsewhere.hits).toHaveLength(0);
    const logged = (await endpointsLogged()).slice(0, (await audit.list({ limit: 1 })).total - before);
    expect(logged).toEqual([`${validator.url}/health`]);
  });

  it('a submission POST answered 307 to another host is not re-sent there', async () => {
    const elsewhere = await start((_req, res) => res.end('{}'));
    const validator = await start((_req, res) => {
      res.writeHead(307, { location: `${elsewhere.url}/submissions` });
      res.end();
    });
    const submit = new ValidatorClient(validator.url, 5_000, audit).submit({ manifest: 'x' } as never);
    await expect(submit).rejects.toMatchObject({ code: 'unavailable' });
    expect(validator.hits.map((h) => h.path)).toEqual(['/submissions']);
    expect(elsewhere.hits).toHaveLength(0);
    expect((await endpointsLogged()).some((e) => hostOf(e) === hostOf(elsewhere.url))).toBe(false);
  });

  it('a chain RPC answering 307 to another host: the JSON-RPC call fails, nothing reaches the second host or the log', async () => {
    const elsewhere = await start((_req, res) => rpcAnswer(res));
    const rpc = await start((_req, res) => {
      res.writeHead(307, { location: `${elsewhere.url}/` });
      res.end();
    });
    const provider = rpcProvider(profileFor(rpc.url, rpc.url), 5_000, audit);
    try {
      const failure = await provider.getBlockNumber().catch((e: unknown) => e);
      expect(failure).toMatchObject({ code: 'unavailable' });
    } finally {
      provider.destroy();
    }
    expect(rpc.hits.length).toBeGreaterThanOrEqual(1);
    expect(elsewhere.hits).toHaveLength(0);
    const logged = await endpointsLogged();
    expect(logged.some((e) => hostOf(e) === hostOf(rpc.url))).toBe(true);
    expect(logged.some((e) => hostOf(e) === hostOf(elsewhere.url))).toBe(false);
  });

  it('a redirect on the same server is followed, and each hop is in the log', async () => {
    const validator = await start((req, res) => {
      if (req.url === '/health') {
        res.writeHead(301, { location: '/v2/health' });
        return void res.end();
      }
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(HEALTH));
    });
    const before = (await audit.list({ limit: 1 })).total;
    await expect(new ValidatorClient(validator.url, 5_000, audit).health()).resolves.toMatchObject({ ok: true });
    expect(validator.hits.map((h) => h.path)).toEqual(['/health', '/v2/health']);
    const { entries, total } = await audit.list({ limit: 10 });
    expect(total - before).toBe(2);
    expect(entries.slice(0, 2).map((e) => e.endpoint)).toEqual([`${validator.url}/v2/health`, `${validator.url}/health`]);
  });
});

describe('answer size', () => {
  it('a validator streaming an endless body is cut off at the cap with unavailable', async () => {
    const validator = await start((_req, res, state) => {
      res.setHeader('content-type', 'application/json');
      stream(res, state);
    });
    const failure = await new ValidatorClient(validator.url, 20_000).health().catch((e: unknown) => e);
    expect(failure).toMatchObject({ code: 'unavailable' });
    expect((failure as Error).message).toMatch(/larger than 10 MB/);
    // The client stopped reading: the server could write little more than the cap plus socket buffers.
    await new Promise((r) => setTimeout(r, 100));
    expect(validator.written.bytes).toBeGreaterThan(MAX_RESPONSE_BYTES);
    expect(validator.written.bytes).toBeLessThan(MAX_RESPONSE_BYTES + 16 * 1024 * 1024);
  });

  it('a declared 50 MB answer is refused without reading it', async () => {
    const validator = await start((_req, res, state) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(50 * 1024 * 1024) });
      stream(res, state, 50 * 1024 * 1024);
    });
    const heapBefore = process.memoryUsage().arrayBuffers;
    await expect(new ValidatorClient(validator.url, 20_000).health()).rejects.toMatchObject({ code: 'unavailable' });
    expect(validator.written.bytes).toBeLessThan(MAX_RESPONSE_BYTES);
    expect(process.memoryUsage().arrayBuffers - heapBefore).toBeLessThan(MAX_RESPONSE_BYTES);
  });

  it('a chain RPC streaming a 50 MB body fails the call with unavailable', async () => {
    const rpc = await start((_req, res, state) => {
      res.setHeader('content-type', 'application/json');
      stream(res, state, 50 * 1024 * 1024);
    });
    const provider = rpcProvider(profileFor(rpc.url, rpc.url), 20_000, audit);
    try {
      await expect(provider.getBlockNumber()).rejects.toMatchObject({ code: 'unavailable' });
    } finally {
      provider.destroy();
    }
    await new Promise((r) => setTimeout(r, 100));
    expect(rpc.written.bytes).toBeLessThan(MAX_RESPONSE_BYTES + 16 * 1024 * 1024);
  });

  it('the cap is the caller’s to choose: a valid 4 KB answer passes the default and fails a 2 KB cap', async () => {
    const validator = await start((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ ...HEALTH, padding: 'x'.repeat(4096) }));
    });
    await expect(new ValidatorClient(validator.url, 5_000).health()).resolves.toMatchObject({ ok: true });
    await expect(new ValidatorClient(validator.url, 5_000, undefined, { maxResponseBytes: 2048 }).health()).rejects.toMatchObject({
      code: 'unavailable',
    });
  });
});

describe('timeouts', () => {
  it('a validator that never answers times out with unavailable', async () => {
    const silent = await start(() => undefined);
    const started = Date.now();
    const failure = await new ValidatorClient(silent.url, 300).health().catch((e: unknown) => e);
    expect(failure).toMatchObject({ code: 'unavailable' });
    expect((failure as Error).message).toMatch(/did not answer within 1 s/);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(silent.hits).toHaveLength(1);
  });

  it('a server dribbling its answer byte by byte is cut off by the deadline over the whole exchange', async () => {
    const slow = await start((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const timer = setInterval(() => (res.destroyed ? clearInterval(timer) : res.write(' ')), 20);
    });
    const started = Date.now();
    await expect(new ValidatorClient(slow.url, 400).health()).rejects.toMatchObject({ code: 'unavailable' });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('a chain RPC that never answers times out', async () => {
    const silent = await start(() => undefined);
    const provider = rpcProvider(profileFor(silent.url, silent.url), 300, audit);
    const started = Date.now();
    try {
      await expect(provider.getBlockNumber()).rejects.toMatchObject({ code: 'unavailable' });
    } finally {
      provider.destroy();
    }
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
