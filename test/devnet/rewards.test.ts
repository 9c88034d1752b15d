import { Contract, Wallet } from 'ethers';
import type { JsonRpcProvider } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REWARDS_ABI, OPEN_TOKEN_ABI } from '../../shared/reward-contracts';
import { contributorStatsSchema, epochResultSchema, verdictSchema } from '../../shared/validator-api';
import type { EpochResult } from '../../shared/validator-api';
import type { Devnet } from '../../devnet/devnet';
import { expectedAmount, runRetrievalWorkload } from '../../devnet/validator/attribution';
import type { AttributionItem } from '../../devnet/validator/attribution';
import { embed, keyTerms, tokenize } from '../../devnet/validator/text';
import { CLINICAL_DESCRIPTION, NOTES } from './corpus';
import { buildSubmission, getJson, postJson, provider, report, startTestDevnet } from './devnet-client';

const SEED = 'rewards-test-seed';
let devnet: Devnet;
let remove: () => void;
let rpc: JsonRpcProvider;
const alice = Wallet.createRandom();
const bob = Wallet.createRandom();
const carol = Wallet.createRandom();
// What was accepted, as the test itself knows it: the attribution is recomputed from this.
const accepted: Array<{ datanetId: string; contributor: string; content: string; sha256: string }> = [];

beforeAll(async () => {
  ({ devnet, remove } = await startTestDevnet({ seed: SEED }));
  rpc = provider(devnet.profile);
  for (const id of ['cardiology', 'general']) {
    await postJson(`${devnet.profile.validatorUrl}/datanets`, { id, description: CLINICAL_DESCRIPTION, policy: {} });
  }
  const plan: Array<[string, Wallet | ReturnType<typeof Wallet.createRandom>, readonly string[]]> = [
    ['general', alice, NOTES.slice(0, 3)],
    ['general', bob, NOTES.slice(3, 5)],
    ['cardiology', carol, [NOTES[9], NOTES[8]]],
  ];
  for (const [datanetId, wallet, notes] of plan) {
    const built = await buildSubmission(devnet.profile, { datanetId, wallet, files: notes.map((content) => ({ content })) });
    const verdict = verdictSchema.parse((await postJson(`${devnet.profile.validatorUrl}/submissions`, built.request)).body);
    expect(verdict.status).toBe('accepted');
    built.manifest.files.forEach((f, i) =>
      accepted.push({ datanetId, contributor: wallet.address, content: notes[i] as string, sha256: f.sha256 }),
    );
  }
});

afterAll(async () => {
  rpc?.destroy();
  await devnet?.stop();
  remove?.();
});

async function runEpoch(): Promise<EpochResult> {
  const response = await postJson(`${devnet.profile.validatorUrl}/epoch`, {});
  expect(response.status).toBe(200);
  return epochResultSchema.parse(response.body);
}

async function balance(address: string): Promise<bigint> {
  return BigInt(await new Contract(devnet.profile.contracts.token, [...OPEN_TOKEN_ABI], rpc).getFunction('balanceOf')(address));
}

function expectedScores(epoch: number): Map<string, number> {
  const items: AttributionItem[] = accepted.map((a) => {
    const tokens = tokenize(a.content);
    return { datanetId: a.datanetId, contributor: a.contributor, sha256: a.sha256, embedding: embed(tokens), keyTerms: keyTerms(tokens) };
  });
  const { scores } = runRetrievalWorkload(items, { seed: SEED, epoch, queriesPerDatanet: 20, topK: 3 });
  return new Map(scores.map((s) => [s.sha256, s.score]));
}

describe('attribution epochs and $OPEN rewards', () => {
  it('pays each file budget × score / total, and contributors hold exactly that on-chain', async () => {
    const result = await runEpoch();
    report('pay_epoch_gas', result.gasUsed, 'gas', { files: result.files.length });
    expect(result.epoch).toBe(1);
    expect(result.queries).toBe(40); // 20 per Datanet with accepted items

    // Deterministic: the scores are what the documented workload gives for this corpus and seed.
    const scores = expectedScores(1);
    expect(new Map(result.files.map((f) => [f.sha256, f.score]))).toEqual(scores);
    const total = [...scores.values()].reduce((s, v) => s + v, 0);
    expect(result.totalScore).toBe(total);
    // Each query credits its top 3 (2 in the Datanet with two items), and at least the item it was drawn from.
    expect(total).toBeGreaterThanOrEqual(40);
    expect(total).toBeLessThanOrEqual(20 * 3 + 20 * 2);

    const budget = BigInt(result.budget);
    for (const file of result.files) expect(BigInt(file.amount)).toBe(expectedAmount(budget, file.score, total));
    const paid = result.files.reduce((s, f) => s + BigInt(f.amount), 0n);
    expect(BigInt(result.totalPaid)).toBe(paid);
    expect(budget - paid).toBeLessThan(BigInt(result.files.length)); // only rounding dust stays in the pool

    for (const wallet of [alice, bob, carol]) {
      const owed = result.files.filter((f) => f.contributor === wallet.address).reduce((s, f) => s + BigInt(f.amount), 0n);
      expect(owed).toBeGreaterThan(0n);
      expect(await balance(wallet.address)).toBe(owed);
      const stats = contributorStatsSchema.parse((await getJson(`${devnet.profile.validatorUrl}/contributors/${wallet.address}`)).body);
      expect(BigInt(stats.earned)).toBe(owed);
    }
  });

  it('emits one FileRewarded event per file with Datanet, contributor, content hash, score and amount', async () => {
    const rewards = new Contract(devnet.profile.contracts.rewards, [...REWARDS_ABI], rpc);
    const events = await rewards.queryFilter(rewards.filters.FileRewarded?.(1n) ?? 'FileRewarded', devnet.profile.startBlock ?? 0);
    const epoch = (await getJson(`${devnet.profile.validatorUrl}/epochs`)).body as EpochResult[];
    const files = epoch[0]?.files ?? [];
    expect(events).toHaveLength(files.length);
    events.forEach((event, i) => {
      const args = (
        event as unknown as { args: { datanet: string; contributor: string; contentHash: string; score: bigint; amount: bigint } }
      ).args;
      expect({
        datanet: args.datanet,
        contributor: args.contributor,
        contentHash: args.contentHash,
        score: Number(args.score),
        amount: args.amount.toString(),
      }).toEqual({
        datanet: files[i]?.datanetKey,
        contributor: files[i]?.contributor,
        contentHash: files[i]?.sha256,
        score: files[i]?.score,
        amount: files[i]?.amount,
      });
    });
  });

  it('runs the next epoch with its own queries and adds to the balances', async () => {
    const before = await balance(alice.address);
    const result = await runEpoch();
    expect(result.epoch).toBe(2);
    expect(new Map(result.files.map((f) => [f.sha256, f.score]))).toEqual(expectedScores(2));
    const owed = result.files.filter((f) => f.contributor === alice.address).reduce((s, f) => s + BigInt(f.amount), 0n);
    expect(await balance(alice.address)).toBe(before + owed);
  });
});
