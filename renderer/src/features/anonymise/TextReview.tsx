import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type { DetectionDecision, ExportResult, Preview, ReviewDetection, ReviewState } from '../../../../shared/api/anonymise';
import type { AppError } from '../../../../shared/errors';
import { findInWindow, REVIEW_PAGE_SIZE, safePageEnd, segmentWindow } from '../../../../shared/pii/review-segments';
import { ENTITY_TYPES, type EntityType } from '../../../../shared/pii/types';
import { useApi, useEvent } from '../../api/ApiContext';
import { EmptyState } from '../../components/EmptyState';
import { ErrorNote, toAppError } from '../../components/ErrorNote';
import { OPERATOR_NAMES, percent, TYPE_NAMES, typeColour } from './entity-style';
import { ReportView } from './ReportView';
import { useDetectionRun } from './useDetectionRun';
import { DetectionToolbar } from './DetectionToolbar';

const PAGE_SIZE = REVIEW_PAGE_SIZE;

type Page = { start: number; end: number; text: string; textLength: number };
type Selected = { start: number; end: number; text: string };
type UndoStep = { kind: 'decide'; id: string; decision: DetectionDecision; retypedAs: EntityType | null } | { kind: 'add'; id: string };

/** The absolute text offset of a DOM position inside the rendered page, through the runs' data-start attributes. */
function offsetOf(root: HTMLElement, node: Node, offset: number): number | null {
  if (!root.contains(node)) return null;
  if (node.nodeType === Node.TEXT_NODE) {
    const run = node.parentElement?.closest<HTMLElement>('[data-start]');
    if (!run || !root.contains(run)) return null;
    // Each run holds exactly one text node, and DOM offsets in text nodes are UTF-16 code units, like the contract's.
    return Number(run.dataset.start) + offset;
  }
  if (!(node instanceof HTMLElement)) return null;
  if (node !== root && node.dataset.start !== undefined) {
    return Number(node.dataset.start) + (offset === 0 ? 0 : (node.textContent ?? '').length);
  }
  const runs = [...root.querySelectorAll<HTMLElement>('[data-start]')];
  const child = node.childNodes[offset];
  const after =
    child instanceof HTMLElement ? (child.dataset.start !== undefined ? child : child.querySelector<HTMLElement>('[data-start]')) : null;
  if (after) return Number(after.dataset.start);
  const last = runs[runs.length - 1];
  return last ? Number(last.dataset.start) + (last.textContent ?? '').length : null;
}

/** The DOM position of an absolute offset on the rendered page. */
function positionOf(root: HTMLElement, offset: number): { node: Node; offset: number } | null {
  for (const run of root.querySelectorAll<HTMLElement>('[data-start]')) {
    const start = Number(run.dataset.start);
    const length = (run.textContent ?? '').length;
    if (offset >= start && offset <= start + length && run.firstChild) return { node: run.firstChild, offset: offset - start };
  }
  return null;
}

