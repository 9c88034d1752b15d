import { randomBytes, randomUUID } from 'node:crypto';
import * as Y from 'yjs';
import type { Room, RoomSignable, RoomSigningPrompt } from '../../../shared/api/rooms';
import { AppError } from '../../../shared/errors';
import { addSharedItem, initRoom, roomParts } from '../../../shared/review/doc';
import {
  PROPOSAL_VOTE_EIP712_TYPES,
  proposalVoteDigest,
  proposalVoteMessage,
  REVIEW_DOMAIN,
  VOTE_EIP712_TYPES,
  voteDigest,
  voteMessage,
} from '../../../shared/review/eip712';
import { formatInvite, parseInvite } from '../../../shared/review/invite';
import type { NetworkProfile } from '../../../shared/network-profile';
import type { Database } from '../db/database';
import type { DatanetService } from '../datanets/datanet-service';
import type { VersionService } from '../library/version-service';
import type { NetworkService } from '../network/network-service';
import type { SigningConsent } from '../wallet/signing-consent';
import type { WalletService } from '../wallet/wallet-service';

/** Stored updates past which an append merges them all into one (keeps load time flat). */
export const COMPACT_AFTER_UPDATES = 500;

type RoomRow = {
  id: string;
  datanet_id: string;
  room_name: string;
  title: string;
  password: string;
  created_at: Date;
  updated_at: Date;
  update_count: number;
  stored_bytes: number;
};

const ROOM_COLUMNS = `r.id, r.datanet_id, r.room_name, r.title, r.password, r.created_at, r.updated_at,
  (select count(*)::int from review_room_updates u where u.room_id = r.id) as update_count,
  (select coalesce(sum(length(u.update)), 0)::int from review_room_updates u where u.room_id = r.id) as stored_bytes`;

function toRoom(row: RoomRow): Room {
  return {
    id: row.id,
    datanetId: row.datanet_id,
    roomName: row.room_name,
    title: row.title,
    password: row.password,
    invite: formatInvite({ roomName: row.room_name, password: row.password }),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    updateCount: row.update_count,
    storedBytes: row.stored_bytes,
  };
}

function decodeUpdate(base64: string): Uint8Array {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(base64) || base64.length % 4 === 1) throw new AppError('invalid_input', 'update: not valid base64.');
  const bytes = new Uint8Array(Buffer.from(base64, 'base64'));
  try {
    // Parses every struct of the update: bytes that are not a Yjs update are refused before storing.
    Y.decodeUpdate(bytes);
  } catch {
    throw new AppError('invalid_input', 'That is not a Yjs update.');
  }
  return bytes;
}

const toBase64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');

/**
 * Review rooms on this machine: their stored Yjs updates, sharing of anonymised items and vote
 * signatures. Only this service puts item content into a room, and only from an item's latest
 * anonymised version, so raw text has no way in.
 */
export class RoomService {
  constructor(
    private readonly deps: {
      db: Database;
      datanets: DatanetService;
      versions: VersionService;
      wallet: WalletService;
      network: NetworkService;
      /** Prepared signing requests: a vote is signed only for one prepareSignature registered. */
      consent: SigningConsent;
      now?: () => number;
    },
  ) {}

  private now(): number {
    return this.deps.now?.() ?? Date.now();
  }

  /** Rooms stored here, newest first, optionally of one Datanet. */
  async list(datanetId?: string): Promise<Room[]> {
    const { rows } = await this.deps.db.query<RoomRow>(
      `select ${ROOM_COLUMNS} from review_rooms r where ($1::text is null or r.datanet_id = $1) order by r.created_at desc, r.id`,
      [datanetId ?? null],
    );
    return rows.map(toRoom);
  }

  /** One room, or `not_found`. */
  async get(id: string): Promise<Room> {
    const { rows } = await this.deps.db.query<RoomRow>(`select ${ROOM_COLUMNS} from review_rooms r where r.id = $1`, [id]);
    const row = rows[0];
    if (!row) throw new AppError('not_found', 'That review room is not on this machine (it may have been left).', { id });
    return toRoom(row);
  }

  private async address(): Promise<string | null> {
    return (await this.deps.wallet.status()).address;
  }

