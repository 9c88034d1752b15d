import * as Y from 'yjs';
import { z } from 'zod';
import { krippendorffAlphaNominal } from './alpha';
import {
  PROPOSAL_CHOICES,
  proposalVoteMessage,
  VOTE_CHOICES,
  verifyProposalVoteSignature,
  verifyVoteSignature,
  voteMessage,
  type ProposalChoice,
  type VoteChoice,
} from './eip712';
import { decide, DEFAULT_REVIEW_RULE, isDecided, tally, type ItemOutcome, type ReviewRule } from './rules';

/**
 * The review room's Y.Doc. Documented in shared/review/README.md; the top-level names below are
 * the schema and must not be renamed (peers running another build read the same names).
 * Everything in the document comes from peers, so readers parse each entry and skip what does
 * not fit instead of trusting it.
 */
export const ROOM_SCHEMA_VERSION = 1;

export const ROOM_KEYS = {
  meta: 'meta',
  items: 'items',
  votes: 'votes',
  threads: 'threads',
  comments: 'comments',
  assignments: 'assignments',
  decisions: 'decisions',
  proposals: 'proposals',
  proposalVotes: 'proposalVotes',
  members: 'members',
} as const;

const hex32 = z.string().regex(/^0x[0-9a-f]{64}$/);
const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/);
const signature = z.string().regex(/^0x[0-9a-fA-F]{130}$/);

export const reviewRuleSchema = z.object({
  minAccepts: z.number().int().min(1).max(100),
  maxRejects: z.number().int().min(0).max(100),
  minRejects: z.number().int().min(1).max(100),
});

export const roomMetaSchema = z.object({
  schemaVersion: z.number().int(),
  roomName: z.string(),
  title: z.string(),
  datanetName: z.string(),
  createdBy: address.nullable(),
  createdAt: z.string(),
  rule: reviewRuleSchema,
});
export type RoomMeta = z.infer<typeof roomMetaSchema>;

/** The scalar fields of a shared item (its text is a Y.Text beside them, key `text`). */
export const sharedItemFieldsSchema = z.object({
  key: hex32,
  title: z.string(),
  contentKind: z.enum(['text', 'table']),
  contentSha256: hex32,
  reportHash: hex32.nullable(),
  size: z.number().int().nonnegative(),
  sharedBy: address.nullable(),
  sharedAt: z.string(),
});
export type SharedItemFields = z.infer<typeof sharedItemFieldsSchema>;

export const signedVoteSchema = z.object({
  itemKey: hex32,
  reviewer: address,
  vote: z.enum(VOTE_CHOICES),
  reason: z.string().max(10_000),
  signedAt: z.number().int().nonnegative(),
  signature,
});
export type SignedVote = z.infer<typeof signedVoteSchema>;

export const threadSchema = z.object({
  id: z.string().min(1).max(100),
  itemKey: hex32,
  /** Y.encodeRelativePosition of the range's start and end in the item's text. */
  start: z.custom<Uint8Array>((v) => v instanceof Uint8Array),
  end: z.custom<Uint8Array>((v) => v instanceof Uint8Array),
  /** The text the range covered when the thread was opened (shown if the range later vanishes). */
  quote: z.string().max(2000),
  createdBy: address.nullable(),
  createdAt: z.string(),
  isResolved: z.boolean(),
});
export type Thread = z.infer<typeof threadSchema>;

export const commentSchema = z.object({
  id: z.string().min(1).max(100),
  threadId: z.string(),
  by: address.nullable(),
  name: z.string().max(100),
  at: z.string(),
  text: z.string().min(1).max(10_000),
});
export type Comment = z.infer<typeof commentSchema>;

export const assignmentSchema = z.object({ itemKey: hex32, reviewer: address, assignedBy: address.nullable(), at: z.string() });
export type Assignment = z.infer<typeof assignmentSchema>;

export const decisionSchema = z.object({
  itemKey: hex32,
  outcome: z.enum(['accepted', 'rejected']),
  rule: reviewRuleSchema,
  accepts: z.number().int(),
  rejects: z.number().int(),
  recordedBy: address.nullable(),
  decidedAt: z.string(),
});
export type Decision = z.infer<typeof decisionSchema>;

