import { Contract, Interface, ZeroHash, getAddress, zeroPadValue } from 'ethers';
import type { JsonRpcProvider, Log } from 'ethers';
import { decodeVerdictData } from '../../../shared/attestation-schemas';
import { EAS_ABI } from '../../../shared/eas-abi';
import { AppError } from '../../../shared/errors';
import type { NetworkProfile } from '../../../shared/network-profile';
import { REWARDS_ABI } from '../../../shared/reward-contracts';
import type { Database } from '../db/database';

const EAS = new Interface(EAS_ABI);
const REWARDS = new Interface(REWARDS_ABI);
const ATTESTED = EAS.getEvent('Attested')!.topicHash;
const FILE_REWARDED = REWARDS.getEvent('FileRewarded')!.topicHash;
const EPOCH_PAID = REWARDS.getEvent('EpochPaid')!.topicHash;

export type IndexerOptions = {
  /** Blocks below the head that must exist before a block is indexed (reorg safety margin). */
  confirmations: number;
  /** Largest block range of one eth_getLogs call (providers cap ranges and result sizes). */
  chunkBlocks: number;
  /** How many recent indexed block hashes are kept to detect a reorganisation deeper than `confirmations`. */
  reorgWindow: number;
  /** Parallel eth_call reads of attestation data. */
  concurrency: number;
  /** Read verdict data from the attesting transactions' input (default); false: one getAttestation per verdict. */
  isCalldataDecoding?: boolean;
};

export const DEFAULT_INDEXER_OPTIONS: IndexerOptions = { confirmations: 2, chunkBlocks: 2_000, reorgWindow: 64, concurrency: 8 };

export type ChunkProgress = { fromBlock: number; toBlock: number; currentBlock: number; done: boolean };

export type IndexRun = {
  fromBlock: number;
  toBlock: number;
  headBlock: number;
  verdicts: number;
  rewards: number;
  epochs: number;
  reorg: { rolledBackTo: number; droppedBlocks: number } | null;
};

type BlockInfo = { number: number; hash: string; time: Date };
type Verdict = { log: Log; uid: string; data: ReturnType<typeof decodeVerdictData>; refUID: string; attester: string };

/**
 * The scope of an index: one contributor on one deployment. The chain id and contract addresses
 * (not the RPC URL) name the deployment, so a devnet restarted on other ports keeps its index.
 */
export function indexScope(profile: NetworkProfile, address: string): string {
  return [profile.chainId, profile.contracts.eas, profile.contracts.rewards, profile.schemas.verdict, address]
    .map((v) => String(v).toLowerCase())
    .join(':');
}

/**
 * Reads, for one contributor, the validator's verdict attestations (EAS `Attested` with the verdict
 * schema and the contributor as recipient, then `getAttestation` for data and refUID) and the
 * rewards contract's `FileRewarded` (filtered by contributor) and `EpochPaid` events, chunk by
 * chunk from the block after the cursor up to head − confirmations. Each chunk is written in one
 * transaction together with the cursor, so a crash resumes from the last whole chunk.
 */
export class RewardsIndexer {
  readonly scope: string;
  private readonly eas: Contract;
  private readonly contributorTopic: string;

  constructor(
    private readonly db: Database,
    private readonly provider: JsonRpcProvider,
    private readonly profile: NetworkProfile,
    readonly address: string,
    private readonly options: IndexerOptions = DEFAULT_INDEXER_OPTIONS,
  ) {
    this.scope = indexScope(profile, address);
    this.eas = new Contract(profile.contracts.eas, EAS_ABI, provider);
    this.contributorTopic = zeroPadValue(getAddress(address), 32).toLowerCase();
  }

  /** Brings the index up to head − confirmations; reports progress per chunk. */
  async run(onProgress?: (p: ChunkProgress) => void): Promise<IndexRun> {
    const cursor = await this.ensureCursor();
    const headBlock = await this.provider.getBlockNumber();
    const reorg = await this.detectReorg();
    const last = reorg ? reorg.rolledBackTo : (cursor.last_block ?? cursor.start_block - 1);
    const safe = headBlock - this.options.confirmations;
    const fromBlock = last + 1;
    const totals = { verdicts: 0, rewards: 0, epochs: 0 };
    if (safe < fromBlock) {
      await this.touch(headBlock);
      onProgress?.({ fromBlock, toBlock: Math.max(safe, last), currentBlock: last, done: true });
      return { fromBlock, toBlock: last, headBlock, ...totals, reorg };
    }
    for (let start = fromBlock; start <= safe; start += this.options.chunkBlocks) {
      const end = Math.min(safe, start + this.options.chunkBlocks - 1);
      const counts = await this.indexChunk(start, end, headBlock);
      totals.verdicts += counts.verdicts;
      totals.rewards += counts.rewards;
      totals.epochs += counts.epochs;
      onProgress?.({ fromBlock, toBlock: safe, currentBlock: end, done: end === safe });
    }
    return { fromBlock, toBlock: safe, headBlock, ...totals, reorg };
  }

