import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSignaling, type SignalingServer } from '../../../../devnet/signaling';
import { createServices, type Services } from '../../../../electron/services/wiring';
import { roomParts, type SignedVote } from '../../../../shared/review/doc';
import type { VoteChoice } from '../../../../shared/review/eip712';
import { RoomPeer, waitFor, type PeerSummary } from '../../../helpers/room-peer/index';
import { makeTempDir } from '../../../helpers/temp-dir';

/**
 * Two review-room peers, each a separate process with real WebRTC (@roamhq/wrtc) through the
 * devnet's signaling server on 127.0.0.1, each persisting to its own app services (real PGlite
 * on disk, real wallet): the scenario at Node level.
 */
const tmp = makeTempDir('datanet-desk-rooms-');
let signaling: SignalingServer;
const peers: RoomPeer[] = [];
const open: Services[] = [];

async function services(name: string): Promise<Services> {
  const s = await createServices({
    dataDir: join(tmp.dir, name),
    host: 'node',
    version: 'test',
    submission: { keystoreScryptN: 1024, environmentPassphrase: () => 'passphrase-of-' + name, isAutomatic: false },
  });
  open.push(s);
  return s;
}

async function closeServices(s: Services): Promise<void> {
  open.splice(open.indexOf(s), 1);
  await s.close();
}

async function peerFor(s: Services, roomId: string, name: string): Promise<RoomPeer> {
  const peer = await RoomPeer.start({
    load: async () => (await s.rooms.load(roomId)).updates,
    append: async (update) => {
      await s.rooms.appendUpdate(roomId, update);
    },
  });
  peers.push(peer);
  const room = await s.rooms.get(roomId);
  const { address } = await s.wallet.address();
  await peer.open({ roomName: room.roomName, password: room.password, signalingUrls: [signaling.url], name, address });
  return peer;
}

async function sign(s: Services, roomId: string, itemKey: string, vote: VoteChoice, reason: string): Promise<SignedVote> {
  const message = { kind: 'vote' as const, itemKey, vote, reason, signedAt: Date.now() };
  const prompt = await s.rooms.prepareSignature(roomId, message);
  expect(prompt.fields.find((f) => f.label === 'vote')?.value).toBe(vote);
  const { signer, signature } = await s.rooms.sign(roomId, message, prompt.digest, prompt.requestId);
  return { itemKey, reviewer: signer, vote, reason, signedAt: message.signedAt, signature };
}

const comparable = (s: PeerSummary) => ({ title: s.title, items: s.items, alpha: s.alpha, votes: s.votes });

beforeAll(async () => {
  signaling = await startSignaling(0);
});
afterAll(async () => {
  for (const p of peers) await p.close();
  for (const s of [...open]) await s.close();
  await signaling.stop();
  tmp.remove();
}, 60_000);

