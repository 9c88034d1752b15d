/**
 * One review-room peer in its own process, as a renderer holds it: a Y.Doc, its y-webrtc provider
 * (real WebRTC through @roamhq/wrtc, real signaling) and its persistence, which goes to the parent
 * test's RoomService over IPC. Separate processes, because y-webrtc keeps one room per name per
 * process and a shared BroadcastChannel would connect two peers without WebRTC.
 */
import wrtc from '@roamhq/wrtc';
import { WebSocket } from 'ws';
import * as Y from 'yjs';
import { addVote, readRoom, roomParts, type SignedVote } from '../../../shared/review/doc';
import { signalingRoomName } from '../../../shared/review/invite';
import { RoomPersistence } from '../../../shared/review/persistence';
import { installWebrtcFraming } from '../../../shared/review/webrtc-frames';

type Command =
  | { op: 'open'; roomName: string; password: string; signalingUrls: string[]; name: string; address: string | null }
  | { op: 'connect' }
  | { op: 'disconnect' }
  | { op: 'apply'; update: string }
  | { op: 'vote'; vote: SignedVote }
  | { op: 'raw'; array: 'votes'; entry: unknown }
  | { op: 'summary' }
  | { op: 'count' }
  | { op: 'watch'; votes: number; timeoutMs: number }
  | { op: 'peers' }
  | { op: 'flush' }
  | { op: 'close' };

type Message = { type: 'cmd'; reqId: number; cmd: Command } | { type: 'reply'; reqId: number; error?: string; result?: unknown };

// lib0's websocket client expects the browser's global WebSocket (Node 20 has none).
(globalThis as { WebSocket?: unknown }).WebSocket = WebSocket;

const send = (m: unknown): void => {
  process.send?.(m);
};

let nextReq = 1;
const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
function request(payload: Record<string, unknown>): Promise<unknown> {
  const reqId = nextReq++;
  return new Promise((resolve, reject) => {
    waiting.set(reqId, { resolve, reject });
    send({ type: 'req', reqId, ...payload });
  });
}

const b64 = (u: Uint8Array): string => Buffer.from(u).toString('base64');
const unb64 = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'base64'));

let doc: Y.Doc | null = null;
let persistence: RoomPersistence | null = null;
// eslint-disable-next-line @typescript-eslint/consistent-type-imports
let provider: import('y-webrtc').WebrtcProvider | null = null;

async function run(cmd: Command): Promise<unknown> {
  switch (cmd.op) {
    case 'open': {
      const { WebrtcProvider } = await import('y-webrtc');
      installWebrtcFraming();
      doc = new Y.Doc();
      persistence = new RoomPersistence(
        doc,
        {
          load: async () => ((await request({ op: 'load' })) as string[]).map(unb64),
          append: async (u) => {
            await request({ op: 'append', update: b64(u) });
          },
        },
        20,
      );
      await persistence.load();
      provider = new WebrtcProvider(signalingRoomName(cmd.roomName), doc, {
        signaling: cmd.signalingUrls,
        password: cmd.password,
        // No STUN servers: the test talks to loopback only.
        peerOpts: { wrtc, config: { iceServers: [] } },
      });
      provider.awareness.setLocalStateField('user', { name: cmd.name, address: cmd.address });
      return null;
    }
    case 'connect':
      provider?.connect();
      return null;
    case 'disconnect':
      provider?.disconnect();
      return null;
    case 'apply':
      persistence?.applyStored(unb64(cmd.update));
      return null;
    case 'vote':
      if (doc) addVote(doc, cmd.vote);
      return null;
    case 'raw':
      if (doc) roomParts(doc).votes.push([cmd.entry]);
      return null;
    case 'summary': {
      if (!doc) return null;
      const snap = readRoom(doc);
      return {
        title: snap.meta?.title ?? null,
        items: snap.items.map((i) => ({
          key: i.key,
          text: i.text,
          outcome: i.outcome,
          valid: i.votes.filter((v) => v.isValid).length,
          invalid: i.invalidVotes,
          current: i.current.map((v) => `${v.reviewer}:${v.vote}`).sort(),
        })),
        alpha: snap.alpha,
        votes: roomParts(doc).votes.length,
        state: b64(Y.encodeStateVector(doc)),
      };
    }
    case 'count':
      return doc ? { items: roomParts(doc).items.size, votes: roomParts(doc).votes.length } : null;
    case 'watch': {
      // Timestamps taken here, in the peer: when its first WebRTC connection opened and when the
      // document held `votes` votes (polled every 2 ms, cheaper than an observer on a big sync).
      const start = performance.now();
      let connectedAt: number | null = null;
      for (;;) {
        if (connectedAt === null && provider?.room && [...provider.room.webrtcConns.values()].some((c) => c.connected))
          connectedAt = performance.now();
        if (doc && roomParts(doc).votes.length >= cmd.votes) {
          const doneAt = performance.now();
          return { sinceWatchMs: doneAt - start, sinceConnectedMs: connectedAt === null ? null : doneAt - connectedAt };
        }
        if (performance.now() - start > cmd.timeoutMs) throw new Error(`not converged within ${cmd.timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 2));
      }
    }
    case 'peers': {
      const room = provider?.room;
      return {
        webrtc: room ? room.webrtcConns.size : 0,
        synced: room ? [...room.webrtcConns.values()].filter((c) => c.synced).length : 0,
        awareness: provider
          ? [...provider.awareness.getStates().values()].map((s) => (s as { user?: { name?: string } }).user?.name ?? null)
          : [],
      };
    }
    case 'flush':
      await persistence?.flush();
      return null;
    case 'close':
      await persistence?.destroy();
      provider?.destroy();
      doc?.destroy();
      setTimeout(() => process.exit(0), 50);
      return null;
  }
}

process.on('message', (raw: unknown) => {
  const m = raw as Message;
  if (m.type === 'reply') {
    const w = waiting.get(m.reqId);
    waiting.delete(m.reqId);
    if (m.error !== undefined) w?.reject(new Error(m.error));
    else w?.resolve(m.result);
    return;
  }
  run(m.cmd).then(
    (result) => send({ type: 'reply', reqId: m.reqId, result }),
    (error: unknown) => send({ type: 'reply', reqId: m.reqId, error: String(error instanceof Error ? error.stack : error) }),
  );
});
send({ type: 'ready' });
