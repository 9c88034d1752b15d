import { Contract, JsonRpcProvider, ZeroHash } from 'ethers';
import type { InterfaceAbi, TransactionReceipt } from 'ethers';
import { DatanetRegistryClient } from '../../shared/datanet-registry-client';
import { OPEN_TOKEN_ABI, REWARDS_ABI } from '../../shared/reward-contracts';
import { AppError } from '../../shared/errors';
import { devnetWallet } from '../accounts';
import type { Deployment } from '../deploy';
import { easArtifacts } from '../eas-artifacts';

export type OnchainAttestation = {
  uid: string;
  schema: string;
  attester: string;
  recipient: string;
  refUID: string;
  revocationTime: bigint;
  expirationTime: bigint;
  data: string;
};

export type AttestResult = { uid: string; txHash: string; gasUsed: bigint; blockNumber: number };

export type RewardItem = { datanet: string; contributor: string; contentHash: string; score: number };
export type RewardPaid = { datanet: string; contributor: string; contentHash: string; score: bigint; amount: bigint };
export type EpochPayout = {
  txHash: string;
  gasUsed: bigint;
  blockNumber: number;
  budget: bigint;
  totalScore: bigint;
  totalPaid: bigint;
  files: RewardPaid[];
};

/** Serialises async work: one signer's transactions must not race for a nonce. */
export function serial(): <T>(work: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(work: () => Promise<T>): Promise<T> => {
    const run = tail.then(work, work);
    tail = run.catch(() => undefined);
    return run;
  };
}

/** A JSON-RPC provider tuned for a local automining chain. */
export function localProvider(rpcUrl: string, chainId: number): JsonRpcProvider {
  // staticNetwork: no eth_chainId before every call. cacheTimeout -1: ethers otherwise answers a
  // repeated call within 250 ms from cache, and a nonce read right after a mined transaction is
  // then stale ("nonce has already been used"). The short polling interval matters only if a
  // receipt is not there at once, which on an automining anvil it always is.
  const provider = new JsonRpcProvider(rpcUrl, chainId, { staticNetwork: true, batchMaxCount: 1, cacheTimeout: -1 });
  provider.pollingInterval = 50;
  return provider;
}

function ensureSuccess(receipt: TransactionReceipt | null, what: string): TransactionReceipt {
  if (!receipt || receipt.status !== 1) throw new AppError('unavailable', `${what} failed on the chain`);
  return receipt;
}

/** The validator's view of the chain: EAS reads and verdict attestations, reward payouts, the faucet. */
export class ValidatorChain {
  readonly provider: JsonRpcProvider;
  readonly validator = devnetWallet('validator');
  private readonly faucetWallet = devnetWallet('faucet');
  private readonly eas: Contract;
  private readonly rewards: Contract;
  private readonly token: Contract;
  /** The Datanet registry, signed by the validator account (the only one allowed to record accepted items). */
  readonly registry: DatanetRegistryClient;
  private readonly validatorTx = serial();
  private readonly faucetTx = serial();

  constructor(
    rpcUrl: string,
    readonly deployment: Deployment,
  ) {
    this.provider = localProvider(rpcUrl, deployment.chainId);
    const signer = this.validator.connect(this.provider);
    this.eas = new Contract(deployment.contracts.eas, easArtifacts().eas.abi as InterfaceAbi, signer);
    this.rewards = new Contract(deployment.contracts.rewards, [...REWARDS_ABI], signer);
    this.token = new Contract(deployment.contracts.token, [...OPEN_TOKEN_ABI], this.provider);
    this.registry = new DatanetRegistryClient(deployment.contracts.datanetRegistry, signer);
  }

  /**
   * Records items accepted in a shared Datanet (DatanetRegistry.recordAccepted). Runs in the
   * validator's transaction queue: it shares the account's nonce with verdicts and payouts.
   */
  async recordAccepted(onchainId: string, contributor: string, contentHashes: string[]): Promise<{ txHash: string; gasUsed: bigint }> {
    return this.validatorTx(async () => {
      const result = await this.registry.recordAccepted(onchainId, contributor, contentHashes);
      return { txHash: result.txHash, gasUsed: result.gasUsed };
    });
  }

  /** The Merkle root a curator published as Datanet version `version`; the zero hash when there is none. */
  async versionRoot(onchainId: string, version: number): Promise<string> {
    return String(await this.registry.contract.getFunction('versionRoot')(onchainId, version)).toLowerCase();
  }

