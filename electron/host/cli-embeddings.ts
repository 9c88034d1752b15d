import { randomUUID } from 'node:crypto';
import type { Dispatcher } from '../../shared/api/dispatcher';
import type { EventPayload, MethodName, MethodOutput } from '../../shared/api/index';
import { AppError } from '../../shared/errors';
import type { Services } from '../services/wiring';

/** Usage lines of the embedding commands (README.md, Command line). */
export const EMBEDDING_USAGE = `  embed [--datanet ID] [--model DIR]
  search --datanet ID --query TEXT [--k K] [--model DIR]
  (--model DIR, or DATANET_DESK_MODEL_DIR, names an embedding model folder for this run)`;

/** Options of the embedding commands that take a value. */
export const EMBEDDING_VALUED = ['model', 'query'];

async function call<M extends MethodName>(dispatch: Dispatcher, method: M, input: unknown): Promise<MethodOutput<M>> {
  const reply = await dispatch(method, input);
  if (!reply.ok) throw AppError.fromData(reply.error);
  return reply.result as MethodOutput<M>;
}

function kOption(options: Map<string, string>): number {
  const raw = options.get('k') ?? '10';
  const k = Number(raw);
  if (!Number.isInteger(k) || k < 1 || k > 100)
    throw new AppError('invalid_input', `--k must be a whole number from 1 to 100, got "${raw}".`);
  return k;
}

/**
 * `embed`: one line per progress event, then the run's result; `search`: one line per hit,
 * nearest first. Returns false for any other command.
 */
export async function runEmbeddingCommand(
  command: string,
  options: Map<string, string>,
  s: Services,
  dispatch: Dispatcher,
  print: (value: unknown) => void,
): Promise<boolean> {
  if (command === 'embed') {
    const jobId = randomUUID();
    const datanetId = options.get('datanet');
    const stop = s.events.subscribe((event, payload) => {
      if (event !== 'embeddings.progress') return;
      const progress = payload as EventPayload<'embeddings.progress'>;
      if (progress.jobId === jobId) print(progress);
    });
    const onSignal = (): void => void s.embeddings.cancel(jobId);
    process.once('SIGINT', onSignal);
    try {
      print(await call(dispatch, 'embeddings.embedDatanet', { jobId, ...(datanetId ? { datanetId } : {}) }));
    } finally {
      stop();
      process.off('SIGINT', onSignal);
    }
    return true;
  }
  if (command === 'search') {
    const datanetId = options.get('datanet');
    const query = options.get('query');
    if (!datanetId) throw new AppError('invalid_input', '--datanet ID is required.');
    if (!query?.trim()) throw new AppError('invalid_input', '--query TEXT is required.');
    const k = kOption(options);
    for (const hit of await call(dispatch, 'embeddings.search', { datanetId, query, k })) print(hit);
    return true;
  }
  return false;
}
