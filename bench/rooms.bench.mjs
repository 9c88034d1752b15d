// Review rooms: a room of 1,000 anonymised items and 5,000 signed votes. Encoded Y.Doc size
// against the same content as JSON, and time for a second peer to converge with the first over
// real WebRTC (@roamhq/wrtc, two processes, the devnet's signaling server on 127.0.0.1), against
// applying the same state in-process. Yjs reference figures from ../shared/eval/crdt are printed
// beside our own measurement of the same benchmarks (B1.1, B1.6) with the installed Yjs.
import { fork } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { at, report, seeded } from './lib.mjs';

const ITEMS = 1000;
const VOTES = 5000;
const REVIEWERS = 5;
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT = fileURLToPath(new URL('../node_modules/.cache/datanet-desk-bench-rooms', import.meta.url));

// The room schema, EIP-712 types and signaling server are TypeScript: bundle them for Node once.
await build({
  root: ROOT,
  configFile: false,
  logLevel: 'warn',
  build: {
    ssr: true,
    outDir: OUT,
    emptyOutDir: true,
    target: 'node20',
    minify: false,
    rollupOptions: {
      input: {
        doc: `${ROOT}shared/review/doc.ts`,
        eip712: `${ROOT}shared/review/eip712.ts`,
        invite: `${ROOT}shared/review/invite.ts`,
        signaling: `${ROOT}devnet/signaling.ts`,
        peer: `${ROOT}test/helpers/room-peer/peer.ts`,
      },
      output: { format: 'es', entryFileNames: '[name].mjs' },
    },
  },
});
const Y = await import('yjs');
const { Wallet } = await import('ethers');
// Typed by the sources they were bundled from.
const { addSharedItem, addVote, initRoom } = /** @type {typeof import('../shared/review/doc')} */ (await import(`${OUT}/doc.mjs`));
const { REVIEW_DOMAIN, VOTE_EIP712_TYPES, voteMessage } = /** @type {typeof import('../shared/review/eip712')} */ (
  await import(`${OUT}/eip712.mjs`)
);
const { startSignaling } = /** @type {typeof import('../devnet/signaling')} */ (await import(`${OUT}/signaling.mjs`));

// --- the room's content, built once -------------------------------------------------------
const rnd = seeded(6);
const WORDS = [
  'patient',
  'seen',
  'on',
  '[DATE_1]',
  'by',
  '[PERSON_1]',
  'at',
  '[LOCATION_1]',
  'with',
  'chest',
  'pain',
  'troponin',
  'normal',
  'ECG',
  'follow-up',
  'in',
  'weeks',
];
const text = () => Array.from({ length: 60 + Math.floor(rnd() * 40) }, () => WORDS[Math.floor(rnd() * WORDS.length)]).join(' ');
/** @param {number} n */
const hex32 = (n) => `0x${n.toString(16).padStart(64, '0')}`;
const roomName = 'room-bench-0000000000000000';
const wallets = Array.from({ length: REVIEWERS }, (_, i) => new Wallet(hex32(i + 1)));
const meta = {
  roomName,
  title: 'Bench room',
  datanetName: 'Bench',
  createdBy: at(wallets, 0).address,
  createdAt: '2025-01-01T00:00:00.000Z',
  rule: { minAccepts: 2, maxRejects: 0, minRejects: 2 },
};
/** @type {{ fields: import('../shared/review/doc').SharedItemFields, text: string }[]} */
const items = Array.from({ length: ITEMS }, (_, i) => ({
  fields: {
    key: hex32(0xabc0000 + i),
    title: `TXT item ${i}`,
    contentKind: 'text',
    contentSha256: hex32(0xabc0000 + i),
    reportHash: hex32(0xdef0000 + i),
    size: 500,
    sharedBy: at(wallets, i % REVIEWERS).address,
    sharedAt: new Date(Date.UTC(2025, 0, 1, 0, 0, i)).toISOString(),
  },
  text: text(),
}));
const CHOICES = /** @type {const} */ (['accept', 'reject', 'needs-changes']);
console.error(`# signing ${VOTES} votes…`);
const votes = [];
for (let v = 0; v < VOTES; v++) {
  const item = at(items, v % ITEMS);
  const wallet = at(wallets, Math.floor(v / ITEMS) % REVIEWERS);
  const vote = at(CHOICES, Math.floor(rnd() * 3));
  const reason = rnd() < 0.5 ? '' : 'reason ' + text().slice(0, 40);
  const signedAt = 1_735_689_600_000 + v;
  const signature = await wallet.signTypedData(
    REVIEW_DOMAIN,
    VOTE_EIP712_TYPES,
    voteMessage({ roomName, itemKey: item.fields.key, vote, reason, signedAt }),
  );
  votes.push({ itemKey: item.fields.key, reviewer: wallet.address, vote, reason, signedAt, signature });
}

const docA = new Y.Doc();
initRoom(docA, meta);
docA.transact(() => {
  for (const item of items) addSharedItem(docA, item.fields, item.text);
});
// Votes arrive one by one in a real room: one transaction each.
for (const vote of votes) addVote(docA, vote);
const state = Y.encodeStateAsUpdate(docA);
const json = new TextEncoder().encode(JSON.stringify({ meta, items: items.map((i) => ({ ...i.fields, text: i.text })), votes }));
report('rooms', 'doc_size_1000_items_5000_votes', state.length, 'bytes', json.length);

