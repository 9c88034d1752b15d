import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AppError } from '../../../../shared/errors';
import {
  importModelFolder,
  inspectModelFolder,
  resolveModel,
  type ModelSettings,
} from '../../../../electron/services/embeddings/model-resolution';
import { requireTestModel } from '../../../helpers/embedding-model';
import { makeTempDir } from '../../../helpers/temp-dir';

const tmp = makeTempDir('datanet-desk-models-');
afterAll(() => tmp.remove());

/** A model folder with the test model's config and tokenizer and a stand-in ONNX file (validation does not load it). */
function makeModel(name: string, change: { omit?: string[]; onnx?: string; config?: (c: Record<string, unknown>) => void } = {}): string {
  const source = requireTestModel();
  const dir = join(tmp.dir, name);
  mkdirSync(join(dir, 'onnx'), { recursive: true });
  for (const file of ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json', 'vocab.txt']) {
    if (!change.omit?.includes(file)) copyFileSync(join(source, file), join(dir, file));
  }
  if (change.config) {
    const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
    change.config(config);
    writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
  }
  if (change.onnx !== '') writeFileSync(join(dir, 'onnx', change.onnx ?? 'model.onnx'), 'stand-in');
  return dir;
}

async function codeOf(promise: Promise<unknown>): Promise<{ code: string; details?: Record<string, unknown> }> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return { code: error.code, details: error.details };
    throw error;
  }
  throw new Error('expected a refusal');
}

const settings = (over: Partial<ModelSettings> = {}): ModelSettings => ({
  modelId: 'org/mini',
  modelDir: null,
  allowNetwork: false,
  ...over,
});

describe('model folder validation', () => {
  it('accepts a complete folder and picks the quantized file when there is one', async () => {
    expect(await inspectModelFolder(makeModel('fp32'))).toMatchObject({ dtype: 'fp32', hiddenSize: 384 });
    const both = makeModel('both');
    writeFileSync(join(both, 'onnx', 'model_quantized.onnx'), 'q');
    expect((await inspectModelFolder(both)).dtype).toBe('q8');
  });

  it('refuses with a code and says which files are missing', async () => {
    expect(await codeOf(inspectModelFolder(join(tmp.dir, 'nowhere')))).toMatchObject({ code: 'not_found' });
    expect(await codeOf(inspectModelFolder(join(makeModel('f'), 'config.json')))).toMatchObject({
      code: 'invalid_model',
      details: { reason: 'not_a_folder' },
    });
    expect(await codeOf(inspectModelFolder(makeModel('no-tok', { omit: ['tokenizer.json'] })))).toEqual({
      code: 'invalid_model',
      details: { missing: ['tokenizer.json'] },
    });
    expect(await codeOf(inspectModelFolder(makeModel('no-onnx', { onnx: '' })))).toEqual({
      code: 'invalid_model',
      details: { missing: ['onnx/model*.onnx'] },
    });
    expect(await codeOf(inspectModelFolder(makeModel('odd-onnx', { onnx: 'encoder.onnx' })))).toMatchObject({
      details: { missing: ['onnx/model*.onnx'] },
    });
  });

  it('refuses a model whose vectors do not fit vector(384), and a truncated config', async () => {
    const wide = makeModel('wide', { config: (c) => (c.hidden_size = 768) });
    expect(await codeOf(inspectModelFolder(wide))).toMatchObject({
      code: 'invalid_model',
      details: { reason: 'dimensions', hiddenSize: 768 },
    });
    const broken = makeModel('broken');
    writeFileSync(join(broken, 'config.json'), '{"hidden_size": 3');
    expect(await codeOf(inspectModelFolder(broken))).toMatchObject({ code: 'invalid_model', details: { reason: 'invalid_json' } });
  });
});

describe('model resolution order', () => {
  const bundledRoot = join(tmp.dir, 'bundled');
  const cacheRoot = join(tmp.dir, 'cache');

  it('uses nothing and says why when no model is anywhere and the network is off', async () => {
    const r = await resolveModel({ settings: settings(), bundledRoot, cacheRoot });
    expect(r).toMatchObject({ source: 'none', isUsable: false, modelId: 'org/mini' });
    expect(r.reason).toMatch(/Import a model folder/);
    expect(await resolveModel({ settings: settings({ allowNetwork: true }), bundledRoot, cacheRoot })).toMatchObject({
      source: 'hub',
      isUsable: true,
      dtype: 'q8',
    });
  });

  it('prefers a configured folder, then the bundled model, then the data-folder cache', async () => {
    await importModelFolder(makeModel('for-cache'), cacheRoot, 'org/mini');
    expect(await resolveModel({ settings: settings({ allowNetwork: true }), bundledRoot, cacheRoot })).toMatchObject({
      source: 'cache',
      dir: join(cacheRoot, 'org', 'mini'),
    });
    await importModelFolder(makeModel('for-bundle'), bundledRoot, 'org/mini');
    expect(await resolveModel({ settings: settings(), bundledRoot, cacheRoot })).toMatchObject({ source: 'bundled' });
    const chosen = makeModel('chosen');
    expect(await resolveModel({ settings: settings({ modelDir: chosen }), bundledRoot, cacheRoot })).toMatchObject({
      source: 'configured',
      modelId: 'chosen',
      dir: chosen,
    });
    const override = makeModel('override');
    expect(await resolveModel({ settings: settings({ modelDir: chosen }), overrideDir: override, bundledRoot, cacheRoot })).toMatchObject({
      source: 'configured',
      modelId: 'override',
    });
  });

  it('reports a configured folder that holds no model instead of silently using another', async () => {
    const r = await resolveModel({ settings: settings({ modelDir: join(tmp.dir, 'gone') }), bundledRoot, cacheRoot });
    expect(r).toMatchObject({ source: 'configured', isUsable: false });
  });
});

describe('model import', () => {
  it('copies the needed files into <cache>/<id> and replaces an earlier import', async () => {
    const cacheRoot = join(tmp.dir, 'import-cache');
    const first = await importModelFolder(makeModel('imp'), cacheRoot, 'my-model');
    expect(first).toMatchObject({ dir: join(cacheRoot, 'my-model'), dtype: 'fp32' });
    expect(readFileSync(join(cacheRoot, 'my-model', 'onnx', 'model.onnx'), 'utf8')).toBe('stand-in');
    const again = makeModel('imp2');
    writeFileSync(join(again, 'onnx', 'model.onnx'), 'newer');
    await importModelFolder(again, cacheRoot, 'my-model');
    expect(readFileSync(join(cacheRoot, 'my-model', 'onnx', 'model.onnx'), 'utf8')).toBe('newer');
  });

  it('refuses an invalid folder or id and leaves the cache as it was', async () => {
    const cacheRoot = join(tmp.dir, 'import-refused');
    expect(await codeOf(importModelFolder(makeModel('bad', { omit: ['config.json'] }), cacheRoot, 'x'))).toMatchObject({
      code: 'invalid_model',
      details: { missing: ['config.json'] },
    });
    expect(await codeOf(importModelFolder(makeModel('good'), cacheRoot, '../escape'))).toMatchObject({ code: 'invalid_input' });
    expect(await codeOf(importModelFolder(join(tmp.dir, 'absent'), cacheRoot, 'x'))).toMatchObject({ code: 'not_found' });
    await expect(resolveModel({ settings: settings({ modelId: 'x' }), cacheRoot })).resolves.toMatchObject({ source: 'none' });
  });
});
