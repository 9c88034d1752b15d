import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Dispatcher } from '../../shared/api/dispatcher';
import type { MethodName, MethodOutput } from '../../shared/api/index';
import { AppError, isAppError } from '../../shared/errors';
import type { RewardsOptions } from '../services/rewards/rewards-service';

/** Usage line of the rewards command (README.md, Command line). */
export const REWARDS_USAGE = `  rewards [--network FILE.json] [--confirmations N] [--offline]
  (syncs the rewards index, then prints {address, balance, earned, acceptanceRate, standing, files: [...]})`;

/** Options of this command that take a value (`--network` is shared with submit). */
export const REWARDS_VALUED = ['network', 'confirmations'];

async function call<M extends MethodName>(dispatch: Dispatcher, method: M, input: unknown): Promise<MethodOutput<M>> {
  const reply = await dispatch(method, input);
  if (!reply.ok) throw AppError.fromData(reply.error);
  return reply.result as MethodOutput<M>;
}

/** The indexer settings the command line may change (`--confirmations N`). */
export function rewardsOptionsFrom(options: Map<string, string>): RewardsOptions | undefined {
  const raw = options.get('confirmations');
  if (raw === undefined) return undefined;
  const confirmations = Number(raw);
  if (!Number.isInteger(confirmations) || confirmations < 0)
    throw new AppError('invalid_input', '--confirmations must be a whole number ≥ 0.');
  return { confirmations };
}

/**
 * `rewards`: syncs the index (unless `--offline`, or the network cannot be reached: then the last
 * indexed figures, with `freshness` and `syncError` saying so) and prints one JSON object.
 */
export async function runRewardsCommand(
  command: string,
  options: Map<string, string>,
  dispatch: Dispatcher,
  print: (value: unknown) => void,
): Promise<boolean> {
  if (command !== 'rewards') return false;
  const networkFile = options.get('network');
  if (networkFile) {
    let json: string;
    try {
      json = await readFile(resolve(networkFile), 'utf8');
    } catch {
      throw new AppError('invalid_input', `--network ${networkFile}: no such file.`);
    }
    await call(dispatch, 'network.setProfile', { json });
  }
  await call(dispatch, 'network.get', {}).then(({ profile }) => {
    if (!profile) throw new AppError('unavailable', 'Choose a network first: --network FILE.json.');
  });
  await call(dispatch, 'wallet.address', {});
  let syncError: { code: string; message: string } | undefined;
  if (!options.has('offline')) {
    try {
      await call(dispatch, 'rewards.sync', {});
    } catch (error) {
      if (!isAppError(error) || error.code !== 'unavailable') throw error;
      syncError = { code: error.code, message: error.message };
    }
  }
  const summary = await call(dispatch, 'rewards.summary', { isBalanceLive: !options.has('offline') && !syncError });
  const trail = await call(dispatch, 'rewards.trail', {});
  print({
    address: summary.address,
    balance: summary.balance?.amount ?? null,
    earned: summary.earned,
    acceptanceRate: summary.acceptanceRate,
    standing: summary.standing,
    files: trail.map((r) => ({
      file: r.fileName,
      itemId: r.itemId,
      datanetId: r.datanetId,
      submissionId: r.submissionId,
      manifestHash: r.manifestHash,
      contentHash: r.contentHash,
      verdict: r.verdict ? (r.verdict.isAccepted ? 'accepted' : 'rejected') : null,
      reasonCode: r.verdict?.reasonCode ?? null,
      score: r.score,
      amount: r.amount,
      epochs: r.payments.map((p) => p.epoch),
    })),
    accepted: summary.accepted,
    rejected: summary.rejected,
    formulas: summary.formulas,
    isBalanceLive: summary.balance?.isLive ?? false,
    freshness: summary.freshness,
    ...(syncError ? { syncError } : {}),
  });
  return true;
}
