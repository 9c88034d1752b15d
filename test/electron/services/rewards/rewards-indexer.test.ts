import { join } from 'node:path';
import { Contract, Wallet } from 'ethers';
import type { JsonRpcProvider } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Devnet } from '../../../../devnet/devnet';
import { openDatabase } from '../../../../electron/services/db/database';
import { RewardsIndexer } from '../../../../electron/services/rewards/rewards-indexer';
import { createServices, type Services } from '../../../../electron/services/wiring';
import type { SyncResult } from '../../../../shared/api/rewards';
import { decodeVerdictData } from '../../../../shared/attestation-schemas';
import { EAS_ABI } from '../../../../shared/eas-abi';
import { OPEN_TOKEN_ABI, REWARDS_ABI } from '../../../../shared/reward-contracts';
import { epochResultSchema, verdictSchema, type EpochResult } from '../../../../shared/validator-api';
import { CLINICAL_DESCRIPTION, NOTES } from '../../../devnet/corpus';
import { buildSubmission, postJson, provider, startTestDevnet } from '../../../devnet/devnet-client';
import { makeTempDir } from '../../../helpers/temp-dir';

/**
 * The rewards indexer against a real devnet (anvil + EAS + $OPEN + rewards contract + validator):
 * incremental sync, reorganisation rollback, restart, and figures equal to what the chain holds.
 */
let devnet: Devnet;
let removeDevnet: () => void;
let rpc: JsonRpcProvider;
const tmp = makeTempDir('rewards-indexer-');
const dataDir = join(tmp.dir, 'data');
const alice = Wallet.createRandom();
const bob = Wallet.createRandom();
let services: Services | undefined;
const progress: Array<{ currentBlock: number; done: boolean }> = [];

async function open(): Promise<Services> {
  const s = await createServices({
    dataDir,
    host: 'node',
    version: 'test',
    submission: { keystoreScryptN: 1024, environmentPassphrase: () => undefined, isAutomatic: false },
    // Small chunks so that a sync spans several eth_getLogs ranges.
    rewards: { confirmations: 0, chunkBlocks: 4 },
  });
  s.events.subscribe((event, payload) => {
    if (event === 'rewards.syncProgress') progress.push(payload as { currentBlock: number; done: boolean });
  });
  return s;
}

async function submit(wallet: Wallet | ReturnType<typeof Wallet.createRandom>, notes: readonly string[], createdAt?: string) {
  const built = await buildSubmission(devnet.profile, {
    datanetId: 'cardiology',
    wallet,
    files: notes.map((content) => ({ content })),
    createdAt,
  });
  return verdictSchema.parse((await postJson(`${devnet.profile.validatorUrl}/submissions`, built.request)).body);
}

async function epoch(): Promise<EpochResult> {
  const response = await postJson(`${devnet.profile.validatorUrl}/epoch`, {});
  expect(response.status).toBe(200);
  return epochResultSchema.parse(response.body);
}

const rpcCall = async (method: string, params: unknown[] = []): Promise<unknown> => rpc.send(method, params);
const onchainBalance = async (a: string) =>
  BigInt(await new Contract(devnet.profile.contracts.token, OPEN_TOKEN_ABI, rpc).getFunction('balanceOf')(a)).toString();
const onchainEarned = async (a: string) =>
  BigInt(await new Contract(devnet.profile.contracts.rewards, REWARDS_ABI, rpc).getFunction('earned')(a)).toString();

beforeAll(async () => {
  ({ devnet, remove: removeDevnet } = await startTestDevnet());
  rpc = provider(devnet.profile);
  await postJson(`${devnet.profile.validatorUrl}/datanets`, { id: 'cardiology', description: CLINICAL_DESCRIPTION, policy: {} });
  services = await open();
  await services.wallet.importKey({ privateKey: alice.privateKey, passphrase: 'pass for the rewards test' });
  await services.network.setProfile(devnet.profile);
});

afterAll(async () => {
  await services?.close();
  rpc?.destroy();
  await devnet?.stop();
  removeDevnet?.();
  tmp.remove();
});

