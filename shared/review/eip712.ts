import { getAddress, keccak256, toUtf8Bytes, TypedDataEncoder, verifyTypedData } from 'ethers';
import type { TypedDataDomain, TypedDataField } from 'ethers';

/**
 * EIP-712 messages of review rooms: a reviewer's vote on an item and a member's vote on a
 * governance proposal. Votes are signed off-chain and travel inside the room's Y.Doc; every peer
 * verifies them itself, so a vote written into the document under someone else's address does
 * not count. `signedAt` is part of each message so that a peer replaying an older signed vote of
 * the same reviewer cannot override a newer one (the newest valid vote per reviewer wins).
 */
export const REVIEW_DOMAIN: TypedDataDomain = { name: 'Datanet Desk Review', version: '1' };

export const VOTE_CHOICES = ['accept', 'reject', 'needs-changes'] as const;
export type VoteChoice = (typeof VOTE_CHOICES)[number];

export const PROPOSAL_CHOICES = ['yes', 'no'] as const;
export type ProposalChoice = (typeof PROPOSAL_CHOICES)[number];

export const VOTE_EIP712_TYPES: Record<string, TypedDataField[]> = {
  Vote: [
    { name: 'room', type: 'bytes32' },
    { name: 'item', type: 'bytes32' },
    { name: 'vote', type: 'string' },
    { name: 'reasonHash', type: 'bytes32' },
    { name: 'signedAt', type: 'uint64' },
  ],
};

export const PROPOSAL_VOTE_EIP712_TYPES: Record<string, TypedDataField[]> = {
  ProposalVote: [
    { name: 'room', type: 'bytes32' },
    { name: 'proposal', type: 'string' },
    { name: 'choice', type: 'string' },
    { name: 'signedAt', type: 'uint64' },
  ],
};

/** The room as signed: keccak256 of its network name, so a vote cannot move to another room. */
export function roomKey(roomName: string): string {
  return keccak256(toUtf8Bytes(roomName));
}

/** keccak256 of the reason's UTF-8 (an empty reason hashes like any other string). */
export function reasonHash(reason: string): string {
  return keccak256(toUtf8Bytes(reason));
}

export type VoteMessage = { room: string; item: string; vote: VoteChoice; reasonHash: string; signedAt: number };
export type ProposalVoteMessage = { room: string; proposal: string; choice: ProposalChoice; signedAt: number };

export function voteMessage(input: { roomName: string; itemKey: string; vote: VoteChoice; reason: string; signedAt: number }): VoteMessage {
  return {
    room: roomKey(input.roomName),
    item: input.itemKey,
    vote: input.vote,
    reasonHash: reasonHash(input.reason),
    signedAt: input.signedAt,
  };
}

export function proposalVoteMessage(input: {
  roomName: string;
  proposalId: string;
  choice: ProposalChoice;
  signedAt: number;
}): ProposalVoteMessage {
  return { room: roomKey(input.roomName), proposal: input.proposalId, choice: input.choice, signedAt: input.signedAt };
}

/** The EIP-712 digest the wallet signs: what the signing prompt shows and the service checks. */
export function voteDigest(message: VoteMessage): string {
  return TypedDataEncoder.hash(REVIEW_DOMAIN, VOTE_EIP712_TYPES, message);
}

export function proposalVoteDigest(message: ProposalVoteMessage): string {
  return TypedDataEncoder.hash(REVIEW_DOMAIN, PROPOSAL_VOTE_EIP712_TYPES, message);
}

function recovers(signer: string, recover: () => string): boolean {
  try {
    return getAddress(recover()) === getAddress(signer);
  } catch {
    // A malformed signature or address is as invalid as a wrong one.
    return false;
  }
}

/** Whether `signature` is `reviewer`'s over this vote. */
export function verifyVoteSignature(message: VoteMessage, reviewer: string, signature: string): boolean {
  return recovers(reviewer, () => verifyTypedData(REVIEW_DOMAIN, VOTE_EIP712_TYPES, message, signature));
}

/** Whether `signature` is `voter`'s over this proposal vote. */
export function verifyProposalVoteSignature(message: ProposalVoteMessage, voter: string, signature: string): boolean {
  return recovers(voter, () => verifyTypedData(REVIEW_DOMAIN, PROPOSAL_VOTE_EIP712_TYPES, message, signature));
}
