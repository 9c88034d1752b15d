import { Contract, Interface, parseEther, Wallet, ZeroHash } from 'ethers';
import type { InterfaceAbi, JsonRpcProvider } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTRIBUTION_SCHEMA, VERDICT_SCHEMA } from '../../shared/attestation-schemas';
import { networkProfileSchema } from '../../shared/network-profile';
import { OPEN_TOKEN_ABI, REWARDS_ABI } from '../../shared/reward-contracts';
import { devnetWallet } from '../../devnet/accounts';
import { compileContracts } from '../../devnet/contracts/compile';
import type { Devnet } from '../../devnet/devnet';
import { easArtifacts } from '../../devnet/eas-artifacts';
import { attestOnchain, buildSubmission, postJson, provider, report, startTestDevnet } from './devnet-client';

let devnet: Devnet;
let remove: () => void;
let rpc: JsonRpcProvider;

beforeAll(async () => {
  ({ devnet, remove } = await startTestDevnet());
  rpc = provider(devnet.profile);
  report('startup_fresh', devnet.timings.totalMs, 'ms', { timings: devnet.timings });
  for (const [name, gas] of Object.entries(devnet.deployment.gas)) report(`deploy_gas_${name}`, gas, 'gas');
});

afterAll(async () => {
  rpc?.destroy();
  await devnet?.stop();
  remove?.();
});

describe('devnet contracts on anvil', () => {
  it('writes a valid network profile on loopback only', () => {
    const profile = networkProfileSchema.parse(devnet.profile);
    for (const url of [profile.rpcUrl, profile.validatorUrl, ...profile.signalingUrls, profile.faucetUrl ?? '']) {
      expect(new URL(url).hostname).toBe('127.0.0.1');
    }
    expect(profile.chainId).toBe(31337);
    expect(devnet.isFreshDeployment).toBe(true);
  });

  it('deploys EAS 1.4.0 with the contribution and verdict schemas registered', async () => {
    const { eas: easArtifact, schemaRegistry } = easArtifacts();
    const eas = new Contract(devnet.profile.contracts.eas, easArtifact.abi as InterfaceAbi, rpc);
    expect(await eas.getFunction('version')()).toBe('1.4.0');
    expect((await eas.getFunction('getSchemaRegistry')()) as string).toBe(devnet.profile.contracts.schemaRegistry);
    const registry = new Contract(devnet.profile.contracts.schemaRegistry, schemaRegistry.abi as InterfaceAbi, rpc);
    const contribution = (await registry.getFunction('getSchema')(devnet.profile.schemas.contribution)) as {
      schema: string;
      revocable: boolean;
    };
    const verdict = (await registry.getFunction('getSchema')(devnet.profile.schemas.verdict)) as { schema: string };
    expect(contribution.schema).toBe(CONTRIBUTION_SCHEMA);
    expect(contribution.revocable).toBe(true);
    expect(verdict.schema).toBe(VERDICT_SCHEMA);
  });

  it('deploys $OPEN and a funded rewards contract owned by the validator', async () => {
    const token = new Contract(devnet.profile.contracts.token, [...OPEN_TOKEN_ABI], rpc);
    expect(await token.getFunction('symbol')()).toBe('OPEN');
    expect(await token.getFunction('decimals')()).toBe(18n);
    expect(await token.getFunction('balanceOf')(devnet.profile.contracts.rewards)).toBe(parseEther('100000000'));
    const rewards = new Contract(devnet.profile.contracts.rewards, [...REWARDS_ABI, 'function owner() view returns (address)'], rpc);
    expect(await rewards.getFunction('owner')()).toBe(devnet.profile.validatorAddress);
    expect(await rewards.getFunction('token')()).toBe(devnet.profile.contracts.token);
    expect(await rewards.getFunction('epochBudget')()).toBe(parseEther('1000'));
    expect(await rewards.getFunction('lastEpoch')()).toBe(0n);
  });

  it('matches the human-readable ABIs the app uses to the compiled contracts', () => {
    const compiled = compileContracts();
    const expectSame = (human: Interface, built: Interface): void => {
      human.forEachFunction((f) => {
        const g = built.getFunction(f.name);
        expect([g?.format('sighash'), g?.stateMutability, g?.outputs.map((o) => o.type)]).toEqual([
          f.format('sighash'),
          f.stateMutability,
          f.outputs.map((o) => o.type),
        ]);
      });
      // Event parameter names matter: indexers read `args.contentHash` and the like.
      human.forEachEvent((e) => expect(built.getEvent(e.name)?.format('full')).toBe(e.format('full')));
    };
    expectSame(new Interface([...REWARDS_ABI]), new Interface(compiled.DatanetRewards.abi as InterfaceAbi));
    expectSame(new Interface([...OPEN_TOKEN_ABI]), new Interface(compiled.OpenToken.abi as InterfaceAbi));
  });

  it('pays epochs only from the owner and only in sequence', async () => {
    const stranger = Wallet.createRandom().connect(rpc);
    await postJson(`${devnet.profile.validatorUrl}/faucet`, { address: stranger.address });
    const asStranger = new Contract(devnet.profile.contracts.rewards, [...REWARDS_ABI], stranger);
    await expect(asStranger.getFunction('payEpoch').staticCall(1, [])).rejects.toThrow();
    const asOwner = new Contract(devnet.profile.contracts.rewards, [...REWARDS_ABI], devnetWallet('validator').connect(rpc));
    await expect(asOwner.getFunction('payEpoch').staticCall(2, [])).rejects.toThrow();
    const item = [ZeroHash, stranger.address, ZeroHash, 1n];
    expect(await asOwner.getFunction('payEpoch').staticCall(1, [item])).toBe(parseEther('1000'));
  });

  it('measures the gas of a contributor on-chain contribution attestation', async () => {
    const wallet = Wallet.createRandom();
    await postJson(`${devnet.profile.validatorUrl}/faucet`, { address: wallet.address });
    const built = await buildSubmission(devnet.profile, {
      datanetId: 'gas',
      wallet,
      files: Array.from({ length: 20 }, (_, i) => ({ content: `file ${i}` })),
    });
    const { uid, gasUsed } = await attestOnchain(devnet.profile, wallet, built.manifest, built.manifestHash);
    expect(uid).toMatch(/^0x[0-9a-f]{64}$/);
    report('contribution_attestation_gas_20_files', gasUsed.toString(), 'gas', { files: 20 });
  });
});