  /** Creates a room with a fresh name and password; its first update holds the room's metadata and rule. */
  async create(input: { datanetId: string; title: string }): Promise<Room> {
    const datanet = await this.deps.datanets.get(input.datanetId);
    const roomName = `room-${randomBytes(12).toString('hex')}`;
    // 24 random bytes: y-webrtc derives the room key from it with PBKDF2, so it must not be guessable.
    const password = randomBytes(24).toString('base64url');
    const doc = new Y.Doc();
    initRoom(doc, {
      roomName,
      title: input.title,
      datanetName: datanet.name,
      createdBy: await this.address(),
      createdAt: new Date(this.now()).toISOString(),
      rule: datanet.policy.review,
    });
    const id = randomUUID();
    await this.deps.db.transaction(async (tx) => {
      await tx.query('insert into review_rooms (id, datanet_id, room_name, title, password) values ($1, $2, $3, $4, $5)', [
        id,
        datanet.id,
        roomName,
        input.title,
        password,
      ]);
      await tx.query('insert into review_room_updates (room_id, seq, update) values ($1, 1, $2)', [id, Y.encodeStateAsUpdate(doc)]);
    });
    doc.destroy();
    return this.get(id);
  }

  /** Joins a room by invitation; joining one already here returns it. */
  async join(input: { datanetId: string; invite: string }): Promise<Room> {
    const invite = parseInvite(input.invite);
    await this.deps.datanets.get(input.datanetId);
    const { rows } = await this.deps.db.query<{ id: string; password: string; datanet_id: string }>(
      'select id, password, datanet_id from review_rooms where room_name = $1',
      [invite.roomName],
    );
    const existing = rows[0];
    if (existing) {
      if (existing.password !== invite.password) {
        throw new AppError('conflict', 'This machine already holds that room with another password.', { id: existing.id });
      }
      return this.get(existing.id);
    }
    const id = randomUUID();
    // The title is the room's own once its metadata arrives from a peer; until then, its name.
    await this.deps.db.query('insert into review_rooms (id, datanet_id, room_name, title, password) values ($1, $2, $3, $4, $5)', [
      id,
      input.datanetId,
      invite.roomName,
      invite.roomName,
      invite.password,
    ]);
    return this.get(id);
  }

  /** Forgets a room and its updates on this machine. */
  async leave(id: string): Promise<{ id: string }> {
    await this.get(id);
    await this.deps.db.query('delete from review_rooms where id = $1', [id]);
    return { id };
  }

  /** The selected network's signaling servers. */
  async connection(): Promise<{
    signalingUrls: string[];
    iceServers: NonNullable<NetworkProfile['iceServers']>;
    networkName: string | null;
  }> {
    const profile = await this.deps.network.get();
    return { signalingUrls: profile?.signalingUrls ?? [], iceServers: profile?.iceServers ?? [], networkName: profile?.name ?? null };
  }

  private async updates(id: string): Promise<Uint8Array[]> {
    const { rows } = await this.deps.db.query<{ update: Uint8Array }>(
      'select update from review_room_updates where room_id = $1 order by seq',
      [id],
    );
    return rows.map((r) => r.update);
  }

  /** Stored updates, oldest first, as base64. */
  async load(id: string): Promise<{ updates: string[]; updateCount: number }> {
    await this.get(id);
    const updates = await this.updates(id);
    return { updates: updates.map(toBase64), updateCount: updates.length };
  }

  /** The room's document as stored (for the service's own reads and for tests). */
  async loadDoc(id: string): Promise<Y.Doc> {
    await this.get(id);
    const doc = new Y.Doc();
    for (const u of await this.updates(id)) Y.applyUpdate(doc, u);
    return doc;
  }

  /** Appends one update; compacts when the room has more than {@link COMPACT_AFTER_UPDATES}. */
  async appendUpdate(id: string, base64: string): Promise<{ seq: number; updateCount: number; isCompacted: boolean }> {
    const bytes = decodeUpdate(base64);
    await this.get(id);
    const seq = await this.append(id, bytes);
    const { rows } = await this.deps.db.query<{ n: number }>('select count(*)::int as n from review_room_updates where room_id = $1', [id]);
    let updateCount = rows[0]?.n ?? 0;
    let isCompacted = false;
    if (updateCount > COMPACT_AFTER_UPDATES) {
      updateCount = (await this.compact(id)).after;
      isCompacted = true;
    }
    return { seq, updateCount, isCompacted };
  }

  private async append(id: string, bytes: Uint8Array): Promise<number> {
    return this.deps.db.transaction(async (tx) => {
      const { rows } = await tx.query<{ seq: number }>(
        'select coalesce(max(seq), 0)::int + 1 as seq from review_room_updates where room_id = $1',
        [id],
      );
      const seq = rows[0]?.seq ?? 1;
      await tx.query('insert into review_room_updates (room_id, seq, update) values ($1, $2, $3)', [id, seq, bytes]);
      await tx.query('update review_rooms set updated_at = now() where id = $1', [id]);
      return seq;
    });
  }

