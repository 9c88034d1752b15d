import { Contract } from 'ethers';
import type { Earnings, RewardsSummary, SyncResult, TrailRow, WhatIf } from '../../../shared/api/rewards';
import { datanetKey } from '../../../shared/attestation-schemas';
import { AppError, isAppError } from '../../../shared/errors';
import type { NetworkProfile } from '../../../shared/network-profile';
import { OPEN_DECIMALS, OPEN_TOKEN_ABI } from '../../../shared/reward-contracts';
import {
  ACCEPTANCE_RATE_FORMULA,
  STANDING_FORMULA,
  latestVerdicts,
  priorAcceptanceProbability,
  projectPlan,
  toCsv,
  formatUnits,
} from '../../../shared/rewards-math';
import { acceptanceRate, standing, type VerdictOutcome } from '../../../shared/standing';
import type { DatanetService } from '../datanets/datanet-service';
import type { Database } from '../db/database';
import type { EventBus } from '../events';
import type { NetworkService } from '../network/network-service';
import type { SubmissionService } from '../submissions/submission-service';
import type { WalletService } from '../wallet/wallet-service';
import { DEFAULT_INDEXER_OPTIONS, RewardsIndexer, indexScope, type IndexerOptions } from './rewards-indexer';

export type RewardsOptions = Partial<IndexerOptions> & { now?: () => number };

type Deps = {
  db: Database;
  network: NetworkService;
  wallet: WalletService;
  datanets: DatanetService;
  submissions: SubmissionService;
  events: EventBus;
  options?: RewardsOptions;
  /** Local Datanets that follow on-chain ones (SharedDatanetService.links): they report under the on-chain id. */
  sharedLinks?: () => Promise<ReadonlyArray<{ datanetId: string; onchainId: string }>>;
};

type CursorRow = {
  last_block: number | null;
  last_block_time: Date | null;
  head_block: number | null;
  synced_at: Date | null;
  balance: string | null;
  balance_at: Date | null;
};

type VerdictRow = {
  uid: string;
  block_number: number;
  log_index: number;
  block_time: Date;
  is_accepted: boolean;
  score: number;
  reason_code: string;
  manifest_hash: string;
};

const dayOf = (d: Date): string => d.toISOString().slice(0, 10);

/**
 * Rewards and standing for the wallet on the selected network: syncs the chain index
 * ({@link RewardsIndexer}) and answers every figure from it, so the dashboard works offline on
 * the last indexed block and says how fresh that is.
 */
export class RewardsService {
  private readonly indexerOptions: IndexerOptions;
  private running: Promise<SyncResult> | null = null;

  constructor(private readonly deps: Deps) {
    this.indexerOptions = { ...DEFAULT_INDEXER_OPTIONS, ...deps.options };
  }

  private async context(): Promise<{ profile: NetworkProfile; address: string; scope: string }> {
    const profile = await this.deps.network.require();
    const status = await this.deps.wallet.status();
    if (!status.address) throw new AppError('not_found', 'There is no wallet yet: create or import one to see its rewards.');
    return { profile, address: status.address, scope: indexScope(profile, status.address) };
  }