describe('review rooms over real WebRTC', () => {
  it('shares three anonymised items, merges votes made offline, survives a restart and compaction, and rejects a forged vote', async () => {
    let a = await services('a');
    const b = await services('b');
    await a.wallet.create({});
    await b.wallet.create({});
    const datanetA = await a.datanets.create({ name: 'Cardiology', domain: '', description: '' });
    const datanetB = await b.datanets.create({ name: 'Cardiology', domain: '', description: '' });

    const itemIds: string[] = [];
    for (let i = 1; i <= 4; i++) {
      const raw = `Patient John Smith${i} seen on 2024-03-0${i}.`;
      const imported = await a.library.importBytes({ datanetId: datanetA.id, name: `note-${i}.txt`, bytes: new TextEncoder().encode(raw) });
      itemIds.push(imported.itemId as string);
      if (i <= 3) {
        await a.versions.create({
          itemId: imported.itemId as string,
          kind: 'anonymised',
          content: { kind: 'text', text: `Patient [PERSON_1] seen on [DATE_1] (note ${i}).` },
          report: { counts: { PERSON: 1, DATE: 1 } },
        });
      }
    }
    const room = await a.rooms.create({ datanetId: datanetA.id, title: 'Weekly review' });
    const peerA = await peerFor(a, room.id, 'Alice');

    // Only anonymised content enters a room; an item without an anonymised version is refused and changes nothing.
    const before = await a.rooms.get(room.id);
    await expect(a.rooms.shareItem(room.id, itemIds[3] as string)).rejects.toMatchObject({ code: 'not_anonymised' });
    expect((await a.rooms.get(room.id)).updateCount).toBe(before.updateCount);
    const keys: string[] = [];
    for (const itemId of itemIds.slice(0, 3)) {
      const shared = await a.rooms.shareItem(room.id, itemId);
      keys.push(shared.itemKey);
      await peerA.apply(shared.update);
    }
    expect((await a.rooms.shareItem(room.id, itemIds[0] as string)).isAlreadyShared).toBe(true);

    const joined = await b.rooms.join({ datanetId: datanetB.id, invite: room.invite });
    const peerB = await peerFor(b, joined.id, 'Bob');
    await waitFor(async () => (await peerB.summary()).items.length === 3, 30_000, 'B to receive the three items');
    // B's peer stores what it receives through B's API asynchronously; signing reads the stored room.
    await waitFor(
      async () => {
        const doc = await b.rooms.loadDoc(joined.id);
        const count = roomParts(doc).items.size;
        doc.destroy();
        return count === 3;
      },
      30_000,
      "B's stored room to hold the three items",
    );
    const atB = await peerB.summary();
    expect(atB.title).toBe('Weekly review');
    expect(atB.items.map((i) => i.text).join('\n')).not.toMatch(/John|Smith|2024/);
    await waitFor(async () => (await peerA.peers()).awareness.includes('Bob'), 20_000, 'A to see Bob online');

    // B goes offline and votes; A votes meanwhile.
    await peerB.disconnect();
    await waitFor(async () => (await peerA.peers()).webrtc === 0, 20_000, 'the peers to disconnect');
    await peerB.vote(await sign(b, joined.id, keys[0] as string, 'accept', 'clean'));
    await peerB.vote(await sign(b, joined.id, keys[1] as string, 'reject', 'a date remains'));
    await peerA.vote(await sign(a, room.id, keys[0] as string, 'accept', ''));
    await new Promise((r) => setTimeout(r, 500));
    expect((await peerA.summary()).votes).toBe(1);

    await peerB.connect();
    await waitFor(
      async () => (await peerA.summary()).votes === 3 && (await peerB.summary()).votes === 3,
      30_000,
      'the offline votes to merge',
    );
    const merged = await peerA.summary();
    expect(comparable(await peerB.summary())).toEqual(comparable(merged));
    expect(merged.items.find((i) => i.key === keys[0])?.outcome).toBe('accepted');
    expect(merged.items.find((i) => i.key === keys[1])?.outcome).toBe('open');

    // A forged vote: A's address, B's signature. Shown as invalid on both peers, not counted.
    const real = await sign(b, joined.id, keys[1] as string, 'accept', 'forged');
    await peerB.rawVote({ ...real, reviewer: (await a.wallet.address()).address });
    await waitFor(async () => (await peerA.summary()).items.find((i) => i.key === keys[1])?.invalid === 1, 20_000, 'the forged vote');
    const forged = (await peerA.summary()).items.find((i) => i.key === keys[1]);
    expect(forged).toMatchObject({ invalid: 1, valid: 1, outcome: 'open' });
    await peerA.flush();
    await peerB.flush();
    const final = comparable(await peerA.summary());

    // A restarts alone (B gone): the room is as it was, from A's own stored updates.
    await peerB.close();
    await peerA.close();
    await closeServices(a);
    a = await services('a');
    const reopened = await peerFor(a, room.id, 'Alice');
    expect(comparable(await reopened.summary())).toEqual(final);
    await reopened.close();

    // Compaction merges the stored updates into one and keeps the state.
    const compacted = await a.rooms.compact(room.id);
    expect(compacted.before).toBeGreaterThan(1);
    expect(compacted.after).toBe(1);
    await closeServices(a);
    a = await services('a');
    expect((await a.rooms.load(room.id)).updateCount).toBe(1);
    const afterCompaction = await peerFor(a, room.id, 'Alice');
    expect(comparable(await afterCompaction.summary())).toEqual(final);
  }, 240_000);
});
