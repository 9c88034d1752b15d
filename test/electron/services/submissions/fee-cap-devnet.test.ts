import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { JsonRpcProvider } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Devnet } from '../../../../devnet/devnet';
import type { NetworkProfile } from '../../../../shared/network-profile';
import type { Services } from '../../../../electron/services/wiring';
import { syntheticNote } from '../../../devnet/corpus';
import { provider, startTestDevnet } from '../../../devnet/devnet-client';
import { makeTempDir } from '../../../helpers/temp-dir';
import { createDatanet, importAnonymised, openServices } from './helpers';

/** 10,000 gwei: what a hostile RPC asks per gas so that one attestation would cost ~2 ether. */
const HOSTILE_WEI = 10_000n * 10n ** 9n;
const hex = (n: bigint): string => `0x${n.toString(16)}`;

let devnet: Devnet;
let removeDevnet: () => void;
let rpc: JsonRpcProvider;
let hostile: Server;
let hostileUrl = '';
const cleanups: (() => unknown)[] = [];

/**
 * A loopback JSON-RPC proxy in front of the devnet that lies about fees, as a hostile or broken
 * RPC would: every other answer is the chain's own.
 */
function startHostileRpc(target: string): Promise<Server> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const upstream = await fetch(target, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
        const reply = (await upstream.json()) as { method?: string; result?: unknown } | { result?: unknown }[];
        const requests = JSON.parse(body) as { method: string } | { method: string }[];
        const rewrite = (request: { method: string }, answer: { result?: unknown }): void => {
          if (request.method === 'eth_gasPrice' || request.method === 'eth_maxPriorityFeePerGas') answer.result = hex(HOSTILE_WEI);
          if (request.method === 'eth_getBlockByNumber' && answer.result && typeof answer.result === 'object') {
            (answer.result as { baseFeePerGas?: string }).baseFeePerGas = hex(HOSTILE_WEI);
          }
          if (request.method === 'eth_feeHistory' && answer.result && typeof answer.result === 'object') {
            const history = answer.result as { baseFeePerGas?: string[] };
            history.baseFeePerGas = history.baseFeePerGas?.map(() => hex(HOSTILE_WEI));
          }
        };
        if (Array.isArray(requests) && Array.isArray(reply)) requests.forEach((r, i) => rewrite(r, reply[i] ?? {}));
        else if (!Array.isArray(requests) && !Array.isArray(reply)) rewrite(requests, reply);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(reply));
      })().catch(() => {
        res.writeHead(502);
        res.end();
      });
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

beforeAll(async () => {
  ({ devnet, remove: removeDevnet } = await startTestDevnet());
  rpc = provider(devnet.profile);
  hostile = await startHostileRpc(devnet.profile.rpcUrl);
  hostileUrl = `http://127.0.0.1:${(hostile.address() as AddressInfo).port}/`;
});
afterAll(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  await new Promise((resolve) => hostile?.close(resolve));
  rpc?.destroy();
  await devnet?.stop();
  removeDevnet?.();
});

async function fundedApp(profile: NetworkProfile): Promise<{ services: Services; dataDir: string; address: string }> {
  const tmp = makeTempDir();
  cleanups.push(tmp.remove);
  const services = await openServices(tmp.dir, { isAutomatic: false });
  cleanups.push(() => services.close());
  await services.wallet.create({});
  await services.network.setProfile(profile);
  const { address } = await services.submissions.fund();
  return { services, dataDir: tmp.dir, address };
}

async function items(services: Services, datanetId: string, seed: number): Promise<string[]> {
  return [await importAnonymised(services, datanetId, `fee-${seed}.txt`, syntheticNote(seed))];
}

const journalOf = (dataDir: string): string => {
  const path = join(dataDir, 'submissions', 'journal.jsonl');
  return existsSync(path) ? readFileSync(path, 'utf8') : '';
};

describe('fee caps', () => {
  it('a hostile RPC asking a huge gas price gets nothing signed: the submission waits with fee_cap_exceeded', async () => {
    const { services, dataDir, address } = await fundedApp({ ...devnet.profile, rpcUrl: hostileUrl });
    const balance = await rpc.getBalance(address);
    expect(balance).toBeGreaterThan(0n);
    const datanetId = await createDatanet(services, 'Hostile RPC');
    const itemIds = await items(services, datanetId, 7001);

    // The prompt already shows the RPC's figure against the cap.
    const prepared = await services.submissions.prepare(datanetId, itemIds);
    expect(prepared.fees).toMatchObject({ isWithinCaps: false, capMaxFeePerGasWei: (100n * 10n ** 9n).toString() });
    expect(BigInt(prepared.fees.maxFeePerGasWei ?? '0')).toBeGreaterThanOrEqual(HOSTILE_WEI);
    expect(prepared.prompt.fees.fields).toContainEqual({ label: 'cap: max fee per gas', value: '100 gwei' });

    const submitted = await services.submissions.submit({ requestId: prepared.requestId, manifestHash: prepared.manifestHash });
    await services.submissionQueue.settle([submitted.id], 20_000);
    const waiting = await services.submissions.get(submitted.id);
    expect(waiting).toMatchObject({ status: 'attested_offchain', txHash: null, onchainUid: null });
    expect(waiting.lastError?.code).toBe('fee_cap_exceeded');
    expect(waiting.lastError?.message).toMatch(/above the cap of 100 gwei/);
    // No transaction was signed: none journaled, none sent (the nonce never moved), no ether spent.
    expect(journalOf(dataDir)).toBe('');
    expect(await rpc.getTransactionCount(address, 'latest')).toBe(0);
    expect(await rpc.getBalance(address)).toBe(balance);
  });

  it("the Datanet policy's cap tightens the user's: over it, nothing is signed even on an honest RPC", async () => {
    const { services, dataDir, address } = await fundedApp(devnet.profile);
    const balance = await rpc.getBalance(address);
    // 1 wei of total per submission: below any real attestation.
    const datanetId = await createDatanet(services, 'Tight fees', { fees: { maxTotalWeiPerSubmission: '1' } });
    const submitted = await services.submissions.submitSelection(datanetId, await items(services, datanetId, 7002));
    await services.submissionQueue.settle([submitted.id], 20_000);
    const waiting = await services.submissions.get(submitted.id);
    expect(waiting).toMatchObject({ status: 'attested_offchain', txHash: null });
    expect(waiting.lastError?.code).toBe('fee_cap_exceeded');
    expect(journalOf(dataDir)).toBe('');
    expect(await rpc.getTransactionCount(address, 'latest')).toBe(0);
    expect(await rpc.getBalance(address)).toBe(balance);

    // Within the caps (a Datanet without its own), the same wallet attests on-chain and is accepted.
    const open = await createDatanet(services, 'Normal fees');
    const accepted = await services.submissions.submitSelection(open, await items(services, open, 7003));
    await services.submissionQueue.settle([accepted.id]);
    expect(await services.submissions.get(accepted.id)).toMatchObject({ status: 'accepted', lastError: null });
    expect(await rpc.getTransactionCount(address, 'latest')).toBe(1);
  });
});
