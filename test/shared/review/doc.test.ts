import { Wallet } from 'ethers';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  addComment,
  addMember,
  addProposal,
  addProposalVote,
  addSharedItem,
  addThread,
  addVote,
  filterItems,
  initRoom,
  itemText,
  readRoom,
  recordDecisions,
  roomParts,
  type SignedVote,
} from '../../../shared/review/doc';
import {
  PROPOSAL_VOTE_EIP712_TYPES,
  proposalVoteMessage,
  REVIEW_DOMAIN,
  VOTE_EIP712_TYPES,
  voteMessage,
  type VoteChoice,
} from '../../../shared/review/eip712';
import { formatInvite, parseInvite } from '../../../shared/review/invite';
import { decide } from '../../../shared/review/rules';

const ROOM = 'room-test-0001';
const alice = new Wallet('0x' + '11'.repeat(32));
const bob = new Wallet('0x' + '22'.repeat(32));
const carol = new Wallet('0x' + '33'.repeat(32));
const key = (n: number): string => `0x${n.toString(16).padStart(64, '0')}`;

function room(items = 2): Y.Doc {
  const doc = new Y.Doc();
  initRoom(doc, {
    roomName: ROOM,
    title: 'Cardiology review',
    datanetName: 'Cardiology',
    createdBy: alice.address,
    createdAt: '2025-01-01T00:00:00.000Z',
    rule: { minAccepts: 2, maxRejects: 0, minRejects: 2 },
  });
  for (let i = 1; i <= items; i++) {
    addSharedItem(
      doc,
      {
        key: key(i),
        title: `TXT item ${i}`,
        contentKind: 'text',
        contentSha256: key(i),
        reportHash: null,
        size: 40,
        sharedBy: alice.address,
        sharedAt: `2025-01-01T00:00:0${i}.000Z`,
      },
      `Patient [PERSON_1] was seen on [DATE_1] (item ${i}).`,
    );
  }
  return doc;
}

async function signedVote(wallet: Wallet, itemKey: string, vote: VoteChoice, reason: string, signedAt: number): Promise<SignedVote> {
  const signature = await wallet.signTypedData(
    REVIEW_DOMAIN,
    VOTE_EIP712_TYPES,
    voteMessage({ roomName: ROOM, itemKey, vote, reason, signedAt }),
  );
  return { itemKey, reviewer: wallet.address, vote, reason, signedAt, signature };
}

