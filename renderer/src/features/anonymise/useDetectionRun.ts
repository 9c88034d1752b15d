import { useCallback, useSyncExternalStore } from 'react';
import type { ApiClient } from '../../../../shared/api/client';
import type { EventPayload } from '../../../../shared/api/index';
import type { AppError } from '../../../../shared/errors';
import { useApi } from '../../api/ApiContext';
import { toAppError } from '../../components/ErrorNote';

type Progress = EventPayload<'anonymise.progress'>;

export type DetectionRun = {
  jobId: string | null;
  progress: Progress | null;
  /** How the last run ended: detections stored, or cancelled. */
  outcome: { detections: number; isCancelled: boolean } | null;
  error: AppError | null;
  isRunning: boolean;
};

const IDLE: DetectionRun = { jobId: null, progress: null, outcome: null, error: null, isRunning: false };

/**
 * Runs live outside React, keyed by item: detection goes on in the host when the reviewer closes
 * the panel or opens another item, and coming back must show its progress and Cancel button.
 */
const runs = new Map<string, DetectionRun>();
const listeners = new Set<() => void>();

function setRun(itemId: string, update: (run: DetectionRun) => DetectionRun): void {
  runs.set(itemId, update(runs.get(itemId) ?? IDLE));
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

async function startRun(api: ApiClient, itemId: string): Promise<void> {
  if (runs.get(itemId)?.isRunning) return;
  const jobId = crypto.randomUUID();
  setRun(itemId, () => ({ ...IDLE, jobId, isRunning: true }));
  const off = api.on('anonymise.progress', (p) => {
    if (p.jobId === jobId) setRun(itemId, (r) => (r.jobId === jobId ? { ...r, progress: p } : r));
  });
  try {
    const result = await api.call('anonymise.detect', { itemId, jobId });
    setRun(itemId, (r) =>
      r.jobId === jobId ? { ...r, isRunning: false, outcome: { detections: result.detections, isCancelled: result.cancelled } } : r,
    );
  } catch (error) {
    setRun(itemId, (r) => (r.jobId === jobId ? { ...r, error: toAppError(error), isRunning: false } : r));
  } finally {
    off();
  }
}

/** Starts detection on an item, follows its progress, and cancels it. */
export function useDetectionRun(itemId: string) {
  const api = useApi();
  const run = useSyncExternalStore(
    subscribe,
    useCallback(() => runs.get(itemId) ?? IDLE, [itemId]),
  );
  const start = useCallback(() => startRun(api, itemId), [api, itemId]);
  const cancel = useCallback(async () => {
    const jobId = runs.get(itemId)?.jobId;
    if (!jobId) return;
    try {
      await api.call('anonymise.cancel', { jobId });
    } catch (error) {
      setRun(itemId, (r) => ({ ...r, error: toAppError(error) }));
    }
  }, [api, itemId]);
  const clear = useCallback(() => setRun(itemId, (r) => (r.isRunning ? { ...r, error: null } : IDLE)), [itemId]);
  return { run, start, cancel, clear };
}
