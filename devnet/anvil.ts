import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { AppError } from '../shared/errors';

const require = createRequire(import.meta.url);

/** The platform packages that carry the anvil binary for `@foundry-rs/anvil` (see its const.mjs). */
const PLATFORM_PACKAGES: Record<string, string> = {
  'linux-x64': '@foundry-rs/anvil-linux-amd64',
  'linux-arm64': '@foundry-rs/anvil-linux-arm64',
  'darwin-x64': '@foundry-rs/anvil-darwin-amd64',
  'darwin-arm64': '@foundry-rs/anvil-darwin-arm64',
  'win32-x64': '@foundry-rs/anvil-win32-amd64',
};

/**
 * The anvil executable. Spawned directly rather than through the package's `bin.mjs`, which would
 * add a Node process between us and anvil that must forward every signal.
 */
export function anvilBinary(): string {
  const pkg = PLATFORM_PACKAGES[`${process.platform}-${process.arch}`];
  const name = process.platform === 'win32' ? 'anvil.exe' : 'anvil';
  if (pkg) {
    try {
      const path = require.resolve(`${pkg}/bin/${name}`);
      if (existsSync(path)) return path;
    } catch {
      // the optional platform package did not install; fall through to the wrapper's dist copy
    }
  }
  const fallback = require.resolve('@foundry-rs/anvil/bin.mjs').replace(/bin\.mjs$/, `../dist/${name}`);
  if (existsSync(fallback)) return fallback;
  throw new AppError('unavailable', `no anvil binary for ${process.platform}-${process.arch}; reinstall @foundry-rs/anvil`);
}

export type AnvilOptions = {
  /** 0 lets anvil pick a free port. */
  port: number;
  chainId: number;
  /** anvil's `--state`: loaded at start, dumped on exit and every `stateIntervalSeconds`. */
  statePath: string;
  stateIntervalSeconds: number;
  logPath: string;
};

export type Anvil = { rpcUrl: string; port: number; pid: number; stop(): Promise<void> };

/** Starts anvil on 127.0.0.1 and resolves once it answers JSON-RPC. */
export async function startAnvil(options: AnvilOptions): Promise<Anvil> {
  const log = createWriteStream(options.logPath, { flags: 'a' });
  const child = spawn(
    anvilBinary(),
    [
      // Loopback only: the devnet's accounts are anvil's published test keys.
      '--host',
      '127.0.0.1',
      '--port',
      String(options.port),
      '--chain-id',
      String(options.chainId),
      '--state',
      options.statePath,
      '--state-interval',
      String(options.stateIntervalSeconds),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  // Kill anvil if this process exits without calling stop() (a crashed test worker, say).
  const onExit = (): void => {
    child.kill('SIGKILL');
  };
  process.on('exit', onExit);

  let output = '';
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => fail(new AppError('unavailable', 'anvil did not start within 30 s')), 30_000);
    const fail = (error: Error): void => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(error);
    };
    const onData = (chunk: Buffer): void => {
      log.write(chunk);
      if (output.length < 64_000) output += chunk.toString('utf8');
      const match = /Listening on 127\.0\.0\.1:(\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    };
    // Both pipes are drained for anvil's whole life: a full pipe would block it.
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('error', (error) => fail(new AppError('unavailable', `anvil could not start: ${error.message}`)));
    child.once('exit', (code, signal) =>
      fail(
        new AppError('unavailable', `anvil exited during start (${signal ?? code}): ${output.slice(-2000)}`, {
          output: output.slice(-2000),
        }),
      ),
    );
  });
  const rpcUrl = `http://127.0.0.1:${port}`;
  await waitForRpc(rpcUrl, child);

  return {
    rpcUrl,
    port,
    pid: child.pid ?? -1,
    stop: async () => {
      process.off('exit', onExit);
      await stopChild(child);
      await new Promise<void>((resolve) => log.end(resolve));
    },
  };
}

async function waitForRpc(rpcUrl: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new AppError('unavailable', 'anvil exited before answering');
    try {
      const response = await fetch(rpcUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] }),
      });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new AppError('unavailable', 'anvil did not answer JSON-RPC within 15 s');
}

/** SIGTERM lets anvil dump its state; SIGKILL only if it has not exited after 10 s. */
async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}