describe('review room document', () => {
  it('counts valid votes by the policy rule, shows forged and replayed votes as invalid or superseded, and computes α', async () => {
    const doc = room();
    addVote(doc, await signedVote(alice, key(1), 'accept', 'clean', 1000));
    addVote(doc, await signedVote(bob, key(1), 'accept', '', 1001));
    // Carol's address, Bob's signature: a forged vote.
    const forged = await signedVote(bob, key(2), 'reject', 'spam', 1002);
    addVote(doc, { ...forged, reviewer: carol.address });
    // A valid signature over another reason: the reason was tampered with.
    addVote(doc, { ...(await signedVote(carol, key(2), 'reject', 'original', 1003)), reason: 'changed' });
    const snap = readRoom(doc);
    const [one, two] = snap.items;
    expect(one?.outcome).toBe('accepted');
    expect(two?.outcome).toBe('open');
    expect(two?.invalidVotes).toBe(2);
    expect(two?.votes.every((v) => !v.isValid)).toBe(true);
    expect(filterItems(snap.items, 'decided', alice.address).map((i) => i.key)).toEqual([key(1)]);
    expect(filterItems(snap.items, 'needs-my-vote', carol.address).map((i) => i.key)).toEqual([key(2)]);

    // Bob changes his mind on item 1; an older signed vote of his replayed later does not win.
    const older = await signedVote(bob, key(1), 'accept', '', 1001);
    addVote(doc, await signedVote(bob, key(1), 'reject', 'saw a name', 2000));
    addVote(doc, older);
    const after = readRoom(doc);
    expect(after.items[0]?.current.find((v) => v.reviewer === bob.address)?.vote).toBe('reject');
    expect(after.items[0]?.outcome).toBe('contested');
    expect(filterItems(after.items, 'contested', null)).toHaveLength(1);

    addVote(doc, await signedVote(alice, key(2), 'reject', 'x', 3000));
    addVote(doc, await signedVote(bob, key(2), 'reject', 'y', 3001));
    const decided = readRoom(doc);
    expect(decided.items[1]?.outcome).toBe('rejected');
    // Units: item 1 {accept, reject}, item 2 {reject, reject} → α = 1 − 3·2/(1·3·2) = 0
    expect(decided.alpha).toBeCloseTo(0, 10);
    expect(recordDecisions(doc, decided, alice.address, '2025-01-02T00:00:00.000Z')).toBe(1);
    expect(readRoom(doc).items[1]?.decision).toMatchObject({ outcome: 'rejected', rejects: 2 });
    expect(recordDecisions(doc, readRoom(doc), alice.address, 'later')).toBe(0);
  });

  it('skips entries a broken peer wrote that do not fit the schema', () => {
    const doc = room(1);
    roomParts(doc).votes.push([{ itemKey: key(1), reviewer: 'nobody', vote: 'maybe' }]);
    roomParts(doc).items.set('0xnot-a-key', new Y.Map());
    const snap = readRoom(doc);
    expect(snap.items).toHaveLength(1);
    expect(snap.malformed).toBe(2);
    expect(() =>
      addVote(doc, { itemKey: key(1), reviewer: alice.address, vote: 'accept', reason: '', signedAt: 1, signature: '0x12' }),
    ).toThrow();
  });

  it('keeps comment anchors on their words through concurrent edits on another peer', () => {
    const a = room(1);
    const b = new Y.Doc();
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    const text = 'Patient [PERSON_1] was seen on [DATE_1] (item 1).';
    const start = text.indexOf('[DATE_1]');
    addThread(a, {
      id: 't1',
      itemKey: key(1),
      start,
      end: start + '[DATE_1]'.length,
      by: alice.address,
      name: 'Alice',
      commentId: 'c1',
      text: 'Is the date shift consistent?',
      at: '2025-01-01T00:00:10.000Z',
    });
    // Meanwhile on B, text is inserted before the range and right after it.
    itemText(b, key(1))?.insert(0, 'NOTE: ');
    itemText(b, key(1))?.insert(6 + start + '[DATE_1]'.length, '!!');
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    Y.applyUpdate(a, Y.encodeStateAsUpdate(b));
    addComment(b, { id: 'c2', threadId: 't1', by: bob.address, name: 'Bob', at: '2025-01-01T00:00:11.000Z', text: 'Yes.' });
    Y.applyUpdate(a, Y.encodeStateAsUpdate(b));
    for (const doc of [a, b]) {
      const [thread] = readRoom(doc).threads;
      const current = itemText(doc, key(1))?.toString() ?? '';
      expect(thread?.range).not.toBeNull();
      expect(current.slice(thread?.range?.start, thread?.range?.end)).toBe('[DATE_1]');
      expect(thread?.comments.map((c) => c.text)).toEqual(['Is the date shift consistent?', 'Yes.']);
    }
  });

  it('applies a governance proposal once more than half of the members sign yes', async () => {
    const doc = room(1);
    for (const [w, name] of [
      [alice, 'Alice'],
      [bob, 'Bob'],
      [carol, 'Carol'],
    ] as const) {
      addMember(doc, { address: w.address, name, joinedAt: '2025-01-01T00:00:00.000Z' });
    }
    addProposal(doc, {
      id: 'p1',
      title: 'One accept is enough',
      rationale: 'small team',
      rule: { minAccepts: 1, maxRejects: 0, minRejects: 2 },
      proposedBy: alice.address,
      createdAt: '2025-01-01T00:00:01.000Z',
    });
    const sign = async (w: Wallet, choice: 'yes' | 'no', signedAt: number) => ({
      proposalId: 'p1',
      voter: w.address,
      choice,
      signedAt,
      signature: await w.signTypedData(
        REVIEW_DOMAIN,
        PROPOSAL_VOTE_EIP712_TYPES,
        proposalVoteMessage({ roomName: ROOM, proposalId: 'p1', choice, signedAt }),
      ),
    });
    addVote(doc, await signedVote(alice, key(1), 'accept', '', 10));
    addProposalVote(doc, await sign(alice, 'yes', 11));
    expect(readRoom(doc).items[0]?.outcome).toBe('open');
    // A forged yes in Carol's name does not count.
    addProposalVote(doc, { ...(await sign(bob, 'yes', 12)), voter: carol.address });
    expect(readRoom(doc).proposals[0]).toMatchObject({ yes: 1, invalidVotes: 1, isPassed: false });
    addProposalVote(doc, await sign(bob, 'yes', 13));
    const snap = readRoom(doc);
    expect(snap.proposals[0]?.isPassed).toBe(true);
    expect(snap.rule.minAccepts).toBe(1);
    expect(snap.items[0]?.outcome).toBe('accepted');
  });

  it('decides rejection before acceptance', () => {
    expect(decide({ accept: 3, reject: 2, 'needs-changes': 0 }, { minAccepts: 2, maxRejects: 5, minRejects: 2 })).toBe('rejected');
    expect(decide({ accept: 0, reject: 0, 'needs-changes': 1 }, { minAccepts: 2, maxRejects: 0, minRejects: 2 })).toBe('needs-changes');
  });

  it('round-trips invitations and refuses anything else', () => {
    const invite = formatInvite({ roomName: 'room-abc', password: 'p:a/s%s w0rd-long-enough' });
    expect(parseInvite(`  ${invite}\n`)).toEqual({ roomName: 'room-abc', password: 'p:a/s%s w0rd-long-enough' });
    expect(() => parseInvite('room-abc')).toThrow(expect.objectContaining({ code: 'invalid_input' }));
    expect(() => parseInvite('datanet-desk-room:v1:room-abc:short')).toThrow(expect.objectContaining({ code: 'invalid_input' }));
  });
});
