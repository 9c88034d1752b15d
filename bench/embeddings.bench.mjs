// Embedding throughput of the app's pipeline (the worker: transformers.js feature extraction,
// mean pooling, normalisation) against a raw onnxruntime-node InferenceSession on the same model,
// batch size and token inputs, interleaved in this run; then the longest stall of this (serving)
// thread's event loop while the app embeds a Datanet (inference in the worker, PGlite writes here).
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { loadServices, report, seeded, tempDir } from './lib.mjs';

const BENCH = 'embeddings';
const MODEL_DIR = fileURLToPath(new URL('../../shared/models/random-minilm-l6', import.meta.url));
const WORKER = fileURLToPath(new URL('../out/main/embed-worker.js', import.meta.url));
const TEXTS = 64;
const BATCH = 16;
const ROUNDS = 6;
const RUN_ITEMS = 60;
const RUN_WORDS = 900;

if (!existsSync(join(MODEL_DIR, 'onnx', 'model.onnx'))) {
  throw new Error(`The shared test model is missing: expected ${MODEL_DIR} (../shared/models/random-minilm-l6).`);
}
if (!existsSync(WORKER)) throw new Error('Build first: npm run build (out/main/embed-worker.js is missing).');

/** @param {string} msg */
const log = (msg) => process.stderr.write(`${BENCH}: ${msg}\n`);
/** @param {number} ms */
const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const rnd = seeded(5);
const WORDS =
  'patient admitted with acute chest pain troponin elevated electrocardiogram showed changes treated with aspirin heparin and referred for angiography the contract between the parties shall terminate upon written notice revenue increased in the third quarter owing to stronger demand in the european market'.split(
    ' ',
  );
/** @param {number} words */
function text(words) {
  const out = [];
  for (let i = 0; i < words; i++) out.push(WORDS[Math.floor(rnd() * WORDS.length)] + (i % 15 === 14 ? '.' : ''));
  return out.join(' ');
}
// About 250 tokens each: the size of a full chunk.
const inputs = Array.from({ length: TEXTS }, () => text(200));

// transformers.js's own onnxruntime-node, so both sides run the same binary.
const requireFromTransformers = createRequire(createRequire(import.meta.url).resolve('@huggingface/transformers'));
/** @type {typeof import('onnxruntime-node')} */
const ort = requireFromTransformers('onnxruntime-node');
const { AutoTokenizer, env } = await import('@huggingface/transformers');
env.allowRemoteModels = false;

async function rawBaseline() {
  const session = await ort.InferenceSession.create(join(MODEL_DIR, 'onnx', 'model.onnx'));
  const tokenizer = await AutoTokenizer.from_pretrained(MODEL_DIR);
  // Tokenised before timing, padded per batch as the pipeline pads: the baseline only runs the model and pools.
  /** @type {{ feeds: Record<string, import('onnxruntime-node').Tensor>, mask: BigInt64Array, dims: [number, number] }[]} */
  const batches = [];
  for (let i = 0; i < inputs.length; i += BATCH) {
    /** @type {Record<string, import('@huggingface/transformers').Tensor>} */
    const enc = tokenizer(inputs.slice(i, i + BATCH), { padding: true, truncation: true });
    /** @type {Record<string, import('onnxruntime-node').Tensor>} */
    const feeds = {};
    // The tokenizer's ids and masks are int64 tensors, as the model's inputs are.
    const int64 = (/** @type {string} */ name) => /** @type {BigInt64Array} */ (enc[name]?.data);
    for (const name of session.inputNames) feeds[name] = new ort.Tensor('int64', int64(name), enc[name]?.dims);
    batches.push({ feeds, mask: int64('attention_mask'), dims: /** @type {[number, number]} */ (enc.input_ids?.dims) });
  }
  return async () => {
    const out = [];
    for (const { feeds, mask, dims } of batches) {
      const result = await session.run(feeds);
      const hidden = /** @type {Float32Array} */ (result.last_hidden_state?.data);
      const [b, seq] = dims;
      const width = hidden.length / (b * seq);
      for (let r = 0; r < b; r++) {
        const v = new Float32Array(width);
        let n = 0;
        for (let t = 0; t < seq; t++) {
          if (mask[r * seq + t] === 0n) continue;
          n++;
          for (let d = 0; d < width; d++) v[d] = (v[d] ?? 0) + (hidden[(r * seq + t) * width + d] ?? 0);
        }
        let norm = 0;
        for (const x of v) norm += (x / n) ** 2;
        norm = Math.sqrt(norm);
        out.push(v.map((x) => x / n / norm));
      }
    }
    return out;
  };
}

