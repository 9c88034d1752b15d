import { sha256, toUtf8Bytes, Wallet, ZeroHash } from 'ethers';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../shared/canonical-json';
import {
  buildManifest,
  checkManifestConsistency,
  manifestDomain,
  manifestHash,
  manifestSchema,
  MANIFEST_EIP712_TYPES,
  manifestTypedData,
  manifestTypedMessage,
  recoverManifestSigner,
} from '../../shared/manifest';
import type { ManifestFile } from '../../shared/manifest';
import { merkleRoot } from '../../shared/merkle';

const wallet = new Wallet('0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d');
const file = (text: string, extra: Partial<ManifestFile> = {}): ManifestFile => ({
  sha256: sha256(toUtf8Bytes(text)),
  bytes: toUtf8Bytes(text).length,
  type: 'txt',
  anonymisationReportHash: sha256(toUtf8Bytes(`report of ${text}`)),
  dpParameters: null,
  embeddingModelId: 'Xenova/all-MiniLM-L6-v2',
  ...extra,
});
const manifest = buildManifest({
  datanetId: 'clinical-notes',
  contributor: wallet.address,
  files: [file('first note'), file('a,b\n1,2\n', { type: 'csv', dpParameters: { mechanism: 'laplace', epsilon: 1, columns: ['age'] } })],
  createdAt: '2026-03-10T12:00:00.000Z',
});

describe('manifest', () => {
  it('computes the Merkle root and totals when built', () => {
    expect(manifest.version).toBe(1);
    expect(manifest.merkleRoot).toBe(merkleRoot(manifest.files.map((f) => f.sha256)));
    expect(manifest.totals).toEqual({ files: 2, bytes: 10 + 8 });
    expect(checkManifestConsistency(manifest)).toEqual([]);
  });

  it('hashes the canonical JSON, so key order does not matter', () => {
    const reordered = Object.fromEntries(Object.entries(manifest).reverse());
    expect(manifestHash(manifestSchema.parse(reordered))).toBe(manifestHash(manifest));
    expect(canonicalJson(manifest).startsWith('{"contributor":')).toBe(true);
    expect(manifestHash({ ...manifest, createdAt: '2026-03-10T12:00:00.001Z' })).not.toBe(manifestHash(manifest));
  });

  it('finds a Merkle root or totals that do not add up', () => {
    expect(checkManifestConsistency({ ...manifest, merkleRoot: ZeroHash }).map((p) => p.kind)).toEqual(['merkle_mismatch']);
    expect(checkManifestConsistency({ ...manifest, totals: { files: 2, bytes: 1 } }).map((p) => p.kind)).toEqual(['totals_mismatch']);
  });

  it('has one spelling per value: lower-case hashes, checksummed address, UTC time, no zero report hash', () => {
    expect(manifestSchema.safeParse({ ...manifest, merkleRoot: manifest.merkleRoot.toUpperCase().replace('0X', '0x') }).success).toBe(
      false,
    );
    expect(manifestSchema.safeParse({ ...manifest, contributor: wallet.address.toLowerCase() }).success).toBe(false);
    expect(manifestSchema.safeParse({ ...manifest, createdAt: '2026-03-10T13:00:00+01:00' }).success).toBe(false);
    expect(manifestSchema.safeParse({ ...manifest, files: [{ ...manifest.files[0], anonymisationReportHash: ZeroHash }] }).success).toBe(
      false,
    );
    expect(manifestSchema.safeParse({ ...manifest, extra: 1 }).success).toBe(false);
  });

  it('is signed with EIP-712 and the signer recovers only for the same manifest and chain', async () => {
    const signature = await wallet.signTypedData(manifestDomain(31337), MANIFEST_EIP712_TYPES, manifestTypedMessage(manifest));
    expect(recoverManifestSigner(manifest, 31337, signature)).toBe(wallet.address);
    expect(recoverManifestSigner(manifest, 1, signature)).not.toBe(wallet.address);
    const changed = { ...manifest, files: [{ ...manifest.files[0], bytes: 11 } as ManifestFile, manifest.files[1] as ManifestFile] };
    expect(recoverManifestSigner(changed, 31337, signature)).not.toBe(wallet.address);
    expect(recoverManifestSigner(manifest, 31337, '0x1234')).toBeUndefined();
  });

  it('signs nulls as the zero hash and empty strings, and DP parameters as their canonical JSON', () => {
    const message = manifestTypedMessage(
      buildManifest({
        datanetId: 'd',
        contributor: wallet.address,
        files: [file('x', { anonymisationReportHash: null, embeddingModelId: null })],
        createdAt: manifest.createdAt,
      }),
    ) as { files: Array<Record<string, unknown>> };
    expect(message.files[0]).toMatchObject({ anonymisationReportHash: ZeroHash, dpParameters: '', embeddingModelId: '' });
    const dp = manifestTypedMessage(manifest) as { files: Array<Record<string, unknown>> };
    expect(dp.files[1]?.dpParameters).toBe('{"columns":["age"],"epsilon":1,"mechanism":"laplace"}');
  });

  describe('version 2: a shared Datanet', () => {
    const onchainId = `0x${'ab'.repeat(32)}`;
    const policyHash = `0x${'cd'.repeat(32)}`;
    const shared = buildManifest({
      datanetId: 'local-copy-id',
      contributor: wallet.address,
      files: manifest.files,
      createdAt: manifest.createdAt,
      shared: { onchainId: onchainId.toUpperCase().replace('0X', '0x'), policyVersion: 3, policyHash },
    });

    it('names the on-chain id (not the local one) and the policy version it was checked against', () => {
      expect(shared).toMatchObject({ version: 2, datanetId: onchainId, policy: { version: 3, hash: policyHash } });
      expect(manifestSchema.parse(JSON.parse(JSON.stringify(shared)))).toEqual(shared);
      expect(manifestSchema.safeParse({ ...shared, policy: undefined }).success).toBe(false);
      expect(manifestSchema.safeParse({ ...shared, policy: { version: 0, hash: policyHash } }).success).toBe(false);
      expect(manifestSchema.safeParse({ ...shared, datanetId: 'local-copy-id' }).success).toBe(false);
    });

    it('refuses a version 1 manifest naming an on-chain id (it would skip the policy check)', () => {
      expect(manifestSchema.safeParse({ ...manifest, datanetId: onchainId }).success).toBe(false);
      expect(manifestSchema.safeParse({ ...manifest, policy: shared.version === 2 ? shared.policy : null }).success).toBe(false);
    });

    it('signs the policy version and hash under domain version 2; a changed policy does not verify, version 1 is unchanged', async () => {
      const typed = manifestTypedData(shared, 31337);
      expect(typed.domain.version).toBe('2');
      const signature = await wallet.signTypedData(typed.domain, typed.types, typed.message);
      expect(recoverManifestSigner(shared, 31337, signature)).toBe(wallet.address);
      if (shared.version !== 2) throw new Error('expected version 2');
      const older = { ...shared, policy: { ...shared.policy, version: 2 } };
      expect(recoverManifestSigner(older, 31337, signature)).not.toBe(wallet.address);
      expect(manifestHash(older)).not.toBe(manifestHash(shared));
      // Version 1 stays as it was: the same types and domain verify the same signatures.
      const v1 = await wallet.signTypedData(manifestDomain(31337), MANIFEST_EIP712_TYPES, manifestTypedMessage(manifest));
      expect(manifestTypedData(manifest, 31337).domain.version).toBe('1');
      expect(recoverManifestSigner(manifest, 31337, v1)).toBe(wallet.address);
    });
  });
});
