import { Contract, Wallet } from 'ethers';
import { afterAll, describe, expect, it } from 'vitest';
import { OPEN_TOKEN_ABI, REWARDS_ABI } from '../../shared/reward-contracts';
import { contributorStatsSchema, epochResultSchema, verdictSchema } from '../../shared/validator-api';
import { startDevnet } from '../../devnet/devnet';
import type { Devnet } from '../../devnet/devnet';
import { makeTempDir } from '../helpers/temp-dir';
import { CLINICAL_DESCRIPTION, NOTES } from './corpus';
import { buildSubmission, getJson, postJson, provider, report } from './devnet-client';

const temp = makeTempDir('datanet-devnet-restart-');
let running: Devnet | undefined;

afterAll(async () => {
  await running?.stop();
  temp.remove();
});

describe('devnet restart', () => {
  it('keeps the chain, the contracts, the validator state and the rewards across a stop and start', async () => {
    const wallet = Wallet.createRandom();
    running = await startDevnet({ dataDir: temp.dir, port: 0, stateIntervalSeconds: 60 });
    const first = running;
    await postJson(`${first.profile.validatorUrl}/datanets`, { id: 'restart', description: CLINICAL_DESCRIPTION, policy: {} });
    const built = await buildSubmission(first.profile, {
      datanetId: 'restart',
      wallet,
      files: [{ content: NOTES[0] }, { content: NOTES[1] }],
    });
    const verdict = verdictSchema.parse((await postJson(`${first.profile.validatorUrl}/submissions`, built.request)).body);
    expect(verdict.status).toBe('accepted');
    const epoch = epochResultSchema.parse((await postJson(`${first.profile.validatorUrl}/epoch`, {})).body);
    const stats = (await getJson(`${first.profile.validatorUrl}/contributors/${wallet.address}`)).body;
    await first.stop();
    await first.stop(); // stopping twice is harmless
    running = undefined;

    // The state interval is long: what survives here was dumped by anvil on a clean stop.
    running = await startDevnet({ dataDir: temp.dir, port: 0, stateIntervalSeconds: 60 });
    const second = running;
    await expect(startDevnet({ dataDir: temp.dir, port: 0 })).rejects.toMatchObject({ code: 'conflict' });
    report('startup_restart', second.timings.totalMs, 'ms', { timings: second.timings });
    expect(second.isFreshDeployment).toBe(false);
    expect(second.profile.contracts).toEqual(first.profile.contracts);
    expect(second.profile.schemas).toEqual(first.profile.schemas);

    expect((await getJson(`${second.profile.validatorUrl}/submissions/${built.manifestHash}`)).body).toEqual(verdict);
    expect((await getJson(`${second.profile.validatorUrl}/contributors/${wallet.address}`)).body).toEqual(stats);
    expect(contributorStatsSchema.parse(stats).accepted).toBe(1);

    const rpc = provider(second.profile);
    try {
      const owed = epoch.files.filter((f) => f.contributor === wallet.address).reduce((s, f) => s + BigInt(f.amount), 0n);
      const token = new Contract(second.profile.contracts.token, [...OPEN_TOKEN_ABI], rpc);
      expect(BigInt(await token.getFunction('balanceOf')(wallet.address))).toBe(owed);
      // Past blocks and their logs survive too: an indexer can read the history after a restart.
      const rewards = new Contract(second.profile.contracts.rewards, [...REWARDS_ABI], rpc);
      const events = await rewards.queryFilter('FileRewarded', second.profile.startBlock ?? 0);
      expect(events).toHaveLength(epoch.files.length);
      const verdictTx = await rpc.getTransactionReceipt(verdict.attestation.txHash as string);
      expect(verdictTx?.status).toBe(1);
    } finally {
      rpc.destroy();
    }

    // The accepted corpus survived: the same bytes are a duplicate, and epochs continue in sequence.
    const again = await buildSubmission(second.profile, {
      datanetId: 'restart',
      wallet: Wallet.createRandom(),
      files: [{ content: NOTES[1] }],
    });
    expect(verdictSchema.parse((await postJson(`${second.profile.validatorUrl}/submissions`, again.request)).body).reasonCode).toBe(
      'duplicate',
    );
    expect(epochResultSchema.parse((await postJson(`${second.profile.validatorUrl}/epoch`, {})).body).epoch).toBe(2);
  });
});