export const proposalSchema = z.object({
  id: z.string().min(1).max(100),
  title: z.string().min(1).max(200),
  rationale: z.string().max(10_000),
  /** The policy change proposed: the review rule it would set. */
  rule: reviewRuleSchema,
  proposedBy: address.nullable(),
  createdAt: z.string(),
});
export type Proposal = z.infer<typeof proposalSchema>;

export const signedProposalVoteSchema = z.object({
  proposalId: z.string(),
  voter: address,
  choice: z.enum(PROPOSAL_CHOICES),
  signedAt: z.number().int().nonnegative(),
  signature,
});
export type SignedProposalVote = z.infer<typeof signedProposalVoteSchema>;

export const memberSchema = z.object({ address, name: z.string().max(100), joinedAt: z.string() });
export type Member = z.infer<typeof memberSchema>;

export type RoomParts = {
  meta: Y.Map<unknown>;
  items: Y.Map<Y.Map<unknown>>;
  votes: Y.Array<unknown>;
  threads: Y.Map<unknown>;
  comments: Y.Array<unknown>;
  assignments: Y.Map<unknown>;
  decisions: Y.Map<unknown>;
  proposals: Y.Map<unknown>;
  proposalVotes: Y.Array<unknown>;
  members: Y.Map<unknown>;
};

/** The room's shared types, by their schema names. */
export function roomParts(doc: Y.Doc): RoomParts {
  return {
    meta: doc.getMap(ROOM_KEYS.meta),
    items: doc.getMap(ROOM_KEYS.items),
    votes: doc.getArray(ROOM_KEYS.votes),
    threads: doc.getMap(ROOM_KEYS.threads),
    comments: doc.getArray(ROOM_KEYS.comments),
    assignments: doc.getMap(ROOM_KEYS.assignments),
    decisions: doc.getMap(ROOM_KEYS.decisions),
    proposals: doc.getMap(ROOM_KEYS.proposals),
    proposalVotes: doc.getArray(ROOM_KEYS.proposalVotes),
    members: doc.getMap(ROOM_KEYS.members),
  };
}

/** Writes the room's metadata; done once by the service that creates the room. */
export function initRoom(doc: Y.Doc, meta: Omit<RoomMeta, 'schemaVersion'>): void {
  const { meta: map } = roomParts(doc);
  doc.transact(() => {
    map.set('schemaVersion', ROOM_SCHEMA_VERSION);
    for (const [k, v] of Object.entries(meta)) map.set(k, v);
  });
}

/** Adds a shared item: anonymised text and metadata only (the service is the only caller). */
export function addSharedItem(doc: Y.Doc, fields: SharedItemFields, text: string): void {
  const parsed = sharedItemFieldsSchema.parse(fields);
  const { items } = roomParts(doc);
  doc.transact(() => {
    const item = new Y.Map<unknown>();
    for (const [k, v] of Object.entries(parsed)) item.set(k, v);
    item.set('text', new Y.Text(text));
    items.set(parsed.key, item);
  });
}

export function addVote(doc: Y.Doc, vote: SignedVote): void {
  roomParts(doc).votes.push([signedVoteSchema.parse(vote)]);
}

export function addProposalVote(doc: Y.Doc, vote: SignedProposalVote): void {
  roomParts(doc).proposalVotes.push([signedProposalVoteSchema.parse(vote)]);
}

export function addProposal(doc: Y.Doc, proposal: Proposal): void {
  roomParts(doc).proposals.set(proposal.id, proposalSchema.parse(proposal));
}

export function addMember(doc: Y.Doc, member: Member): void {
  roomParts(doc).members.set(member.address, memberSchema.parse(member));
}

export function assign(doc: Y.Doc, assignment: Assignment): void {
  const a = assignmentSchema.parse(assignment);
  roomParts(doc).assignments.set(`${a.itemKey}|${a.reviewer}`, a);
}

export function unassign(doc: Y.Doc, itemKey: string, reviewer: string): void {
  roomParts(doc).assignments.delete(`${itemKey}|${reviewer}`);
}

/** The item's text, or null when the key names no item. */
export function itemText(doc: Y.Doc, itemKey: string): Y.Text | null {
  const text = roomParts(doc).items.get(itemKey)?.get('text');
  return text instanceof Y.Text ? text : null;
}

