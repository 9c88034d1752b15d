import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const HOST_ENTRY = fileURLToPath(new URL('../../out/main/host.js', import.meta.url));

export type RunningHost = { url: string; port: number; process: ChildProcess; stop(signal?: NodeJS.Signals): Promise<void> };

/** Starts the built Node host on a free loopback port (or `port`) over `dataDir`; `env` adds to the inherited environment. */
export async function startHost(
  dataDir: string,
  port = 0,
  env: Record<string, string> = {},
  /** Runs the host through another command, e.g. `nsenter` into a test's network namespace (test/e2e/netns.ts). */
  wrap?: (command: string, args: string[]) => [string, string[]],
): Promise<RunningHost> {
  if (!existsSync(HOST_ENTRY)) throw new Error('The app is not built: run `npm run build` before the end-to-end tests.');
  const hostArgs = [HOST_ENTRY, '--port', String(port), '--data-dir', dataDir];
  const [command, args] = wrap ? wrap(process.execPath, hostArgs) : [process.execPath, hostArgs];
  const child = spawn(command, args, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const first = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`host exited (${code}) before it was ready:\n${stderr}`)));
    setTimeout(() => reject(new Error(`host did not start within 60 s:\n${stderr}`)), 60_000);
  });
  const { url, port: actual } = JSON.parse(first) as { url: string; port: number };
  return {
    url,
    port: actual,
    process: child,
    stop: (signal = 'SIGTERM') =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill(signal);
      }),
  };
}