  private async ensureCursor(): Promise<{ last_block: number | null; start_block: number }> {
    await this.db.query(
      `insert into rewards_cursors (scope, chain_id, contributor, start_block) values ($1, $2, $3, $4) on conflict (scope) do nothing`,
      [this.scope, this.profile.chainId, getAddress(this.address), this.profile.startBlock ?? 0],
    );
    const { rows } = await this.db.query<{ last_block: number | null; start_block: number }>(
      'select last_block, start_block from rewards_cursors where scope = $1',
      [this.scope],
    );
    return rows[0]!;
  }

  private async touch(headBlock: number): Promise<void> {
    await this.db.query('update rewards_cursors set head_block = $2, synced_at = now() where scope = $1', [this.scope, headBlock]);
  }

  /**
   * Compares the newest stored block hash with the chain; on a mismatch walks down the stored
   * hashes to the newest block both agree on and deletes everything above it. Blocks are hash
   * chained, so agreement at the newest stored block means agreement below it.
   */
  private async detectReorg(): Promise<{ rolledBackTo: number; droppedBlocks: number } | null> {
    const { rows } = await this.db.query<{ number: number; hash: string }>(
      'select number, hash from rewards_blocks where scope = $1 order by number desc',
      [this.scope],
    );
    if (rows.length === 0) return null;
    let forkBlock: number | null = null;
    for (const [i, stored] of rows.entries()) {
      const block = await this.provider.getBlock(stored.number);
      if (block?.hash?.toLowerCase() === stored.hash) {
        if (i === 0) return null;
        forkBlock = stored.number;
        break;
      }
    }
    const { rows: cursorRows } = await this.db.query<{ last_block: number | null; start_block: number }>(
      'select last_block, start_block from rewards_cursors where scope = $1',
      [this.scope],
    );
    const cursor = cursorRows[0]!;
    // Deeper than every stored hash: nothing indexed can be trusted, start again.
    const rolledBackTo = forkBlock ?? cursor.start_block - 1;
    const droppedBlocks = (cursor.last_block ?? rolledBackTo) - rolledBackTo;
    await this.db.transaction(async (tx) => {
      for (const table of ['rewards_verdicts', 'rewards_files', 'rewards_epochs', 'rewards_blocks']) {
        const column = table === 'rewards_blocks' ? 'number' : 'block_number';
        await tx.query(`delete from ${table} where scope = $1 and ${column} > $2`, [this.scope, rolledBackTo]);
      }
      const kept = forkBlock === null ? undefined : rows.find((r) => r.number === forkBlock);
      await tx.query(
        `update rewards_cursors set last_block = $2, last_block_hash = $3,
           last_block_time = case when $2::int is null then null else last_block_time end where scope = $1`,
        [this.scope, forkBlock === null ? null : rolledBackTo, kept?.hash ?? null],
      );
    });
    return { rolledBackTo, droppedBlocks };
  }

  private async getLogs(filter: { address: string; topics: Array<string | null | string[]> }, from: number, to: number): Promise<Log[]> {
    return this.provider.getLogs({ ...filter, fromBlock: from, toBlock: to });
  }

  private async blockInfo(number: number, cache: Map<number, BlockInfo>): Promise<BlockInfo> {
    const known = cache.get(number);
    if (known) return known;
    const block = await this.provider.getBlock(number);
    if (!block?.hash) throw new AppError('unavailable', `block ${number} is not available from the chain`);
    const info = { number, hash: block.hash.toLowerCase(), time: new Date(block.timestamp * 1000) };
    cache.set(number, info);
    return info;
  }