describe('rewards indexer on the devnet', () => {
  let first: SyncResult;
  let paidToAlice: EpochResult['files'];

  it('shows empty figures before anything is indexed, then indexes verdicts incrementally in chunks', async () => {
    const before = await services!.rewards.summary();
    expect(before).toMatchObject({ address: alice.address, earned: '0', acceptanceRate: null, standing: 0 });
    expect(before.freshness.lastIndexedBlock).toBeNull();

    expect((await submit(alice, [NOTES[0], NOTES[1]])).status).toBe('accepted');
    expect((await submit(alice, [NOTES[2]])).status).toBe('accepted');
    // The same bytes again in another manifest: the validator rejects an exact duplicate.
    const duplicate = await submit(alice, [NOTES[0]], new Date(Date.now() + 1000).toISOString());
    expect(duplicate).toMatchObject({ status: 'rejected', reasonCode: 'duplicate' });
    expect((await submit(bob, [NOTES[3]])).status).toBe('accepted');

    first = await services!.rewards.sync();
    const head = await rpc.getBlockNumber();
    expect(first).toMatchObject({ toBlock: head, headBlock: head, verdicts: 3, rewards: 0, reorg: null });
    expect(first.fromBlock).toBe(devnet.profile.startBlock ?? 0);
    expect(progress.filter((p) => !p.done).length).toBeGreaterThan(1);
    expect(progress.at(-1)).toMatchObject({ currentBlock: head, done: true });

    const summary = await services!.rewards.summary();
    // Bob's verdict is not Alice's: only verdicts with her as recipient count.
    expect(summary).toMatchObject({ accepted: 2, rejected: 1, standing: 1 });
    expect(summary.acceptanceRate).toBeCloseTo(2 / 3, 12);
    expect(summary.freshness).toMatchObject({ lastIndexedBlock: head, headBlock: head, confirmations: 0 });
    expect(summary.freshness.syncedAt).not.toBeNull();

    // Verdict data read from the attesting transactions equals what EAS stores for each UID.
    const eas = new Contract(devnet.profile.contracts.eas, EAS_ABI, rpc);
    const { rows } = await services!.db.query<{
      uid: string;
      ref_uid: string;
      reason_code: string;
      manifest_hash: string;
      attester: string;
    }>('select uid, ref_uid, reason_code, manifest_hash, attester from rewards_verdicts');
    expect(rows).toHaveLength(3);
    for (const row of rows) {
      const a = (await eas.getFunction('getAttestation')(row.uid)) as { refUID: string; attester: string; data: string };
      const data = decodeVerdictData(a.data);
      expect(row).toMatchObject({
        ref_uid: a.refUID.toLowerCase(),
        attester: a.attester,
        reason_code: data.reasonCode,
        manifest_hash: data.manifestHash,
      });
    }
  });

  it('reads an epoch of rewards: earned equals the FileRewarded amounts and the contract, balance equals the token', async () => {
    const result = await epoch();
    paidToAlice = result.files.filter((f) => f.contributor === alice.address);
    expect(paidToAlice.length).toBe(3);
    const sync = await services!.rewards.sync();
    expect(sync.fromBlock).toBe(first.toBlock + 1);
    expect(sync).toMatchObject({ rewards: 3, epochs: 1, verdicts: 0 });

    const expected = paidToAlice.reduce((s, f) => s + BigInt(f.amount), 0n).toString();
    const summary = await services!.rewards.summary();
    expect(summary.earned).toBe(expected);
    expect(summary.earned).toBe(await onchainEarned(alice.address));
    expect(summary.balance).toMatchObject({ amount: await onchainBalance(alice.address), isLive: true });
    expect(summary.balance?.amount).toBe(expected);
    expect(summary).toMatchObject({ paidFiles: 3, epochs: 1 });

    const trail = await services!.rewards.trail();
    expect(new Map(trail.map((r) => [r.contentHash, r.amount]))).toEqual(new Map(paidToAlice.map((f) => [f.sha256, f.amount])));
    expect(trail.every((r) => r.payments[0]?.epoch === 1)).toBe(true);
    const earnings = await services!.rewards.earnings();
    expect(earnings.overTime.at(-1)?.cumulative).toBe(expected);
    expect(earnings.perDatanet).toEqual([expect.objectContaining({ amount: expected, files: 3 })]);

    // Nothing new: the next sync reads no block twice.
    const again = await services!.rewards.sync();
    expect(again.fromBlock).toBe(sync.toBlock + 1);
    expect(again).toMatchObject({ verdicts: 0, rewards: 0, epochs: 0 });
  });

  it('rolls back blocks a reorganisation replaced and re-reads the new chain', async () => {
    const before = await services!.rewards.summary();
    const snapshot = (await rpcCall('evm_snapshot')) as string;
    const forkBlock = await rpc.getBlockNumber();
    await epoch(); // epoch 2, soon to be replaced
    const indexed = await services!.rewards.sync();
    expect(indexed.rewards).toBe(3);
    expect(BigInt((await services!.rewards.summary()).earned)).toBeGreaterThan(BigInt(before.earned));

    expect(await rpcCall('evm_revert', [snapshot])).toBe(true);
    // The other branch: empty blocks first, so the payout lands at another height than before.
    await rpcCall('anvil_mine', ['0x3']);
    const replaced = await epoch();
    const sync = await services!.rewards.sync();
    expect(sync.reorg).toMatchObject({ rolledBackTo: forkBlock });
    expect(sync.reorg!.droppedBlocks).toBeGreaterThan(0);
    expect(sync.fromBlock).toBe(forkBlock + 1);

    const after = await services!.rewards.summary();
    expect(after.earned).toBe(await onchainEarned(alice.address));
    expect(after.balance?.amount).toBe(await onchainBalance(alice.address));
    const paid = replaced.files.filter((f) => f.contributor === alice.address).reduce((s, f) => s + BigInt(f.amount), 0n);
    expect(BigInt(after.earned)).toBe(BigInt(before.earned) + paid);
    const { rows } = await services!.db.query<{ n: number }>('select count(*)::int as n from rewards_epochs');
    expect(rows[0]?.n).toBe(2); // epoch 1 and the replacing epoch 2, not the dropped one
  });

  it('keeps the index across a restart and resumes from the last indexed block', async () => {
    const before = await services!.rewards.summary({ isBalanceLive: false });
    await services!.close();
    services = await open();
    const reopened = await services.rewards.summary({ isBalanceLive: false });
    expect(reopened).toEqual(before);
    expect(reopened.balance?.isLive).toBe(false);

    expect((await submit(alice, [NOTES[5]])).status).toBe('accepted');
    const sync = await services.rewards.sync();
    expect(sync.fromBlock).toBe((before.freshness.lastIndexedBlock ?? 0) + 1);
    expect(sync.verdicts).toBe(1);
    expect((await services.rewards.summary()).accepted).toBe(3);
  });

  it('projects a planned batch from the indexed history, and refuses items without their Datanet', async () => {
    const summary = await services!.rewards.summary({ isBalanceLive: false });
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const p = await services!.rewards.whatIf({ planned: [{ day: tomorrow, submissions: 2 }] });
    expect(p.current).toEqual({ acceptanceRate: summary.acceptanceRate, standing: summary.standing, submissions: 4 });
    expect(p.submissions).toHaveLength(2);
    expect(p.submissions[0]?.acceptanceProbability).toBeCloseTo((3 + 1) / (4 + 2), 12);
    expect(p.worst.standing).toBe(summary.standing);
    expect(p.best).toEqual({ acceptanceRate: 5 / 6, standing: summary.standing + 1 });
    expect(p.newDays).toEqual([tomorrow]);
    await expect(services!.rewards.whatIf({ itemIds: ['x'] })).rejects.toMatchObject({ code: 'invalid_input' });
  });

  it('works offline on the last data and says sync is unavailable', async () => {
    await services!.network.setProfile({ ...devnet.profile, rpcUrl: 'http://127.0.0.1:9' });
    const offline = await services!.rewards.summary();
    expect(offline.balance?.isLive).toBe(false);
    expect(offline.accepted).toBe(3);
    await expect(services!.rewards.sync()).rejects.toMatchObject({ code: 'unavailable' });
    await services!.network.setProfile(devnet.profile);
  });

  it('indexes only up to head − confirmations; verdicts read by getAttestation equal those decoded from calldata', async () => {
    const db = await openDatabase(undefined);
    try {
      const head = await rpc.getBlockNumber();
      const indexer = new RewardsIndexer(db, rpc, devnet.profile, alice.address, {
        confirmations: 5,
        chunkBlocks: 1000,
        reorgWindow: 16,
        concurrency: 4,
        isCalldataDecoding: false,
      });
      const run = await indexer.run();
      expect(run.toBlock).toBe(head - 5);
      const columns = 'uid, block_number, ref_uid, attester, is_accepted, score, reason_code, manifest_hash, contribution_uid';
      const slow = await db.query(`select ${columns} from rewards_verdicts order by uid`);
      const fast = await services!.db.query(`select ${columns} from rewards_verdicts where block_number <= $1 order by uid`, [head - 5]);
      expect(slow.rows.length).toBeGreaterThan(0);
      expect(slow.rows).toEqual(fast.rows);
      const { rows } = await db.query<{ last_block: number }>('select last_block from rewards_cursors');
      expect(rows[0]?.last_block).toBe(head - 5);
      // The hash window is bounded.
      const blocks = await db.query<{ n: number }>('select count(*)::int as n from rewards_blocks');
      expect(blocks.rows[0]?.n).toBeLessThanOrEqual(16);
    } finally {
      await db.close();
    }
  });
});
