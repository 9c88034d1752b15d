import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { NetworkProfile } from '../../shared/network-profile';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DEVNET_CLI = fileURLToPath(new URL('../../out/devnet/cli.js', import.meta.url));
const VITE = fileURLToPath(new URL('../../node_modules/vite/bin/vite.js', import.meta.url));

export type RunningDevnet = { profile: NetworkProfile; stop(): Promise<void> };

/**
 * The devnet as `npm run devnet` runs it (built, in its own process, on free ports or from `port`). Built afresh
 * once per run so that it judges with the current shared rules.
 */
export async function startBuiltDevnet(
  dataDir: string,
  port = 0,
  /** Runs the devnet through another command, e.g. `nsenter` into a test's network namespace (test/e2e/netns.ts). */
  wrap?: (command: string, args: string[]) => [string, string[]],
): Promise<RunningDevnet> {
  if (!process.env.DATANET_DESK_E2E_DEVNET_BUILT) {
    const build = spawnSync(process.execPath, [VITE, 'build', '-c', 'devnet/vite.config.ts'], {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    if (build.status !== 0 || !existsSync(DEVNET_CLI)) throw new Error('could not build the devnet');
    process.env.DATANET_DESK_E2E_DEVNET_BUILT = '1';
  }
  const devnetArgs = [DEVNET_CLI, '--data-dir', dataDir, '--port', String(port)];
  const [command, args] = wrap ? wrap(process.execPath, devnetArgs) : [process.execPath, devnetArgs];
  const child = spawn(command, args, {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`the devnet exited (${code}):\n${stderr}`)));
    setTimeout(() => reject(new Error(`the devnet did not start within 60 s:\n${stderr}`)), 60_000);
  });
  const { profile } = JSON.parse(line) as { profile: NetworkProfile };
  return {
    profile,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGINT');
      }),
  };
}

export { freeDevnetPort } from '../helpers/devnet-port';

/** Contribution attestations an address made on the devnet, read straight from the chain. */
export async function countContributions(
  profile: NetworkProfile,
  attester: string,
  /** Sends the JSON-RPC request another way, e.g. from inside a test's network namespace. */
  post: (url: string, body: unknown) => Promise<unknown> = async (url, body) =>
    (await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).json(),
): Promise<number> {
  const { Interface, zeroPadValue } = await import('ethers');
  const { EAS_ABI } = await import('../../shared/eas-abi');
  const topic = new Interface(EAS_ABI).getEvent('Attested')?.topicHash;
  const reply = await post(profile.rpcUrl, {
    jsonrpc: '2.0',
    id: 1,
    method: 'eth_getLogs',
    params: [
      {
        address: profile.contracts.eas,
        fromBlock: '0x0',
        topics: [topic, null, zeroPadValue(attester, 32), profile.schemas.contribution],
      },
    ],
  });
  return (reply as { result: unknown[] }).result.length;
}
