import type { Policy } from '../../../../shared/policy';
import { MB } from '../../../../shared/policy';

type Change = { path: string; before: unknown; after: unknown };

const mb = (bytes: number): string => `${Math.round((bytes / MB) * 1000) / 1000} MB`;
const percent = (bps: number): string => `${bps / 100}%`;

function duration(seconds: number): string {
  if (seconds % 86_400 === 0) return `${seconds / 86_400} day${seconds === 86_400 ? '' : 's'}`;
  if (seconds % 3600 === 0) return `${seconds / 3600} hour${seconds === 3600 ? '' : 's'}`;
  if (seconds % 60 === 0) return `${seconds / 60} minute${seconds === 60 ? '' : 's'}`;
  return `${seconds} seconds`;
}

/** Each policy field people read, by its dotted path (shared/policy-diff.ts): its label and how its value reads. */
const FIELDS: Record<string, { label: string; show: (value: unknown) => string }> = {
  acceptedTypes: { label: 'Accepted file types', show: (v) => (v as string[]).map((t) => `.${t}`).join(', ') },
  maxFileBytes: { label: 'Largest file', show: (v) => mb(v as number) },
  'quota.bytesPerDay': { label: 'Per contributor per day', show: (v) => mb(v as number) },
  'quota.filesPerSubmission': { label: 'Files per submission', show: (v) => String(v) },
  'quota.filesPerDay': { label: 'Files per day', show: (v) => (v === null ? 'no limit' : String(v)) },
  'anonymisation.required': { label: 'Anonymisation', show: (v) => (v ? 'required before submission' : 'not required') },
  'anonymisation.minConfidence': { label: 'Detections shown from confidence', show: (v) => String(v) },
  'anonymisation.pendingAtExport': {
    label: 'Undecided detections at export',
    show: (v) => (v === 'accept' ? 'replaced' : 'export refused'),
  },
  'anonymisation.operators': { label: 'Replacement per entity type', show: (v) => JSON.stringify(v) },
  'anonymisation.k': { label: 'k-anonymity of tables', show: (v) => `every group at least ${String(v)} rows` },
  'review.minAccepts': { label: 'Review: accept votes needed', show: (v) => String(v) },
  'review.maxRejects': { label: 'Review: reject votes an accepted item may have', show: (v) => String(v) },
  'review.minRejects': { label: 'Review: reject votes that reject', show: (v) => String(v) },
  'dp.required': { label: 'Differential privacy for tables', show: (v) => (v ? 'required' : 'not required') },
  'dp.perRecordEpsilon': { label: 'Default ε per record', show: (v) => (v === null ? 'none' : String(v)) },
  'dp.delta': { label: 'δ per application', show: (v) => (v === null ? '0' : String(v)) },
  'dp.totalEpsilonCap': { label: 'ε cap per dataset', show: (v) => (v === null ? 'none' : String(v)) },
  'dp.datanetEpsilonCap': { label: 'ε cap for the whole Datanet', show: (v) => (v === null ? 'none' : String(v)) },
  'dp.totalDeltaCap': { label: 'δ cap', show: (v) => String(v) },
  'fees.maxFeePerGasGwei': { label: 'Fee cap per gas', show: (v) => (v === null ? "the member's own" : `${String(v)} gwei`) },
  'fees.maxTotalWeiPerSubmission': {
    label: 'Fee cap per submission',
    show: (v) => (v === null ? "the member's own" : `${String(v)} wei`),
  },
  'curation.ownerApproval': {
    label: 'Curator approval',
    show: (v) => (v ? 'accepted items wait for a curator' : 'not needed'),
  },
  'governance.join': { label: 'Joining', show: (v) => (v === 'open' ? 'open to anyone' : "needs a curator's approval") },
  'governance.electorate': {
    label: 'Who votes',
    show: (v) => (v === 'members' ? 'every member' : 'reviewers and contributors with at least one accepted item'),
  },
  'governance.weight': {
    label: 'Vote weight',
    show: (v) => (v === 'one-member-one-vote' ? 'one member, one vote' : 'by accepted contributions'),
  },
  'governance.quorumBps': { label: 'Quorum', show: (v) => `${percent(v as number)} of the electorate must vote` },
  'governance.thresholdBps': { label: 'Passes when yes is more than', show: (v) => `${percent(v as number)} of the votes cast` },
  'governance.votingPeriodSeconds': { label: 'Voting period', show: (v) => duration(v as number) },
};

function fieldOf(path: string): { label: string; show: (value: unknown) => string } {
  return FIELDS[path] ?? { label: path, show: (v) => JSON.stringify(v) };
}

/** A Datanet's policy in words: limits, accepted types, anonymisation, DP, review and governance. */
export function PolicySummary({ policy }: { policy: Policy }) {
  const sections: [string, string[]][] = [
    ['Limits', ['acceptedTypes', 'maxFileBytes', 'quota.bytesPerDay', 'quota.filesPerSubmission', 'quota.filesPerDay']],
    ['Anonymisation', ['anonymisation.required', 'anonymisation.pendingAtExport', 'anonymisation.k']],
    ['Differential privacy', ['dp.required', 'dp.perRecordEpsilon', 'dp.totalEpsilonCap', 'dp.datanetEpsilonCap']],
    ['Review', ['review.minAccepts', 'review.maxRejects', 'review.minRejects', 'curation.ownerApproval']],
    [
      'Governance',
      [
        'governance.join',
        'governance.electorate',
        'governance.weight',
        'governance.quorumBps',
        'governance.thresholdBps',
        'governance.votingPeriodSeconds',
      ],
    ],
  ];
  const valueAt = (path: string): unknown =>
    path.split('.').reduce<unknown>((v, key) => (v as Record<string, unknown> | undefined)?.[key], policy);
  return (
    <div className="policy-summary" aria-label="Policy in words">
      {sections.map(([title, paths]) => (
        <section key={title} aria-label={title}>
          <h3>{title}</h3>
          <dl>
            {paths.map((path) => (
              <div key={path} className="policy-field">
                <dt>{fieldOf(path).label}</dt>
                <dd data-path={path}>{fieldOf(path).show(valueAt(path))}</dd>
              </div>
            ))}
          </dl>
        </section>
      ))}
    </div>
  );
}

/** A field-by-field policy diff, each field in words: "Largest file: 10 MB → 2 MB". */
export function PolicyChanges({ changes, label = 'Policy changes' }: { changes: readonly Change[]; label?: string }) {
  if (changes.length === 0) return <p className="muted">No field changes.</p>;
  return (
    <ul className="policy-changes" aria-label={label}>
      {changes.map((c) => {
        const field = fieldOf(c.path);
        return (
          <li key={c.path} data-path={c.path}>
            <span className="label">{field.label}</span>: <span className="before">{field.show(c.before)}</span> →{' '}
            <span className="after">{field.show(c.after)}</span>
          </li>
        );
      })}
    </ul>
  );
}
