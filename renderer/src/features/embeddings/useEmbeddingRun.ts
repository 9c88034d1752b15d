import { useCallback, useRef, useState } from 'react';
import type { EmbedResult } from '../../../../shared/api/embeddings';
import type { EventPayload } from '../../../../shared/api/index';
import type { AppError } from '../../../../shared/errors';
import { useApi, useEvent } from '../../api/ApiContext';
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

/** Starts an embedding run for a Datanet (all without one), follows its progress events, and cancels it. */
export function useEmbeddingRun(datanetId?: string) {
  const api = useApi();
  const [run, setRun] = useState<EmbeddingRun>(IDLE);
  const jobRef = useRef<string | null>(null);

  const onProgress = useCallback((p: Progress) => {
    if (p.jobId === jobRef.current) setRun((r) => ({ ...r, progress: p }));
  }, []);
  useEvent('embeddings.progress', onProgress);

  const start = useCallback(async () => {
    const jobId = crypto.randomUUID();
    jobRef.current = jobId;
    setRun({ ...IDLE, jobId, isRunning: true });
    try {
      const result = await api.call('embeddings.embedDatanet', datanetId ? { datanetId, jobId } : { jobId });
      setRun((r) => ({ ...r, result, isRunning: false }));
    } catch (error) {
      setRun((r) => ({ ...r, error: toAppError(error), isRunning: false }));
    }
  }, [api, datanetId]);

  const cancel = useCallback(async () => {
    if (!jobRef.current) return;
    try {
      await api.call('embeddings.cancel', { jobId: jobRef.current });
    } catch (error) {
      setRun((r) => ({ ...r, error: toAppError(error) }));
    }
  }, [api]);

  const clear = useCallback(() => setRun(IDLE), []);
  return { run, start, cancel, clear };
}
