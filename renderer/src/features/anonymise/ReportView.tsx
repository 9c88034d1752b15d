import type { ExportResult } from '../../../../shared/api/anonymise';
import type { EntityType } from '../../../../shared/pii/types';
import { COLUMN_ACTION_NAMES, GENERALISATION_NAMES, OPERATOR_NAMES, TYPE_NAMES } from './entity-style';

/** The report stored with an anonymised version, and the hash a submission manifest carries. */
export function ReportView({ result }: { result: ExportResult }) {
  const { report } = result;
  return (
    <section className="anon-report" aria-label="Anonymisation report">
      <h3>Anonymised version created</h3>
      <dl className="facts wide-facts">
        <dt>Version</dt>
        <dd className="mono">{result.versionId}</dd>
        <dt>Report hash</dt>
        <dd className="mono" data-testid="report-hash">
          {result.reportHash}
        </dd>
      </dl>
      {'kind' in report ? (
        <>
          <p className="small">
            {report.input.rows} rows × {report.input.columns} columns in, {report.output.rows} rows × {report.output.columns} columns out.
            k-anonymity: k = {report.kAnonymity.k}
            {report.kAnonymity.quasiIdentifiers.length > 0
              ? `, smallest group ${report.kAnonymity.smallestGroup ?? '–'} over ${report.kAnonymity.quasiIdentifiers.join(', ')}`
              : ', no quasi-identifiers marked'}
            .
          </p>
          <table className="anon-table" aria-label="Columns in the report">
            <thead>
              <tr>
                <th>Column</th>
                <th>Action</th>
                <th>Quasi-id</th>
                <th>Detected</th>
                <th>Cells changed</th>
              </tr>
            </thead>
            <tbody>
              {report.columns.map((c) => (
                <tr key={c.column} data-column={c.column}>
                  <td>{c.column}</td>
                  <td>
                    {COLUMN_ACTION_NAMES[c.action]}
                    {c.generalisation ? ` (${GENERALISATION_NAMES[c.generalisation]})` : ''}
                  </td>
                  <td>{c.isQuasiIdentifier ? 'yes' : 'no'}</td>
                  <td>
                    {Object.entries(c.detected)
                      .map(([t, n]) => `${TYPE_NAMES[t as EntityType]} ${n}`)
                      .join(', ') || '–'}
                  </td>
                  <td>{c.changedCells}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <LeftIn items={report.leftIn.map((l) => ({ key: l.column, what: l.column, reason: l.reason }))} />
        </>
      ) : (
        <>
          <p className="small" data-testid="report-decisions">
            {report.decisions.accepted} accepted, {report.decisions.rejected} rejected, {report.decisions.added} added,{' '}
            {report.decisions.retyped} retyped; threshold {report.minConfidence}. {report.input.characters} characters in,{' '}
            {report.output.characters} out.
          </p>
          <table className="anon-table" aria-label="Counts per type">
            <thead>
              <tr>
                <th>Type</th>
                <th>Detected</th>
                <th>Accepted</th>
                <th>Rejected</th>
                <th>Added</th>
                <th>Retyped</th>
                <th>Replaced</th>
                <th>Operator</th>
              </tr>
            </thead>
            <tbody>
              {Object.entries(report.counts).map(([type, c]) => (
                <tr key={type} data-type={type}>
                  <td>{TYPE_NAMES[type as EntityType]}</td>
                  <td className="detected">{c.detected}</td>
                  <td className="accepted">{c.accepted}</td>
                  <td className="rejected">{c.rejected}</td>
                  <td className="added">{c.added}</td>
                  <td className="retyped">{c.retyped}</td>
                  <td className="replaced">{c.replaced}</td>
                  <td className="operator">{OPERATOR_NAMES[report.operators[type as EntityType] ?? 'placeholder']}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {report.fallbacks.length > 0 && (
            <ul className="small" aria-label="Fallbacks">
              {report.fallbacks.map((f, i) => (
                <li key={i}>
                  {TYPE_NAMES[f.type]}: {OPERATOR_NAMES[f.operator]} could not apply; {f.reason}
                </li>
              ))}
            </ul>
          )}
          <LeftIn
            items={report.leftIn.map((l) => ({
              key: `${l.type}-${l.reason}`,
              what: `${TYPE_NAMES[l.type]} × ${l.count}`,
              reason: l.reason,
            }))}
          />
        </>
      )}
      <p className="small muted">
        Detectors:{' '}
        {Object.entries(report.detectors)
          .map(([d, v]) => `${d} ${v}`)
          .join(', ') || '–'}
      </p>
    </section>
  );
}

function LeftIn({ items }: { items: { key: string; what: string; reason: string }[] }) {
  return (
    <div aria-label="Left in">
      <h4>Left in</h4>
      {items.length === 0 ? (
        <p className="small muted">Nothing detected was left in.</p>
      ) : (
        <ul className="small">
          {items.map((l) => (
            <li key={l.key}>
              {l.what}: {l.reason}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