/**
 * Opens a comment thread on [start, end) of the item's text. The range is kept as relative
 * positions, so it follows the text through concurrent inserts and deletes; the end is associated
 * to the left so that text typed right after the range does not join it.
 */
export function addThread(
  doc: Y.Doc,
  input: {
    id: string;
    itemKey: string;
    start: number;
    end: number;
    by: string | null;
    name: string;
    commentId: string;
    text: string;
    at: string;
  },
): void {
  const text = itemText(doc, input.itemKey);
  if (!text) throw new Error(`no item ${input.itemKey}`);
  const start = Math.max(0, Math.min(input.start, text.length));
  const end = Math.max(start, Math.min(input.end, text.length));
  const thread: Thread = {
    id: input.id,
    itemKey: input.itemKey,
    start: Y.encodeRelativePosition(Y.createRelativePositionFromTypeIndex(text, start, 0)),
    end: Y.encodeRelativePosition(Y.createRelativePositionFromTypeIndex(text, end, -1)),
    quote: text.toString().slice(start, end).slice(0, 2000),
    createdBy: input.by,
    createdAt: input.at,
    isResolved: false,
  };
  const { threads, comments } = roomParts(doc);
  doc.transact(() => {
    threads.set(thread.id, threadSchema.parse(thread));
    comments.push([
      commentSchema.parse({ id: input.commentId, threadId: input.id, by: input.by, name: input.name, at: input.at, text: input.text }),
    ]);
  });
}

export function addComment(doc: Y.Doc, comment: Comment): void {
  roomParts(doc).comments.push([commentSchema.parse(comment)]);
}

export function setThreadResolved(doc: Y.Doc, threadId: string, isResolved: boolean): void {
  const { threads } = roomParts(doc);
  const parsed = threadSchema.safeParse(threads.get(threadId));
  if (parsed.success) threads.set(threadId, { ...parsed.data, isResolved });
}

/** A thread's current range in its item's text, or null when the anchored text was deleted. */
export function threadRange(doc: Y.Doc, thread: Thread): { start: number; end: number } | null {
  const start = Y.createAbsolutePositionFromRelativePosition(Y.decodeRelativePosition(thread.start), doc);
  const end = Y.createAbsolutePositionFromRelativePosition(Y.decodeRelativePosition(thread.end), doc);
  if (!start || !end || end.index < start.index) return null;
  if (start.index === end.index && thread.quote.length > 0) return null;
  return { start: start.index, end: end.index };
}

function parsedValues<T>(schema: z.ZodType<T>, values: Iterable<unknown>): { valid: T[]; malformed: number } {
  const valid: T[] = [];
  let malformed = 0;
  for (const v of values) {
    const r = schema.safeParse(v);
    if (r.success) valid.push(r.data);
    else malformed++;
  }
  return { valid, malformed };
}

/**
 * Signature checks are memoised by their full content: a vote's validity never changes, and a
 * room re-reads its votes on every update.
 */
export class SignatureCache {
  private readonly known = new Map<string, boolean>();
  constructor(private readonly limit = 50_000) {}
  check(key: string, verify: () => boolean): boolean {
    const hit = this.known.get(key);
    if (hit !== undefined) return hit;
    const ok = verify();
    if (this.known.size >= this.limit) this.known.clear();
    this.known.set(key, ok);
    return ok;
  }
}

export type VoteView = SignedVote & { isValid: boolean; isCurrent: boolean };

export type ItemView = SharedItemFields & {
  text: string;
  /** sha256 of the text, when the caller could compute it (the renderer does, asynchronously). */
  votes: VoteView[];
  /** The newest valid vote of each reviewer: what the rule counts. */
  current: SignedVote[];
  invalidVotes: number;
  outcome: ItemOutcome;
  assignees: string[];
  decision: Decision | null;
};

export type ProposalView = Proposal & {
  yes: number;
  no: number;
  invalidVotes: number;
  isPassed: boolean;
  votes: (SignedProposalVote & { isValid: boolean })[];
};

