import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createServices, type Services } from '../../../../electron/services/wiring';
import { readRoom } from '../../../../shared/review/doc';
import { makeTempDir } from '../../../helpers/temp-dir';

const tmp = makeTempDir();
let s: Services;

beforeAll(async () => {
  s = await createServices({
    dataDir: join(tmp.dir, 'data'),
    host: 'node',
    version: 'test',
    isInMemoryDatabase: true,
    submission: { keystoreScryptN: 1024, environmentPassphrase: () => 'room-service-pass', isAutomatic: false },
  });
});
afterAll(async () => {
  await s.close();
  tmp.remove();
});

describe('RoomService', () => {
  it("creates a room with the Datanet policy's review rule and refuses bad input without changing anything", async () => {
    const d = await s.datanets.create({
      name: 'Law',
      domain: '',
      description: '',
      policy: (await import('../../../../shared/policy')).policySchema.parse({ review: { minAccepts: 3 } }),
    });
    const other = await s.datanets.create({ name: 'Other', domain: '', description: '' });
    const room = await s.rooms.create({ datanetId: d.id, title: 'Judgments' });
    expect(room.invite).toContain(room.roomName);
    const doc = await s.rooms.loadDoc(room.id);
    expect(readRoom(doc).rule).toEqual({ minAccepts: 3, maxRejects: 0, minRejects: 2 });
    const stored = await s.rooms.load(room.id);

    await expect(s.rooms.appendUpdate(room.id, Buffer.from('not a yjs update at all').toString('base64'))).rejects.toMatchObject({
      code: 'invalid_input',
    });
    await expect(s.rooms.appendUpdate(room.id, '***')).rejects.toMatchObject({ code: 'invalid_input' });
    await expect(s.rooms.join({ datanetId: d.id, invite: 'hello' })).rejects.toMatchObject({ code: 'invalid_input' });
    const imported = await s.library.importBytes({
      datanetId: other.id,
      name: 'x.txt',
      bytes: new TextEncoder().encode('Dr Who, 1 Main St'),
    });
    await expect(s.rooms.shareItem(room.id, imported.itemId as string)).rejects.toMatchObject({ code: 'invalid_input' });
    await expect(s.rooms.shareItem(room.id, 'missing')).rejects.toMatchObject({ code: 'not_found' });
    expect(await s.rooms.load(room.id)).toEqual(stored);

    // A vote can only be signed as shown: another digest is refused, and an unknown item too.
    await s.wallet.create({});
    const own = await s.library.importBytes({ datanetId: d.id, name: 'y.txt', bytes: new TextEncoder().encode('Judge Alan Parker ruled') });
    await s.versions.create({
      itemId: own.itemId as string,
      kind: 'anonymised',
      content: { kind: 'text', text: 'Judge [PERSON_1] ruled' },
      report: {},
    });
    const { itemKey } = await s.rooms.shareItem(room.id, own.itemId as string);
    const message = { kind: 'vote' as const, itemKey, vote: 'accept' as const, reason: 'ok', signedAt: 1 };
    const shown = await s.rooms.prepareSignature(room.id, message);
    // Another vote than the one shown, under the shown request and digest: refused, and the request is spent.
    await expect(s.rooms.sign(room.id, { ...message, vote: 'reject' }, shown.digest, shown.requestId)).rejects.toMatchObject({
      code: 'consent_required',
    });
    await expect(s.rooms.sign(room.id, message, shown.digest, shown.requestId)).rejects.toMatchObject({ code: 'consent_required' });
    await expect(s.rooms.prepareSignature(room.id, { ...message, itemKey: `0x${'ab'.repeat(32)}` })).rejects.toMatchObject({
      code: 'not_found',
    });
    // Never prepared: refused.
    await expect(s.rooms.sign(room.id, message, shown.digest, '6f1c7a52-94d4-4c1e-9a4f-3d2b1e0c9a87')).rejects.toMatchObject({
      code: 'consent_required',
    });
    const prompt = await s.rooms.prepareSignature(room.id, message);
    const signed = await s.rooms.sign(room.id, message, prompt.digest, prompt.requestId);
    expect(signed.signer).toBe((await s.wallet.address()).address);
    // One consent signs once: the same request again is a replay.
    await expect(s.rooms.sign(room.id, message, prompt.digest, prompt.requestId)).rejects.toMatchObject({ code: 'consent_required' });

    // Past the threshold, appends compact; the state is unchanged.
    const extra = new Y.Doc();
    Y.applyUpdate(extra, Y.mergeUpdates((await s.rooms.load(room.id)).updates.map((u) => new Uint8Array(Buffer.from(u, 'base64')))));
    const text = extra.getText('scratch');
    let last = { updateCount: 0, isCompacted: false, seq: 0 };
    for (let i = 0; i < 510 && !last.isCompacted; i++) {
      const sv = Y.encodeStateVector(extra);
      text.insert(text.length, 'x');
      last = await s.rooms.appendUpdate(room.id, Buffer.from(Y.encodeStateAsUpdate(extra, sv)).toString('base64'));
    }
    expect(last.isCompacted).toBe(true);
    expect(last.updateCount).toBe(1);
    const reloaded = await s.rooms.loadDoc(room.id);
    expect(reloaded.getText('scratch').toString()).toBe(text.toString());
    expect(readRoom(reloaded).items).toHaveLength(1);

    await s.rooms.leave(room.id);
    await expect(s.rooms.get(room.id)).rejects.toMatchObject({ code: 'not_found' });
  });
});