// Baseline: the same state applied in-process (what Yjs itself costs, no network).
let t0 = performance.now();
const local = new Y.Doc();
Y.applyUpdate(local, state);
const localMs = performance.now() - t0;
if (local.getArray('votes').length !== VOTES) throw new Error('local apply lost votes');

// --- two peers over real WebRTC --------------------------------------------------------------
const signaling = await startSignaling(0);
/**
 * What a peer process sends (test/helpers/room-peer/peer.ts): its answer to a command, a request
 * for its stored updates, or that it is ready.
 * @typedef {{ type: 'reply', reqId: number, error?: string, result?: unknown } | { type: 'req', reqId: number, op: string } | { type: 'ready' }} PeerMessage
 */
/** @typedef {{ child: import('node:child_process').ChildProcess, ready: Promise<unknown>, call: (cmd: object) => Promise<unknown> }} Peer */
/** @type {Peer[]} */
const peers = [];
/**
 * @param {string[]} storedUpdates
 * @returns {Peer}
 */
function startPeer(storedUpdates) {
  const child = fork(`${OUT}/peer.mjs`, [], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  /** @type {Map<number, { resolve: (value: unknown) => void, reject: (error: Error) => void }>} */
  const waiting = new Map();
  let next = 1;
  const ready = new Promise((resolve) => child.once('message', resolve));
  child.on('message', (raw) => {
    const m = /** @type {PeerMessage} */ (raw);
    if (m.type === 'reply') {
      const w = waiting.get(m.reqId);
      waiting.delete(m.reqId);
      if (m.error !== undefined) w?.reject(new Error(m.error));
      else w?.resolve(m.result);
    } else if (m.type === 'req') {
      child.send({ type: 'reply', reqId: m.reqId, result: m.op === 'load' ? storedUpdates : null });
    }
  });
  /** @param {object} cmd */
  const call = (cmd) =>
    new Promise((resolve, reject) => {
      const reqId = next++;
      waiting.set(reqId, { resolve, reject });
      child.send({ type: 'cmd', reqId, cmd });
    });
  const peer = { child, ready, call };
  peers.push(peer);
  return peer;
}
try {
  const a = startPeer([Buffer.from(state).toString('base64')]);
  const b = startPeer([]);
  await Promise.all([a.ready, b.ready]);
  const open = { op: 'open', roomName, password: 'bench-room-password-0123456789', signalingUrls: [signaling.url], address: null };
  await a.call({ ...open, name: 'A' });
  const counted = /** @type {{ votes: number }} */ (await a.call({ op: 'count' }));
  if (counted.votes !== VOTES) throw new Error(`peer A holds ${counted.votes} votes`);
  t0 = performance.now();
  const watching = b.call({ op: 'watch', votes: VOTES, timeoutMs: 120_000 });
  await b.call({ ...open, name: 'B' });
  const timings = /** @type {{ sinceConnectedMs?: number }} */ (await watching);
  const totalMs = performance.now() - t0;
  report('rooms', 'converge_after_connect_1000_items_5000_votes', timings.sinceConnectedMs ?? totalMs, 'ms', localMs);
  report('rooms', 'converge_from_join_1000_items_5000_votes', totalMs, 'ms', localMs);
} finally {
  for (const p of peers) p.child.kill('SIGKILL');
  await signaling.stop();
}

// --- Yjs reference figures (dmonad/crdt-benchmarks) next to ours -----------------------------
const N = 6000;
const b11 = new Y.Doc();
const b11text = b11.getText('text');
for (let i = 0; i < N; i++) b11text.insert(i, String.fromCharCode(97 + Math.floor(rnd() * 26)));
const b16 = new Y.Doc();
const b16text = b16.getText('text');
b16text.insert(0, 'x'.repeat(N));
b16text.delete(0, N);
const REFERENCE = fileURLToPath(new URL('../../shared/eval/crdt/crdt-benchmarks-main-table.json', import.meta.url));
/** @type {{ metric: string, yjs: string | number }[] | null} */
const reference = existsSync(REFERENCE) ? JSON.parse(readFileSync(REFERENCE, 'utf8')).rows : null;
if (!reference) console.error(`# ../shared/eval/crdt is absent (${REFERENCE}): reference figures not printed`);
/** @param {string} metric */
const referenceValue = (metric) => {
  const row = reference?.find((r) => r.metric === metric);
  return row ? Number(String(row.yjs).replace(/[^0-9.]/g, '')) : null;
};
for (const [metric, label, ours] of /** @type {[string, string, number][]} */ ([
  ['[B1.1] Append N characters (docSize)', 'b1_1_doc_size', Y.encodeStateAsUpdate(b11).length],
  ['[B1.6] Insert string, then delete it (docSize)', 'b1_6_doc_size', Y.encodeStateAsUpdate(b16).length],
])) {
  report('rooms', `yjs_${label}_installed`, ours, 'bytes');
  const ref = referenceValue(metric);
  if (ref !== null) report('rooms', `yjs_${label}_reference_13.6.11`, ref, 'bytes');
}
for (const metric of ['[B4] Apply real-world editing dataset (docSize)', '[B4] Apply real-world editing dataset (time)']) {
  const ref = referenceValue(metric);
  if (ref !== null)
    report(
      'rooms',
      `yjs_${metric.includes('time') ? 'b4_time' : 'b4_doc_size'}_reference_13.6.11`,
      ref,
      metric.includes('time') ? 'ms' : 'bytes',
    );
}