/** Review of a text item: detections highlighted by type, decisions, added spans, threshold, side-by-side preview and export. */
export function TextReview({ itemId, onExported }: { itemId: string; onExported?: () => void }) {
  const api = useApi();
  const detection = useDetectionRun(itemId);
  const [pageStart, setPageStart] = useState(0);
  const [page, setPage] = useState<Page | null>(null);
  const [review, setReview] = useState<ReviewState | null>(null);
  const [error, setError] = useState<AppError | null>(null);
  const [currentId, setCurrentId] = useState<string | null>(null);
  const [hover, setHover] = useState<{ id: string; left: number; top: number } | null>(null);
  const [selected, setSelected] = useState<Selected | null>(null);
  const [addType, setAddType] = useState<EntityType>('PERSON');
  const [findQuery, setFindQuery] = useState('');
  const [isFindMiss, setFindMiss] = useState(false);
  const [mode, setMode] = useState<'review' | 'compare'>('review');
  const [preview, setPreview] = useState<Preview | null>(null);
  const [exported, setExported] = useState<ExportResult | null>(null);
  const [isExporting, setIsExporting] = useState(false);
  const [threshold, setThreshold] = useState<number | null>(null);
  const [undo, setUndo] = useState<UndoStep[]>([]);
  const textRef = useRef<HTMLDivElement>(null);
  const retypeRef = useRef<HTMLSelectElement>(null);
  const thresholdTimer = useRef<number | undefined>(undefined);

  const fail = useCallback((e: unknown) => setError(toAppError(e)), []);

  const loadPage = useCallback(async () => {
    const state = await api.call('anonymise.review', { itemId, start: pageStart, end: pageStart + PAGE_SIZE });
    const end = safePageEnd(state.text, state.window.start, state.textLength);
    setPage({ start: state.window.start, end, text: state.text.slice(0, end - state.window.start), textLength: state.textLength });
    setReview(state);
    setThreshold((t) => t ?? state.minConfidence);
  }, [api, itemId, pageStart]);

  // The text of a page never changes; decisions do, so refreshes skip the text.
  const refresh = useCallback(async () => {
    if (!page) return;
    try {
      const state = await api.call('anonymise.review', { itemId, start: page.start, end: page.end, includeText: false });
      setReview(state);
      if (mode === 'compare') setPreview(await api.call('anonymise.preview', { itemId, start: page.start, end: page.end }));
    } catch (e) {
      fail(e);
    }
  }, [api, itemId, page, mode, fail]);

  useEffect(() => {
    loadPage().catch(fail);
  }, [loadPage, fail]);

  useEvent(
    'anonymise.changed',
    useCallback((p: { itemId: string }) => p.itemId === itemId && void refresh(), [itemId, refresh]),
  );

  useEffect(() => {
    if (mode !== 'compare' || !page) return;
    api.call('anonymise.preview', { itemId, start: page.start, end: page.end }).then(setPreview, fail);
  }, [api, itemId, mode, page, fail]);

  // A finished detection run brings new detections: read the page again.
  const lastOutcome = useRef(detection.run.outcome);
  useEffect(() => {
    if (detection.run.outcome !== lastOutcome.current) {
      lastOutcome.current = detection.run.outcome;
      loadPage().catch(fail);
    }
  }, [detection.run.outcome, loadPage, fail]);

  const detections = useMemo(() => review?.detections ?? [], [review]);
  const byId = useMemo(() => new Map(detections.map((d) => [d.id, d])), [detections]);
  const segments = useMemo(() => (page ? segmentWindow(page.start, page.end, detections) : []), [page, detections]);
  const firstRunOf = useMemo(() => {
    const first = new Map<string, number>();
    for (const s of segments) for (const id of s.ids) if (!first.has(id)) first.set(id, s.start);
    return first;
  }, [segments]);

  useEffect(() => {
    const onSelection = (): void => {
      const root = textRef.current;
      const sel = document.getSelection();
      if (!root || !sel || sel.rangeCount === 0 || !sel.anchorNode || !sel.focusNode) return;
      if (!root.contains(sel.anchorNode) || !root.contains(sel.focusNode)) return;
      if (sel.isCollapsed) return setSelected(null);
      const a = offsetOf(root, sel.anchorNode, sel.anchorOffset);
      const b = offsetOf(root, sel.focusNode, sel.focusOffset);
      if (a === null || b === null || a === b || !page) return;
      const start = Math.min(a, b);
      const end = Math.max(a, b);
      setSelected({ start, end, text: page.text.slice(start - page.start, end - page.start) });
    };
    document.addEventListener('selectionchange', onSelection);
    return () => document.removeEventListener('selectionchange', onSelection);
  }, [page]);

  const focusDetection = (id: string): void => {
    const at = firstRunOf.get(id);
    if (at !== undefined) textRef.current?.querySelector<HTMLElement>(`[data-start="${at}"]`)?.focus();
    // After the focus: a detection covered by another shares its run, whose focus handler names the other one.
    setCurrentId(id);
  };

  const replaceDetection = (next: ReviewDetection): void =>
    setReview((r) => r && { ...r, detections: r.detections.map((d) => (d.id === next.id ? next : d)) });

  const decide = async (id: string, decision: DetectionDecision, retypeAs?: EntityType | null, isUndo = false): Promise<void> => {
    const before = byId.get(id);
    setError(null);
    try {
      const next = await api.call('anonymise.decide', {
        itemId,
        detectionId: id,
        decision,
        ...(retypeAs !== undefined ? { retypeAs } : {}),
      });
      replaceDetection(next);
      if (before && !isUndo)
        setUndo((u) => [...u.slice(-49), { kind: 'decide', id, decision: before.decision, retypedAs: before.retypedAs }]);
    } catch (e) {
      fail(e);
    }
  };

  const decideType = async (type: EntityType, decision: DetectionDecision): Promise<void> => {
    setError(null);
    try {
      await api.call('anonymise.decideType', { itemId, type, decision });
      // A bulk change is not undone step by step: its own inverse is the other bulk button or "pending".
      setUndo([]);
    } catch (e) {
      fail(e);
    }
  };

  const addSpan = async (): Promise<void> => {
    if (!selected) return;
    setError(null);
    try {
      const added = await api.call('anonymise.addSpan', { itemId, start: selected.start, end: selected.end, type: addType });
      setUndo((u) => [...u.slice(-49), { kind: 'add', id: added.id }]);
      setSelected(null);
      document.getSelection()?.removeAllRanges();
      setCurrentId(added.id);
    } catch (e) {
      fail(e);
    }
  };

  const removeSpan = async (id: string): Promise<void> => {
    setError(null);
    try {
      await api.call('anonymise.removeSpan', { itemId, detectionId: id });
      setCurrentId(null);
    } catch (e) {
      fail(e);
    }
  };

  const undoLast = async (): Promise<void> => {
    const step = undo[undo.length - 1];
    if (!step) return;
    setUndo((u) => u.slice(0, -1));
    if (step.kind === 'add') await removeSpan(step.id);
    else await decide(step.id, step.decision, step.retypedAs, true);
  };

  const find = (): void => {
    const root = textRef.current;
    if (!root || !page) return;
    const from = selected ? selected.end : page.start;
    const hit = findInWindow(page.text, page.start, findQuery, from);
    setFindMiss(hit === null);
    if (!hit) return;
    const a = positionOf(root, hit.start);
    const b = positionOf(root, hit.end);
    if (a && b) {
      document.getSelection()?.setBaseAndExtent(a.node, a.offset, b.node, b.offset);
      (a.node.parentElement as HTMLElement | null)?.scrollIntoView({ block: 'nearest' });
    }
    setSelected({ ...hit, text: page.text.slice(hit.start - page.start, hit.end - page.start) });
  };

  const commitThreshold = (value: number): void => {
    setThreshold(value);
    window.clearTimeout(thresholdTimer.current);
    thresholdTimer.current = window.setTimeout(() => {
      api.call('anonymise.setThreshold', { itemId, minConfidence: value }).catch(fail);
    }, 250);
  };

  const exportVersion = async (): Promise<void> => {
    setIsExporting(true);
    setError(null);
    try {
      setExported(await api.call('anonymise.export', { itemId }));
      onExported?.();
    } catch (e) {
      fail(e);
    } finally {
      setIsExporting(false);
    }
  };

  const onTextKey = (e: KeyboardEvent<HTMLDivElement>): void => {
    const id = (e.target as HTMLElement).dataset.detectionId ? (currentId ?? (e.target as HTMLElement).dataset.detectionId) : null;
    if (!id || e.ctrlKey || e.metaKey || e.altKey) return;
    const index = detections.findIndex((d) => d.id === id);
    const key = e.key.toLowerCase();
    if (!e.shiftKey && (e.key === 'ArrowRight' || e.key === 'ArrowDown' || e.key === 'ArrowLeft' || e.key === 'ArrowUp')) {
      e.preventDefault();
      const step = e.key === 'ArrowRight' || e.key === 'ArrowDown' ? 1 : -1;
      const next = detections[Math.min(detections.length - 1, Math.max(0, index + step))];
      if (next) focusDetection(next.id);
    } else if (key === 'a') {
      e.preventDefault();
      void decide(id, 'accepted');
    } else if (key === 'r') {
      e.preventDefault();
      void decide(id, 'rejected');
    } else if (key === 'u') {
      e.preventDefault();
      void decide(id, 'pending');
    } else if (key === 't') {
      e.preventDefault();
      setCurrentId(id);
      retypeRef.current?.focus();
    } else if ((e.key === 'Delete' || e.key === 'Backspace') && byId.get(id)?.origin === 'reviewer') {
      e.preventDefault();
      void removeSpan(id);
    }
  };

  // The inspector follows focus and clicks only: were it to follow the pointer, moving to its buttons across other highlights would change what they act on.
  const shown = byId.get(currentId ?? '') ?? null;
  const hovered = hover ? byId.get(hover.id) : undefined;
  const overlapping = shown ? detections.filter((d) => d.id !== shown.id && d.start < shown.end && d.end > shown.start) : [];
  const run = detection.run;

  if (!review || !page) {
    return (
      <section className="anon-panel" aria-label="Anonymise">
        <ErrorNote error={error} onDismiss={() => setError(null)} />
        {!error && <p className="muted">Loading…</p>}
      </section>
    );
  }

  const isRunning = run.isRunning || review.state === 'running';
  const pages = Math.max(1, Math.ceil(review.textLength / PAGE_SIZE));
  const pageNumber = Math.floor(page.start / PAGE_SIZE) + 1;

  return (
    <section className="anon-panel" aria-label="Anonymise">
      <ErrorNote error={error ?? run.error} onDismiss={() => (error ? setError(null) : detection.clear())} />
      {review.isRequired && <p className="small muted">This Datanet requires an anonymised version before an item can be submitted.</p>}
      {review.latestVersion && !exported && (
        <p className="small" data-testid="latest-version">
          Anonymised {new Date(review.latestVersion.createdAt).toLocaleString()} · report hash{' '}
          <span className="mono" title={review.latestVersion.reportHash}>
            {review.latestVersion.reportHash.slice(0, 16)}…
          </span>
        </p>
      )}

      <DetectionToolbar
        detection={detection}
        isRunning={isRunning}
        hasStored={review.state !== 'none'}
        runningText={`Detecting… ${
          run.progress
            ? `${percent(run.progress.total ? run.progress.done / run.progress.total : 0)}, ${run.progress.detections} found`
            : ''
        }`}
        startLabel="Detect personal data"
        againLabel="Detect again"
        cancelledText="Cancelled: the stored detections are as they were."
        doneText={(n) => `Done: ${n} candidates stored.`}
      />

      {review.textLength === 0 ? (
        <EmptyState title="This item has no text">
          <p>There is nothing to anonymise in an empty document.</p>
        </EmptyState>
      ) : review.state === 'none' && !isRunning ? (
        <EmptyState title="Not checked for personal data yet">
          <p>Detect personal data to review every finding before an anonymised version is made. Nothing leaves this machine.</p>
        </EmptyState>
      ) : (
        <>
          <div className="anon-threshold">
            <label htmlFor={`threshold-${itemId}`}>Confidence threshold</label>
            <input
              id={`threshold-${itemId}`}
              type="range"
              min={0}
              max={1}
              step={0.05}
              value={threshold ?? review.minConfidence}
              onChange={(e) => commitThreshold(Number(e.target.value))}
            />
            <input
              type="number"
              aria-label="Confidence threshold value"
              min={0}
              max={1}
              step={0.05}
              value={threshold ?? review.minConfidence}
              onChange={(e) => {
                const v = Number(e.target.value);
                if (e.target.value !== '' && v >= 0 && v <= 1) commitThreshold(v);
              }}
            />
            <span className="small muted">{review.belowThreshold} below it are hidden and left in</span>
          </div>

          <Legend review={review} onDecideType={(t, d) => void decideType(t, d)} />

          <div role="tablist" className="tabs small-tabs" aria-label="View">
            {(['review', 'compare'] as const).map((m) => (
              <button
                key={m}
                type="button"
                role="tab"
                aria-selected={mode === m}
                className={mode === m ? 'active' : ''}
                onClick={() => setMode(m)}
              >
                {m === 'review' ? 'Review' : 'Side by side'}
              </button>
            ))}
          </div>

          {pages > 1 && (
            <div className="anon-pager" aria-label="Pages">
              <button type="button" disabled={page.start === 0} onClick={() => setPageStart(Math.max(0, page.start - PAGE_SIZE))}>
                Previous page
              </button>
              <span className="small" aria-live="polite">
                Characters {page.start.toLocaleString()}–{page.end.toLocaleString()} of {review.textLength.toLocaleString()} (page{' '}
                {pageNumber} of {pages})
              </span>
              <button type="button" disabled={page.end >= review.textLength} onClick={() => setPageStart(page.end)}>
                Next page
              </button>
            </div>
          )}

          {mode === 'review' ? (
            <>
              {review.totalDetections === 0 && (
                <p className="note" role="note">
                  No personal data found at this threshold
                  {review.belowThreshold > 0 ? `; lower it to see ${review.belowThreshold} weaker candidates` : ''}. Select text to mark
                  anything missed.
                </p>
              )}
              <div className="anon-text-frame">
                <div
                  ref={textRef}
                  className="anon-text"
                  role="region"
                  aria-label="Document text"
                  aria-describedby={`anon-keys-${itemId}`}
                  onKeyDown={onTextKey}
                >
                  {segments.map((s) => {
                    const text = page.text.slice(s.start - page.start, s.end - page.start);
                    const d = s.primaryId ? byId.get(s.primaryId) : undefined;
                    if (!d) {
                      return (
                        <span key={s.start} data-start={s.start}>
                          {text}
                        </span>
                      );
                    }
                    const isFirst = firstRunOf.get(d.id) === s.start && d.start >= page.start;
                    return (
                      <mark
                        key={s.start}
                        data-start={s.start}
                        data-detection-id={d.id}
                        data-type={d.effectiveType}
                        data-decision={d.decision}
                        data-origin={d.origin}
                        data-label={isFirst ? TYPE_NAMES[d.effectiveType] : undefined}
                        className={`det det-${d.decision}${d.id === currentId ? ' current' : ''}`}
                        style={{ ['--c' as string]: typeColour(d.effectiveType) }}
                        tabIndex={isFirst ? 0 : -1}
                        title={`${TYPE_NAMES[d.effectiveType]} · ${d.decision} · confidence ${percent(d.confidence)} · ${d.reason}`}
                        aria-label={`${d.text}: ${TYPE_NAMES[d.effectiveType]}, ${d.decision}, confidence ${percent(d.confidence)}`}
                        onFocus={() => setCurrentId(d.id)}
                        onClick={() => setCurrentId(d.id)}
                        onMouseEnter={(e) => {
                          const box = e.currentTarget.getBoundingClientRect();
                          const frame = textRef.current?.parentElement?.getBoundingClientRect();
                          if (frame) setHover({ id: d.id, left: box.left - frame.left, top: box.bottom - frame.top + 4 });
                        }}
                        onMouseLeave={() => setHover(null)}
                      >
                        {text}
                      </mark>
                    );
                  })}
                </div>
                {hovered && hover && (
                  <div className="anon-tip" role="tooltip" style={{ left: hover.left, top: hover.top }}>
                    <strong>{TYPE_NAMES[hovered.effectiveType]}</strong> · {hovered.decision} · confidence {percent(hovered.confidence)}
                    <br />
                    {hovered.reason}
                  </div>
                )}
              </div>
              {/* Below the text: its height changes with what it shows, and above it would move the text under the pointer. */}
              <DetectionInspector
                detection={shown}
                overlapping={overlapping}
                retypeRef={retypeRef}
                onDecide={(id, d, t) => void decide(id, d, t)}
                onRemove={(id) => void removeSpan(id)}
                onSelect={focusDetection}
              />
              <p id={`anon-keys-${itemId}`} className="small muted">
                Tab or arrow keys move through detections; A accept, R reject, U back to pending, T retype, Delete removes a span you added.
                Select text to add a span the detectors missed.
              </p>
              <div className="anon-add" aria-label="Add a missed span">
                <label className="inline">
                  Find
                  <input
                    type="search"
                    aria-label="Find text to mark"
                    value={findQuery}
                    onChange={(e) => setFindQuery(e.target.value)}
                    onKeyDown={(e) => {
                      if (e.key === 'Enter') {
                        e.preventDefault();
                        find();
                      }
                    }}
                  />
                </label>
                <button type="button" onClick={find} disabled={!findQuery}>
                  Find next
                </button>
                <span className="small" data-testid="selection" aria-live="polite">
                  {isFindMiss ? (
                    <span className="muted">Not found on this page</span>
                  ) : selected ? (
                    <>
                      Selected “{selected.text.length > 60 ? `${selected.text.slice(0, 60)}…` : selected.text}” ({selected.start}–
                      {selected.end})
                    </>
                  ) : (
                    <span className="muted">Nothing selected</span>
                  )}
                </span>
                <select aria-label="Type of the added span" value={addType} onChange={(e) => setAddType(e.target.value as EntityType)}>
                  {ENTITY_TYPES.map((t) => (
                    <option key={t} value={t}>
                      {TYPE_NAMES[t]}
                    </option>
                  ))}
                </select>
                <button type="button" onClick={() => void addSpan()} disabled={!selected}>
                  Add span
                </button>
              </div>
            </>
          ) : (
            <SideBySide preview={preview} />
          )}
        </>
      )}

      <div className="actions anon-actions">
        <button type="button" onClick={() => void undoLast()} disabled={undo.length === 0}>
          Undo
        </button>
        <button
          type="button"
          className="primary"
          onClick={() => void exportVersion()}
          disabled={isExporting || isRunning || review.textLength === 0}
        >
          {isExporting ? 'Exporting…' : 'Export anonymised version'}
        </button>
      </div>
      {exported && <ReportView result={exported} />}
    </section>
  );
}

