import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDispatcher, describeZodError, type Dispatcher } from '../../shared/api/dispatcher';
import type { MethodName, MethodOutput } from '../../shared/api/index';
import { AppError, errorLogText, isAppError } from '../../shared/errors';
import { analyticGaussianSigma, laplaceScale, randomizedResponsePTruth } from '../../shared/dp/mechanisms';
import { datanetExportSchema, policySchema } from '../../shared/policy';
import { defaultDataDir, useOwnerOnlyUmask } from '../services/paths';
import { createServices, type Services } from '../services/wiring';
import { parseArgs } from './args';
import { EMBEDDING_USAGE, EMBEDDING_VALUED, runEmbeddingCommand } from './cli-embeddings';
import { SUBMIT_USAGE, SUBMIT_VALUED, runOfflineSubmitCommand, runSubmitCommand } from './cli-submit';
import { REWARDS_USAGE, REWARDS_VALUED, rewardsOptionsFrom, runRewardsCommand } from './cli-rewards';
import { ANONYMISE_USAGE, ANONYMISE_VALUED, runAnonymiseCommand, runOfflineAnonymiseCommand } from './cli-anonymise';
import { DATANET_USAGE, DATANET_VALUED, runDatanetCommand } from './cli-datanets';

const USAGE = `usage: datanet-desk [--data-dir DIR] COMMAND
  datanet create --name NAME [--domain D] [--description TEXT] [--policy FILE.json]
  datanet list
${DATANET_USAGE}
  import --datanet ID PATH...
  dp calibrate --mechanism laplace|gaussian|randomized-response --epsilon E [--delta D] [--sensitivity S] [--k K]
${EMBEDDING_USAGE}
${SUBMIT_USAGE}
${REWARDS_USAGE}
${ANONYMISE_USAGE}`;

const VALUED = [
  'data-dir',
  'name',
  'domain',
  'description',
  'policy',
  'datanet',
  'mechanism',
  'epsilon',
  'delta',
  'sensitivity',
  'k',
  ...EMBEDDING_VALUED,
  ...SUBMIT_VALUED,
  ...REWARDS_VALUED,
  ...ANONYMISE_VALUED,
  ...DATANET_VALUED,
];

function print(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

async function call<M extends MethodName>(dispatch: Dispatcher, method: M, input: unknown): Promise<MethodOutput<M>> {
  const reply = await dispatch(method, input);
  if (!reply.ok) throw AppError.fromData(reply.error);
  return reply.result as MethodOutput<M>;
}

function publicDatanet(d: { id: string; name: string; policy: unknown }): { id: string; name: string; policy: unknown } {
  return { id: d.id, name: d.name, policy: d.policy };
}

async function readPolicy(file: string): Promise<unknown> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(resolve(file), 'utf8'));
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : 'not JSON';
    throw new AppError('invalid_policy', `--policy ${file}: ${reason}.`);
  }
  // Accept a bare policy or a whole exported Datanet document.
  const doc = datanetExportSchema.safeParse(raw);
  if (doc.success) return doc.data.policy;
  const policy = policySchema.safeParse(raw);
  if (!policy.success) throw new AppError('invalid_policy', `--policy ${file}: ${describeZodError(policy.error)}.`);
  return policy.data;
}

function numberOption(options: Map<string, string>, name: string, fallback?: number): number {
  const raw = options.get(name);
  if (raw === undefined) {
    if (fallback === undefined) throw new AppError('invalid_input', `--${name} is required.`);
    return fallback;
  }
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value)) throw new AppError('invalid_input', `--${name} must be a number, got "${raw}".`);
  return value;
}

/** `dp calibrate`: the noise scale a mechanism needs for a privacy level (README.md, Command line). */
function calibrate(options: Map<string, string>): { mechanism: string; scale?: number; sigma?: number; pTruth?: number } {
  const mechanism = options.get('mechanism');
  const epsilon = numberOption(options, 'epsilon');
  if (!(epsilon > 0)) throw new AppError('invalid_input', '--epsilon must be above 0.');
  if (mechanism === 'laplace') return { mechanism, scale: laplaceScale(numberOption(options, 'sensitivity', 1), epsilon) };
  if (mechanism === 'gaussian') {
    const delta = numberOption(options, 'delta');
    if (!(delta > 0 && delta < 1)) throw new AppError('invalid_input', '--delta must be in (0, 1).');
    return { mechanism, sigma: analyticGaussianSigma(numberOption(options, 'sensitivity', 1), epsilon, delta) };
  }
  if (mechanism === 'randomized-response') {
    const k = numberOption(options, 'k', 2);
    if (!Number.isInteger(k) || k < 2) throw new AppError('invalid_input', '--k must be an integer of at least 2.');
    return { mechanism, pTruth: randomizedResponsePTruth(epsilon, k) };
  }
  throw new AppError('invalid_input', '--mechanism must be laplace, gaussian or randomized-response.');
}

