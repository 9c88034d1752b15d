import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServices, type Services } from '../../../../electron/services/wiring';
import { createDispatcher, type Dispatcher } from '../../../../shared/api/dispatcher';
import { makeTempDir } from '../../../helpers/temp-dir';

/** A loopback server standing in for chain RPC, validator and faucet at once; it records every hit. */
let server: Server;
let baseUrl: string;
const hits: string[] = [];
let services: Services;
let dispatch: Dispatcher;
let removeDir: () => void;

const profile = (overrides: Record<string, unknown> = {}) => ({
  name: 'local',
  chainId: 31337,
  rpcUrl: `${baseUrl}/rpc`,
  contracts: {
    eas: '0x5FbDB2315678afecb367f032d93F642f64180aa3',
    schemaRegistry: '0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512',
    token: '0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0',
    rewards: '0xCf7Ed3AccA5a467e9e704C703E8D87F634fB0Fc9',
  },
  schemas: { contribution: `0x${'11'.repeat(32)}`, verdict: `0x${'22'.repeat(32)}` },
  validatorUrl: baseUrl,
  faucetUrl: `${baseUrl}/faucet`,
  signalingUrls: [baseUrl.replace('http:', 'ws:')],
  // No easVersion: the old setProfile read it from the chain as soon as the profile was chosen.
  ...overrides,
});

beforeAll(async () => {
  server = createServer((req, res) => {
    hits.push(`${req.method} ${req.url}`);
    req.resume();
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ jsonrpc: '2.0', id: 1, result: '0x2a' }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const tmp = makeTempDir();
  removeDir = tmp.remove;
  services = await createServices({ dataDir: tmp.dir, host: 'node', version: 'test', isInMemoryDatabase: true });
  dispatch = createDispatcher(services.handlers, () => undefined);
});
afterAll(async () => {
  await services?.close();
  server?.close();
  removeDir?.();
});

describe('network.setProfile', () => {
  it('selects a profile without contacting any server it names', async () => {
    const reply = await dispatch('network.setProfile', { json: JSON.stringify(profile()) });
    expect(reply).toMatchObject({ ok: true, result: { profile: { name: 'local' } } });
    // Give anything started in the background (EAS version lookup, queue pass) time to go out.
    await new Promise((r) => setTimeout(r, 500));
    expect(hits).toEqual([]);
    // The server is reachable: a status check, an explicit action, does reach it.
    await dispatch('network.status', {});
    expect(hits.length).toBeGreaterThan(0);
  });

  it('refuses plain http to another machine with invalid_input naming the field, and keeps the stored profile', async () => {
    await services.network.setProfile(profile({ name: 'kept' }));
    for (const [field, value] of [
      ['rpcUrl', 'http://10.213.0.1:8545/'],
      ['validatorUrl', 'http://validator.example.org/'],
      ['faucetUrl', 'http://192.168.0.5/faucet'],
      ['signalingUrls', ['ws://signal.example.org:4444']],
    ] as const) {
      const before = hits.length;
      const reply = await dispatch('network.setProfile', { json: JSON.stringify(profile({ name: 'evil', [field]: value })) });
      expect(reply).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
      expect(reply.ok ? '' : reply.error.message).toContain(field);
      expect(hits.length).toBe(before);
    }
    expect((await services.network.get())?.name).toBe('kept');
  });
});