  /** Indexes new verdicts and payouts; one sync at a time (a second call joins the running one). */
  sync(): Promise<SyncResult> {
    this.running ??= this.syncOnce().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async syncOnce(): Promise<SyncResult> {
    const { profile, address, scope } = await this.context();
    const provider = this.deps.network.provider(profile);
    try {
      const indexer = new RewardsIndexer(this.deps.db, provider, profile, address, this.indexerOptions);
      const run = await indexer.run((p) => this.deps.events.emit('rewards.syncProgress', p));
      await this.readBalance(profile, address, scope, provider).catch(() => undefined);
      return { ...run, freshness: await this.freshness(scope) };
    } catch (error) {
      if (isAppError(error)) throw error;
      throw new AppError('unavailable', `${profile.name} cannot be reached; the figures shown are from the last sync.`);
    } finally {
      provider.destroy();
    }
  }

  private async readBalance(
    profile: NetworkProfile,
    address: string,
    scope: string,
    provider = this.deps.network.provider(profile, 5_000),
  ) {
    const token = new Contract(profile.contracts.token, OPEN_TOKEN_ABI, provider);
    const amount = BigInt(await token.getFunction('balanceOf')(address)).toString();
    const at = new Date(this.now());
    await this.deps.db.query('update rewards_cursors set balance = $2, balance_at = $3 where scope = $1', [scope, amount, at]);
    return { amount, readAt: at.toISOString() };
  }

  private now(): number {
    return (this.deps.options?.now ?? Date.now)();
  }

  private async cursor(scope: string): Promise<CursorRow | undefined> {
    const { rows } = await this.deps.db.query<CursorRow>(
      'select last_block, last_block_time, head_block, synced_at, balance, balance_at from rewards_cursors where scope = $1',
      [scope],
    );
    return rows[0];
  }

  private async freshness(scope: string): Promise<RewardsSummary['freshness']> {
    const c = await this.cursor(scope);
    return {
      lastIndexedBlock: c?.last_block ?? null,
      lastIndexedBlockTime: c?.last_block_time?.toISOString() ?? null,
      syncedAt: c?.synced_at?.toISOString() ?? null,
      headBlock: c?.head_block ?? null,
      confirmations: this.indexerOptions.confirmations,
    };
  }

  private async verdicts(scope: string): Promise<VerdictRow[]> {
    const { rows } = await this.deps.db.query<VerdictRow>(
      `select uid, block_number, log_index, block_time, is_accepted, score, reason_code, manifest_hash
       from rewards_verdicts where scope = $1 order by block_number, log_index`,
      [scope],
    );
    return latestVerdicts(rows.map((r) => ({ ...r, manifestHash: r.manifest_hash, order: r.block_number * 1e6 + r.log_index })));
  }

  private async outcomes(scope: string): Promise<VerdictOutcome[]> {
    return (await this.verdicts(scope)).map((v) => ({ day: dayOf(v.block_time), isAccepted: v.is_accepted }));
  }

  /** Balance (live from the token contract when reachable, else the last read), earned, acceptance rate, standing, freshness. */
  async summary(input: { isBalanceLive?: boolean } = {}): Promise<RewardsSummary> {
    const profile = await this.deps.network.get();
    const status = await this.deps.wallet.status();
    const empty = {
      earned: '0',
      accepted: 0,
      rejected: 0,
      acceptanceRate: null,
      standing: 0,
      formulas: { acceptanceRate: ACCEPTANCE_RATE_FORMULA, standing: STANDING_FORMULA },
      paidFiles: 0,
      epochs: 0,
      decimals: OPEN_DECIMALS,
      freshness: {
        lastIndexedBlock: null,
        lastIndexedBlockTime: null,
        syncedAt: null,
        headBlock: null,
        confirmations: this.indexerOptions.confirmations,
      },
    };
    const network = profile ? { name: profile.name, chainId: profile.chainId } : null;
    if (!profile || !status.address) return { address: status.address ?? null, network, balance: null, ...empty };
    const address = status.address;
    const scope = indexScope(profile, address);
    let balance: RewardsSummary['balance'] = null;
    if (input.isBalanceLive !== false) {
      const live = await this.readBalance(profile, address, scope).catch(() => undefined);
      if (live) balance = { ...live, isLive: true };
    }
    if (!balance) {
      const c = await this.cursor(scope);
      if (c?.balance && c.balance_at) balance = { amount: c.balance, readAt: c.balance_at.toISOString(), isLive: false };
    }
    const outcomes = await this.outcomes(scope);
    const { rows } = await this.deps.db.query<{ earned: string | null; files: number; epochs: number }>(
      `select coalesce(sum(amount::numeric), 0)::text as earned, count(distinct content_hash)::int as files, count(distinct epoch)::int as epochs
       from rewards_files where scope = $1`,
      [scope],
    );
    const accepted = outcomes.filter((o) => o.isAccepted).length;
    return {
      ...empty,
      address,
      network,
      balance,
      earned: rows[0]?.earned ?? '0',
      accepted,
      rejected: outcomes.length - accepted,
      acceptanceRate: acceptanceRate(outcomes),
      standing: standing(outcomes),
      paidFiles: rows[0]?.files ?? 0,
      epochs: rows[0]?.epochs ?? 0,
      freshness: await this.freshness(scope),
    };
  }

  /**
   * Datanet keys (as payouts carry them) to the local Datanet. A shared Datanet's items are paid
   * under its on-chain id, whichever machine or contributor sent them, so that key names the
   * local Datanet that follows it; the local id's key stays for what was paid while it was a draft.
   */
  private async datanetNames(): Promise<Map<string, { id: string; name: string }>> {
    const list = await this.deps.datanets.list();
    const names = new Map(list.map((d) => [datanetKey(d.id), { id: d.id, name: d.name }]));
    const byId = new Map(list.map((d) => [d.id, d]));
    for (const link of (await this.deps.sharedLinks?.()) ?? []) {
      const local = byId.get(link.datanetId);
      if (local) names.set(datanetKey(link.onchainId.toLowerCase()), { id: local.id, name: local.name });
    }
    return names;
  }

  /** $OPEN per UTC day of payout (with running total) and per Datanet. */
  async earnings(): Promise<Earnings> {
    const { scope } = await this.context();
    const days = await this.deps.db.query<{ day: string; amount: string }>(
      `select to_char(block_time at time zone 'UTC', 'YYYY-MM-DD') as day, sum(amount::numeric)::text as amount
       from rewards_files where scope = $1 group by 1 order by 1`,
      [scope],
    );
    let running = 0n;
    const overTime = days.rows.map((r) => {
      running += BigInt(r.amount);
      return { day: r.day, amount: r.amount, cumulative: running.toString() };
    });
    const names = await this.datanetNames();
    const per = await this.deps.db.query<{ datanet_key: string; amount: string; files: number }>(
      `select datanet_key, sum(amount::numeric)::text as amount, count(distinct content_hash)::int as files
       from rewards_files where scope = $1 group by 1 order by sum(amount::numeric) desc`,
      [scope],
    );
    const perDatanet = per.rows.map((r) => ({
      datanetKey: r.datanet_key,
      datanetId: names.get(r.datanet_key)?.id ?? null,
      name: names.get(r.datanet_key)?.name ?? null,
      amount: r.amount,
      files: r.files,
    }));
    return { overTime, perDatanet };
  }

  /** Per file: the submission it went in, the verdict and its reason, attribution scores and $OPEN paid. */
  async trail(datanetId?: string): Promise<TrailRow[]> {
    const { scope, address } = await this.context();
    const names = await this.datanetNames();
    const verdicts = new Map((await this.verdicts(scope)).map((v) => [v.manifest_hash, v]));
    const files = await this.deps.db.query<{
      submission_id: string;
      manifest_hash: string;
      datanet_id: string;
      manifest_datanet_id: string;
      item_id: string;
      name: string;
      content_sha256: string;
      verdict: { reasons?: Array<{ code: string; message: string; sha256?: string }> } | null;
      created_at: Date;
    }>(
      // The manifest's Datanet id is the one the validator pays under: the on-chain id for a
      // shared Datanet's (version 2) manifest, the local id for a draft's.
      `select s.id as submission_id, s.manifest_hash, s.datanet_id, s.manifest->>'datanetId' as manifest_datanet_id,
         f.item_id, f.name, f.content_sha256, s.verdict, s.created_at
       from submissions s join submission_files f on f.submission_id = s.id
       where lower(s.contributor) = lower($1) order by s.created_at desc, f.position`,
      [address],
    );
    const payments = await this.deps.db.query<{
      content_hash: string;
      datanet_key: string;
      epoch: number;
      score: string;
      amount: string;
      tx_hash: string;
      block_number: number;
      block_time: Date;
    }>(
      `select content_hash, datanet_key, epoch, score, amount, tx_hash, block_number, block_time from rewards_files
       where scope = $1 order by block_number, log_index`,
      [scope],
    );
    const paidBy = new Map<string, typeof payments.rows>();
    for (const p of payments.rows) {
      const key = `${p.datanet_key}:${p.content_hash}`;
      paidBy.set(key, [...(paidBy.get(key) ?? []), p]);
    }
    const rows: TrailRow[] = [];
    const seen = new Set<string>();
    const row = (
      base: Omit<TrailRow, 'score' | 'amount' | 'payments' | 'verdict'>,
      key: string,
      verdict: TrailRow['verdict'],
    ): TrailRow => {
      const paid = paidBy.get(key) ?? [];
      return {
        ...base,
        verdict,
        score: paid.reduce((s, p) => s + BigInt(p.score), 0n).toString(),
        amount: paid.reduce((s, p) => s + BigInt(p.amount), 0n).toString(),
        payments: paid.map((p) => ({
          epoch: p.epoch,
          score: p.score,
          amount: p.amount,
          txHash: p.tx_hash,
          blockNumber: p.block_number,
          paidAt: p.block_time.toISOString(),
        })),
      };
    };
    for (const f of files.rows) {
      if (datanetId && f.datanet_id !== datanetId) continue;
      const contentHash = `0x${f.content_sha256}`;
      const key = `${datanetKey(f.manifest_datanet_id)}:${contentHash}`;
      const v = verdicts.get(f.manifest_hash);
      // The same bytes may sit in a rejected and a later accepted submission: the trail follows each.
      seen.add(key);
      const reasons = f.verdict?.reasons ?? [];
      const reason = reasons.find((r) => r.sha256 === contentHash) ?? reasons[0];
      rows.push(
        row(
          {
            contentHash,
            itemId: f.item_id,
            fileName: f.name,
            datanetId: f.datanet_id,
            datanetName: names.get(datanetKey(f.manifest_datanet_id))?.name ?? null,
            submissionId: f.submission_id,
            manifestHash: f.manifest_hash,
          },
          // An amount belongs to the accepted submission of that content, not to a rejected copy.
          v && !v.is_accepted ? `rejected:${key}` : key,
          v
            ? {
                isAccepted: v.is_accepted,
                reasonCode: v.reason_code,
                reason: v.is_accepted ? null : reason ? `${reason.code}: ${reason.message}` : null,
                score: v.score,
                attestationUid: v.uid,
                at: v.block_time.toISOString(),
              }
            : null,
        ),
      );
    }
    // Paid files this machine has no submission for (sent from another install of the wallet).
    for (const [key, paid] of paidBy) {
      if (seen.has(key)) continue;
      const first = paid[0]!;
      const dn = names.get(first.datanet_key);
      if (datanetId && dn?.id !== datanetId) continue;
      rows.push(
        row(
          {
            contentHash: first.content_hash,
            itemId: null,
            fileName: null,
            datanetId: dn?.id ?? null,
            datanetName: dn?.name ?? null,
            submissionId: null,
            manifestHash: null,
          },
          key,
          null,
        ),
      );
    }
    return rows;
  }

  /** The trail as CSV: one line per payment, and one per file without a payment yet. */
  async exportTrail(datanetId?: string): Promise<{ fileName: string; csv: string }> {
    const rows = await this.trail(datanetId);
    const header = [
      'file',
      'item_id',
      'datanet',
      'submission_id',
      'manifest_hash',
      'content_sha256',
      'verdict',
      'reason',
      'verdict_score',
      'verdict_attestation',
      'epoch',
      'attribution_score',
      'open_paid',
      'open_paid_wei',
      'payout_tx',
      'paid_at',
    ];
    const lines = rows.flatMap((r) => {
      const base = [
        r.fileName,
        r.itemId,
        r.datanetName ?? r.datanetId,
        r.submissionId,
        r.manifestHash,
        r.contentHash,
        r.verdict ? (r.verdict.isAccepted ? 'accepted' : 'rejected') : null,
        r.verdict?.reason ?? r.verdict?.reasonCode ?? null,
        r.verdict?.score ?? null,
        r.verdict?.attestationUid ?? null,
      ];
      if (r.payments.length === 0) return [[...base, null, null, null, null, null, null]];
      return r.payments.map((p) => [...base, p.epoch, p.score, formatUnits(p.amount, OPEN_DECIMALS, 18), p.amount, p.txHash, p.paidAt]);
    });
    const day = new Date(this.now()).toISOString().slice(0, 10);
    return { fileName: `rewards-trail-${day}.csv`, csv: toCsv(header, lines) };
  }

  /** Projected acceptance rate and standing after a planned batch (items planned within the quota, or submissions per day). */
  async whatIf(input: {
    datanetId?: string;
    itemIds?: readonly string[];
    planned?: ReadonlyArray<{ day: string; submissions: number }>;
    acceptanceProbability?: number;
  }): Promise<WhatIf> {
    const profile = await this.deps.network.get();
    const status = await this.deps.wallet.status();
    const outcomes = profile && status.address ? await this.outcomes(indexScope(profile, status.address)) : [];
    const p = input.acceptanceProbability ?? priorAcceptanceProbability(outcomes);
    const submissions: WhatIf['submissions'] = [];
    const excluded: WhatIf['excluded'] = [];
    if (input.itemIds && input.itemIds.length > 0) {
      if (!input.datanetId) throw new AppError('invalid_input', 'datanetId is required with itemIds.');
      const preflight = await this.deps.submissions.preflight(input.datanetId, input.itemIds);
      const ready = preflight.items.filter((i) => i.isReady).map((i) => i.itemId);
      for (const i of preflight.items) {
        if (!i.isReady) excluded.push({ itemId: i.itemId, name: i.name, reasons: i.reasons.map((r) => r.code) });
      }
      if (ready.length > 0) {
        const plan = await this.deps.submissions.plan(input.datanetId, ready);
        for (const b of plan.batches)
          submissions.push({ day: b.day, files: b.itemIds.length, itemIds: b.itemIds, acceptanceProbability: p });
        for (const u of plan.unplannable) excluded.push({ itemId: u.id, name: u.id, reasons: [u.limit] });
      }
    }
    for (const d of input.planned ?? []) {
      for (let i = 0; i < d.submissions; i++) submissions.push({ day: d.day, files: 0, itemIds: [], acceptanceProbability: p });
    }
    const projection = projectPlan(
      outcomes,
      submissions.map((s) => ({ day: s.day, acceptanceProbability: s.acceptanceProbability })),
    );
    return {
      submissions,
      excluded,
      ...projection,
      assumption:
        input.acceptanceProbability === undefined
          ? `Each planned submission that passes the preflight is accepted with probability ${p.toFixed(2)}: (accepted + 1) ÷ (verdicts + 2) from your history.`
          : `Each planned submission is accepted with probability ${p.toFixed(2)} (as given).`,
      formulas: { acceptanceRate: ACCEPTANCE_RATE_FORMULA, standing: STANDING_FORMULA },
    };
  }
}