export type RoomSnapshot = {
  meta: RoomMeta | null;
  rule: ReviewRule;
  items: ItemView[];
  threads: (Thread & { range: { start: number; end: number } | null; comments: Comment[] })[];
  proposals: ProposalView[];
  members: Member[];
  /** Krippendorff's α (nominal) over every item's current votes; null when undefined. */
  alpha: number | null;
  /** Entries that did not fit the schema (written by a broken or hostile peer) and were skipped. */
  malformed: number;
};

function newestPerSigner<T extends { signedAt: number; signature: string }>(entries: T[], signer: (e: T) => string): T[] {
  const best = new Map<string, T>();
  for (const e of entries) {
    const key = signer(e).toLowerCase();
    const had = best.get(key);
    // Ties (same millisecond) break on the signature so that every peer picks the same vote.
    if (!had || e.signedAt > had.signedAt || (e.signedAt === had.signedAt && e.signature > had.signature)) best.set(key, e);
  }
  return [...best.values()];
}

/**
 * Reads the whole room: every item with its votes checked (a vote whose signature does not
 * recover its reviewer is listed as invalid and not counted), outcomes under the effective rule
 * (the Datanet policy's rule as the room recorded it, changed by passed proposals), threads with
 * their current ranges, and α.
 */
export function readRoom(doc: Y.Doc, cache: SignatureCache = new SignatureCache()): RoomSnapshot {
  const parts = roomParts(doc);
  let malformed = 0;
  const metaParse = roomMetaSchema.safeParse(parts.meta.toJSON());
  const meta = metaParse.success ? metaParse.data : null;
  const roomName = meta?.roomName ?? '';

  const members = parsedValues(memberSchema, parts.members.values());
  malformed += members.malformed;

  const proposals = parsedValues(proposalSchema, parts.proposals.values());
  const proposalVotes = parsedValues(signedProposalVoteSchema, parts.proposalVotes.toArray());
  malformed += proposals.malformed + proposalVotes.malformed;
  const memberSet = new Set(members.valid.map((m) => m.address.toLowerCase()));
  let rule: ReviewRule = meta?.rule ?? DEFAULT_REVIEW_RULE;
  const proposalViews: ProposalView[] = proposals.valid
    .sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id < b.id ? -1 : 1))
    .map((p) => {
      const votes = proposalVotes.valid
        .filter((v) => v.proposalId === p.id)
        .map((v) => ({
          ...v,
          isValid: cache.check(`p|${roomName}|${v.proposalId}|${v.choice}|${v.signedAt}|${v.voter}|${v.signature}`, () =>
            verifyProposalVoteSignature(
              proposalVoteMessage({ roomName, proposalId: v.proposalId, choice: v.choice, signedAt: v.signedAt }),
              v.voter,
              v.signature,
            ),
          ),
        }));
      const current = newestPerSigner(
        votes.filter((v) => v.isValid && memberSet.has(v.voter.toLowerCase())),
        (v) => v.voter,
      );
      const yes = current.filter((v) => v.choice === 'yes').length;
      const no = current.filter((v) => v.choice === 'no').length;
      // A proposal passes with more than half of the room's members voting yes.
      const isPassed = memberSet.size > 0 && yes * 2 > memberSet.size;
      if (isPassed) rule = p.rule;
      return { ...p, yes, no, invalidVotes: votes.filter((v) => !v.isValid).length, isPassed, votes };
    });

  const votes = parsedValues(signedVoteSchema, parts.votes.toArray());
  malformed += votes.malformed;
  const votesByItem = new Map<string, SignedVote[]>();
  for (const v of votes.valid) {
    const list = votesByItem.get(v.itemKey);
    if (list) list.push(v);
    else votesByItem.set(v.itemKey, [v]);
  }
  const assignments = parsedValues(assignmentSchema, parts.assignments.values());
  const decisions = parsedValues(decisionSchema, parts.decisions.values());
  malformed += assignments.malformed + decisions.malformed;

  const items: ItemView[] = [];
  for (const [key, map] of parts.items.entries()) {
    const fields = sharedItemFieldsSchema.safeParse({
      key: map.get('key'),
      title: map.get('title'),
      contentKind: map.get('contentKind'),
      contentSha256: map.get('contentSha256'),
      reportHash: map.get('reportHash'),
      size: map.get('size'),
      sharedBy: map.get('sharedBy'),
      sharedAt: map.get('sharedAt'),
    });
    const text = map.get('text');
    if (!fields.success || fields.data.key !== key || !(text instanceof Y.Text)) {
      malformed++;
      continue;
    }
    const checked = (votesByItem.get(key) ?? []).map((v) => ({
      ...v,
      isValid: cache.check(`v|${roomName}|${v.itemKey}|${v.vote}|${v.signedAt}|${v.reviewer}|${v.signature}|${v.reason}`, () =>
        verifyVoteSignature(
          voteMessage({ roomName, itemKey: v.itemKey, vote: v.vote, reason: v.reason, signedAt: v.signedAt }),
          v.reviewer,
          v.signature,
        ),
      ),
    }));
    const current = newestPerSigner(
      checked.filter((v) => v.isValid),
      (v) => v.reviewer,
    );
    const currentSignatures = new Set(current.map((v) => v.signature));
    const voteViews: VoteView[] = checked
      .map(({ isValid, ...v }) => ({ ...v, isValid, isCurrent: currentSignatures.has(v.signature) }))
      .sort((a, b) => a.signedAt - b.signedAt);
    items.push({
      ...fields.data,
      text: text.toString(),
      votes: voteViews,
      current: current.map(({ isValid: _isValid, ...v }) => v),
      invalidVotes: checked.filter((v) => !v.isValid).length,
      outcome: decide(tally(current.map((v) => v.vote)), rule),
      assignees: assignments.valid.filter((a) => a.itemKey === key).map((a) => a.reviewer),
      decision: decisions.valid.find((d) => d.itemKey === key) ?? null,
    });
  }
  items.sort((a, b) => (a.sharedAt < b.sharedAt ? -1 : a.sharedAt > b.sharedAt ? 1 : a.key < b.key ? -1 : 1));

  const threads = parsedValues(threadSchema, parts.threads.values());
  const comments = parsedValues(commentSchema, parts.comments.toArray());
  malformed += threads.malformed + comments.malformed;
  const threadViews = threads.valid
    .map((t) => ({
      ...t,
      range: threadRange(doc, t),
      comments: comments.valid.filter((c) => c.threadId === t.id).sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0)),
    }))
    .sort((a, b) => (a.createdAt < b.createdAt ? -1 : 1));

  return {
    meta,
    rule,
    items,
    threads: threadViews,
    proposals: proposalViews,
    members: members.valid.sort((a, b) => (a.joinedAt < b.joinedAt ? -1 : 1)),
    alpha: krippendorffAlphaNominal(items.map((i) => i.current.map((v) => v.vote))),
    malformed,
  };
}