async function run(argv: string[], services: () => Promise<Services>): Promise<void> {
  const { options, positional } = parseArgs(argv, VALUED);
  const [command, sub, ...rest] = positional;
  if (!command || options.has('help')) {
    console.error(USAGE);
    if (!command) throw new AppError('invalid_input', 'No command given.');
    return;
  }
  if (command === 'dp' && sub === 'calibrate') {
    // Pure arithmetic: no data folder is opened.
    print(calibrate(options));
    return;
  }
  const args = [sub, ...rest].filter((a): a is string => a !== undefined);
  if (await runOfflineSubmitCommand(command, args, print)) return;
  if (await runOfflineAnonymiseCommand(command, args, options, print)) return;
  const s = await services();
  // The CLI surface: the person at the terminal names the paths, so library.importPaths is offered.
  const dispatch = createDispatcher(s.handlers, (error) => console.error(error), { surface: 'cli' });
  if (await runEmbeddingCommand(command, options, s, dispatch, print)) return;
  if (await runSubmitCommand(command, sub, options, s, dispatch, print)) return;
  if (await runRewardsCommand(command, options, dispatch, print)) return;
  if (await runAnonymiseCommand(command, sub, dispatch, print)) return;
  if (await runDatanetCommand(command, sub, rest, options, dispatch, print)) return;
  if (command === 'datanet' && sub === 'create') {
    const name = options.get('name');
    if (!name) throw new AppError('invalid_input', '--name is required.');
    const policy = options.has('policy') ? await readPolicy(options.get('policy') as string) : undefined;
    const created = await call(dispatch, 'datanets.create', {
      name,
      domain: options.get('domain') ?? '',
      description: options.get('description') ?? '',
      ...(policy === undefined ? {} : { policy }),
    });
    print(publicDatanet(created));
  } else if (command === 'datanet' && sub === 'list') {
    print((await call(dispatch, 'datanets.list', {})).map(publicDatanet));
  } else if (command === 'import') {
    const datanetId = options.get('datanet');
    const paths = [sub, ...rest].filter((p): p is string => p !== undefined);
    if (!datanetId) throw new AppError('invalid_input', '--datanet ID is required.');
    if (paths.length === 0) throw new AppError('invalid_input', 'Name at least one file or folder to import.');
    const importId = randomUUID();
    const stop = s.events.subscribe((event, payload) => {
      if (event !== 'library.importProgress') return;
      const progress = payload as { importId: string; result: unknown };
      if (progress.importId === importId) print(progress.result);
    });
    const onSignal = (): void => void s.library.cancelImport(importId);
    process.once('SIGINT', onSignal);
    try {
      await call(dispatch, 'library.importPaths', { datanetId, paths, importId });
    } finally {
      stop();
      process.off('SIGINT', onSignal);
    }
  } else {
    throw new AppError('invalid_input', `Unknown command "${[command, sub].filter(Boolean).join(' ')}".\n${USAGE}`);
  }
}

/** Entry of the `datanet-desk` bin: JSON on stdout, `{"error":{code,message}}` and exit 1 on failure. */
export async function cliMain(argv: string[]): Promise<number> {
  let services: Services | undefined;
  try {
    const { options } = parseArgs(argv, VALUED);
    const dataDir = resolve(options.get('data-dir') ?? defaultDataDir());
    await run(argv, async () => {
      services = await createServices({
        dataDir,
        host: 'node',
        version: __APP_VERSION__,
        // The CLI drives the submission queue itself (submit); other commands must not start network work.
        submission: { isAutomatic: false },
        embedWorkerPath: fileURLToPath(new URL('./embed-worker.js', import.meta.url)),
        bundledModelsDir: fileURLToPath(new URL('../../resources/models', import.meta.url)),
        embeddingModelDir: options.get('model') ?? (process.env.DATANET_DESK_MODEL_DIR || undefined),
        rewards: rewardsOptionsFrom(options),
      });
      return services;
    });
    return 0;
  } catch (error) {
    if (isAppError(error)) {
      // The printed shape is fixed ({code, message}) for scripts; an internal error's cause goes to stderr.
      if (error.code === 'internal') console.error(errorLogText(error));
      print({ error: { code: error.code, message: error.message } });
    } else {
      console.error(error);
      print({ error: { code: 'internal', message: 'Something went wrong inside the app; see stderr.' } });
    }
    return 1;
  } finally {
    await services?.close();
  }
}

useOwnerOnlyUmask();
cliMain(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
