import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { cp, mkdir, readFile, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { AppError } from '../../../shared/errors';
import { EMBEDDING_DIMS } from './constants';

export type ModelSource = 'configured' | 'bundled' | 'cache' | 'hub' | 'none';

export type ModelSettings = { modelId: string; modelDir: string | null; allowNetwork: boolean };

/** Where the active model comes from; `dir` and `onnxFile` are set for the local sources. */
export type ResolvedModel = {
  modelId: string;
  source: ModelSource;
  isUsable: boolean;
  dir: string | null;
  onnxFile: string | null;
  dtype: string | null;
  reason: string | null;
};

/** ONNX files transformers.js loads for a dtype, in order of preference (quantized first: the default model ships quantized). */
const DTYPE_FILES: readonly (readonly [string, string])[] = [
  ['q8', 'model_quantized.onnx'],
  ['fp32', 'model.onnx'],
  ['int8', 'model_int8.onnx'],
  ['uint8', 'model_uint8.onnx'],
  ['fp16', 'model_fp16.onnx'],
  ['q4', 'model_q4.onnx'],
  ['q4f16', 'model_q4f16.onnx'],
  ['bnb4', 'model_bnb4.onnx'],
];

/** Files a model folder needs for the feature-extraction pipeline (tokenizer_config.json included: without it transformers.js builds no tokenizer). */
export const REQUIRED_MODEL_FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json'] as const;
/** Optional files copied along on import when present. */
const OPTIONAL_MODEL_FILES = ['special_tokens_map.json', 'vocab.txt', 'README.md'] as const;

/** Hub-style ids (`owner/name` or `name`): they become folders under the data folder, so nothing else is accepted. */
export function isValidModelId(id: string): boolean {
  return /^[A-Za-z0-9][\w.-]{0,95}(\/[A-Za-z0-9][\w.-]{0,95})?$/.test(id) && !id.includes('..');
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

export type ModelFolder = { dir: string; onnxFile: string; dtype: string; hiddenSize: number };

/**
 * Checks that a folder holds a transformers.js feature-extraction model whose vectors fit the
 * database: `not_found` when there is no folder, `invalid_model` (with `details.missing` or
 * `details.reason`) for anything else.
 */
export async function inspectModelFolder(path: string): Promise<ModelFolder> {
  const dir = resolve(path);
  let info;
  try {
    info = await stat(dir);
  } catch {
    throw new AppError('not_found', `There is no folder at ${dir}.`, { path: dir });
  }
  if (!info.isDirectory()) throw new AppError('invalid_model', `${dir} is a file; choose the model's folder.`, { reason: 'not_a_folder' });
  const missing: string[] = [];
  for (const name of REQUIRED_MODEL_FILES) if (!(await isFile(join(dir, name)))) missing.push(name);
  let chosen: readonly [string, string] | undefined;
  for (const entry of DTYPE_FILES) {
    if (await isFile(join(dir, 'onnx', entry[1]))) {
      chosen = entry;
      break;
    }
  }
  if (!chosen) missing.push('onnx/model*.onnx');
  if (missing.length > 0) {
    throw new AppError('invalid_model', `This folder is not a complete model: ${missing.join(', ')} missing.`, { missing });
  }
  let config: { hidden_size?: unknown };
  try {
    config = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')) as { hidden_size?: unknown };
    JSON.parse(await readFile(join(dir, 'tokenizer.json'), 'utf8'));
  } catch {
    throw new AppError('invalid_model', 'config.json or tokenizer.json is not valid JSON (an interrupted copy?).', {
      reason: 'invalid_json',
    });
  }
  if (config.hidden_size !== EMBEDDING_DIMS) {
    throw new AppError(
      'invalid_model',
      `This model makes ${String(config.hidden_size)}-dimensional vectors; Datanet Desk stores ${EMBEDDING_DIMS}-dimensional ones (all-MiniLM-L6-v2 and models of its size).`,
      { reason: 'dimensions', hiddenSize: config.hidden_size },
    );
  }
  const [dtype, file] = chosen as readonly [string, string];
  return { dir, onnxFile: join(dir, 'onnx', file), dtype, hiddenSize: EMBEDDING_DIMS };
}

function local(modelId: string, source: ModelSource, folder: ModelFolder): ResolvedModel {
  return { modelId, source, isUsable: true, dir: folder.dir, onnxFile: folder.onnxFile, dtype: folder.dtype, reason: null };
}

/** The cache folder of a model id inside `root` (a hub id `owner/name` is two levels, as the hub cache lays it out). */
export function modelCacheDir(root: string, modelId: string): string {
  return join(root, ...modelId.split('/'));
}

/**
 * Finds the model to use, in order: a configured folder (the `--model` option or
 * `DATANET_DESK_MODEL_DIR` first, then the setting), the app's bundled `resources/models/<id>`,
 * the data folder's cache `models/<id>`, then the hub, only if the user allowed network use.
 * A configured folder that does not hold a model is reported, not skipped: the user chose it.
 */
export async function resolveModel(input: {
  settings: ModelSettings;
  overrideDir?: string;
  bundledRoot?: string;
  cacheRoot: string;
}): Promise<ResolvedModel> {
  const configured = input.overrideDir ?? input.settings.modelDir;
  if (configured) {
    const id = basename(resolve(configured));
    try {
      return local(id, 'configured', await inspectModelFolder(configured));
    } catch (error) {
      const reason = error instanceof AppError ? error.message : 'The configured model folder cannot be read.';
      return { modelId: id, source: 'configured', isUsable: false, dir: resolve(configured), onnxFile: null, dtype: null, reason };
    }
  }
  const { modelId } = input.settings;
  for (const [source, root] of [
    ['bundled', input.bundledRoot],
    ['cache', input.cacheRoot],
  ] as const) {
    if (!root) continue;
    try {
      return local(modelId, source, await inspectModelFolder(modelCacheDir(root, modelId)));
    } catch {
      // not there (or incomplete): try the next place
    }
  }
  if (input.settings.allowNetwork) {
    return { modelId, source: 'hub', isUsable: true, dir: null, onnxFile: null, dtype: 'q8', reason: null };
  }
  return {
    modelId,
    source: 'none',
    isUsable: false,
    dir: null,
    onnxFile: null,
    dtype: null,
    reason: `The model ${modelId} is not on this machine. Import a model folder, choose one in Settings, or allow network use to download it.`,
  };
}

/** sha256 of a file, streamed so that a 90 MB model does not hold the event loop. */
export async function hashFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * Copies a validated model folder into `<cacheRoot>/<modelId>`, whole or not at all: the copy
 * goes to a temporary folder first and replaces the previous one by rename.
 */
export async function importModelFolder(source: string, cacheRoot: string, modelId: string): Promise<ModelFolder> {
  if (!isValidModelId(modelId)) {
    throw new AppError('invalid_input', 'A model id is a name like "owner/model" made of letters, digits, ".", "_" and "-".');
  }
  const folder = await inspectModelFolder(source);
  const target = modelCacheDir(cacheRoot, modelId);
  if (resolve(folder.dir) === resolve(target)) return folder;
  await mkdir(cacheRoot, { recursive: true });
  const staging = join(cacheRoot, `.import-${randomUUID()}`);
  try {
    await mkdir(join(staging, 'onnx'), { recursive: true });
    for (const name of [...REQUIRED_MODEL_FILES, ...OPTIONAL_MODEL_FILES]) {
      if (await isFile(join(folder.dir, name))) await cp(join(folder.dir, name), join(staging, name));
    }
    // The chosen ONNX file and any external-data files that belong to it (model.onnx_data…).
    const onnxName = basename(folder.onnxFile);
    for (const name of await readdir(join(folder.dir, 'onnx'))) {
      if (name === onnxName || name.startsWith(`${onnxName}_data`)) await cp(join(folder.dir, 'onnx', name), join(staging, 'onnx', name));
    }
    await mkdir(dirname(target), { recursive: true });
    const previous = `${target}.old-${randomUUID()}`;
    const hadPrevious = await stat(target).then(
      () => true,
      () => false,
    );
    if (hadPrevious) await rename(target, previous);
    await rename(staging, target);
    if (hadPrevious) await rm(previous, { recursive: true, force: true });
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
  return inspectModelFolder(target);
}
