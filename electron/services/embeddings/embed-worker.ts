// The embedding worker: transformers.js inference, chunking and MinHash run here, never on the
// thread that serves the UI. Built as out/main/embed-worker.js (electron.vite.config.ts).
import { createHash } from 'node:crypto';
import { parentPort } from 'node:worker_threads';
import { env, pipeline, type FeatureExtractionPipeline } from '@huggingface/transformers';
import type { ErrorCode } from '../../../shared/errors';
import { chunkText, memoizeCounter } from './chunking';
import { minhashSignature, shingleHashes } from './minhash';
import { meanPoolNormalized } from './vectors';
import type { ChunkingSpec, ModelLoadSpec, Priority, WorkerRequest, WorkerResponse } from './worker-protocol';

type Model = { extractor: FeatureExtractionPipeline; dims: number; specialTokens: number; count: (text: string) => number };

/** A unit of work that runs in steps, so that a query or a cancel waits at most one step. */
type Task = { id: number; priority: Priority; step: () => Promise<boolean> };

class TaskError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

const port = parentPort;
if (!port) throw new Error('embed-worker must run as a worker thread');

let model: Model | undefined;
const queue: Task[] = [];
const cancelled = new Set<number>();
let isDraining = false;

function post(message: WorkerResponse, transfer?: ArrayBuffer[]): void {
  port?.postMessage(message, transfer);
}

function requireModel(): Model {
  if (!model) throw new TaskError('unavailable', 'No embedding model is loaded.');
  return model;
}

type TokenizedBatch = { input_ids: { dims: number[] }; attention_mask: { data: BigInt64Array } };
type ModelOutput = { last_hidden_state: { data: Float32Array; dims: number[] } };

/**
 * The pipeline's own tokenizer and model, then mean pooling and normalisation done here
 * (meanPoolNormalized: same result as `pooling: 'mean', normalize: true`, a fraction of the cost).
 */
async function embedBatch(texts: string[]): Promise<Float32Array> {
  const { extractor, dims } = requireModel();
  const inputs = extractor.tokenizer(texts, { padding: true, truncation: true }) as unknown as TokenizedBatch;
  const run = extractor.model as unknown as (inputs: TokenizedBatch) => Promise<ModelOutput>;
  const { last_hidden_state: hidden } = await run(inputs);
  const [batch, seq, width] = hidden.dims as [number, number, number];
  if (batch !== texts.length || width !== dims) throw new TaskError('internal', 'The model returned vectors of an unexpected size.');
  return meanPoolNormalized(hidden.data, inputs.attention_mask.data, batch, seq, width);
}

async function load(spec: ModelLoadSpec): Promise<Model> {
  // Set explicitly every time: transformers.js defaults to downloading from the hub and to a
  // cache inside node_modules; neither may happen unless the user allowed network use.
  env.allowLocalModels = true;
  env.allowRemoteModels = spec.allowRemote;
  env.localModelPath = spec.localModelPath;
  env.cacheDir = spec.cacheDir;
  env.useFSCache = spec.allowRemote;
  // Every hub request is reported to the serving thread, which records it in the audit log.
  env.fetch = (input: string | URL, init?: RequestInit) => {
    const url = String(input);
    post({ type: 'outbound', id: 0, url, method: init?.method ?? 'GET' });
    return fetch(input, init);
  };
  const extractor = (await pipeline('feature-extraction', spec.model, {
    dtype: spec.dtype as 'fp32',
    local_files_only: !spec.allowRemote,
  })) as FeatureExtractionPipeline;
  const tokenizer = extractor.tokenizer;
  const probe = await extractor(['probe'], { pooling: 'mean', normalize: true });
  const dims = probe.dims[1] ?? 0;
  const specialTokens = tokenizer.encode('', { add_special_tokens: true }).length;
  const count = memoizeCounter((text) => tokenizer.encode(text, { add_special_tokens: false }).length);
  return { extractor, dims, specialTokens, count };
}

