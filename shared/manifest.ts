import { keccak256, toUtf8Bytes, verifyTypedData, ZeroHash } from 'ethers';
import type { TypedDataDomain, TypedDataField } from 'ethers';
import { z } from 'zod';
import { canonicalJson } from './canonical-json';
import { AppError } from './errors';
import { fileTypeSchema } from './file-types';
import { addressSchema, bytes32Schema, nonZeroBytes32Schema } from './hex';
import { merkleRoot } from './merkle';

/**
 * The submission manifest.
 *
 * A manifest describes one submission: which Datanet, who contributes, and per file its sha256,
 * size, type, the hash of its anonymisation report, the DP parameters applied and the embedding
 * model used locally. Its `merkleRoot` is {@link merkleRoot} over the files' sha256 in `files`
 * order. The manifest hash is `keccak256(utf8(canonicalJson(manifest)))` and is the submission's
 * idempotency key and what the contribution attestation records. The contributor signs the
 * manifest with EIP-712 ({@link manifestTypedData}).
 *
 * Version 1 is a local draft's: `datanetId` is the local id. Version 2 is a shared Datanet's:
 * `datanetId` is its on-chain id (bytes32) and `policy` names the on-chain policy version (number
 * and document hash) the files were checked against, so quota, duplicates and rewards are counted
 * per shared Datanet and a validator can tell a stale policy. Each version has its own schema,
 * EIP-712 domain version and types; validators keep accepting the versions they know.
 */
export const MANIFEST_VERSION = 1;
export const SHARED_MANIFEST_VERSION = 2;

/** DP parameters as the DP pipeline records them: a JSON object whose shape that pipeline owns. */
export const dpParametersSchema = z.record(z.string(), z.json());

export const manifestFileSchema = z
  .object({
    sha256: bytes32Schema,
    bytes: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
    type: fileTypeSchema,
    anonymisationReportHash: nonZeroBytes32Schema.nullable(),
    dpParameters: dpParametersSchema.nullable(),
    embeddingModelId: z.string().min(1).max(200).nullable(),
  })
  .strict();
export type ManifestFile = z.infer<typeof manifestFileSchema>;

const BYTES32 = /^0x[0-9a-fA-F]{64}$/;

const manifestCommon = {
  contributor: addressSchema,
  files: z.array(manifestFileSchema).min(1).max(1000),
  merkleRoot: bytes32Schema,
  totals: z
    .object({
      files: z.number().int().positive(),
      bytes: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
    })
    .strict(),
  // UTC, as `Date.prototype.toISOString` prints it.
  createdAt: z.iso.datetime(),
};

export const draftManifestSchema = z
  .object({
    version: z.literal(MANIFEST_VERSION),
    // A bytes32 id names an on-chain Datanet: a version-1 manifest must not reach that Datanet's
    // quota, duplicates and rewards while skipping its policy-version check.
    datanetId: z
      .string()
      .min(1)
      .max(100)
      .refine((id) => !BYTES32.test(id), 'an on-chain Datanet id needs a version 2 manifest'),
    ...manifestCommon,
  })
  .strict();

export const sharedManifestSchema = z
  .object({
    version: z.literal(SHARED_MANIFEST_VERSION),
    /** The on-chain id (DatanetRegistry), lower-case. */
    datanetId: bytes32Schema,
    /** The on-chain policy version the files were checked against: its number (1-based) and document hash. */
    policy: z.object({ version: z.number().int().positive().max(Number.MAX_SAFE_INTEGER), hash: nonZeroBytes32Schema }).strict(),
    ...manifestCommon,
  })
  .strict();

export const manifestSchema = z.discriminatedUnion('version', [draftManifestSchema, sharedManifestSchema]);
export type Manifest = z.infer<typeof manifestSchema>;
export type SharedManifest = z.infer<typeof sharedManifestSchema>;

/** The manifest hash: keccak256 of the manifest's canonical JSON. */
export function manifestHash(manifest: Manifest): string {
  return keccak256(toUtf8Bytes(canonicalJson(manifest)));
}

export type ManifestInput = {
  /** The local id of a draft; ignored when `shared` is given (the on-chain id is used). */
  datanetId: string;
  contributor: string;
  files: ManifestFile[];
  createdAt: string;
  /** Set for a Datanet that follows a published one: a version 2 manifest. */
  shared?: { onchainId: string; policyVersion: number; policyHash: string };
};

/** A manifest from its files, with the Merkle root and totals computed. */
export function buildManifest(input: ManifestInput): Manifest {
  const head = input.shared
    ? {
        version: SHARED_MANIFEST_VERSION,
        datanetId: input.shared.onchainId.toLowerCase(),
        policy: { version: input.shared.policyVersion, hash: input.shared.policyHash.toLowerCase() },
      }
    : { version: MANIFEST_VERSION, datanetId: input.datanetId };
  const draft = {
    ...head,
    contributor: input.contributor,
    files: input.files,
    merkleRoot: input.files.length > 0 ? merkleRoot(input.files.map((f) => f.sha256)) : ZeroHash,
    totals: { files: input.files.length, bytes: input.files.reduce((sum, f) => sum + f.bytes, 0) },
    createdAt: input.createdAt,
  };
  const parsed = manifestSchema.safeParse(draft);
  if (!parsed.success) {
    throw new AppError('invalid_input', `the manifest is not valid: ${parsed.error.issues[0]?.message ?? 'unknown'}`, {
      issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    });
  }
  return parsed.data;
}

export type ManifestInconsistency = { kind: 'merkle_mismatch' | 'totals_mismatch'; message: string };