  /**
   * Attestation data and refUID straight from the transactions that made them: a validator attests
   * many verdicts in one `multiAttest`, so two reads per transaction (its input and its receipt)
   * replace one `getAttestation` call per verdict. The n-th Attested event of EAS in a transaction
   * belongs to the n-th request of its input; when a transaction is not a direct `attest` or
   * `multiAttest` call (a contract in between, a delegated attestation) or the counts differ, its
   * verdicts are left to `getAttestation`.
   */
  private async verdictsFromTransactions(logs: readonly Log[]): Promise<Map<string, Omit<Verdict, 'log' | 'uid'>>> {
    const found = new Map<string, Omit<Verdict, 'log' | 'uid'>>();
    const hashes = [...new Set(logs.map((l) => l.transactionHash))];
    for (let i = 0; i < hashes.length; i += this.options.concurrency) {
      await Promise.all(
        hashes.slice(i, i + this.options.concurrency).map(async (hash) => {
          const [tx, receipt] = await Promise.all([this.provider.getTransaction(hash), this.provider.getTransactionReceipt(hash)]);
          if (!tx || !receipt || tx.to?.toLowerCase() !== this.profile.contracts.eas.toLowerCase()) return;
          let requests: Array<{ schema: string; refUID: string; data: string }>;
          try {
            const call = EAS.parseTransaction({ data: tx.data, value: tx.value });
            if (call?.name === 'attest') {
              const [schema, d] = call.args[0] as [string, { refUID: string; data: string }];
              requests = [{ schema, refUID: d.refUID, data: d.data }];
            } else if (call?.name === 'multiAttest') {
              requests = (call.args[0] as Array<[string, Array<{ refUID: string; data: string }>]>).flatMap(([schema, list]) =>
                list.map((d) => ({ schema, refUID: d.refUID, data: d.data })),
              );
            } else return;
          } catch {
            return;
          }
          const attested = receipt.logs.filter(
            (l) => l.address.toLowerCase() === this.profile.contracts.eas.toLowerCase() && l.topics[0] === ATTESTED,
          );
          if (attested.length !== requests.length) return;
          attested.forEach((l, n) => {
            const request = requests[n]!;
            if (request.schema.toLowerCase() !== this.profile.schemas.verdict) return;
            try {
              found.set(`${hash}:${l.index}`, {
                refUID: request.refUID.toLowerCase(),
                attester: getAddress(`0x${l.topics[2]!.slice(26)}`),
                data: decodeVerdictData(request.data),
              });
            } catch {
              // Data that is not of the verdict schema: getAttestation says the same, and then it throws.
            }
          });
        }),
      );
    }
    return found;
  }

