import { randomUUID } from 'node:crypto';
import type { MethodInput, MethodOutput, MethodParsedInput } from '../../../shared/api';
import type { DetectionDecision } from '../../../shared/api/anonymise';
import { AppError } from '../../../shared/errors';
import { operatorFor, snapToGraphemes } from '../../../shared/pii/operators';
import type { EntityType } from '../../../shared/pii/types';
import { ENTITY_TYPES } from '../../../shared/pii/types';
import { DETECTION_SELECT, readDetectionRow, toReviewDetection, type DetectionRow } from './detections';
import { textWindow, type ReviewContext } from './review-context';

/** The human review of a text, span by span: what was detected, the reviewer's decisions, added spans and the threshold. */
export class TextReview {
  constructor(private readonly ctx: ReviewContext) {}

  /** The review state of an item for a window of its text. */
  async review(input: MethodInput<'anonymise.review'>): Promise<MethodOutput<'anonymise.review'>> {
    const { ctx } = this;
    const item = await ctx.item(input.itemId);
    const policy = await ctx.policy(item);
    const review = await ctx.reviewRow(item.id);
    const minConfidence = review?.min_confidence ?? policy.anonymisation.minConfidence;
    const operators = policy.anonymisation.operators;
    const common = {
      itemId: item.id,
      kind: item.kind,
      state: ctx.runningItems.has(item.id) ? ('running' as const) : review?.detected_at ? ('ready' as const) : ('none' as const),
      detectedAt: review?.detected_at?.toISOString() ?? null,
      detectors: review?.detectors ?? {},
      minConfidence,
      operators: Object.fromEntries(ENTITY_TYPES.map((t) => [t, operatorFor(operators, t).kind])),
      defaultOperator: operators.default.kind,
      isRequired: policy.anonymisation.required,
      latestVersion: await ctx.latestVersion(item.id),
    };
    if (item.kind === 'table') {
      return {
        ...common,
        textLength: 0,
        window: { start: 0, end: 0 },
        text: '',
        detections: [],
        counts: [],
        totalDetections: 0,
        belowThreshold: 0,
      };
    }
    const text = await ctx.text(item);
    const win = textWindow(text.length, input.start, input.end);
    const { rows } = await ctx.db.query<DetectionRow>(
      `${DETECTION_SELECT} where d.item_id = $1 and d.confidence >= $2 and d.start_offset < $4 and d.end_offset > $3
       order by d.start_offset, d.end_offset`,
      [item.id, minConfidence, win.start, win.end],
    );
    const { rows: countRows } = await ctx.db.query<{ type: EntityType; decision: DetectionDecision; n: number }>(
      `select coalesce(dc.retyped_as, d.type) as type,
         coalesce(dc.decision, case when d.origin = 'reviewer' then 'accepted' else 'pending' end) as decision, count(*)::int as n
       from anonymise_detections d left join anonymise_decisions dc on dc.item_id = d.item_id and dc.detection_id = d.id
       where d.item_id = $1 and d.confidence >= $2 group by 1, 2`,
      [item.id, minConfidence],
    );
    const { rows: below } = await ctx.db.query<{ n: number }>(
      'select count(*)::int as n from anonymise_detections where item_id = $1 and confidence < $2',
      [item.id, minConfidence],
    );
    const counts = new Map<EntityType, { type: EntityType; total: number; pending: number; accepted: number; rejected: number }>();
    let total = 0;
    for (const r of countRows) {
      const c = counts.get(r.type) ?? { type: r.type, total: 0, pending: 0, accepted: 0, rejected: 0 };
      c.total += r.n;
      c[r.decision] += r.n;
      total += r.n;
      counts.set(r.type, c);
    }
    return {
      ...common,
      textLength: text.length,
      window: win,
      text: input.includeText === false ? '' : text.slice(win.start, win.end),
      detections: rows.map((r) => toReviewDetection(r, text)),
      counts: ENTITY_TYPES.flatMap((t) => {
        const c = counts.get(t);
        return c ? [c] : [];
      }),
      totalDetections: total,
      belowThreshold: below[0]?.n ?? 0,
    };
  }

  /** Accepts, rejects or retypes one detection, or sets it back to pending. */
  async decide(input: MethodParsedInput<'anonymise.decide'>): Promise<MethodOutput<'anonymise.decide'>> {
    const { ctx } = this;
    const item = await ctx.item(input.itemId);
    const row = await readDetectionRow(ctx.db, item.id, input.detectionId);
    const retyped = input.retypeAs === undefined ? row.retyped_as : input.retypeAs === row.type ? null : input.retypeAs;
    const isDefault = input.decision === 'pending' || (row.origin === 'reviewer' && input.decision === 'accepted');
    if (isDefault && retyped === null) {
      await ctx.db.query('delete from anonymise_decisions where item_id = $1 and detection_id = $2', [item.id, row.id]);
    } else {
      // A retype of a pending detection accepts it: choosing a type is a judgement that it is personal data.
      const decision = input.decision === 'pending' ? 'accepted' : input.decision;
      await ctx.db.query(
        `insert into anonymise_decisions (item_id, detection_id, decision, retyped_as) values ($1, $2, $3, $4)
         on conflict (item_id, detection_id) do update set decision = $3, retyped_as = $4, decided_at = now()`,
        [item.id, row.id, decision, retyped],
      );
    }
    ctx.touch(item.id);
    const text = item.kind === 'text' ? await ctx.text(item) : undefined;
    return toReviewDetection(await readDetectionRow(ctx.db, item.id, row.id), text);
  }

