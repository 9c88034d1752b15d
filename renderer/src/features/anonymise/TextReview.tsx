import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type { DetectionDecision, ExportResult, ReviewDetection, ReviewState } from '../../../../shared/api/anonymise';
import { REVIEW_PAGE_SIZE, safePageEnd, segmentWindow } from '../../../../shared/pii/review-segments';
import type { EntityType } from '../../../../shared/pii/types';
import { useApi } from '../../api/ApiContext';
import { useActions, useLoad, useMutation, useQuery } from '../../api/useContract';
import { EmptyState } from '../../components/EmptyState';
import { ErrorNote } from '../../components/ErrorNote';
import { AddSpanBar } from './AddSpanBar';
import { DetectionInspector } from './DetectionInspector';
import { DetectionToolbar } from './DetectionToolbar';
import { percent } from './entity-style';
import { HighlightedText } from './HighlightedText';
import { ReportView } from './ReportView';
import type { DetectionIndex, ReviewPage, TextSelection } from './review-page';
import { ReviewPager } from './ReviewPager';
import { SideBySide } from './SideBySide';
import { ThresholdControl } from './ThresholdControl';
import { TypeLegend } from './TypeLegend';
import { useDetectionRun } from './useDetectionRun';

type UndoStep = { kind: 'decide'; id: string; decision: DetectionDecision; retypedAs: EntityType | null } | { kind: 'add'; id: string };

type Loaded = { page: ReviewPage; review: ReviewState };