function Legend({ review, onDecideType }: { review: ReviewState; onDecideType: (type: EntityType, decision: DetectionDecision) => void }) {
  if (review.counts.length === 0) return null;
  return (
    <table className="anon-legend" aria-label="Legend">
      <thead>
        <tr>
          <th>Type</th>
          <th>Found</th>
          <th>Pending</th>
          <th>Accepted</th>
          <th>Rejected</th>
          <th>Operator</th>
          <th>
            <span className="visually-hidden">All of this type</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {review.counts.map((c) => (
          <tr key={c.type} data-type={c.type}>
            <td>
              <span className="swatch" style={{ background: typeColour(c.type) }} aria-hidden="true" />
              {TYPE_NAMES[c.type]}
            </td>
            <td className="total">{c.total}</td>
            <td className="pending">{c.pending}</td>
            <td className="accepted">{c.accepted}</td>
            <td className="rejected">{c.rejected}</td>
            <td className="small">{OPERATOR_NAMES[review.operators[c.type] ?? review.defaultOperator]}</td>
            <td className="nowrap">
              <button
                type="button"
                className="small-button"
                onClick={() => onDecideType(c.type, 'accepted')}
                aria-label={`Accept all ${TYPE_NAMES[c.type]}`}
              >
                Accept all
              </button>
              <button
                type="button"
                className="small-button"
                onClick={() => onDecideType(c.type, 'rejected')}
                aria-label={`Reject all ${TYPE_NAMES[c.type]}`}
              >
                Reject all
              </button>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function DetectionInspector({
  detection,
  overlapping,
  retypeRef,
  onDecide,
  onRemove,
  onSelect,
}: {
  detection: ReviewDetection | null;
  overlapping: ReviewDetection[];
  retypeRef: React.RefObject<HTMLSelectElement | null>;
  onDecide: (id: string, decision: DetectionDecision, retypeAs?: EntityType | null) => void;
  onRemove: (id: string) => void;
  onSelect: (id: string) => void;
}) {
  if (!detection) {
    return (
      <div className="anon-inspector muted small" role="group" aria-label="Detection detail">
        Focus or point at a highlight to see its confidence and reason.
      </div>
    );
  }
  const d = detection;
  return (
    <div className="anon-inspector" role="group" aria-label="Detection detail" data-detection-id={d.id}>
      <div>
        <strong className="det-chip" style={{ ['--c' as string]: typeColour(d.effectiveType) }}>
          {TYPE_NAMES[d.effectiveType]}
        </strong>{' '}
        “{d.text}” · <span data-testid="inspector-decision">{d.decision}</span> · confidence {percent(d.confidence)}
        {d.retypedAs && <span className="small muted"> (proposed as {TYPE_NAMES[d.type]})</span>}
      </div>
      <div className="small muted">
        {d.reason} · {d.detector}
      </div>
      <div className="anon-inspector-actions">
        <button type="button" onClick={() => onDecide(d.id, 'accepted')} aria-keyshortcuts="A">
          Accept
        </button>
        <button type="button" onClick={() => onDecide(d.id, 'rejected')} aria-keyshortcuts="R">
          Reject
        </button>
        <button type="button" onClick={() => onDecide(d.id, 'pending')} aria-keyshortcuts="U">
          Back to pending
        </button>
        <label className="inline small">
          Retype
          <select
            ref={retypeRef}
            aria-keyshortcuts="T"
            value={d.effectiveType}
            onChange={(e) => onDecide(d.id, d.decision === 'rejected' ? 'accepted' : d.decision, e.target.value as EntityType)}
          >
            {ENTITY_TYPES.map((t) => (
              <option key={t} value={t}>
                {TYPE_NAMES[t]}
              </option>
            ))}
          </select>
        </label>
        {d.origin === 'reviewer' && (
          <button type="button" className="danger" onClick={() => onRemove(d.id)}>
            Remove span
          </button>
        )}
      </div>
      {overlapping.length > 0 && (
        <div className="small">
          Also here:{' '}
          {overlapping.map((o) => (
            <button key={o.id} type="button" className="small-button" onClick={() => onSelect(o.id)}>
              {TYPE_NAMES[o.effectiveType]} ({o.decision})
            </button>
          ))}
        </div>
      )}
    </div>
  );
}

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

function SideBySide({ preview }: { preview: Preview | null }) {
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
