import { AbiCoder, keccak256, solidityPackedKeccak256, toUtf8Bytes, ZeroAddress } from 'ethers';
import { z } from 'zod';
import { bytes32Schema } from './hex';

/**
 * The EAS schemas of the Datanet network. The strings are registered verbatim in the
 * SchemaRegistry: a schema's UID is keccak256 of the string, its resolver and its revocability,
 * so a change of one space makes a different schema.
 *
 * - contribution: the contributor's attestation of a submission (off-chain at once, on-chain when
 *   online). One per submission; the Merkle root covers its files.
 * - verdict: the validator's accept or reject, with refUID set to the on-chain contribution
 *   attestation when there is one. `contributionUid` repeats the contribution's UID in the data
 *   because an off-chain UID cannot be a refUID (EAS reverts on a refUID it does not hold).
 */
export const CONTRIBUTION_SCHEMA = 'bytes32 datanetId, bytes32 merkleRoot, bytes32 manifestHash, uint32 fileCount, uint64 totalBytes';
export const VERDICT_SCHEMA = 'bool accepted, uint8 score, string reasonCode, bytes32 manifestHash, bytes32 contributionUid';

/** Both schemas are registered revocable, without a resolver. */
export const SCHEMA_REVOCABLE = true;

export const NETWORK_SCHEMAS = { contribution: CONTRIBUTION_SCHEMA, verdict: VERDICT_SCHEMA } as const;
export type NetworkSchemaName = keyof typeof NETWORK_SCHEMAS;

/** A schema's UID as the SchemaRegistry computes it. */
export function schemaUid(schema: string, resolver: string = ZeroAddress, revocable: boolean = SCHEMA_REVOCABLE): string {
  return solidityPackedKeccak256(['string', 'address', 'bool'], [schema, resolver, revocable]);
}

/**
 * The on-chain key of a Datanet: keccak256 of its id's UTF-8 bytes. Attestations and reward
 * events carry this fixed-size key rather than the id string, which would cost a storage slot
 * more per attestation.
 */
export function datanetKey(datanetId: string): string {
  return keccak256(toUtf8Bytes(datanetId));
}

export const contributionDataSchema = z.object({
  datanetId: bytes32Schema,
  merkleRoot: bytes32Schema,
  manifestHash: bytes32Schema,
  fileCount: z.number().int().nonnegative().max(0xffffffff),
  totalBytes: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
});
export type ContributionData = z.infer<typeof contributionDataSchema>;

export const verdictDataSchema = z.object({
  accepted: z.boolean(),
  score: z.number().int().min(0).max(100),
  reasonCode: z.string().max(64),
  manifestHash: bytes32Schema,
  contributionUid: bytes32Schema,
});
export type VerdictData = z.infer<typeof verdictDataSchema>;

const CONTRIBUTION_TYPES = ['bytes32', 'bytes32', 'bytes32', 'uint32', 'uint64'];
const VERDICT_TYPES = ['bool', 'uint8', 'string', 'bytes32', 'bytes32'];

/** The attestation data of a contribution (ABI-encoded, as the EAS SchemaEncoder produces it). */
export function encodeContributionData(data: ContributionData): string {
  return AbiCoder.defaultAbiCoder().encode(CONTRIBUTION_TYPES, [
    data.datanetId,
    data.merkleRoot,
    data.manifestHash,
    data.fileCount,
    data.totalBytes,
  ]);
}

/** Decodes contribution data; throws on bytes that are not of this schema. */
export function decodeContributionData(hex: string): ContributionData {
  const [datanetId, merkleRoot, manifestHash, fileCount, totalBytes] = AbiCoder.defaultAbiCoder().decode(CONTRIBUTION_TYPES, hex);
  return contributionDataSchema.parse({
    datanetId: String(datanetId).toLowerCase(),
    merkleRoot: String(merkleRoot).toLowerCase(),
    manifestHash: String(manifestHash).toLowerCase(),
    fileCount: Number(fileCount),
    totalBytes: Number(totalBytes),
  });
}

export function encodeVerdictData(data: VerdictData): string {
  return AbiCoder.defaultAbiCoder().encode(VERDICT_TYPES, [
    data.accepted,
    data.score,
    data.reasonCode,
    data.manifestHash,
    data.contributionUid,
  ]);
}

export function decodeVerdictData(hex: string): VerdictData {
  const [accepted, score, reasonCode, manifestHash, contributionUid] = AbiCoder.defaultAbiCoder().decode(VERDICT_TYPES, hex);
  return verdictDataSchema.parse({
    accepted: Boolean(accepted),
    score: Number(score),
    reasonCode: String(reasonCode),
    manifestHash: String(manifestHash).toLowerCase(),
    contributionUid: String(contributionUid).toLowerCase(),
  });
}
