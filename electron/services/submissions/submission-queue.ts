import { randomUUID } from 'node:crypto';
import { Interface, keccak256, ZeroAddress, ZeroHash } from 'ethers';
import type { JsonRpcProvider, TransactionReceipt } from 'ethers';
import { datanetKey, encodeContributionData } from '../../../shared/attestation-schemas';
import type { SubmissionStatus } from '../../../shared/api/submissions';
import type { OutgoingFile } from './item-files';
import type { WalletSettings } from '../../../shared/api/wallet';
import { DEFAULT_WALLET_SETTINGS } from '../../../shared/api/wallet';
import { EAS_ABI } from '../../../shared/eas-abi';
import { AppError, isAppError } from '../../../shared/errors';
import { manifestTypedData } from '../../../shared/manifest';
import type { NetworkProfile } from '../../../shared/network-profile';
import { nextResetAt } from '../../../shared/quota';
import type { SubmissionRequest, Verdict } from '../../../shared/validator-api';
import { signContributionOffchain } from '../chain/offchain';
import type { EventBus } from '../events';
import { networkIdentity } from '../network/network-service';
import type { NetworkService } from '../network/network-service';
import type { BlobStore } from '../storage/blob-store';
import type { ContributorSigner, WalletService } from '../wallet/wallet-service';
import { assertWithinFeeCaps, effectiveFeeCaps } from './fee-caps';
import type { FeeCaps } from './fee-caps';
import type { SubmissionJournal } from './journal';
import type { BatchRecord, StoredError, SubmissionRecord, SubmissionStore } from './submission-store';
import { FINAL_STATUSES } from './submission-store';

/** Points of the queue where a test hook runs: after each durable step, before the next one. */
export type QueueStep =
  | 'signed' // the manifest signature is stored
  | 'attested_offchain' // the off-chain attestation is stored
  | 'batch_journaled' // the signed transaction is in the journal, not yet in the database
  | 'batch_recorded' // the signed transaction is in the database, not yet broadcast
  | 'broadcast' // the transaction was handed to the node, its receipt not yet read
  | 'attested_onchain' // the on-chain UIDs are stored
  | 'validator_answered' // the validator gave its verdict, not yet stored
  | 'verdict_stored';

/**
 * Thrown by a test hook to stop the queue dead where it is, as a kill would: nothing after the
 * hook runs, no error is recorded, and the queue takes no further steps until it is rebuilt.
 */
export class QueueHalt extends Error {
  constructor(readonly step: QueueStep) {
    super(`queue halted at ${step}`);
    this.name = 'QueueHalt';
  }
}

export type QueueOptions = {
  store: SubmissionStore;
  journal: SubmissionJournal;
  wallet: WalletService;
  network: NetworkService;
  blobs: BlobStore;
  events?: EventBus;
  now?: () => number;
  /** First retry delay after a failure; doubles per attempt up to {@link QueueOptions.retryMaxMs}. */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** How long to wait for a transaction's receipt within one pass before checking again later. */
  receiptTimeoutMs?: number;
  /** Whether the queue runs by itself on timers (the CLI drives it explicitly). */
  isAutomatic?: boolean;
  /** Test seam: runs after each durable step; throwing {@link QueueHalt} simulates a kill there. */
  afterStep?: (step: QueueStep, submissionIds: readonly string[]) => void | Promise<void>;
  log?: (line: string) => void;
  /** The user's fee caps (wallet settings), read at each signing; default the built-in caps. */
  walletSettings?: () => Promise<WalletSettings>;
  /**
   * The files of a submission that would send an item's original bytes without the user's current
   * "share original" mark. Checked again just before the bytes leave, because the mark can be
   * withdrawn after the submission was signed and queued.
   */
  unsharedOriginals?: (files: readonly OutgoingFile[]) => Promise<OutgoingFile[]>;
};