/**
 * Records the room's decision for items the rule has decided and that have none yet. Any peer
 * may record it; every peer recomputes it from the votes, so a record never overrides the rule.
 */
export function recordDecisions(doc: Y.Doc, snapshot: RoomSnapshot, recordedBy: string | null, now: string): number {
  const { decisions } = roomParts(doc);
  let recorded = 0;
  doc.transact(() => {
    for (const item of snapshot.items) {
      if ((item.outcome !== 'accepted' && item.outcome !== 'rejected') || decisions.has(item.key)) continue;
      const counts = tally(item.current.map((v) => v.vote));
      decisions.set(item.key, {
        itemKey: item.key,
        outcome: item.outcome,
        rule: snapshot.rule,
        accepts: counts.accept,
        rejects: counts.reject,
        recordedBy,
        decidedAt: now,
      } satisfies Decision);
      recorded++;
    }
  });
  return recorded;
}

export type QueueFilter = 'all' | 'needs-my-vote' | 'contested' | 'decided';

/** The queue's filters: items still undecided without my valid vote; disagreeing; decided. */
export function filterItems(items: ItemView[], filter: QueueFilter, me: string | null): ItemView[] {
  const mine = me?.toLowerCase();
  switch (filter) {
    case 'all':
      return items;
    case 'needs-my-vote':
      return items.filter((i) => !isDecided(i.outcome) && !i.current.some((v) => v.reviewer.toLowerCase() === mine));
    case 'contested':
      return items.filter((i) => i.outcome === 'contested');
    case 'decided':
      return items.filter((i) => isDecided(i.outcome));
  }
}

export type { ProposalChoice, VoteChoice };
