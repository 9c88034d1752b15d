import { concat, getBytes, keccak256 } from 'ethers';
import { AppError } from './errors';

/**
 * The Merkle tree over a submission's files.
 *
 * - Leaf: `keccak256(0x00 || sha256(file))`, in the order of the manifest's `files`.
 * - Parent: `keccak256(0x01 || min(a, b) || max(a, b))`, the pair sorted bytewise so that a proof
 *   needs no left/right flags (the OpenZeppelin MerkleProof convention).
 * - An odd node at the end of a level is promoted unchanged to the next level.
 * - A single file's root is its leaf; an empty tree has no root.
 *
 * The 0x00/0x01 prefixes separate leaves from inner nodes, so a 64-byte inner node can never be
 * passed off as a leaf (second-preimage attack on unprefixed trees).
 */
export const MERKLE_LEAF_PREFIX = '0x00';
export const MERKLE_NODE_PREFIX = '0x01';

const BYTES32 = /^0x[0-9a-fA-F]{64}$/;

function assertBytes32(value: string, what: string): void {
  if (!BYTES32.test(value)) throw new AppError('invalid_input', `${what} must be 32 bytes as 0x-prefixed hex`);
}

/** The leaf of one file, from the file's sha256 (32 bytes, hex). */
export function merkleLeaf(sha256: string): string {
  assertBytes32(sha256, 'a file hash');
  return keccak256(concat([MERKLE_LEAF_PREFIX, sha256]));
}

/** The parent of two nodes (order-independent). */
export function merkleParent(a: string, b: string): string {
  const [low, high] = compareBytes(a, b) <= 0 ? [a, b] : [b, a];
  return keccak256(concat([MERKLE_NODE_PREFIX, low, high]));
}

function compareBytes(a: string, b: string): number {
  const x = getBytes(a);
  const y = getBytes(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

function levels(sha256s: readonly string[]): string[][] {
  if (sha256s.length === 0) throw new AppError('invalid_input', 'a Merkle tree needs at least one file');
  const tree: string[][] = [sha256s.map(merkleLeaf)];
  for (let level = tree[0] ?? []; level.length > 1;) {
    const next: string[] = [];
    for (let i = 0; i < level.length; i += 2) {
      const left = level[i] as string;
      const right = level[i + 1];
      next.push(right === undefined ? left : merkleParent(left, right));
    }
    tree.push(next);
    level = next;
  }
  return tree;
}

/** The root over files given by their sha256, in manifest order. */
export function merkleRoot(sha256s: readonly string[]): string {
  const tree = levels(sha256s);
  return (tree[tree.length - 1] as string[])[0] as string;
}

/** The sibling hashes from the file at `index` up to the root. */
export function merkleProof(sha256s: readonly string[], index: number): string[] {
  if (!Number.isInteger(index) || index < 0 || index >= sha256s.length) {
    throw new AppError('invalid_input', `no file at index ${index}`);
  }
  const tree = levels(sha256s);
  const proof: string[] = [];
  let i = index;
  for (const level of tree.slice(0, -1)) {
    const sibling = level[i % 2 === 0 ? i + 1 : i - 1];
    if (sibling !== undefined) proof.push(sibling);
    i = Math.floor(i / 2);
  }
  return proof;
}

/** Whether `proof` links the file with this sha256 to `root`. */
export function verifyMerkleProof(sha256: string, proof: readonly string[], root: string): boolean {
  let node = merkleLeaf(sha256);
  for (const sibling of proof) node = merkleParent(node, sibling);
  return node.toLowerCase() === root.toLowerCase();
}