/** What one contribution attestation records; the queue batches several into one call. */
type ContributionFields = { datanetId: string; merkleRoot: string; manifestHash: string; fileCount: number; totalBytes: number };

/** The EAS call attesting `contributions`: `attest` for one, `multiAttest` for several. */
export function attestationCallData(schema: string, contributions: readonly ContributionFields[]): string {
  const requests = contributions.map((c) => ({
    recipient: ZeroAddress,
    expirationTime: 0n,
    revocable: true,
    refUID: ZeroHash,
    data: encodeContributionData({
      datanetId: datanetKey(c.datanetId),
      merkleRoot: c.merkleRoot,
      manifestHash: c.manifestHash,
      fileCount: c.fileCount,
      totalBytes: c.totalBytes,
    }),
    value: 0n,
  }));
  // One queued submission goes out with `attest`: multiAttest's nested arrays cost ~2,400 gas
  // more for a single request. Several share one `multiAttest` and split its base cost.
  return requests.length === 1
    ? EAS.encodeFunctionData('attest', [{ schema, data: requests[0] }])
    : EAS.encodeFunctionData('multiAttest', [[{ schema, data: requests }]]);
}

/** The tighter caps of several submissions (one transaction carries them all). */
function tightestCaps(records: readonly SubmissionRecord[], settings: WalletSettings): FeeCaps {
  const min = (a: bigint | null, b: bigint | null): bigint | null => (a === null ? b : b === null ? a : a < b ? a : b);
  return records
    .map((r) => effectiveFeeCaps(r.datanet.policy, settings))
    .reduce((a, b) => ({
      maxFeePerGasWei: min(a.maxFeePerGasWei, b.maxFeePerGasWei),
      maxTotalWeiPerSubmission: min(a.maxTotalWeiPerSubmission, b.maxTotalWeiPerSubmission),
    }));
}

const EAS = new Interface(EAS_ABI);
const ATTESTED_TOPIC = EAS.getEvent('Attested')?.topicHash as string;

/** Whether an error means "the network is not there" (wait and retry) rather than a refusal. */
function isNetworkError(error: unknown): boolean {
  if (isAppError(error)) return error.code === 'unavailable';
  const e = error as { code?: string; message?: string; error?: { code?: string } } | null;
  const text = `${e?.code ?? ''} ${e?.message ?? ''}`;
  return /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND|fetch failed|socket hang up|TIMEOUT|NETWORK_ERROR|SERVER_ERROR|request timeout|other side closed/i.test(
    text,
  );
}

function storedError(error: unknown): StoredError {
  if (isAppError(error)) return { code: error.code, message: error.message };
  if (isNetworkError(error)) return { code: 'unavailable', message: 'The network cannot be reached; the submission waits and retries.' };
  return { code: 'internal', message: 'The submission step failed unexpectedly; it will be retried (see the log).' };
}

/**
 * The durable submission queue. Every step is recorded before the next one starts, and every
 * external step is idempotent or made so:
 * - signing is local and repeatable (a lost manifest signature is made again, identically);
 * - the on-chain attestation is one signed transaction per batch, stored (and journaled) before it
 *   is broadcast; after a restart the same raw transaction is looked up or rebroadcast, never
 *   re-signed while its nonce may still be mined, so a submission reaches the chain once;
 * - the validator is idempotent by manifest hash, so re-posting after a crash returns the verdict.
 * Steps run one pass at a time; failures are retried with exponential backoff, and a network
 * that is down leaves submissions waiting until it answers again.
 */
export class SubmissionQueue {
  private readonly now: () => number;
  private running: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private isStopped = false;
  private haltedAt: QueueStep | undefined;
  /** New submissions being signed by `submit` right now: passes leave them alone. */
  private readonly signing = new Set<string>();

  constructor(private readonly options: QueueOptions) {
    this.now = options.now ?? Date.now;
  }

  private log(line: string): void {
    this.options.log?.(line);
  }