  get validatorAddress(): string {
    return this.validator.address;
  }

  async blockNumber(): Promise<number> {
    return this.provider.getBlockNumber();
  }

  /** An on-chain attestation, or undefined when EAS holds none with that UID. */
  async getAttestation(uid: string): Promise<OnchainAttestation | undefined> {
    const a = (await this.eas.getFunction('getAttestation')(uid)) as OnchainAttestation;
    if (a.uid === ZeroHash) return undefined;
    return {
      uid: a.uid.toLowerCase(),
      schema: a.schema.toLowerCase(),
      attester: a.attester,
      recipient: a.recipient,
      refUID: a.refUID.toLowerCase(),
      revocationTime: BigInt(a.revocationTime),
      expirationTime: BigInt(a.expirationTime),
      data: a.data,
    };
  }

  /** Records a verdict as an EAS attestation by the validator, about the contributor. */
  async attestVerdict(recipient: string, refUID: string, data: string): Promise<AttestResult> {
    return this.validatorTx(async () => {
      const tx = await this.eas.getFunction('attest')({
        schema: this.deployment.schemas.verdict,
        data: { recipient, expirationTime: 0n, revocable: true, refUID, data, value: 0n },
      });
      const receipt = ensureSuccess(await tx.wait(), 'the verdict attestation');
      const uid = this.attestedUid(receipt);
      return { uid, txHash: receipt.hash, gasUsed: receipt.gasUsed, blockNumber: receipt.blockNumber };
    });
  }

  private attestedUid(receipt: TransactionReceipt): string {
    for (const log of receipt.logs) {
      const parsed = this.eas.interface.parseLog(log);
      if (parsed?.name === 'Attested') return String(parsed.args.getValue('uid')).toLowerCase();
    }
    throw new AppError('internal', 'the attestation transaction emitted no Attested event');
  }

  async lastPaidEpoch(): Promise<number> {
    return Number(await this.rewards.getFunction('lastEpoch')());
  }

  async earned(address: string): Promise<bigint> {
    return BigInt(await this.rewards.getFunction('earned')(address));
  }

  async tokenBalance(address: string): Promise<bigint> {
    return BigInt(await this.token.getFunction('balanceOf')(address));
  }

  /** Pays one epoch through the rewards contract and reads back what each file got from its events. */
  async payEpoch(epoch: number, items: readonly RewardItem[]): Promise<EpochPayout> {
    return this.validatorTx(async () => {
      const tx = await this.rewards.getFunction('payEpoch')(
        epoch,
        items.map((i) => [i.datanet, i.contributor, i.contentHash, i.score]),
      );
      const receipt = ensureSuccess(await tx.wait(), 'the reward payout');
      const files: RewardPaid[] = [];
      let summary: { budget: bigint; totalScore: bigint; totalPaid: bigint } | undefined;
      for (const log of receipt.logs) {
        if (log.address.toLowerCase() !== this.deployment.contracts.rewards.toLowerCase()) continue;
        const parsed = this.rewards.interface.parseLog(log);
        if (parsed?.name === 'FileRewarded') {
          files.push({
            datanet: String(parsed.args.getValue('datanet')).toLowerCase(),
            contributor: String(parsed.args.getValue('contributor')),
            contentHash: String(parsed.args.getValue('contentHash')).toLowerCase(),
            score: BigInt(parsed.args.getValue('score')),
            amount: BigInt(parsed.args.getValue('amount')),
          });
        } else if (parsed?.name === 'EpochPaid') {
          summary = {
            budget: BigInt(parsed.args.getValue('budget')),
            totalScore: BigInt(parsed.args.getValue('totalScore')),
            totalPaid: BigInt(parsed.args.getValue('totalPaid')),
          };
        }
      }
      if (!summary) throw new AppError('internal', 'the payout emitted no EpochPaid event');
      return { txHash: receipt.hash, gasUsed: receipt.gasUsed, blockNumber: receipt.blockNumber, ...summary, files };
    });
  }

  /** Sends test ether from the faucet account. */
  async fund(address: string, amount: bigint): Promise<string> {
    return this.faucetTx(async () => {
      const tx = await this.faucetWallet.connect(this.provider).sendTransaction({ to: address, value: amount });
      return ensureSuccess(await tx.wait(), 'the faucet transfer').hash;
    });
  }

  destroy(): void {
    this.provider.destroy();
  }
}
