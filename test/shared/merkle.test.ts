import { concat, keccak256, sha256, toUtf8Bytes } from 'ethers';
import { describe, expect, it } from 'vitest';
import { merkleLeaf, merkleParent, merkleProof, merkleRoot, verifyMerkleProof } from '../../shared/merkle';

const hashes = (n: number): string[] => Array.from({ length: n }, (_, i) => sha256(toUtf8Bytes(`file ${i}`)));

describe('Merkle tree over file hashes', () => {
  it('hashes a leaf as keccak256(0x00 || sha256) and a pair as keccak256(0x01 || sorted pair)', () => {
    const [a, b] = hashes(2) as [string, string];
    const la = keccak256(concat(['0x00', a]));
    const lb = keccak256(concat(['0x00', b]));
    expect(merkleLeaf(a)).toBe(la);
    const [low, high] = la < lb ? [la, lb] : [lb, la];
    expect(merkleRoot([a, b])).toBe(keccak256(concat(['0x01', low, high])));
    expect(merkleParent(la, lb)).toBe(merkleParent(lb, la));
  });

  it('makes the root of one file its leaf, and refuses an empty tree', () => {
    const [a] = hashes(1) as [string];
    expect(merkleRoot([a])).toBe(merkleLeaf(a));
    expect(() => merkleRoot([])).toThrow(/at least one/);
  });

  it('promotes the odd node of a level unchanged', () => {
    const [a, b, c] = hashes(3) as [string, string, string];
    expect(merkleRoot([a, b, c])).toBe(merkleParent(merkleParent(merkleLeaf(a), merkleLeaf(b)), merkleLeaf(c)));
  });

  it('proves every file of trees of many sizes, and nothing else', () => {
    for (const n of [1, 2, 3, 5, 8, 13, 20]) {
      const files = hashes(n);
      const root = merkleRoot(files);
      files.forEach((file, i) => {
        const proof = merkleProof(files, i);
        expect(verifyMerkleProof(file, proof, root)).toBe(true);
        expect(verifyMerkleProof(sha256(toUtf8Bytes('not in the tree')), proof, root)).toBe(false);
      });
    }
  });

  it('changes the root when a file changes or the order changes', () => {
    const files = hashes(4);
    const root = merkleRoot(files);
    expect(merkleRoot([...files.slice(0, 3), sha256(toUtf8Bytes('other'))])).not.toBe(root);
    expect(merkleRoot([files[1], files[0], files[2], files[3]] as string[])).toBe(root); // sorted pairs: siblings commute
    expect(merkleRoot([files[2], files[1], files[0], files[3]] as string[])).not.toBe(root);
  });

  it('cannot pass an inner node off as a leaf (domain separation)', () => {
    const files = hashes(2);
    const inner = merkleRoot(files);
    expect(merkleRoot([inner])).not.toBe(inner);
  });
});
