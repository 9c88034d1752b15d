import type { Preview } from '../../../../shared/api/anonymise';
import type { EntityType } from '../../../../shared/pii/types';
import { OPERATOR_NAMES, TYPE_NAMES, typeColour } from './entity-style';

/** Runs of a text with the replaced stretches marked, for one side of the comparison. */
function markedRuns(text: string, offset: number, spans: { start: number; end: number; type: EntityType; title: string }[]) {
  const runs: { key: number; text: string; span?: (typeof spans)[number] }[] = [];
  let at = offset;
  for (const s of spans) {
    const a = Math.max(s.start, offset);
    const b = Math.min(s.end, offset + text.length);
    if (b <= a || a < at) continue;
    if (a > at) runs.push({ key: at, text: text.slice(at - offset, a - offset) });
    runs.push({ key: a, text: text.slice(a - offset, b - offset), span: s });
    at = b;
  }
  if (at < offset + text.length) runs.push({ key: at, text: text.slice(at - offset) });
  return runs.map((r) =>
    r.span ? (
      <mark
        key={r.key}
        className="det det-accepted"
        data-type={r.span.type}
        style={{ ['--c' as string]: typeColour(r.span.type) }}
        title={r.span.title}
      >
        {r.text}
      </mark>
    ) : (
      <span key={r.key}>{r.text}</span>
    ),
  );
}

/** The original and the anonymised window next to each other, the replaced stretches marked on both. */
export function SideBySide({ preview }: { preview: Preview | null }) {
  if (!preview) return <p className="muted">Loading the preview…</p>;
  const reps = preview.replacements;
  return (
    <div className="anon-compare">
      <div>
        <h4>Original</h4>
        <div className="anon-text" role="region" aria-label="Original text">
          {markedRuns(
            preview.text,
            preview.window.start,
            reps.map((r) => ({ start: r.start, end: r.end, type: r.type, title: `${TYPE_NAMES[r.type]} → ${r.replacement}` })),
          )}
        </div>
      </div>
      <div>
        <h4>Anonymised</h4>
        <div className="anon-text" role="region" aria-label="Anonymised text">
          {markedRuns(
            preview.anonymised,
            preview.outputWindow.start,
            reps.map((r) => ({
              start: r.outputStart,
              end: r.outputEnd,
              type: r.type,
              title: `${TYPE_NAMES[r.type]}, ${OPERATOR_NAMES[r.operator]}`,
            })),
          )}
        </div>
      </div>
    </div>
  );
}
