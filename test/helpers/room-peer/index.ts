import { fork, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import type { SignedVote } from '../../../shared/review/doc';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
// Inside the repository so that the bundle's bare imports (yjs, y-webrtc, wrtc) resolve from node_modules.
const OUT_DIR = fileURLToPath(new URL('../../../node_modules/.cache/datanet-desk-room-peer', import.meta.url));
const ENTRY = fileURLToPath(new URL('./peer.ts', import.meta.url));

let built: Promise<string> | null = null;

/** Bundles peer.ts for Node once per process (dependencies stay in node_modules). */
export function buildPeer(): Promise<string> {
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
        rollupOptions: { output: { format: 'es', entryFileNames: 'peer.mjs' } },
      },
    });
    const file = `${OUT_DIR}/peer.mjs`;
    if (!existsSync(file)) throw new Error('the room peer did not build');
    return file;
  })();
  return built;
}

/** How a peer reaches its store: the parent's RoomService for one room. */
export type PeerStore = { load(): Promise<string[]>; append(update: string): Promise<void> };

export type PeerSummary = {
  title: string | null;
  items: { key: string; text: string; outcome: string; valid: number; invalid: number; current: string[] }[];
  alpha: number | null;
  votes: number;
  state: string;
};

/** A review-room peer in a child process, driven over IPC. */
export class RoomPeer {
  private nextReq = 1;
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private constructor(
    private readonly child: ChildProcess,
    private store: PeerStore,
  ) {
    // A peer process that dies (the native WebRTC module can crash) would otherwise leave every
    // pending call waiting until the test's timeout: fail them at once, saying how it ended.
    child.once('exit', (code, signal) => {
      const error = new Error(`room peer exited (code ${code}, signal ${signal}) with ${this.waiting.size} calls pending`);
      for (const w of this.waiting.values()) w.reject(error);
      this.waiting.clear();
    });
    child.on('message', (raw: unknown) => {
      const m = raw as { type: string; reqId: number; op?: string; update?: string; result?: unknown; error?: string };
      if (m.type === 'reply') {
        const w = this.waiting.get(m.reqId);
        this.waiting.delete(m.reqId);
        if (m.error !== undefined) w?.reject(new Error(m.error));
        else w?.resolve(m.result);
      } else if (m.type === 'req') {
        const work = m.op === 'load' ? this.store.load() : this.store.append(m.update as string).then(() => null);
        work.then(
          (result) => child.send({ type: 'reply', reqId: m.reqId, result }),
          (error: unknown) => child.send({ type: 'reply', reqId: m.reqId, error: String(error) }),
        );
      }
    });
  }

  /** `wrap` runs the peer through another command (e.g. `nsenter` into a test's network namespace); IPC still works. */
  static async start(store: PeerStore, wrap?: (command: string, args: string[]) => [string, string[]]): Promise<RoomPeer> {
    const file = await buildPeer();
    const child = wrap
      ? spawn(...wrap(process.execPath, [file]), { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
      : fork(file, [], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    await new Promise<void>((resolve, reject) => {
      child.once('message', () => resolve());
      child.once('exit', (code) => reject(new Error(`room peer exited (${code})`)));
    });
    return new RoomPeer(child, store);
  }

  private call<T>(cmd: Record<string, unknown>): Promise<T> {
    const reqId = this.nextReq++;
    return new Promise<T>((resolve, reject) => {
      if (this.child.exitCode !== null || this.child.signalCode !== null || !this.child.connected) {
        reject(new Error(`room peer is gone (code ${this.child.exitCode}, signal ${this.child.signalCode})`));
        return;
      }
      this.waiting.set(reqId, { resolve: resolve as (v: unknown) => void, reject });
      this.child.send({ type: 'cmd', reqId, cmd });
    });
  }

  open(input: { roomName: string; password: string; signalingUrls: string[]; name: string; address: string | null }): Promise<null> {
    return this.call({ op: 'open', ...input });
  }
  connect(): Promise<null> {
    return this.call({ op: 'connect' });
  }
  disconnect(): Promise<null> {
    return this.call({ op: 'disconnect' });
  }
  apply(update: string): Promise<null> {
    return this.call({ op: 'apply', update });
  }
  vote(vote: SignedVote): Promise<null> {
    return this.call({ op: 'vote', vote });
  }
  rawVote(entry: unknown): Promise<null> {
    return this.call({ op: 'raw', array: 'votes', entry });
  }
  summary(): Promise<PeerSummary> {
    return this.call({ op: 'summary' });
  }
  count(): Promise<{ items: number; votes: number } | null> {
    return this.call({ op: 'count' });
  }
  /** Resolves when the peer holds `votes` votes, with its own timings. */
  watch(votes: number, timeoutMs = 60_000): Promise<{ sinceWatchMs: number; sinceConnectedMs: number | null }> {
    return this.call({ op: 'watch', votes, timeoutMs });
  }
  peers(): Promise<{ webrtc: number; synced: number; awareness: (string | null)[] }> {
    return this.call({ op: 'peers' });
  }
  flush(): Promise<null> {
    return this.call({ op: 'flush' });
  }
  async close(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    await this.call({ op: 'close' }).catch(() => undefined);
    await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  }
}

/** Polls `check` until it returns true (or throws after `timeoutMs`). */
export async function waitFor(check: () => Promise<boolean>, timeoutMs = 20_000, what = 'condition'): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