  /** Restores batches from the journal that the database lost, then starts the timers. */
  async start(): Promise<void> {
    await this.exclusive(() => this.restoreJournal());
    if (this.options.isAutomatic !== false) this.kick();
  }

  /** Runs one pass soon (a new submission, a network or wallet change, a user's retry). */
  kick(): void {
    if (this.isStopped || this.haltedAt) return;
    this.schedule(0);
  }

  /** Stops the timers and waits for the pass in progress. */
  async stop(): Promise<void> {
    this.isStopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running.catch(() => undefined);
  }

  /** Runs `fn` when no pass is running, and blocks passes while it runs. */
  async exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.running.then(fn, fn);
    this.running = result.then(
      () => undefined,
      (error: unknown) => {
        if (error instanceof QueueHalt) this.haltedAt = error.step;
      },
    );
    return result;
  }

  private schedule(delayMs: number): void {
    if (this.isStopped || this.haltedAt || this.options.isAutomatic === false) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.pass()
        .catch((error: unknown) => {
          if (!(error instanceof QueueHalt)) this.log(`submission queue: ${(error as Error).stack ?? String(error)}`);
        })
        .then(() => this.scheduleNext());
    }, delayMs);
    // The queue must not keep a command-line process alive on its own.
    this.timer.unref();
  }

  private async scheduleNext(): Promise<void> {
    if (this.isStopped || this.haltedAt) return;
    const at = await this.options.store.nextWake().catch(() => null);
    if (at === null) return;
    this.schedule(Math.min(Math.max(at.getTime() - this.now(), 50), this.options.retryMaxMs ?? 30_000));
  }

  /** One pass over every submission with work due. */
  async pass(): Promise<void> {
    return this.exclusive(async () => {
      if (this.isStopped || this.haltedAt) return;
      await this.signPending();
      await this.reconcileSentBatches();
      await this.sendOnchain();
      await this.sendToValidator();
    });
  }

  /**
   * Runs passes until every one of `ids` is final or waits on something a retry cannot fix by
   * itself soon (the network, the wallet, tomorrow's quota), or until `timeoutMs`. For the CLI and
   * for tests; the app relies on its timers.
   */
  async settle(ids: readonly string[], timeoutMs = 120_000): Promise<void> {
    const deadline = this.now() + timeoutMs;
    for (;;) {
      await this.pass();
      if (this.haltedAt) return;
      const records = await Promise.all(ids.map((id) => this.options.store.get(id)));
      const open = records.filter((r): r is SubmissionRecord => r !== undefined && !FINAL_STATUSES.includes(r.status));
      if (open.length === 0) return;
      const isStuck = open.every(
        (r) =>
          r.lastError !== null &&
          (r.lastError.code === 'unavailable' ||
            r.lastError.code === 'wallet_locked' ||
            r.lastError.code === 'quota_exceeded' ||
            r.lastError.code === 'fee_cap_exceeded'),
      );
      if (isStuck || this.now() >= deadline) return;
      const wake = Math.min(...open.map((r) => r.nextAttemptAt?.getTime() ?? this.now()));
      await new Promise((resolve) => setTimeout(resolve, Math.min(Math.max(wake - this.now(), 20), 2_000)));
    }
  }

  private async step(step: QueueStep, ids: readonly string[]): Promise<void> {
    await this.options.afterStep?.(step, ids);
  }

  private async changed(record: SubmissionRecord, status: SubmissionStatus): Promise<void> {
    this.options.events?.emit('submissions.changed', { id: record.id, datanetId: record.datanetId, status });
  }

  private backoffMs(attempts: number): number {
    const base = this.options.retryBaseMs ?? 1_000;
    const max = this.options.retryMaxMs ?? 30_000;
    const delay = Math.min(max, base * 2 ** Math.max(0, attempts - 1));
    // Jitter: many installations coming back online must not retry in lockstep.
    return Math.round(delay * (0.8 + Math.random() * 0.4));
  }

  /** Records a failed attempt and when to try again. */
  private async failed(records: readonly SubmissionRecord[], error: unknown, retryAt?: number): Promise<void> {
    if (error instanceof QueueHalt) throw error;
    const stored = storedError(error);
    if (stored.code === 'internal') this.log(`submission step failed: ${(error as Error).stack ?? String(error)}`);
    for (const record of records) {
      const attempts = record.attempts + 1;
      await this.options.store.update(record.id, {
        attempts,
        lastError: stored,
        nextAttemptAt: new Date(retryAt ?? this.now() + this.backoffMs(attempts)),
      });
      await this.changed(record, record.status);
    }
  }

  /** The profile to reach a submission's network through: the selected one when it is the same network. */
  private async profileFor(record: SubmissionRecord): Promise<NetworkProfile> {
    const selected = await this.options.network.get();
    return selected && networkIdentity(selected) === networkIdentity(record.network) ? selected : record.network;
  }

  private async signerFor(record: SubmissionRecord): Promise<ContributorSigner> {
    const signer = await this.options.wallet.signer();
    if (signer.address !== record.contributor) {
      throw new AppError('wallet_locked', `This submission was made by ${record.contributor}; the wallet now holds ${signer.address}.`);
    }
    return signer;
  }

  // ---- local steps: manifest signature and off-chain attestation ----

  /** Signs a new submission's manifest and attests it off-chain, recording each step. */
  private async signLocally(record: SubmissionRecord, signer?: ContributorSigner): Promise<void> {
    const key = signer ?? (await this.signerFor(record));
    let current = record;
    if (current.status === 'queued') {
      // Domain version and types follow the manifest version (a shared Datanet's is version 2).
      const typed = manifestTypedData(current.manifest, current.network.chainId);
      const signature = await key.signTypedData(typed.domain, typed.types, typed.message);
      await this.options.store.update(current.id, { signature, status: 'signed', lastError: null, nextAttemptAt: null });
      current = { ...current, signature, status: 'signed' };
      await this.changed(current, 'signed');
      await this.step('signed', [current.id]);
    }
    if (current.status === 'signed') {
      const { pkg, uid } = await signContributionOffchain(
        current.network,
        key,
        {
          datanetId: datanetKey(current.manifest.datanetId),
          merkleRoot: current.manifest.merkleRoot,
          manifestHash: current.manifestHash,
          fileCount: current.fileCount,
          totalBytes: current.totalBytes,
        },
        BigInt(Math.floor(this.now() / 1000)),
      );
      await this.options.store.update(current.id, {
        offchain: pkg,
        offchainUid: uid,
        status: 'attested_offchain',
        attempts: 0,
        lastError: null,
        nextAttemptAt: null,
      });
      await this.changed(current, 'attested_offchain');
      await this.step('attested_offchain', [current.id]);
    }
  }

  /**
   * Signs a submission `submit` just stored, without waiting for a pass that may be stuck on a
   * slow network: only this submission's own row is touched, and passes skip it meanwhile.
   */
  async signNew(id: string, signer: ContributorSigner): Promise<void> {
    if (this.haltedAt) throw new QueueHalt(this.haltedAt);
    this.signing.add(id);
    try {
      const record = await this.options.store.get(id);
      if (record) await this.signLocally(record, signer);
    } catch (error) {
      if (error instanceof QueueHalt) this.haltedAt = error.step;
      throw error;
    } finally {
      this.signing.delete(id);
    }
  }

  private async signPending(): Promise<void> {
    const due = await this.options.store.due(['queued', 'signed'], new Date(this.now()));
    for (const record of due.filter((r) => !this.signing.has(r.id))) {
      try {
        await this.signLocally(record);
      } catch (error) {
        await this.failed([record], error);
      }
    }
  }

  // ---- on-chain: batched multiAttest ----

  private async sendOnchain(): Promise<void> {
    const due = (await this.options.store.due(['attested_offchain'], new Date(this.now()))).filter(
      (r) => !r.isOnchainSkipped && r.batchId === null,
    );
    const groups = new Map<string, SubmissionRecord[]>();
    for (const record of due) {
      // Submissions under different fee caps go in different transactions: one Datanet's tight cap
      // must not hold back the others of the same contributor.
      const key = `${networkIdentity(record.network)}|${record.contributor}|${JSON.stringify(record.datanet.policy.fees ?? null)}`;
      groups.set(key, [...(groups.get(key) ?? []), record]);
    }
    for (const group of groups.values()) {
      try {
        await this.sendBatch(group);
      } catch (error) {
        await this.failed(group, error);
      }
    }
  }

  private async sendBatch(records: SubmissionRecord[]): Promise<void> {
    const first = records[0] as SubmissionRecord;
    const profile = await this.profileFor(first);
    const signer = await this.signerFor(first);
    const provider = this.options.network.provider(profile);
    try {
      const data = attestationCallData(
        profile.schemas.contribution,
        records.map((r) => ({
          datanetId: r.manifest.datanetId,
          merkleRoot: r.manifest.merkleRoot,
          manifestHash: r.manifestHash,
          fileCount: r.fileCount,
          totalBytes: r.totalBytes,
        })),
      );
      const skip = async (): Promise<void> => {
        // No ether and no faucet: the off-chain attestation still proves the contribution, and
        // the validator accepts it alone; the verdict then references no on-chain UID.
        for (const r of records) await this.options.store.update(r.id, { isOnchainSkipped: true, lastError: null, nextAttemptAt: null });
        this.log(`on-chain attestation skipped for ${records.length} submission(s): ${signer.address} has no ether and no faucet`);
      };
      // An empty account cannot even have its gas estimated on some nodes: fund it first.
      if ((await provider.getBalance(signer.address)) === 0n && !(await this.fundFromFaucet(profile, signer.address))) return skip();
      const [nonce, fees, gas] = await Promise.all([
        provider.getTransactionCount(signer.address, 'pending'),
        provider.getFeeData(),
        provider.estimateGas({ from: signer.address, to: profile.contracts.eas, data }),
      ]);
      const gasLimit = (gas * 12n) / 10n;
      const maxFeePerGas = fees.maxFeePerGas ?? fees.gasPrice ?? 1_000_000_000n;
      const priority = fees.maxPriorityFeePerGas ?? 0n;
      const maxPriorityFeePerGas = priority > maxFeePerGas ? maxFeePerGas : priority;
      // The RPC says what gas costs; a hostile or broken one could ask for the whole balance. The
      // caps apply here, before signing, since a signed transaction is journaled and rebroadcast.
      const settings = (await this.options.walletSettings?.()) ?? DEFAULT_WALLET_SETTINGS;
      assertWithinFeeCaps({ gasLimit, maxFeePerGas, submissions: records.length }, tightestCaps(records, settings));
      const balance = await provider.getBalance(signer.address);
      if (balance < gasLimit * maxFeePerGas && !(await this.fundFromFaucet(profile, signer.address))) return skip();
      const rawTx = await signer.signTransaction({
        type: 2,
        chainId: profile.chainId,
        nonce,
        to: profile.contracts.eas,
        data,
        value: 0n,
        gasLimit,
        maxFeePerGas,
        maxPriorityFeePerGas,
      });
      const batch: Omit<BatchRecord, 'gasUsed' | 'blockNumber'> = {
        id: randomUUID(),
        chainId: profile.chainId,
        eas: profile.contracts.eas,
        sender: signer.address,
        nonce,
        txHash: keccak256(rawTx),
        rawTx,
        status: 'sent',
      };
      const ids = records.map((r) => r.id);
      await this.options.journal.append({
        kind: 'batch',
        batchId: batch.id,
        ...batchFields(batch),
        submissionIds: ids,
        at: new Date().toISOString(),
      });
      await this.step('batch_journaled', ids);
      await this.recordBatch(batch, ids);
      await this.step('batch_recorded', ids);
      await this.broadcast(provider, batch);
      await this.step('broadcast', ids);
      await this.reconcileBatch(provider, batch, this.options.receiptTimeoutMs ?? 30_000);
    } finally {
      provider.destroy();
    }
  }

  private async recordBatch(batch: Omit<BatchRecord, 'gasUsed' | 'blockNumber'>, ids: readonly string[]): Promise<void> {
    const { store } = this.options;
    await store.transaction(async (tx) => {
      await store.insertBatch(batch, tx);
      for (const [position, id] of ids.entries()) {
        await store.update(id, { status: 'sent', batchId: batch.id, batchPosition: position, lastError: null, nextAttemptAt: null }, tx);
      }
    });
    for (const id of ids) {
      const record = await store.get(id);
      if (record) await this.changed(record, 'sent');
    }
  }

  private async fundFromFaucet(profile: NetworkProfile, address: string): Promise<boolean> {
    if (!profile.faucetUrl) return false;
    await this.options.network.validator(profile).faucet(profile.faucetUrl, address);
    return true;
  }

  private async broadcast(provider: JsonRpcProvider, batch: Pick<BatchRecord, 'rawTx' | 'txHash'>): Promise<void> {
    try {
      await provider.broadcastTransaction(batch.rawTx);
    } catch (error) {
      // The node already has it, or already mined it: the receipt tells which.
      const message = (error as Error).message ?? '';
      if (/already known|nonce too low|known transaction|NONCE_EXPIRED|already imported/i.test(message)) return;
      throw error;
    }
  }

  private async reconcileSentBatches(): Promise<void> {
    for (const batch of await this.options.store.sentBatches()) {
      const members = await this.options.store.batchMembers(batch.id);
      const first = members[0];
      if (!first) {
        await this.options.store.updateBatch(batch.id, { status: 'failed', error: 'no submissions' });
        continue;
      }
      if (first.nextAttemptAt && first.nextAttemptAt.getTime() > this.now()) continue;
      const profile = await this.profileFor(first);
      const provider = this.options.network.provider(profile);
      try {
        await this.reconcileBatch(provider, batch, 2_000, true);
      } catch (error) {
        await this.failed(members, error);
      } finally {
        provider.destroy();
      }
    }
  }

  /**
   * Reads the batch transaction's fate: mined (UIDs stored, submissions attested on-chain),
   * reverted or superseded (submissions go back to be batched again), or still pending (the
   * same signed transaction is rebroadcast; never a new one while its nonce can still be mined).
   */
  private async reconcileBatch(
    provider: JsonRpcProvider,
    batch: Pick<BatchRecord, 'id' | 'txHash' | 'rawTx' | 'nonce' | 'sender' | 'eas'>,
    timeoutMs: number,
    isRecovery = false,
  ): Promise<void> {
    const { store } = this.options;
    let receipt = await provider.getTransactionReceipt(batch.txHash);
    if (!receipt && isRecovery) {
      const mined = await provider.getTransactionCount(batch.sender, 'latest');
      if (mined > batch.nonce) {
        // Another transaction took this nonce (ours would have a receipt): ours can never be mined.
        await this.batchFailed(batch.id, 'superseded: its nonce was used by another transaction');
        return;
      }
      await this.broadcast(provider, batch);
    }
    const deadline = Date.now() + timeoutMs;
    while (!receipt && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      receipt = await provider.getTransactionReceipt(batch.txHash);
    }
    const members = await store.batchMembers(batch.id);
    if (!receipt) {
      await this.failed(members, new AppError('unavailable', 'The attestation transaction is not mined yet; checking again later.'));
      return;
    }
    if (receipt.status !== 1) {
      await this.batchFailed(batch.id, `reverted in block ${receipt.blockNumber}`);
      return;
    }
    const uids = attestedUids(receipt, batch.eas, batch.sender);
    if (uids.length !== members.length) {
      throw new AppError('internal', `The batch transaction attested ${uids.length} contributions for ${members.length} submissions.`);
    }
    await store.transaction(async (tx) => {
      await store.updateBatch(batch.id, { status: 'mined', gasUsed: receipt.gasUsed.toString(), blockNumber: receipt.blockNumber }, tx);
      for (const member of members) {
        await store.update(
          member.id,
          {
            status: 'attested_onchain',
            onchainUid: uids[member.batchPosition ?? 0] ?? null,
            attempts: 0,
            lastError: null,
            nextAttemptAt: null,
          },
          tx,
        );
      }
    });
    for (const member of members) await this.changed(member, 'attested_onchain');
    await this.step(
      'attested_onchain',
      members.map((m) => m.id),
    );
  }

  private async batchFailed(batchId: string, why: string): Promise<void> {
    const { store } = this.options;
    const members = await store.batchMembers(batchId);
    this.log(`attestation batch ${batchId} failed: ${why}`);
    await store.updateBatch(batchId, { status: 'failed', error: why });
    for (const member of members) {
      const attempts = member.attempts + 1;
      await store.update(member.id, {
        status: 'attested_offchain',
        batchId: null,
        batchPosition: null,
        attempts,
        lastError: { code: 'unavailable', message: `The attestation transaction failed (${why}); it will be sent again.` },
        nextAttemptAt: new Date(this.now() + this.backoffMs(attempts)),
      });
      await this.changed(member, 'attested_offchain');
    }
  }

  /** Batches the journal holds and the database lost (power loss): restored as sent, to be reconciled. */
  private async restoreJournal(): Promise<void> {
    const { store, journal } = this.options;
    const known = await store.batchIds();
    for (const entry of await journal.read()) {
      if (known.has(entry.batchId)) continue;
      this.log(`restoring attestation batch ${entry.batchId} (${entry.txHash}) from the journal`);
      const members = (await Promise.all(entry.submissionIds.map((id) => store.get(id)))).filter(
        (r): r is SubmissionRecord => r !== undefined && r.status === 'attested_offchain' && r.batchId === null,
      );
      if (members.length !== entry.submissionIds.length) continue;
      await this.recordBatch(
        {
          id: entry.batchId,
          chainId: entry.chainId,
          eas: entry.eas,
          sender: entry.sender,
          nonce: entry.nonce,
          txHash: entry.txHash,
          rawTx: entry.rawTx,
          status: 'sent',
        },
        entry.submissionIds,
      );
    }
    // Entries whose batch the database holds are no longer needed.
    const recorded = await store.batchIds();
    await journal.retain((entry) => !recorded.has(entry.batchId));
  }

  // ---- the validator ----

  private async sendToValidator(): Promise<void> {
    const due = (await this.options.store.due(['attested_onchain', 'attested_offchain'], new Date(this.now()))).filter(
      (r) => r.status === 'attested_onchain' || (r.isOnchainSkipped && r.batchId === null),
    );
    for (const record of due) {
      try {
        await this.postToValidator(record);
      } catch (error) {
        await this.failed([record], error);
      }
    }
  }

  private async postToValidator(record: SubmissionRecord): Promise<void> {
    const { blobs } = this.options;
    if (!record.signature || !record.offchain) throw new AppError('internal', 'A submission reached the validator step unsigned.');
    const outgoing = record.files.map((file) => {
      const signed = record.manifest.files[file.position];
      return {
        itemId: file.itemId,
        name: file.name,
        contentSha256: file.contentSha256,
        isVouched: signed !== undefined && (signed.anonymisationReportHash !== null || signed.dpParameters !== null),
      };
    });
    const unshared = (await this.options.unsharedOriginals?.(outgoing)) ?? [];
    if (unshared.length > 0) {
      await this.finish(
        record,
        'rejected',
        null,
        unshared.map((file) => ({
          code: 'original_not_shared',
          message: `"${file.name}" is an un-anonymised original that is no longer marked to be shared; nothing was sent.`,
        })),
      );
      return;
    }
    const files: { sha256: string; contentBase64: string }[] = [];
    for (const file of record.files) {
      let bytes: Uint8Array;
      try {
        bytes = await blobs.get(file.contentSha256);
      } catch {
        await this.finish(record, 'rejected', null, [
          { code: 'missing_file', message: `The content of "${file.name}" was deleted before the submission was sent.` },
        ]);
        return;
      }
      files.push({ sha256: `0x${file.contentSha256}`, contentBase64: Buffer.from(bytes).toString('base64') });
    }
    const profile = await this.profileFor(record);
    const request: SubmissionRequest = {
      manifest: record.manifest,
      signature: record.signature,
      offchainAttestation: record.offchain as SubmissionRequest['offchainAttestation'],
      files,
      datanet: { name: record.datanet.name.slice(0, 120), description: record.datanet.description, policy: record.datanet.policy },
      ...(record.onchainUid ? { onchainUid: record.onchainUid } : {}),
    };
    let verdict: Verdict;
    try {
      verdict = await this.options.network.validator(profile).submit(request);
    } catch (error) {
      if (isAppError(error) && error.code === 'invalid_input') {
        // The validator refuses the request itself: sending it again will not change that.
        await this.finish(record, 'rejected', null, [{ code: 'invalid_request', message: error.message }]);
        return;
      }
      throw error;
    }
    await this.step('validator_answered', [record.id]);
    const isQuotaOnly = verdict.status === 'rejected' && verdict.reasons.every((r) => r.code === 'quota_exceeded');
    if (isQuotaOnly) {
      // The validator counted more than the app knew of (another device, another day's queue):
      // the same manifest may come back once the day's quota resets.
      const message = verdict.reasons[0]?.message ?? 'over quota';
      await this.failed(
        [record],
        new AppError('quota_exceeded', `The validator says: ${message}. Trying again after the quota resets.`),
        nextResetAt(this.now()) + 1_000,
      );
      return;
    }
    await this.finish(
      record,
      verdict.status,
      verdict,
      verdict.reasons.map((r) => ({ code: r.code, message: r.message })),
    );
    await this.step('verdict_stored', [record.id]);
  }

  private async finish(
    record: SubmissionRecord,
    status: 'accepted' | 'rejected',
    verdict: Verdict | null,
    reasons: { code: string; message: string }[],
  ): Promise<void> {
    await this.options.store.update(record.id, {
      status,
      reasons,
      lastError: null,
      nextAttemptAt: null,
      ...(verdict ? { verdict, quotaDay: verdict.day } : {}),
    });
    await this.changed(record, status);
  }
}

function batchFields(batch: Omit<BatchRecord, 'gasUsed' | 'blockNumber'>) {
  return { chainId: batch.chainId, eas: batch.eas, sender: batch.sender, nonce: batch.nonce, txHash: batch.txHash, rawTx: batch.rawTx };
}

/** The UIDs of the contributions a receipt attested, in request order (EAS emits them in order). */
export function attestedUids(receipt: TransactionReceipt, eas: string, attester: string): string[] {
  const uids: string[] = [];
  for (const log of receipt.logs) {
    if (log.address.toLowerCase() !== eas.toLowerCase() || log.topics[0] !== ATTESTED_TOPIC) continue;
    const parsed = EAS.parseLog(log);
    if (!parsed || String(parsed.args.getValue('attester')).toLowerCase() !== attester.toLowerCase()) continue;
    uids.push(String(parsed.args.getValue('uid')).toLowerCase());
  }
  return uids;
}