  /**
   * Replaces every stored update by one: the state of a document they build (Yjs merges them and
   * drops deleted content). Updates appended meanwhile are kept after it: only the prefix that was
   * read is replaced, in one transaction.
   */
  async compact(id: string): Promise<{ before: number; after: number; bytesBefore: number; bytesAfter: number }> {
    await this.get(id);
    return this.deps.db.transaction(async (tx) => {
      const { rows } = await tx.query<{ seq: number; update: Uint8Array }>(
        'select seq::int as seq, update from review_room_updates where room_id = $1 order by seq for update',
        [id],
      );
      const bytesBefore = rows.reduce((n, r) => n + r.update.length, 0);
      if (rows.length <= 1) return { before: rows.length, after: rows.length, bytesBefore, bytesAfter: bytesBefore };
      const doc = new Y.Doc();
      for (const r of rows) Y.applyUpdate(doc, r.update);
      const merged = Y.encodeStateAsUpdate(doc);
      doc.destroy();
      const last = rows[rows.length - 1] as { seq: number };
      await tx.query('delete from review_room_updates where room_id = $1 and seq <= $2', [id, last.seq]);
      // The merge takes the last seq, so later appends still sort after it.
      await tx.query('insert into review_room_updates (room_id, seq, update) values ($1, $2, $3)', [id, last.seq, merged]);
      return { before: rows.length, after: 1, bytesBefore, bytesAfter: merged.length };
    });
  }

  /**
   * Shares an item with the room from its latest anonymised version: the text and metadata only
   * (a neutral title, never the file name, which can itself identify someone). Refuses an item
   * without an anonymised version (`not_anonymised`) or of another Datanet.
   */
  async shareItem(id: string, itemId: string): Promise<{ itemKey: string; update: string; isAlreadyShared: boolean }> {
    const room = await this.get(id);
    const { rows } = await this.deps.db.query<{ datanet_id: string; type: string }>('select datanet_id, type from items where id = $1', [
      itemId,
    ]);
    const item = rows[0];
    if (!item) throw new AppError('not_found', 'That item does not exist (it may have been deleted).', { id: itemId });
    if (item.datanet_id !== room.datanetId) throw new AppError('invalid_input', "That item belongs to another Datanet than the room's.");
    const anonymised = (await this.deps.versions.list(itemId)).find((v) => v.kind === 'anonymised');
    if (!anonymised) {
      throw new AppError('not_anonymised', 'Only anonymised items can be shared with a review room: anonymise this item first.', {
        itemId,
      });
    }
    const itemKey = `0x${anonymised.contentSha256}`;
    const doc = await this.loadDoc(id);
    try {
      if (roomParts(doc).items.has(itemKey)) return { itemKey, update: toBase64(new Uint8Array()), isAlreadyShared: true };
      const before = Y.encodeStateVector(doc);
      addSharedItem(
        doc,
        {
          key: itemKey,
          title: `${item.type.toUpperCase()} item ${anonymised.contentSha256.slice(0, 8)}`,
          contentKind: anonymised.contentKind,
          contentSha256: itemKey,
          reportHash: anonymised.reportHash === null ? null : `0x${anonymised.reportHash.replace(/^0x/, '')}`,
          size: anonymised.size,
          sharedBy: await this.address(),
          sharedAt: new Date(this.now()).toISOString(),
        },
        await this.deps.versions.readText(anonymised.id),
      );
      const update = Y.encodeStateAsUpdate(doc, before);
      await this.append(id, update);
      return { itemKey, update: toBase64(update), isAlreadyShared: false };
    } finally {
      doc.destroy();
    }
  }

  /** What signing `message` in this room means, with the EIP-712 digest to sign, registered as a signing request. */
  async prepareSignature(id: string, message: RoomSignable): Promise<RoomSigningPrompt & { requestId: string; expiresAt: string }> {
    const prompt = await this.describeSignature(id, message);
    const room = await this.get(id);
    const registered = this.deps.consent.register(
      'room-vote',
      prompt.digest,
      { kind: 'room-vote', roomTitle: room.title, summary: prompt.summary[0] ?? '', digest: prompt.digest },
      { roomId: id },
    );
    return { ...prompt, ...registered };
  }

