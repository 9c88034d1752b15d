import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/**
 * A private network namespace for tests that need WebRTC between browsers. Chromium gathers no
 * ICE candidates on a loopback-only network, so the namespace gets a veth pair with addresses
 * (10.213.0.1/24, 10.213.0.2/24) and a default route that exist only inside it; its loopback is up too, for the
 * hosts and the devnet, which keep binding 127.0.0.1. Nothing in it can reach any other network.
 * Needs root (CAP_SYS_ADMIN), `unshare` and `nsenter` (util-linux) and `ip` (iproute2).
 */
export type Netns = {
  pid: number;
  /** Runs a command inside the namespace (nsenter execs it: the pid and signals are the command's own). */
  wrap(command: string, args: string[]): [string, string[]];
  /** An executable that starts `binary` inside the namespace, for Playwright's executablePath. */
  wrapperFor(binary: string): string;
  stop(): Promise<void>;
};

const SETUP = [
  'ip link set lo up',
  'ip link add v0 type veth peer name v1',
  'ip addr add 10.213.0.1/24 dev v0',
  'ip addr add 10.213.0.2/24 dev v1',
  'ip link set v0 up',
  'ip link set v1 up',
  // Without media permission Chromium offers only the address of the default route's interface
  // (it finds it by routing to a public address, sending nothing): a namespace without a default
  // route gets no ICE candidates at all. This one leads into the namespace's own veth peer.
  'ip route add default via 10.213.0.2 dev v0',
].join(' && ');

export async function createNetns(): Promise<Netns> {
  for (const tool of ['unshare', 'nsenter', 'ip']) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) {
      throw new Error(`${tool} is missing: the two-browser review-room test needs util-linux and iproute2 (.ci/run installs them).`);
    }
  }
  // The holder process keeps the namespace alive; everything else joins it with nsenter.
  const holder: ChildProcess = spawn('unshare', ['-n', 'sh', '-c', `${SETUP} && echo ready && exec sleep 2147483647`], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  holder.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  await new Promise<void>((resolve, reject) => {
    createInterface({ input: holder.stdout! }).once('line', () => resolve());
    holder.once('exit', (code) =>
      reject(new Error(`could not create a network namespace (exit ${code}; root is needed for unshare -n):\n${stderr}`)),
    );
  });
  const pid = holder.pid as number;
  const scripts = mkdtempSync(join(tmpdir(), 'datanet-desk-netns-'));
  return {
    pid,
    wrap: (command, args) => ['nsenter', ['-t', String(pid), '-n', command, ...args]],
    wrapperFor(binary) {
      const file = join(scripts, `${binary.split('/').pop() ?? 'bin'}-in-netns`);
      writeFileSync(file, `#!/bin/sh\nexec nsenter -t ${pid} -n ${JSON.stringify(binary)} "$@"\n`);
      chmodSync(file, 0o755);
      return file;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        rmSync(scripts, { recursive: true, force: true });
        if (holder.exitCode !== null || holder.signalCode !== null) return resolve();
        holder.once('exit', () => resolve());
        holder.kill('SIGKILL');
      }),
  };
}
