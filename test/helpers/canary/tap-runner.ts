/**
 * Network taps in a process of their own, driven over IPC by netns-taps.ts. A test whose app runs
 * inside a network namespace (test/e2e/netns.ts) needs its taps on that namespace's loopback, which
 * the test process cannot reach; this process is started inside the namespace instead. IPC uses
 * advanced serialization, so captured bytes cross as Uint8Array.
 */
import type { NetworkProfile } from '../../../shared/network-profile';
import { tapNetwork, type NetworkTaps } from './network-taps';

type Command = { op: 'start'; profile: NetworkProfile } | { op: 'snapshot' } | { op: 'post'; url: string; body: unknown } | { op: 'close' };

let taps: NetworkTaps | null = null;

async function run(cmd: Command): Promise<unknown> {
  switch (cmd.op) {
    case 'start':
      if (taps) throw new Error('the taps are already running');
      taps = await tapNetwork(cmd.profile);
      return taps.profile;
    case 'snapshot':
      return (taps?.taps ?? []).map((t) => ({
        name: t.name,
        connections: t.connections.map((c) => ({ sent: new Uint8Array(c.sent), wsPayloads: c.wsPayloads.map((p) => new Uint8Array(p)) })),
      }));
    case 'post': {
      // The test's own requests from inside the namespace (e.g. reading the chain): not through a tap.
      const response = await fetch(cmd.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(cmd.body),
      });
      return (await response.json()) as unknown;
    }
    case 'close':
      await taps?.close();
      taps = null;
      setImmediate(() => process.exit(0));
      return null;
  }
}

process.on('message', (raw: unknown) => {
  const { reqId, cmd } = raw as { reqId: number; cmd: Command };
  run(cmd).then(
    (result) => process.send?.({ reqId, result }),
    (error: unknown) => process.send?.({ reqId, error: error instanceof Error ? error.message : String(error) }),
  );
});
process.on('disconnect', () => process.exit(0));
process.send?.({ ready: true });