const work = tempDir('datanet-desk-bench-embed-');
/** @type {import('../electron/services/index').Services | undefined} */
let services;
try {
  const { createServices } = await loadServices();
  services = await createServices({
    dataDir: join(work.dir, 'data'),
    host: 'node',
    version: 'bench',
    embedWorkerPath: WORKER,
    embeddingModelDir: MODEL_DIR,
  });
  const { embeddings } = services;
  const raw = await rawBaseline();
  const app = () => embeddings.embedTexts(inputs, { batchSize: BATCH });
  await app();
  await raw();
  /** @type {number[]} */
  const appTimes = [];
  /** @type {number[]} */
  const rawTimes = [];
  /** @type {(work: () => Promise<unknown>, into: number[]) => Promise<void>} */
  const timed = async (work, into) => {
    const t = performance.now();
    await work();
    into.push((performance.now() - t) / 1000);
    // A pause, so that one side's idle thread pool does not steal from the other.
    await pause(300);
  };
  for (let r = 0; r < ROUNDS; r++) {
    // Interleaved, alternating which goes first; the best round of each is compared (other
    // processes on the machine only ever make a round slower).
    if (r % 2 === 0) {
      await timed(app, appTimes);
      await timed(raw, rawTimes);
    } else {
      await timed(raw, rawTimes);
      await timed(app, appTimes);
    }
    log(`round ${r + 1}: app ${appTimes.at(-1)?.toFixed(2)} s, raw ${rawTimes.at(-1)?.toFixed(2)} s`);
  }
  const appRate = TEXTS / Math.min(...appTimes);
  const rawRate = TEXTS / Math.min(...rawTimes);
  report(BENCH, `pipeline_throughput_batch${BATCH}`, appRate, 'chunks/s', rawRate);

  // Machine noise first: the same probe while nothing runs.
  const probe = () => {
    const histogram = monitorEventLoopDelay({ resolution: 5 });
    histogram.enable();
    let last = performance.now();
    let longest = 0;
    const timer = setInterval(() => {
      const now = performance.now();
      longest = Math.max(longest, now - last - 10);
      last = now;
    }, 10);
    return () => {
      clearInterval(timer);
      histogram.disable();
      return { longest, max: histogram.max / 1e6, p99: histogram.percentile(99) / 1e6 };
    };
  };
  let stop = probe();
  await pause(3000);
  const idle = stop();
  report(BENCH, 'event_loop_stall_idle_max', idle.longest, 'ms');

  const d = await services.datanets.create({ name: 'Bench', domain: 'medicine', description: 'Notes from cardiology wards.' });
  for (let i = 0; i < RUN_ITEMS; i++) {
    await services.library.importBytes({ datanetId: d.id, name: `note-${i}.txt`, bytes: new TextEncoder().encode(text(RUN_WORDS)) });
  }
  stop = probe();
  const t = performance.now();
  const result = await embeddings.embedDatanet({ datanetId: d.id, jobId: 'bench' });
  const seconds = (performance.now() - t) / 1000;
  const busy = stop();
  if (result.embedded !== RUN_ITEMS) throw new Error(`embedded ${result.embedded} of ${RUN_ITEMS}: ${JSON.stringify(result.failed[0])}`);
  report(BENCH, 'embed_run_chunks', result.chunks, 'chunks');
  report(BENCH, 'embed_run_throughput', result.chunks / seconds, 'chunks/s');
  report(BENCH, 'event_loop_stall_max', busy.longest, 'ms');
  report(BENCH, 'event_loop_delay_p99', busy.p99, 'ms');
} finally {
  await services?.close();
  work.remove();
}
