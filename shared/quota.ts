import { AppError } from './errors';
import type { Policy } from './policy';

/**
 * Quota arithmetic shared by the app (before a submission is built) and the validator (when it
 * arrives), so that both refuse the same things.
 *
 * Day boundary: the UTC calendar day. A day's quota resets at 00:00:00.000 UTC. The validator
 * counts a submission on the UTC day it receives it; the app counts on the UTC day it sends it,
 * which can only make the app stricter than the validator, never looser.
 *
 * Usage counts every submission the validator could attribute to the contributor (its signature
 * verified), accepted or rejected, except one refused for quota itself. Resubmitting the same
 * manifest is idempotent and counts once.
 */
export type QuotaPolicy = Policy['quota'];

/** What one contributor has used of one Datanet's quota on one UTC day. */
export type QuotaUsage = { day: string; bytes: number; files: number };

/** The size of a submission as the quota sees it. */
export type SubmissionSize = { files: number; bytes: number };

export const QUOTA_LIMITS = ['files_per_submission', 'bytes_per_day', 'files_per_day'] as const;
export type QuotaLimit = (typeof QUOTA_LIMITS)[number];

export type QuotaReason = {
  limit: QuotaLimit;
  /** The policy's limit. */
  max: number;
  /** Already used today (0 for the per-submission limit). */
  used: number;
  /** What this submission asks for. */
  requested: number;
  message: string;
};

export type QuotaCheck = { ok: boolean; reasons: QuotaReason[] };

const DAY_MS = 86_400_000;

/** The UTC day of an instant, as `YYYY-MM-DD`. */
export function utcDay(at: number | Date): string {
  const ms = typeof at === 'number' ? at : at.getTime();
  if (!Number.isFinite(ms)) throw new AppError('invalid_input', 'not a valid time');
  return new Date(ms).toISOString().slice(0, 10);
}

/** The instant (epoch ms) at which the UTC day containing `at` ends and quotas reset. */
export function nextResetAt(at: number | Date): number {
  const ms = typeof at === 'number' ? at : at.getTime();
  return (Math.floor(ms / DAY_MS) + 1) * DAY_MS;
}

/** The UTC day `n` days after `day`. */
export function addDays(day: string, n: number): string {
  return utcDay(Date.parse(`${day}T00:00:00.000Z`) + n * DAY_MS);
}

/** Usage on `day`: what is recorded if it is for that day, else nothing. */
export function usageOn(day: string, usage: QuotaUsage | undefined): QuotaUsage {
  return usage !== undefined && usage.day === day ? usage : { day, bytes: 0, files: 0 };
}

export type QuotaRemaining = {
  day: string;
  bytes: number;
  /** Files left today; null when the policy sets no per-day file limit. */
  files: number | null;
  filesPerSubmission: number;
  /** ISO time at which the day's quota resets. */
  resetsAt: string;
};

/** What is left of the quota at `now`, given what was used. */
export function remainingQuota(policy: QuotaPolicy, usage: QuotaUsage | undefined, now: number): QuotaRemaining {
  const day = utcDay(now);
  const used = usageOn(day, usage);
  return {
    day,
    bytes: Math.max(0, policy.bytesPerDay - used.bytes),
    files: policy.filesPerDay === null ? null : Math.max(0, policy.filesPerDay - used.files),
    filesPerSubmission: policy.filesPerSubmission,
    resetsAt: new Date(nextResetAt(now)).toISOString(),
  };
}

/**
 * Whether a submission fits the policy given today's usage. `usage` must be for the day the
 * submission counts on (see the module comment); pass undefined for a day with none.
 */
export function checkQuota(policy: QuotaPolicy, usage: QuotaUsage | undefined, submission: SubmissionSize): QuotaCheck {
  const used = usage ?? { day: '', bytes: 0, files: 0 };
  const reasons: QuotaReason[] = [];
  if (submission.files > policy.filesPerSubmission) {
    reasons.push({
      limit: 'files_per_submission',
      max: policy.filesPerSubmission,
      used: 0,
      requested: submission.files,
      message: `a submission may hold at most ${policy.filesPerSubmission} files; this one has ${submission.files}`,
    });
  }
  if (used.bytes + submission.bytes > policy.bytesPerDay) {
    reasons.push({
      limit: 'bytes_per_day',
      max: policy.bytesPerDay,
      used: used.bytes,
      requested: submission.bytes,
      message: `${submission.bytes} bytes would exceed the daily limit of ${policy.bytesPerDay} bytes (${used.bytes} used today)`,
    });
  }
  if (policy.filesPerDay !== null && used.files + submission.files > policy.filesPerDay) {
    reasons.push({
      limit: 'files_per_day',
      max: policy.filesPerDay,
      used: used.files,
      requested: submission.files,
      message: `${submission.files} files would exceed the daily limit of ${policy.filesPerDay} files (${used.files} used today)`,
    });
  }
  return { ok: reasons.length === 0, reasons };
}

export type PlannableItem = { id: string; bytes: number };
export type PlannedBatch = { day: string; itemIds: string[]; bytes: number };
export type UnplannableItem = { id: string; bytes: number; limit: QuotaLimit; message: string };
export type BatchPlan = { batches: PlannedBatch[]; unplannable: UnplannableItem[] };

/**
 * Splits a selection into submissions across UTC days, starting today with today's usage.
 * First fit in the selection's order: each day takes, in order, every remaining item that still
 * fits, so the user's priorities hold and a small item is not held back behind a large one.
 * Each day's items are cut into submissions of at most `filesPerSubmission` files.
 * An item larger than a whole day's byte quota can never be submitted and is reported instead.
 */
export function planBatches(policy: QuotaPolicy, usage: QuotaUsage | undefined, items: readonly PlannableItem[], now: number): BatchPlan {
  const unplannable: UnplannableItem[] = [];
  let pending: PlannableItem[] = [];
  for (const item of items) {
    if (item.bytes > policy.bytesPerDay) {
      unplannable.push({
        id: item.id,
        bytes: item.bytes,
        limit: 'bytes_per_day',
        message: `${item.bytes} bytes is more than a whole day's quota of ${policy.bytesPerDay} bytes`,
      });
    } else {
      pending.push(item);
    }
  }

  const batches: PlannedBatch[] = [];
  let day = utcDay(now);
  let used = usageOn(day, usage);
  while (pending.length > 0) {
    let bytesLeft = policy.bytesPerDay - used.bytes;
    let filesLeft = policy.filesPerDay === null ? Number.POSITIVE_INFINITY : policy.filesPerDay - used.files;
    const today: PlannableItem[] = [];
    const later: PlannableItem[] = [];
    for (const item of pending) {
      if (filesLeft > 0 && item.bytes <= bytesLeft) {
        today.push(item);
        bytesLeft -= item.bytes;
        filesLeft -= 1;
      } else {
        later.push(item);
      }
    }
    for (let i = 0; i < today.length; i += policy.filesPerSubmission) {
      const chunk = today.slice(i, i + policy.filesPerSubmission);
      batches.push({ day, itemIds: chunk.map((c) => c.id), bytes: chunk.reduce((s, c) => s + c.bytes, 0) });
    }
    pending = later;
    day = addDays(day, 1);
    used = { day, bytes: 0, files: 0 };
  }
  return { batches, unplannable };
}