function batchedEmbedding(id: number, texts: () => string[], batchSize: number): () => Promise<boolean> {
  let all: string[] | undefined;
  let vectors: Float32Array | undefined;
  let done = 0;
  return async () => {
    const { dims } = requireModel();
    all ??= texts();
    vectors ??= new Float32Array(all.length * dims);
    if (done < all.length) {
      const batch = all.slice(done, done + batchSize);
      vectors.set(await embedBatch(batch), done * dims);
      done += batch.length;
      post({ type: 'progress', id, done, total: all.length });
    }
    if (done < all.length) return false;
    post({ type: 'embedded', id, vectors, dims }, [vectors.buffer as ArrayBuffer]);
    return true;
  };
}

function documentTask(id: number, text: string, chunking: ChunkingSpec, batchSize: number): () => Promise<boolean> {
  let chunkTexts: string[] | undefined;
  let embed: (() => Promise<boolean>) | undefined;
  return async () => {
    if (!chunkTexts) {
      const m = requireModel();
      const { chunks, isTruncated } = chunkText(text, m.count, {
        maxTokens: chunking.maxTokens - m.specialTokens,
        overlapTokens: chunking.overlapTokens,
        maxChunks: chunking.maxChunks,
      });
      const hashes = shingleHashes(text);
      const signature = minhashSignature(hashes);
      const textSha256 = createHash('sha256').update(text).digest('hex');
      chunkTexts = chunks.map((c) => text.slice(c.start, c.end));
      post({ type: 'prepared', id, document: { chunks, isTruncated, textSha256, signature, shingleCount: hashes.length } });
      embed = batchedEmbedding(id, () => chunkTexts as string[], batchSize);
      return false;
    }
    return (embed as () => Promise<boolean>)();
  };
}

function fail(id: number, error: unknown): void {
  if (error instanceof TaskError) post({ type: 'failed', id, code: error.code, message: error.message });
  else {
    const reason = error instanceof Error ? error.message : String(error);
    post({ type: 'failed', id, code: 'internal', message: reason.split('\n')[0]?.slice(0, 500) ?? 'failed' });
  }
}

function next(): Task | undefined {
  const index = queue.findIndex((t) => t.priority === 'high');
  return queue.splice(index >= 0 ? index : 0, 1)[0];
}

async function drain(): Promise<void> {
  if (isDraining) return;
  isDraining = true;
  try {
    let task: Task | undefined;
    while ((task = next())) {
      if (cancelled.delete(task.id)) {
        post({ type: 'failed', id: task.id, code: 'cancelled', message: 'Cancelled.' });
        continue;
      }
      let isFinished = true;
      try {
        isFinished = await task.step();
      } catch (error) {
        fail(task.id, error);
      }
      // An unfinished task goes back to the front of the queue (`next` still serves queries
      // first); yielding here lets new messages, queries and cancels included, arrive.
      if (isFinished) cancelled.delete(task.id);
      else queue.unshift(task);
      await new Promise((resolve) => setImmediate(resolve));
    }
  } finally {
    isDraining = false;
  }
}

function enqueue(task: Task): void {
  if (task.priority === 'high') {
    const firstNormal = queue.findIndex((t) => t.priority !== 'high');
    queue.splice(firstNormal < 0 ? queue.length : firstNormal, 0, task);
  } else queue.push(task);
  void drain();
}

port.on('message', (request: WorkerRequest) => {
  switch (request.type) {
    case 'load':
      enqueue({
        id: request.id,
        priority: 'high',
        step: async () => {
          try {
            model = await load(request.spec);
          } catch (error) {
            const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
            throw new TaskError('unavailable', `The embedding model could not be loaded: ${reason}`);
          }
          post({ type: 'loaded', id: request.id, dims: model.dims });
          return true;
        },
      });
      break;
    case 'embedTexts':
      enqueue({ id: request.id, priority: request.priority, step: batchedEmbedding(request.id, () => request.texts, request.batchSize) });
      break;
    case 'embedDocument':
      enqueue({
        id: request.id,
        priority: request.priority,
        step: documentTask(request.id, request.text, request.chunking, request.batchSize),
      });
      break;
    case 'cancel':
      for (const id of request.ids) {
        const index = queue.findIndex((t) => t.id === id);
        if (index >= 0) {
          queue.splice(index, 1);
          post({ type: 'failed', id, code: 'cancelled', message: 'Cancelled.' });
        } else cancelled.add(id);
      }
      break;
  }
});