  private async describeSignature(id: string, message: RoomSignable): Promise<RoomSigningPrompt> {
    const room = await this.get(id);
    const signer = (await this.deps.wallet.address()).address;
    const domain = [
      { label: 'name', value: String(REVIEW_DOMAIN.name) },
      { label: 'version', value: String(REVIEW_DOMAIN.version) },
    ];
    if (message.kind === 'vote') {
      const doc = await this.loadDocIfItem(id, message.itemKey);
      doc.destroy();
      const typed = voteMessage({
        roomName: room.roomName,
        itemKey: message.itemKey,
        vote: message.vote,
        reason: message.reason,
        signedAt: message.signedAt,
      });
      return {
        summary: [
          `You are about to sign your vote "${message.vote}" on ${message.itemKey.slice(0, 10)}… in the review room "${room.title}".`,
          'The signature (EIP-712, no transaction, no cost) lets every member check that this vote is yours; the reason is signed by its hash.',
        ],
        signer,
        domain,
        fields: [
          { label: 'room (keccak256 of the room name)', value: typed.room },
          { label: 'item (sha256 of its anonymised content)', value: typed.item },
          { label: 'vote', value: typed.vote },
          { label: 'reason', value: message.reason === '' ? '(none)' : message.reason },
          { label: 'reasonHash', value: typed.reasonHash },
          { label: 'signedAt', value: `${typed.signedAt} (${new Date(typed.signedAt).toISOString()})` },
        ],
        digest: voteDigest(typed),
      };
    }
    const typed = proposalVoteMessage({
      roomName: room.roomName,
      proposalId: message.proposalId,
      choice: message.choice,
      signedAt: message.signedAt,
    });
    return {
      summary: [
        `You are about to sign "${message.choice}" on the governance proposal ${message.proposalId} in the review room "${room.title}".`,
      ],
      signer,
      domain,
      fields: [
        { label: 'room (keccak256 of the room name)', value: typed.room },
        { label: 'proposal', value: typed.proposal },
        { label: 'choice', value: typed.choice },
        { label: 'signedAt', value: `${typed.signedAt} (${new Date(typed.signedAt).toISOString()})` },
      ],
      digest: proposalVoteDigest(typed),
    };
  }

  private async loadDocIfItem(id: string, itemKey: string): Promise<Y.Doc> {
    const doc = await this.loadDoc(id);
    if (!roomParts(doc).items.has(itemKey)) {
      doc.destroy();
      throw new AppError('not_found', 'That item is not in this room (yet): wait for the room to sync.', { itemKey });
    }
    return doc;
  }

  /**
   * Signs the message the prompt showed. `requestId` must be a request prepareSignature
   * registered for this room, unexpired and unused, and its digest must be `digest` and the one
   * recomputed from `message` here (`consent_required` otherwise), so nothing is signed that was
   * not shown, and one consent signs once. Electron main also asks its native confirmation.
   */
  async sign(id: string, message: RoomSignable, digest: string, requestId: string): Promise<{ signer: string; signature: string }> {
    const claim = this.deps.consent.claim<{ roomId: string }>('room-vote', requestId, digest);
    let signer: Awaited<ReturnType<WalletService['signer']>>;
    try {
      if (claim.payload.roomId !== id) throw new AppError('consent_required', 'That signing request is for another room: review it again.');
      const prompt = await this.describeSignature(id, message);
      if (prompt.digest !== digest.toLowerCase()) {
        throw new AppError('consent_required', 'What would be signed differs from what was shown: review it again.');
      }
      signer = await this.deps.wallet.signer();
    } catch (error) {
      if (error instanceof AppError && error.code === 'wallet_locked') claim.release();
      throw error;
    }
    await claim.confirm();
    const room = await this.get(id);
    const signature =
      message.kind === 'vote'
        ? await signer.signTypedData(
            REVIEW_DOMAIN,
            VOTE_EIP712_TYPES,
            voteMessage({
              roomName: room.roomName,
              itemKey: message.itemKey,
              vote: message.vote,
              reason: message.reason,
              signedAt: message.signedAt,
            }),
          )
        : await signer.signTypedData(
            REVIEW_DOMAIN,
            PROPOSAL_VOTE_EIP712_TYPES,
            proposalVoteMessage({
              roomName: room.roomName,
              proposalId: message.proposalId,
              choice: message.choice,
              signedAt: message.signedAt,
            }),
          );
    return { signer: signer.address, signature };
  }
}