/** What in a well-formed manifest does not add up: its Merkle root or its totals. */
export function checkManifestConsistency(manifest: Manifest): ManifestInconsistency[] {
  const found: ManifestInconsistency[] = [];
  const root = merkleRoot(manifest.files.map((f) => f.sha256));
  if (root !== manifest.merkleRoot) {
    found.push({ kind: 'merkle_mismatch', message: `the files hash to Merkle root ${root}, not ${manifest.merkleRoot}` });
  }
  const bytes = manifest.files.reduce((sum, f) => sum + f.bytes, 0);
  if (manifest.totals.files !== manifest.files.length || manifest.totals.bytes !== bytes) {
    found.push({
      kind: 'totals_mismatch',
      message: `the totals say ${manifest.totals.files} files and ${manifest.totals.bytes} bytes; the files add up to ${manifest.files.length} and ${bytes}`,
    });
  }
  return found;
}

/**
 * EIP-712 domain of manifest signatures. It names no verifying contract because no contract
 * verifies manifests; the chain id binds a signature to one network, the domain version to one
 * manifest version (a version 1 signature cannot be replayed as a version 2 one).
 */
export function manifestDomain(chainId: number | bigint, version: Manifest['version'] = MANIFEST_VERSION): TypedDataDomain {
  return { name: 'Datanet Desk Manifest', version: String(version), chainId };
}

/**
 * EIP-712 types of a manifest. Every field of the JSON manifest is signed, so a wallet can show
 * the whole submission. Nulls have no EIP-712 form: a missing report hash is the zero hash (the
 * schema forbids a real zero hash), missing DP parameters and model id are the empty string (the
 * schema forbids an empty id, and DP parameters are signed as their canonical JSON).
 */
export const MANIFEST_EIP712_TYPES: Record<string, TypedDataField[]> = {
  Manifest: [
    { name: 'version', type: 'uint16' },
    { name: 'datanetId', type: 'string' },
    { name: 'contributor', type: 'address' },
    { name: 'files', type: 'ManifestFile[]' },
    { name: 'merkleRoot', type: 'bytes32' },
    { name: 'totalFiles', type: 'uint32' },
    { name: 'totalBytes', type: 'uint64' },
    { name: 'createdAt', type: 'string' },
  ],
  ManifestFile: [
    { name: 'sha256', type: 'bytes32' },
    { name: 'bytes', type: 'uint64' },
    { name: 'fileType', type: 'string' },
    { name: 'anonymisationReportHash', type: 'bytes32' },
    { name: 'dpParameters', type: 'string' },
    { name: 'embeddingModelId', type: 'string' },
  ],
};

/**
 * EIP-712 types of a version 2 (shared Datanet) manifest: the on-chain id as bytes32 and the
 * policy version it was checked against, so the wallet shows which policy the contributor agreed to.
 */
export const SHARED_MANIFEST_EIP712_TYPES: Record<string, TypedDataField[]> = {
  Manifest: [
    { name: 'version', type: 'uint16' },
    { name: 'datanetId', type: 'bytes32' },
    { name: 'policyVersion', type: 'uint64' },
    { name: 'policyHash', type: 'bytes32' },
    { name: 'contributor', type: 'address' },
    { name: 'files', type: 'ManifestFile[]' },
    { name: 'merkleRoot', type: 'bytes32' },
    { name: 'totalFiles', type: 'uint32' },
    { name: 'totalBytes', type: 'uint64' },
    { name: 'createdAt', type: 'string' },
  ],
  ManifestFile: MANIFEST_EIP712_TYPES.ManifestFile as TypedDataField[],
};

/** The EIP-712 types of `manifest`'s version. */
export function manifestTypes(manifest: Manifest): Record<string, TypedDataField[]> {
  return manifest.version === SHARED_MANIFEST_VERSION ? SHARED_MANIFEST_EIP712_TYPES : MANIFEST_EIP712_TYPES;
}

/** Everything `signTypedData(domain, types, message)` needs for `manifest` on `chainId`. */
export function manifestTypedData(
  manifest: Manifest,
  chainId: number | bigint,
): { domain: TypedDataDomain; types: Record<string, TypedDataField[]>; message: Record<string, unknown> } {
  return { domain: manifestDomain(chainId, manifest.version), types: manifestTypes(manifest), message: manifestTypedMessage(manifest) };
}

/** The EIP-712 message of a manifest, for `signTypedData(manifestDomain(chainId, version), manifestTypes(manifest), message)`. */
export function manifestTypedMessage(manifest: Manifest): Record<string, unknown> {
  return {
    version: manifest.version,
    datanetId: manifest.datanetId,
    ...(manifest.version === SHARED_MANIFEST_VERSION ? { policyVersion: manifest.policy.version, policyHash: manifest.policy.hash } : {}),
    contributor: manifest.contributor,
    files: manifest.files.map((f) => ({
      sha256: f.sha256,
      bytes: f.bytes,
      fileType: f.type,
      anonymisationReportHash: f.anonymisationReportHash ?? ZeroHash,
      dpParameters: f.dpParameters === null ? '' : canonicalJson(f.dpParameters),
      embeddingModelId: f.embeddingModelId ?? '',
    })),
    merkleRoot: manifest.merkleRoot,
    totalFiles: manifest.totals.files,
    totalBytes: manifest.totals.bytes,
    createdAt: manifest.createdAt,
  };
}

/** The address that signed `manifest` on `chainId`, or undefined when the signature is malformed. */
export function recoverManifestSigner(manifest: Manifest, chainId: number | bigint, signature: string): string | undefined {
  try {
    const { domain, types, message } = manifestTypedData(manifest, chainId);
    return verifyTypedData(domain, types, message, signature);
  } catch {
    return undefined;
  }
}
