import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import type { NetworkProfile } from '../../../shared/network-profile';
import { httpRequestsOf, type CapturedRequest } from './http-requests';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const OUT_DIR = fileURLToPath(new URL('../../../node_modules/.cache/datanet-desk-tap-runner', import.meta.url));
const ENTRY = fileURLToPath(new URL('./tap-runner.ts', import.meta.url));

let built: Promise<string> | null = null;

/** Bundles tap-runner.ts for Node once per process (it needs only Node's own modules). */
function buildRunner(): Promise<string> {
  built ??= (async () => {
    mkdirSync(OUT_DIR, { recursive: true });
    await build({
      root: ROOT,
      configFile: false,
      logLevel: 'warn',
      build: {
        ssr: ENTRY,
        outDir: OUT_DIR,
        emptyOutDir: true,
        target: 'node20',
        minify: false,
        rollupOptions: { output: { format: 'es', entryFileNames: 'tap-runner.mjs' } },
      },
    });
    const file = `${OUT_DIR}/tap-runner.mjs`;
    if (!existsSync(file)) throw new Error('the tap runner did not build');
    return file;
  })();
  return built;
}

/** What one tap saw: per client connection, the bytes sent and the decoded WebSocket payloads. */
export type TapSnapshot = { name: string; connections: { sent: Buffer; wsPayloads: Buffer[] }[] };

/** The captures of a snapshot, named as Tap.captures() names them (`name#conn`, `name#conn/wsN`). */
export function capturesOf(snapshot: readonly TapSnapshot[]): { name: string; bytes: Uint8Array }[] {
  return snapshot.flatMap((t) =>
    t.connections.flatMap((c, i) => [
      { name: `${t.name}#${i}`, bytes: c.sent },
      ...c.wsPayloads.map((p, j) => ({ name: `${t.name}#${i}/ws${j}`, bytes: p })),
    ]),
  );
}

/** The HTTP requests of every connection through one tap. */
export function requestsOf(tap: TapSnapshot): CapturedRequest[] {
  return tap.connections.flatMap((c) => httpRequestsOf(c.sent));
}

/**
 * The taps of network-taps.ts in a child process started through `wrap` (e.g. `nsenter` into a
 * test's network namespace): they listen on that namespace's loopback, where the app runs.
 */
export class ProcessTaps {
  private nextReq = 1;
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  /** The profile with every endpoint behind a tap: give it to the app. */
  profile!: NetworkProfile;

  private constructor(private readonly child: ChildProcess) {
    child.on('message', (raw: unknown) => {
      const m = raw as { reqId: number; result?: unknown; error?: string };
      const w = this.waiting.get(m.reqId);
      this.waiting.delete(m.reqId);
      if (m.error !== undefined) w?.reject(new Error(m.error));
      else w?.resolve(m.result);
    });
    child.once('exit', (code) => {
      for (const w of this.waiting.values()) w.reject(new Error(`the tap runner exited (${code})`));
      this.waiting.clear();
    });
  }

  static async start(profile: NetworkProfile, wrap: (command: string, args: string[]) => [string, string[]]): Promise<ProcessTaps> {
    const file = await buildRunner();
    const child = spawn(...wrap(process.execPath, [file]), {
      cwd: ROOT,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      serialization: 'advanced',
    });
    await new Promise<void>((resolve, reject) => {
      child.once('message', () => resolve());
      child.once('exit', (code) => reject(new Error(`the tap runner exited (${code})`)));
    });
    const taps = new ProcessTaps(child);
    taps.profile = (await taps.call({ op: 'start', profile })) as NetworkProfile;
    return taps;
  }

  private call(cmd: Record<string, unknown>): Promise<unknown> {
    const reqId = this.nextReq++;
    return new Promise((resolve, reject) => {
      this.waiting.set(reqId, { resolve, reject });
      this.child.send({ reqId, cmd });
    });
  }

  /** Everything the app has sent through the taps so far. */
  async snapshot(): Promise<TapSnapshot[]> {
    const raw = (await this.call({ op: 'snapshot' })) as { name: string; connections: { sent: Uint8Array; wsPayloads: Uint8Array[] }[] }[];
    const buffer = (u: Uint8Array) => Buffer.from(u.buffer, u.byteOffset, u.byteLength);
    return raw.map((t) => ({
      name: t.name,
      connections: t.connections.map((c) => ({ sent: buffer(c.sent), wsPayloads: c.wsPayloads.map(buffer) })),
    }));
  }

  /** POSTs JSON from inside the namespace, around the taps (the test's own requests, e.g. to read the chain). */
  post(url: string, body: unknown): Promise<unknown> {
    return this.call({ op: 'post', url, body });
  }

  async close(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    await this.call({ op: 'close' }).catch(() => undefined);
    await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  }
}