  /** Sets the decision of every detection of one effective type at or above the threshold. */
  async decideType(input: MethodParsedInput<'anonymise.decideType'>): Promise<MethodOutput<'anonymise.decideType'>> {
    const { ctx } = this;
    const item = await ctx.item(input.itemId);
    const minConfidence = await ctx.threshold(item);
    const where = `d.item_id = $1 and d.confidence >= $2 and coalesce(dc.retyped_as, d.type) = $3`;
    const result = await ctx.db.transaction(async (tx) => {
      const { rows } = await tx.query<{ id: string; retyped_as: string | null; origin: string }>(
        `select d.id, dc.retyped_as, d.origin from anonymise_detections d
         left join anonymise_decisions dc on dc.item_id = d.item_id and dc.detection_id = d.id where ${where}`,
        [item.id, minConfidence, input.type],
      );
      const plain = rows.filter((r) => r.retyped_as === null).map((r) => r.id);
      const retyped = rows.filter((r) => r.retyped_as !== null).map((r) => r.id);
      if (input.decision === 'pending') {
        await tx.query('delete from anonymise_decisions where item_id = $1 and detection_id = any($2)', [item.id, plain]);
        // A retyped detection stays retyped (and so decided): pending would drop the reviewer's type.
      } else {
        await tx.query(
          `insert into anonymise_decisions (item_id, detection_id, decision) select $1, unnest($2::text[]), $3
           on conflict (item_id, detection_id) do update set decision = $3, decided_at = now()`,
          [item.id, [...plain, ...retyped], input.decision],
        );
      }
      return rows.length;
    });
    ctx.touch(item.id);
    return { changed: result };
  }

  /** Adds a span the detectors missed; it is accepted and wins over detections it overlaps. */
  async addSpan(input: MethodParsedInput<'anonymise.addSpan'>): Promise<MethodOutput<'anonymise.addSpan'>> {
    const { ctx } = this;
    const item = await ctx.item(input.itemId);
    if (item.kind !== 'text') throw new AppError('invalid_input', 'Spans are added to texts; tables are anonymised per column.');
    const text = await ctx.text(item);
    if (input.end <= input.start || input.end > text.length) {
      throw new AppError(
        'invalid_input',
        `The span [${input.start}, ${input.end}) is empty or outside the text (${text.length} characters).`,
      );
    }
    const [start, end] = snapToGraphemes(text, input.start, input.end);
    if (text.slice(start, end).trim().length === 0) throw new AppError('invalid_input', 'The span holds only white space.');
    const id = `reviewer:${randomUUID()}`;
    await ctx.db.transaction(async (tx) => {
      await tx.query(`insert into anonymise_reviews (item_id) values ($1) on conflict (item_id) do nothing`, [item.id]);
      await tx.query(
        `insert into anonymise_detections (item_id, id, origin, type, start_offset, end_offset, confidence, reason, detector)
         values ($1, $2, 'reviewer', $3, $4, $5, 1, 'added by the reviewer', 'reviewer')`,
        [item.id, id, input.type, start, end],
      );
    });
    ctx.touch(item.id);
    return toReviewDetection(await readDetectionRow(ctx.db, item.id, id), text);
  }

  /** Removes a span the reviewer added. */
  async removeSpan(input: MethodParsedInput<'anonymise.removeSpan'>): Promise<MethodOutput<'anonymise.removeSpan'>> {
    const { ctx } = this;
    const item = await ctx.item(input.itemId);
    const row = await readDetectionRow(ctx.db, item.id, input.detectionId);
    if (row.origin !== 'reviewer')
      throw new AppError('invalid_input', 'Only spans a reviewer added can be removed; reject a detection instead.');
    await ctx.db.transaction(async (tx) => {
      await tx.query('delete from anonymise_decisions where item_id = $1 and detection_id = $2', [item.id, row.id]);
      await tx.query('delete from anonymise_detections where item_id = $1 and id = $2', [item.id, row.id]);
    });
    ctx.touch(item.id);
    return { removed: true };
  }

  /** Sets the item's confidence threshold. */
  async setThreshold(input: MethodParsedInput<'anonymise.setThreshold'>): Promise<MethodOutput<'anonymise.setThreshold'>> {
    const { ctx } = this;
    const item = await ctx.item(input.itemId);
    await ctx.db.query(
      `insert into anonymise_reviews (item_id, min_confidence) values ($1, $2)
       on conflict (item_id) do update set min_confidence = $2, updated_at = now()`,
      [item.id, input.minConfidence],
    );
    const { rows } = await ctx.db.query<{ n: number }>(
      'select count(*)::int as n from anonymise_detections where item_id = $1 and confidence >= $2',
      [item.id, input.minConfidence],
    );
    ctx.touch(item.id);
    return { itemId: item.id, minConfidence: input.minConfidence, totalDetections: rows[0]?.n ?? 0 };
  }
}
