import type { MethodOutput, MethodParsedInput } from '../../../shared/api';
import { AppError } from '../../../shared/errors';
import type { AnonymisationPolicy, AnonymisedText, OperatorContext } from '../../../shared/pii/operators';
import { applyOperators, snapToGraphemes } from '../../../shared/pii/operators';
import type { EntityType } from '../../../shared/pii/types';
import type { Policy } from '../../../shared/policy';
import { DETECTION_SELECT, decisionOf, type DetectionRow } from './detections';
import { hmacSha256Hex } from './hmac';
import { textWindow, type ItemInfo, type ReviewContext } from './review-context';
import type { SecretStore } from './secret-store';

/** Whether the operators need the Datanet's pseudonym key (keyed pseudonyms, per-subject date shifts). */
export function usesKey(policy: AnonymisationPolicy): boolean {
  const kinds = [policy.default.kind, ...Object.values(policy.byType ?? {}).map((o) => o.kind)];
  return kinds.includes('pseudonym') || kinds.includes('date_shift');
}

/** What export replaces, after the reviewer's spans win over detections they overlap. */
export type AppliedSpan = { id: string; type: EntityType; start: number; end: number; origin: 'detector' | 'reviewer' };

export type AnonymisedItemText = {
  text: string;
  result: AnonymisedText;
  applied: AppliedSpan[];
  rows: DetectionRow[];
  minConfidence: number;
  policy: Policy;
};

/** A text with the policy's operators applied to the spans the review left in: what preview shows and export writes. */
export class TextAnonymiser {
  private previewCache: { itemId: string; revision: number; result: AnonymisedText; applied: AppliedSpan[] } | undefined;

  constructor(
    private readonly ctx: ReviewContext,
    private readonly secrets: SecretStore,
  ) {}

  /**
   * The spans export replaces: at or above the threshold, not rejected (pending ones count as
   * accepted, as the policy's export does), reviewer spans first, then detections that overlap
   * none of them. Offsets are widened to whole characters before overlaps are judged.
   */
  private async appliedSpans(
    item: ItemInfo,
    text: string,
    minConfidence: number,
  ): Promise<{ applied: AppliedSpan[]; rows: DetectionRow[] }> {
    const { rows } = await this.ctx.db.query<DetectionRow>(
      `${DETECTION_SELECT} where d.item_id = $1 and d.confidence >= $2 order by d.start_offset, d.end_offset`,
      [item.id, minConfidence],
    );
    const live = rows.filter((r) => decisionOf(r) !== 'rejected' && r.end_offset <= text.length);
    const snap = (r: DetectionRow): AppliedSpan => {
      const [start, end] = snapToGraphemes(text, r.start_offset, r.end_offset);
      return { id: r.id, type: r.retyped_as ?? r.type, start, end, origin: r.origin };
    };
    const reviewer: AppliedSpan[] = [];
    for (const span of live.filter((r) => r.origin === 'reviewer').map(snap)) {
      const last = reviewer[reviewer.length - 1];
      if (last !== undefined && span.start < last.end) last.end = Math.max(last.end, span.end);
      else reviewer.push(span);
    }
    const applied: AppliedSpan[] = [];
    let r = 0;
    let lastEnd = 0;
    for (const span of live.filter((x) => x.origin === 'detector').map(snap)) {
      while (r < reviewer.length && (reviewer[r] as AppliedSpan).end <= span.start) {
        applied.push(reviewer[r] as AppliedSpan);
        lastEnd = Math.max(lastEnd, (reviewer[r] as AppliedSpan).end);
        r++;
      }
      const next = reviewer[r];
      if (span.start < lastEnd || (next !== undefined && next.start < span.end)) continue;
      applied.push(span);
      lastEnd = span.end;
    }
    while (r < reviewer.length) applied.push(reviewer[r++] as AppliedSpan);
    applied.sort((a, b) => a.start - b.start);
    return { applied, rows };
  }

