import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDispatcher } from '../../shared/api/dispatcher';
import { contentSecurityPolicyFor } from '../../shared/content-security-policy';
import { AppError, errorLogText } from '../../shared/errors';
import { defaultDataDir, useOwnerOnlyUmask } from '../services/paths';
import { createServices } from '../services/wiring';
import { parseArgs } from './args';
import { startHostServer } from './server';

const USAGE = 'usage: node out/main/host.js [--port N] [--data-dir DIR]';

/** The host's log: stacks with every `cause`, so an internal AppError thrown on purpose says why. */
function logError(error: unknown): void {
  console.error(errorLogText(error));
}

/** The Node host: the app's services behind a WebSocket on 127.0.0.1, serving the built renderer. */
async function main(): Promise<void> {
  const { options } = parseArgs(process.argv.slice(2), ['port', 'data-dir']);
  if (options.has('help')) {
    console.log(USAGE);
    return;
  }
  const port = Number(options.get('port') ?? process.env.PORT ?? 5178);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new AppError('invalid_input', `--port must be 0..65535. ${USAGE}`);
  const dataDir = resolve(options.get('data-dir') ?? defaultDataDir());
  const services = await createServices({
    dataDir,
    host: 'node',
    version: __APP_VERSION__,
    embedWorkerPath: fileURLToPath(new URL('./embed-worker.js', import.meta.url)),
    bundledModelsDir: fileURLToPath(new URL('../../resources/models', import.meta.url)),
    embeddingModelDir: process.env.DATANET_DESK_MODEL_DIR || undefined,
  });
  const dispatch = createDispatcher(services.handlers, (error, method) => {
    console.error(`internal error in ${method}:`);
    logError(error);
  });
  const staticDir = fileURLToPath(new URL('../renderer', import.meta.url));
  const host = await startHostServer({
    dispatch,
    events: services.events,
    staticDir,
    port,
    onError: logError,
    // connect-src lists the selected network's signaling servers and nothing else.
    contentSecurityPolicy: async () => contentSecurityPolicyFor(await services.network.get()),
  });
  // One machine-readable line first, for scripts and tests that start the host. The url carries
  // this run's key: whoever can read this output may use the app (test/helpers/host-session.ts).
  console.log(JSON.stringify({ url: host.url, port: host.port, dataDir }));
  console.error(
    `Datanet Desk is running. Open ${host.url} (the address carries this session's key; a new one each start). ` +
      `Data in ${dataDir}. Press Ctrl-C to stop.`,
  );

  let isStopping = false;
  const stop = (): void => {
    if (isStopping) return;
    isStopping = true;
    void host
      .close()
      .then(() => services.close())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          logError(error);
          process.exit(1);
        },
      );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

useOwnerOnlyUmask();
main().catch((error: unknown) => {
  if (error instanceof AppError) console.error(`${error.code}: ${error.message}`);
  else logError(error);
  process.exit(1);
});