  private async indexChunk(from: number, to: number, headBlock: number): Promise<{ verdicts: number; rewards: number; epochs: number }> {
    const attester = this.profile.validatorAddress ? zeroPadValue(this.profile.validatorAddress, 32) : null;
    const [verdictLogs, rewardLogs, epochLogs] = await Promise.all([
      this.getLogs(
        { address: this.profile.contracts.eas, topics: [ATTESTED, this.contributorTopic, attester, this.profile.schemas.verdict] },
        from,
        to,
      ),
      this.getLogs({ address: this.profile.contracts.rewards, topics: [FILE_REWARDED, null, null, this.contributorTopic] }, from, to),
      this.getLogs({ address: this.profile.contracts.rewards, topics: [EPOCH_PAID] }, from, to),
    ]);
    const blocks = new Map<number, BlockInfo>();
    const end = await this.blockInfo(to, blocks);
    const logs = [...verdictLogs, ...rewardLogs, ...epochLogs];
    for (let i = 0; i < logs.length; i += this.options.concurrency) {
      await Promise.all(logs.slice(i, i + this.options.concurrency).map((l) => this.blockInfo(l.blockNumber, blocks)));
    }
    // A log from a block other than the one we read the time from means the chain moved under us.
    for (const l of logs) {
      if (blocks.get(l.blockNumber)?.hash !== l.blockHash.toLowerCase()) {
        throw new AppError('conflict', `block ${l.blockNumber} changed while it was being indexed; sync again`);
      }
    }

    const fromCalldata = this.options.isCalldataDecoding === false ? new Map() : await this.verdictsFromTransactions(verdictLogs);
    const verdicts: Verdict[] = [];
    for (let i = 0; i < verdictLogs.length; i += this.options.concurrency) {
      const slice = verdictLogs.slice(i, i + this.options.concurrency);
      verdicts.push(
        ...(await Promise.all(
          slice.map(async (log) => {
            const uid = String(EAS.parseLog(log)!.args.getValue('uid')).toLowerCase();
            const known = fromCalldata.get(`${log.transactionHash}:${log.index}`);
            if (known) return { log, uid, ...known };
            const a = (await this.eas.getFunction('getAttestation')(uid)) as {
              refUID: string;
              attester: string;
              data: string;
              uid: string;
            };
            if (a.uid === ZeroHash) throw new AppError('conflict', `attestation ${uid} is not on the chain; sync again`);
            return { log, uid, refUID: a.refUID.toLowerCase(), attester: getAddress(a.attester), data: decodeVerdictData(a.data) };
          }),
        )),
      );
    }

    await this.db.transaction(async (tx) => {
      await insertRows(
        tx,
        'rewards_verdicts',
        {
          uid: 'text',
          block_number: 'int',
          log_index: 'int',
          tx_hash: 'text',
          block_time: 'timestamptz',
          attester: 'text',
          ref_uid: 'text',
          is_accepted: 'boolean',
          score: 'int',
          reason_code: 'text',
          manifest_hash: 'text',
          contribution_uid: 'text',
        },
        this.scope,
        verdicts.map((v) => [
          v.uid,
          v.log.blockNumber,
          v.log.index,
          v.log.transactionHash.toLowerCase(),
          blocks.get(v.log.blockNumber)!.time.toISOString(),
          v.attester,
          v.refUID,
          v.data.accepted,
          v.data.score,
          v.data.reasonCode,
          v.data.manifestHash,
          v.data.contributionUid,
        ]),
      );
      await insertRows(
        tx,
        'rewards_files',
        {
          block_number: 'int',
          log_index: 'int',
          tx_hash: 'text',
          block_time: 'timestamptz',
          epoch: 'int',
          datanet_key: 'text',
          content_hash: 'text',
          score: 'text',
          amount: 'text',
        },
        this.scope,
        rewardLogs.map((log) => {
          const args = REWARDS.parseLog(log)!.args;
          return [
            log.blockNumber,
            log.index,
            log.transactionHash.toLowerCase(),
            blocks.get(log.blockNumber)!.time.toISOString(),
            Number(args.getValue('epoch')),
            String(args.getValue('datanet')).toLowerCase(),
            String(args.getValue('contentHash')).toLowerCase(),
            BigInt(args.getValue('score')).toString(),
            BigInt(args.getValue('amount')).toString(),
          ];
        }),
      );
      await insertRows(
        tx,
        'rewards_epochs',
        {
          block_number: 'int',
          log_index: 'int',
          tx_hash: 'text',
          block_time: 'timestamptz',
          epoch: 'int',
          budget: 'text',
          total_score: 'text',
          total_paid: 'text',
          file_count: 'int',
        },
        this.scope,
        epochLogs.map((log) => {
          const args = REWARDS.parseLog(log)!.args;
          return [
            log.blockNumber,
            log.index,
            log.transactionHash.toLowerCase(),
            blocks.get(log.blockNumber)!.time.toISOString(),
            Number(args.getValue('epoch')),
            BigInt(args.getValue('budget')).toString(),
            BigInt(args.getValue('totalScore')).toString(),
            BigInt(args.getValue('totalPaid')).toString(),
            Number(args.getValue('fileCount')),
          ];
        }),
      );
      // The chunk's last block and every block with an event: a rollback then lands at the newest
      // block the chain still agrees on, not at the previous chunk boundary.
      for (const b of blocks.values()) {
        await tx.query(
          'insert into rewards_blocks (scope, number, hash) values ($1, $2, $3) on conflict (scope, number) do update set hash = excluded.hash',
          [this.scope, b.number, b.hash],
        );
      }
      await tx.query(
        `delete from rewards_blocks where scope = $1 and number not in
           (select number from rewards_blocks where scope = $1 order by number desc limit $2)`,
        [this.scope, this.options.reorgWindow],
      );
      await tx.query(
        `update rewards_cursors set last_block = $2, last_block_hash = $3, last_block_time = $4, head_block = $5, synced_at = now()
         where scope = $1`,
        [this.scope, end.number, end.hash, end.time, headBlock],
      );
    });
    return { verdicts: verdicts.length, rewards: rewardLogs.length, epochs: epochLogs.length };
  }
}

type Queryable = Pick<Database, 'query'>;

/**
 * Inserts many rows in one statement (one array parameter per column through `unnest`): a chunk
 * of a busy epoch holds thousands of events, and a statement per row would dominate catch-up.
 */
async function insertRows(
  tx: Queryable,
  table: string,
  columns: Record<string, 'text' | 'int' | 'boolean' | 'timestamptz'>,
  scope: string,
  rows: ReadonlyArray<ReadonlyArray<string | number | boolean>>,
): Promise<void> {
  if (rows.length === 0) return;
  const names = Object.keys(columns);
  const arrays = names.map((_, i) => rows.map((r) => r[i]));
  const unnest = names.map((n, i) => `$${i + 2}::${columns[n]}[]`).join(', ');
  await tx.query(`insert into ${table} (scope, ${names.join(', ')}) select $1, * from unnest(${unnest}) on conflict do nothing`, [
    scope,
    ...arrays,
  ]);
}