  private async operatorContext(item: ItemInfo, policy: Policy, subject: string): Promise<OperatorContext> {
    if (!usesKey(policy.anonymisation.operators)) return { subject };
    return { hmac: hmacSha256Hex, key: await this.secrets.getOrCreate(`pseudonym-${item.datanetId}`), subject };
  }

  /**
   * Whose dates these are: the person the document names most often among the spans applied,
   * so that the notes of one patient shift alike; the item itself when it names nobody.
   */
  private subjectOf(item: ItemInfo, text: string, applied: readonly AppliedSpan[]): string {
    const tally = new Map<string, number>();
    for (const s of applied) {
      if (s.type !== 'PERSON') continue;
      const key = text.slice(s.start, s.end).toLowerCase().replace(/\s+/g, ' ').trim();
      tally.set(key, (tally.get(key) ?? 0) + 1);
    }
    let best: string | undefined;
    let bestN = 0;
    for (const [k, n] of tally) if (n > bestN || (n === bestN && best !== undefined && k < best)) [best, bestN] = [k, n];
    return best !== undefined ? `person:${best}` : `item:${item.id}`;
  }

  /** The item's original text anonymised as the review stands now, with the spans and rows it was made from. */
  async anonymiseText(item: ItemInfo): Promise<AnonymisedItemText> {
    const { ctx } = this;
    const policy = await ctx.policy(item);
    const text = await ctx.text(item);
    const minConfidence = await ctx.threshold(item);
    const { applied, rows } = await this.appliedSpans(item, text, minConfidence);
    const opCtx = await this.operatorContext(item, policy, this.subjectOf(item, text, applied));
    const result = applyOperators(text, applied, policy.anonymisation.operators, opCtx);
    return { text, result, applied, rows, minConfidence, policy };
  }

  /** The anonymised text for a window of the original, with both sides' offsets. */
  async preview(input: MethodParsedInput<'anonymise.preview'>): Promise<MethodOutput<'anonymise.preview'>> {
    const item = await this.ctx.item(input.itemId);
    if (item.kind !== 'text') throw new AppError('invalid_input', 'Tables have no text preview; see their column policies.');
    const revision = this.ctx.revision(item.id);
    let cached = this.previewCache;
    if (cached === undefined || cached.itemId !== item.id || cached.revision !== revision) {
      const done = await this.anonymiseText(item);
      cached = { itemId: item.id, revision, result: done.result, applied: done.applied };
      this.previewCache = cached;
    }
    const text = await this.ctx.text(item);
    const win = textWindow(text.length, input.start, input.end);
    const reps = cached.result.replacements;
    // Widen the window so that it cuts no replacement in half: both panes then show whole spans.
    let start = win.start;
    let end = win.end;
    const inWindow = reps.filter((r) => r.end > start && r.start < end);
    const first = inWindow[0];
    const last = inWindow[inWindow.length - 1];
    if (first !== undefined && first.start < start) start = first.start;
    if (last !== undefined && last.end > end) end = last.end;
    const outputAt = (offset: number): number => {
      // Output position of an original offset that lies outside every replacement.
      let lo = 0;
      let hi = reps.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if ((reps[mid] as (typeof reps)[number]).end <= offset) lo = mid + 1;
        else hi = mid;
      }
      const before = reps[lo - 1];
      return before === undefined ? offset : before.outputEnd + (offset - before.end);
    };
    const outStart = outputAt(start);
    const outEnd = outputAt(end);
    return {
      itemId: item.id,
      textLength: text.length,
      outputLength: cached.result.text.length,
      window: { start, end },
      text: text.slice(start, end),
      outputWindow: { start: outStart, end: outEnd },
      anonymised: cached.result.text.slice(outStart, outEnd),
      replacements: inWindow.map((r) => ({
        detectionId: r.detectionId ?? null,
        type: r.type,
        start: r.start,
        end: r.end,
        outputStart: r.outputStart,
        outputEnd: r.outputEnd,
        operator: r.operator,
        replacement: r.replacement,
      })),
    };
  }
}
