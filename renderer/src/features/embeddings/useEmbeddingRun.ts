import { useCallback, useSyncExternalStore } from 'react';
import type { ApiClient } from '../../../../shared/api/client';
import type { EmbedResult } from '../../../../shared/api/embeddings';
import type { EventPayload } from '../../../../shared/api/index';
import type { AppError } from '../../../../shared/errors';
import { useApi } from '../../api/ApiContext';
import { toAppError } from '../../components/ErrorNote';

type Progress = EventPayload<'embeddings.progress'>;

export type EmbeddingRun = {
  jobId: string | null;
  progress: Progress | null;
  result: EmbedResult | null;
  error: AppError | null;
  isRunning: boolean;
};

const IDLE: EmbeddingRun = { jobId: null, progress: null, result: null, error: null, isRunning: false };

/**
 * Runs live outside React, keyed by Datanet ('' for all): a run goes on in the host when the user
 * moves to another tab or Datanet, so coming back must show its progress and its Cancel button
 * instead of offering to start a second run that would queue behind the first.
 */
const runs = new Map<string, EmbeddingRun>();
const listeners = new Set<() => void>();

function setRun(key: string, update: (run: EmbeddingRun) => EmbeddingRun): void {
  runs.set(key, update(runs.get(key) ?? IDLE));
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

async function startRun(api: ApiClient, key: string, datanetId: string | undefined): Promise<void> {
  if (runs.get(key)?.isRunning) return;
  const jobId = crypto.randomUUID();
  setRun(key, () => ({ ...IDLE, jobId, isRunning: true }));
  // Followed here, not by a component, so that progress keeps counting while none is mounted.
  const off = api.on('embeddings.progress', (p) => {
    if (p.jobId === jobId) setRun(key, (r) => (r.jobId === jobId ? { ...r, progress: p } : r));
  });
  try {
    const result = await api.call('embeddings.embedDatanet', datanetId ? { datanetId, jobId } : { jobId });
    setRun(key, (r) => (r.jobId === jobId ? { ...r, result, isRunning: false } : r));
  } catch (error) {
    setRun(key, (r) => (r.jobId === jobId ? { ...r, error: toAppError(error), isRunning: false } : r));
  } finally {
    off();
  }
}

/** Starts an embedding run for a Datanet (all without one), follows its progress events, and cancels it. */
export function useEmbeddingRun(datanetId?: string) {
  const api = useApi();
  const key = datanetId ?? '';
  const run = useSyncExternalStore(
    subscribe,
    useCallback(() => runs.get(key) ?? IDLE, [key]),
  );

  const start = useCallback(() => startRun(api, key, datanetId), [api, key, datanetId]);

  const cancel = useCallback(async () => {
    const jobId = runs.get(key)?.jobId;
    if (!jobId) return;
    try {
      await api.call('embeddings.cancel', { jobId });
    } catch (error) {
      setRun(key, (r) => ({ ...r, error: toAppError(error) }));
    }
  }, [api, key]);

  const clear = useCallback(() => setRun(key, (r) => (r.isRunning ? { ...r, error: null } : IDLE)), [key]);
  return { run, start, cancel, clear };
}
