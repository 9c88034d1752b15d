import type { ReactNode } from 'react';
import type { useDetectionRun } from './useDetectionRun';

/**
 * Start, progress and cancel of a detection run, shared by the text and the table review; only
 * the words differ (texts are detected, tables have their columns scanned).
 */
export function DetectionToolbar({
  detection,
  isRunning,
  hasStored,
  runningText,
  startLabel,
  againLabel,
  cancelledText,
  doneText,
}: {
  detection: ReturnType<typeof useDetectionRun>;
  /** A run of this window, or one the host reports for the item. */
  isRunning: boolean;
  /** Whether detections are stored already (the button then says "again"). */
  hasStored: boolean;
  runningText: ReactNode;
  startLabel: string;
  againLabel: string;
  cancelledText: string;
  doneText: (detections: number) => string;
}) {
  const run = detection.run;
  return (
    <div className="anon-toolbar" aria-label="Detection">
      {isRunning ? (
        <>
          <progress aria-label="Detection progress" max={Math.max(1, run.progress?.total ?? 1)} value={run.progress?.done ?? 0} />
          <span role="status" className="small">
            {runningText}
          </span>
          <button type="button" onClick={() => void detection.cancel()} disabled={!run.isRunning}>
            Cancel
          </button>
        </>
      ) : (
        <>
          <button type="button" className={hasStored ? '' : 'primary'} onClick={() => void detection.start()}>
            {hasStored ? againLabel : startLabel}
          </button>
          {run.outcome && (
            <span role="status" className="small">
              {run.outcome.isCancelled ? cancelledText : doneText(run.outcome.detections)}
            </span>
          )}
        </>
      )}
    </div>
  );
}
