import { z } from 'zod';
import { addressSchema, bytes32Schema, signatureHexSchema } from '../hex';
import { PROPOSAL_CHOICES, VOTE_CHOICES } from '../review/eip712';
import { idSchema } from './datanets';
import { method } from './define';

/**
 * Review rooms (shared/review/README.md). The Y.Doc and its y-webrtc provider live in the
 * renderer; the host keeps each room's Yjs updates in PGlite, builds shared items from anonymised
 * versions only, and signs votes with the wallet after the UI has shown what is signed. Updates
 * travel as base64.
 */

const base64Schema = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64');

export const roomSchema = z.object({
  id: z.string(),
  datanetId: idSchema,
  /** The room's network name (the signaling topic and the EIP-712 room). */
  roomName: z.string(),
  title: z.string(),
  /** Room password: the key y-webrtc derives its encryption from. Stays on this machine and in invites. */
  password: z.string(),
  /** name + password, to copy and send to a teammate. */
  invite: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  updateCount: z.number().int(),
  storedBytes: z.number().int(),
});
export type Room = z.infer<typeof roomSchema>;

export const sharedItemResultSchema = z.object({
  itemKey: bytes32Schema,
  /** The Yjs update that adds the item, already stored; the renderer applies it and peers get it by sync. */
  update: base64Schema,
  isAlreadyShared: z.boolean(),
});

const signingFieldSchema = z.object({ label: z.string(), value: z.string() });

/** What a reviewer is asked to sign: words, the EIP-712 fields, and the digest signed. */
export const roomSigningPromptSchema = z.object({
  summary: z.array(z.string()),
  signer: addressSchema,
  domain: z.array(signingFieldSchema),
  fields: z.array(signingFieldSchema),
  digest: bytes32Schema,
});
export type RoomSigningPrompt = z.infer<typeof roomSigningPromptSchema>;

export const roomSignableSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('vote'),
    itemKey: bytes32Schema,
    vote: z.enum(VOTE_CHOICES),
    reason: z.string().max(10_000),
    signedAt: z.number().int().nonnegative(),
  }),
  z.object({
    kind: z.literal('proposal-vote'),
    proposalId: z.string().min(1).max(100),
    choice: z.enum(PROPOSAL_CHOICES),
    signedAt: z.number().int().nonnegative(),
  }),
]);
export type RoomSignable = z.infer<typeof roomSignableSchema>;

const roomRef = z.object({ id: z.string().min(1).max(100) }).strict();

export const roomMethods = {
  'rooms.list': method(z.object({ datanetId: idSchema.optional() }).strict(), z.array(roomSchema), 'Review rooms stored on this machine.'),
  'rooms.get': method(roomRef, roomSchema, 'One stored room with its invitation.'),
  'rooms.create': method(
    z.object({ datanetId: idSchema, title: z.string().trim().min(1).max(120) }).strict(),
    roomSchema,
    "Create a review room for a Datanet (fresh name and password; the rule comes from the Datanet's policy).",
  ),
  'rooms.join': method(
    z.object({ datanetId: idSchema, invite: z.string().min(1).max(2000) }).strict(),
    roomSchema,
    'Join a room by its invitation (room name + password); its content arrives from peers.',
  ),
  'rooms.leave': method(roomRef, z.object({ id: z.string() }), 'Forget a room and its stored updates on this machine (peers keep theirs).'),
  'rooms.connection': method(
    z.object({}).strict(),
    z.object({
      signalingUrls: z.array(z.string()),
      iceServers: z.array(
        z.object({ urls: z.union([z.string(), z.array(z.string())]), username: z.string().optional(), credential: z.string().optional() }),
      ),
      networkName: z.string().nullable(),
    }),
    'The signaling servers of the selected network profile (none: rooms work offline only).',
  ),
  'rooms.load': method(
    roomRef,
    z.object({ updates: z.array(base64Schema), updateCount: z.number().int() }),
    'The stored Yjs updates of a room, oldest first (after compaction, one).',
  ),
  'rooms.appendUpdate': method(
    z.object({ id: z.string().min(1).max(100), update: base64Schema.min(4).max(70_000_000) }).strict(),
    z.object({ seq: z.number().int(), updateCount: z.number().int(), isCompacted: z.boolean() }),
    'Store one Yjs update of a room (compacts old updates into one past a threshold).',
  ),
  'rooms.compact': method(
    roomRef,
    z.object({ before: z.number().int(), after: z.number().int(), bytesBefore: z.number().int(), bytesAfter: z.number().int() }),
    "Merge a room's stored updates into one.",
  ),
  'rooms.shareItem': method(
    z.object({ id: z.string().min(1).max(100), itemId: idSchema }).strict(),
    sharedItemResultSchema,
    "Share an item's latest anonymised version with the room (refuses an item without one: not_anonymised).",
  ),
  'rooms.prepareSignature': method(
    z.object({ id: z.string().min(1).max(100), message: roomSignableSchema }).strict(),
    roomSigningPromptSchema.extend({ requestId: z.uuid(), expiresAt: z.string() }),
    'What a vote or proposal vote signature would sign, registered as a signing request for the prompt shown before signing.',
  ),
  'rooms.sign': method(
    z.object({ id: z.string().min(1).max(100), message: roomSignableSchema, digest: bytes32Schema, requestId: z.uuid() }).strict(),
    z.object({ signer: addressSchema, signature: signatureHexSchema }),
    'Sign the vote the prompt showed (its request id and digest are checked: consent_required otherwise); returns the signature only.',
  ),
} as const;
