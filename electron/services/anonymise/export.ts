import type { MethodOutput } from '../../../shared/api';
import { AppError } from '../../../shared/errors';
import { DETECTOR_VERSIONS } from '../../../shared/pii/detect';
import type { ReviewedDetection } from '../../../shared/pii/report';
import { buildReport } from '../../../shared/pii/report';
import type { TableReport } from '../../../shared/pii/tables';
import { MAX_REPORTED_GROUPS, typeFromHeader } from '../../../shared/pii/tables';
import { reportHash, type VersionContent, type VersionService } from '../library/version-service';
import { decisionOf } from './detections';
import type { ItemInfo, ReviewContext, ReviewRow } from './review-context';
import type { SecretStore } from './secret-store';
import type { TableReview } from './table-review';
import { usesKey, type TextAnonymiser } from './text-anonymiser';
import { runInWorker } from './worker-client';

/** Export: the anonymised version of an item, made from its original (which stays as it is), with its report. */
export class AnonymiseExport {
  constructor(
    private readonly ctx: ReviewContext,
    private readonly versions: VersionService,
    private readonly secrets: SecretStore,
    private readonly workerPath: string | undefined,
    private readonly anonymiser: TextAnonymiser,
    private readonly tables: TableReview,
  ) {}

  /**
   * A text's anonymised version; detections nobody decided on are replaced, unless the policy
   * says to refuse. `review` is the row read before export ran detection itself (if it had to);
   * its detector versions are then missing, and the current ones, which that run stored, stand in.
   */
  async exportText(item: ItemInfo, review: ReviewRow | undefined): Promise<MethodOutput<'anonymise.export'>> {
    const done = await this.anonymiser.anonymiseText(item);
    const appliedIds = new Set(done.applied.map((s) => s.id));
    const pending = done.rows.filter((r) => decisionOf(r) === 'pending');
    if (done.policy.anonymisation.pendingAtExport === 'refuse' && pending.length > 0) {
      throw new AppError(
        'conflict',
        `${pending.length} detections are still undecided, and this Datanet wants every one decided before export.`,
        {
          pending: pending.length,
        },
      );
    }
    const reviewed: ReviewedDetection[] = done.rows.map((r) => {
      const decision = decisionOf(r);
      const reviewedDetection: ReviewedDetection = {
        type: r.retyped_as ?? r.type,
        start: r.start_offset,
        end: r.end_offset,
        // The report never carries the personal data itself.
        text: '',
        confidence: r.confidence,
        reason: r.reason,
        detector: r.detector,
        decision: r.origin === 'reviewer' ? 'added' : decision === 'rejected' ? 'rejected' : 'accepted',
      };
      if (r.retyped_as !== null) reviewedDetection.originalType = r.type;
      return reviewedDetection;
    });
    const report = buildReport({
      inputText: done.text,
      outputText: done.result.text,
      reviewed,
      replacements: done.result.replacements.filter((r) => r.detectionId === undefined || appliedIds.has(r.detectionId)),
      policy: done.policy.anonymisation.operators,
      detectorVersions: review?.detectors && Object.keys(review.detectors).length > 0 ? review.detectors : DETECTOR_VERSIONS,
      minConfidence: done.minConfidence,
      createdAt: new Date().toISOString(),
    });
    return this.storeVersion(item, { kind: 'text', text: done.result.text }, report);
  }

  /** A table's anonymised version after its column policies; refused while k-anonymity is not met. */
  async exportTable(item: ItemInfo): Promise<MethodOutput<'anonymise.export'>> {
    const { ctx, tables } = this;
    const policy = await ctx.policy(item);
    const { review, policies } = await tables.columnState(item);
    const table = await ctx.originalTable(item);
    const k = tables.kCheckOf(table, policies, policy.anonymisation.k);
    if (!k.isSatisfied) {
      throw new AppError(
        'k_anonymity_violation',
        `${k.violationsTotal} group(s) of rows share quasi-identifier values with fewer than ${k.k} rows; generalise or drop columns, then export again.`,
        {
          k: k.k,
          quasiIdentifiers: k.quasiIdentifiers,
          groups: k.violations.slice(0, MAX_REPORTED_GROUPS),
          groupsTotal: k.violationsTotal,
          rowsAtRisk: k.rowsAtRisk,
        },
      );
    }
    const stats = new Map((review?.column_stats ?? []).map((s) => [s.column, s]));
    const operators = policy.anonymisation.operators;
    const needsKey = policies.some((p) => p.action === 'pseudonym') || (policies.some((p) => p.action === 'spans') && usesKey(operators));
    const key = needsKey ? await this.secrets.getOrCreate(`pseudonym-${item.datanetId}`) : undefined;
    const reply = await runInWorker(this.workerPath, {
      type: 'transformTable',
      columns: table.columns,
      rows: table.rows,
      policies,
      operators,
      key,
      subject: `item:${item.id}`,
      minConfidence: await ctx.threshold(item, review),
      columnTypes: Object.fromEntries(table.columns.map((c) => [c, stats.get(c)?.types[0]?.type ?? typeFromHeader(c)])),
    });
    if (reply.type !== 'transformed') throw new AppError('internal', 'Unexpected reply from the anonymisation worker.');
    const report: TableReport = {
      version: 1,
      kind: 'table',
      createdAt: new Date().toISOString(),
      input: { rows: table.rows.length, columns: table.columns.length },
      output: { rows: reply.rows.length, columns: reply.columns.length },
      columns: policies.map((p) => ({
        column: p.column,
        action: p.action,
        generalisation: p.generalisation,
        isQuasiIdentifier: p.isQuasiIdentifier,
        detected: Object.fromEntries((stats.get(p.column)?.types ?? []).map((t) => [t.type, t.count])),
        changedCells: p.action === 'drop' ? table.rows.length : (reply.changedCells[p.column] ?? 0),
      })),
      kAnonymity: { k: k.k, quasiIdentifiers: k.quasiIdentifiers, smallestGroup: k.smallestGroup, groupCount: k.groupCount },
      leftIn: policies
        .filter((p) => p.action === 'keep' && (stats.get(p.column)?.detectedCells ?? 0) > 0)
        .map((p) => ({ column: p.column, reason: 'kept by the reviewer although detections were found' })),
      detectors: review?.detectors && Object.keys(review.detectors).length > 0 ? review.detectors : { ...DETECTOR_VERSIONS },
    };
    return this.storeVersion(item, { kind: 'table', columns: reply.columns, rows: reply.rows }, report);
  }

  /** Stores the anonymised version made from the original (or finds it unchanged) with its report. */
  private async storeVersion<R extends MethodOutput<'anonymise.export'>['report']>(
    item: ItemInfo,
    content: VersionContent,
    report: R,
  ): Promise<MethodOutput<'anonymise.export'>> {
    const version = await this.versions.create({
      itemId: item.id,
      kind: 'anonymised',
      content,
      report,
      parentVersionId: null,
      reuseIfUnchanged: true,
    });
    this.ctx.touch(item.id);
    // An unchanged re-export returns the stored version, whose report carries its own createdAt.
    const stored = (version.report ?? report) as R;
    return { itemId: item.id, versionId: version.id, report: stored, reportHash: version.reportHash ?? reportHash(stored) };
  }
}
