import { rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { isAppError } from '../shared/errors';
import { writeJsonAtomic } from './json-file';
import { startDevnet } from './devnet';

const USAGE = `npm run devnet -- [--out FILE] [--data-dir DIR] [--port N] [--seed S] [--fresh]

Starts the local network counterpart on 127.0.0.1 (anvil + EAS + $OPEN + rewards, the Datanet
validator, the y-webrtc signaling server) and writes its network profile to FILE.
  --out FILE      where to write the profile (it is also kept in DIR/profile.json)
  --data-dir DIR  chain and validator state (default .data/devnet); kept across restarts
  --port N        JSON-RPC on N, validator on N+1, signaling on N+2 (default 8545; 0 = any free)
  --seed S        attribution workload seed, fixed at the first start (default datanet-devnet)
  --fresh         delete DIR first
Ctrl-C stops everything and keeps the state.`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      out: { type: 'string' },
      'data-dir': { type: 'string', default: '.data/devnet' },
      port: { type: 'string', default: '8545' },
      seed: { type: 'string' },
      fresh: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stderr.write(`${USAGE}\n`);
    return;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65533) throw new Error(`--port must be 0..65533, not ${values.port}`);
  const dataDir = resolve(values['data-dir']);
  if (values.fresh) await rm(dataDir, { recursive: true, force: true });

  const devnet = await startDevnet({
    dataDir,
    port,
    ...(values.seed === undefined ? {} : { seed: values.seed }),
    log: (line) => process.stderr.write(`devnet: ${line}\n`),
  });
  if (values.out) await writeJsonAtomic(resolve(values.out), devnet.profile);

  process.stdout.write(
    `${JSON.stringify({
      ready: true,
      profilePath: values.out ? resolve(values.out) : resolve(dataDir, 'profile.json'),
      profile: devnet.profile,
      isFreshDeployment: devnet.isFreshDeployment,
      startupMs: devnet.timings.totalMs,
      timings: devnet.timings,
      deployGas: devnet.deployment.gas,
    })}\n`,
  );
  process.stderr.write('devnet: running; Ctrl-C stops it\n');

  let signals = 0;
  const shutdown = (signal: string): void => {
    signals++;
    if (signals > 1) {
      process.stderr.write('devnet: forced exit\n');
      process.exit(130);
    }
    process.stderr.write(`devnet: ${signal}, stopping\n`);
    devnet.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`devnet: stop failed: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  const payload = isAppError(error)
    ? error.toJSON()
    : // ethers errors embed whole transactions; the first line is what a person needs.
      { code: 'internal', message: (error instanceof Error ? error.message : String(error)).split('\n')[0]?.slice(0, 500) ?? '' };
  process.stdout.write(`${JSON.stringify({ error: payload })}\n`);
  process.exit(1);
});