/** Review of a text item: detections highlighted by type, decisions, added spans, threshold, side-by-side preview and export. */
export function TextReview({ itemId, onExported }: { itemId: string; onExported?: () => void }) {
  const api = useApi();
  const detection = useDetectionRun(itemId);
  const [pageStart, setPageStart] = useState(0);
  const [currentId, setCurrentId] = useState<string | null>(null);
  const [selected, setSelected] = useState<TextSelection | null>(null);
  const [mode, setMode] = useState<'review' | 'compare'>('review');
  const [exported, setExported] = useState<ExportResult | null>(null);
  const [undo, setUndo] = useState<UndoStep[]>([]);
  const textRef = useRef<HTMLDivElement>(null);
  const retypeRef = useRef<HTMLSelectElement>(null);
  const isChangeOfItem = (p: { itemId: string }): boolean => p.itemId === itemId;

  const loaded = useLoad<Loaded>(
    `anonymise.review ${itemId} ${pageStart}`,
    async ({ reason, previous }) => {
      // The text of a page never changes; decisions do, so refreshes after a change skip the text.
      if (reason === 'event' && previous) {
        const { start, end } = previous.page;
        return { page: previous.page, review: await api.call('anonymise.review', { itemId, start, end, includeText: false }) };
      }
      const state = await api.call('anonymise.review', { itemId, start: pageStart, end: pageStart + REVIEW_PAGE_SIZE });
      const end = safePageEnd(state.text, state.window.start, state.textLength);
      const page = { start: state.window.start, end, text: state.text.slice(0, end - state.window.start), textLength: state.textLength };
      return { page, review: state };
    },
    { refreshOn: [{ event: 'anonymise.changed', when: isChangeOfItem }], isPreviousKept: true },
  );
  const page = loaded.data?.page ?? null;
  const review = loaded.data?.review ?? null;

  const preview = useQuery('anonymise.preview', mode === 'compare' && page ? { itemId, start: page.start, end: page.end } : null, {
    refreshOn: [{ event: 'anonymise.changed', when: isChangeOfItem }],
    isPreviousKept: true,
  });
  const actions = useActions();
  const exporting = useMutation('anonymise.export');

  // A finished detection run brings new detections: read the page again.
  const lastOutcome = useRef(detection.run.outcome);
  const { retry: reloadPage } = loaded;
  const { retry: reloadPreview } = preview;
  useEffect(() => {
    if (detection.run.outcome !== lastOutcome.current) {
      lastOutcome.current = detection.run.outcome;
      reloadPage();
      reloadPreview();
    }
  }, [detection.run.outcome, reloadPage, reloadPreview]);

  const detections = useMemo(() => review?.detections ?? [], [review]);
  const segments = useMemo(() => (page ? segmentWindow(page.start, page.end, detections) : []), [page, detections]);
  const index = useMemo<DetectionIndex>(() => {
    const firstRunOf = new Map<string, number>();
    for (const s of segments) for (const id of s.ids) if (!firstRunOf.has(id)) firstRunOf.set(id, s.start);
    return { byId: new Map(detections.map((d) => [d.id, d])), firstRunOf };
  }, [detections, segments]);
  const { byId } = index;

  const focusDetection = (id: string): void => {
    const at = index.firstRunOf.get(id);
    if (at !== undefined) textRef.current?.querySelector<HTMLElement>(`[data-start="${at}"]`)?.focus();
    // After the focus: a detection covered by another shares its run, whose focus handler names the other one.
    setCurrentId(id);
  };

  const replaceDetection = (next: ReviewDetection): void =>
    loaded.setData((l) => ({ ...l, review: { ...l.review, detections: l.review.detections.map((d) => (d.id === next.id ? next : d)) } }));

  // One error note for the whole review, as before the split: starting any action clears the last one's error.
  const call: typeof actions.call = (method, input) => {
    exporting.reset();
    return actions.call(method, input);
  };

  const decide = async (id: string, decision: DetectionDecision, retypeAs?: EntityType | null, isUndo = false): Promise<void> => {
    const before = byId.get(id);
    const done = await call('anonymise.decide', { itemId, detectionId: id, decision, ...(retypeAs !== undefined ? { retypeAs } : {}) });
    if (!done.isOk) return;
    replaceDetection(done.value);
    if (before && !isUndo)
      setUndo((u) => [...u.slice(-49), { kind: 'decide', id, decision: before.decision, retypedAs: before.retypedAs }]);
  };

  const decideType = async (type: EntityType, decision: DetectionDecision): Promise<void> => {
    const done = await call('anonymise.decideType', { itemId, type, decision });
    // A bulk change is not undone step by step: its own inverse is the other bulk button or "pending".
    if (done.isOk) setUndo([]);
  };

  const addSpan = async (type: EntityType): Promise<void> => {
    if (!selected) return;
    const done = await call('anonymise.addSpan', { itemId, start: selected.start, end: selected.end, type });
    if (!done.isOk) return;
    setUndo((u) => [...u.slice(-49), { kind: 'add', id: done.value.id }]);
    setSelected(null);
    document.getSelection()?.removeAllRanges();
    setCurrentId(done.value.id);
  };

  const removeSpan = async (id: string): Promise<void> => {
    const done = await call('anonymise.removeSpan', { itemId, detectionId: id });
    if (done.isOk) setCurrentId(null);
  };

  const undoLast = async (): Promise<void> => {
    const step = undo[undo.length - 1];
    if (!step) return;
    setUndo((u) => u.slice(0, -1));
    if (step.kind === 'add') await removeSpan(step.id);
    else await decide(step.id, step.decision, step.retypedAs, true);
  };

  const exportVersion = async (): Promise<void> => {
    actions.reset();
    const done = await exporting.run({ itemId });
    if (!done.isOk) return;
    setExported(done.value);
    onExported?.();
  };

  const onTextKey = (e: KeyboardEvent<HTMLDivElement>): void => {
    const id = (e.target as HTMLElement).dataset.detectionId ? (currentId ?? (e.target as HTMLElement).dataset.detectionId) : null;
    if (!id || e.ctrlKey || e.metaKey || e.altKey) return;
    const at = detections.findIndex((d) => d.id === id);
    const key = e.key.toLowerCase();
    if (!e.shiftKey && (e.key === 'ArrowRight' || e.key === 'ArrowDown' || e.key === 'ArrowLeft' || e.key === 'ArrowUp')) {
      e.preventDefault();
      const step = e.key === 'ArrowRight' || e.key === 'ArrowDown' ? 1 : -1;
      const next = detections[Math.min(detections.length - 1, Math.max(0, at + step))];
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

  const onSelect = useCallback((next: TextSelection | null) => setSelected(next), []);

  const error = actions.error ?? exporting.error ?? loaded.error ?? preview.error;
  const dismiss = (): void => {
    if (!error) return detection.clear();
    actions.reset();
    exporting.reset();
    loaded.clearError();
    preview.clearError();
  };

  if (!review || !page) {
    return (
      <section className="anon-panel" aria-label="Anonymise">
        <ErrorNote error={error} onDismiss={dismiss} />
        {!error && <p className="muted">Loading…</p>}
      </section>
    );
  }

  // The inspector follows focus and clicks only: were it to follow the pointer, moving to its buttons across other highlights would change what they act on.
  const shown = byId.get(currentId ?? '') ?? null;
  const overlapping = shown ? detections.filter((d) => d.id !== shown.id && d.start < shown.end && d.end > shown.start) : [];
  const run = detection.run;
  const isRunning = run.isRunning || review.state === 'running';

  return (
    <section className="anon-panel" aria-label="Anonymise">
      <ErrorNote error={error ?? run.error} onDismiss={dismiss} />
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
          <ThresholdControl
            itemId={itemId}
            stored={review.minConfidence}
            belowThreshold={review.belowThreshold}
            onCommit={(minConfidence) => void call('anonymise.setThreshold', { itemId, minConfidence })}
          />

          <TypeLegend review={review} onDecideType={(t, d) => void decideType(t, d)} />

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

          <ReviewPager start={page.start} end={page.end} textLength={review.textLength} onPage={setPageStart} />

          {mode === 'review' ? (
            <>
              {review.totalDetections === 0 && (
                <p className="note" role="note">
                  No personal data found at this threshold
                  {review.belowThreshold > 0 ? `; lower it to see ${review.belowThreshold} weaker candidates` : ''}. Select text to mark
                  anything missed.
                </p>
              )}
              <HighlightedText
                itemId={itemId}
                page={page}
                segments={segments}
                index={index}
                currentId={currentId}
                textRef={textRef}
                onCurrent={setCurrentId}
                onKeyDown={onTextKey}
                onSelect={onSelect}
              />
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
              <AddSpanBar page={page} selected={selected} textRef={textRef} onSelect={setSelected} onAdd={(t) => void addSpan(t)} />
            </>
          ) : (
            <SideBySide preview={preview.data ?? null} />
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
          disabled={exporting.isRunning || isRunning || review.textLength === 0}
        >
          {exporting.isRunning ? 'Exporting…' : 'Export anonymised version'}
        </button>
      </div>
      {exported && <ReportView result={exported} />}
    </section>
  );
}
