import { z } from 'zod';
import { fileTypeSchema } from '../../shared/file-types';
import { addressSchema, bytes32Schema } from '../../shared/hex';
import { datanetRegistrationSchema, epochResultSchema, verdictSchema } from '../../shared/validator-api';
import { readJson, writeJsonAtomic } from '../json-file';

/**
 * Everything the validator remembers, in one JSON file in its data folder, rewritten atomically
 * after every change. It keeps verdicts and derived features of accepted files (MinHash
 * signature, hashed bag-of-words vector, key terms), not the files' content.
 */
export const VALIDATOR_STATE_VERSION = 1;

export const storedDatanetSchema = datanetRegistrationSchema.extend({
  registeredAt: z.string(),
  /** `api`: POST /datanets; `submission`: the first submission carried it (a devnet convenience); `registry`: read from the chain. */
  source: z.enum(['api', 'submission', 'registry']),
});
export type StoredDatanet = z.infer<typeof storedDatanetSchema>;

export const corpusItemSchema = z.object({
  datanetId: z.string(),
  sha256: bytes32Schema,
  contributor: addressSchema,
  manifestHash: bytes32Schema,
  bytes: z.number().int().nonnegative(),
  type: fileTypeSchema,
  acceptedAt: z.string(),
  minhash: z.array(z.number().int()).nullable(),
  embedding: z.array(z.number()).nullable(),
  keyTerms: z.array(z.string()),
  /**
   * A shared Datanet's item on chain: `held` for a curator's approval, `pending` until
   * DatanetRegistry.recordAccepted records it, then `recorded`. Absent for a draft's items.
   */
  onchain: z.enum(['held', 'pending', 'recorded']).optional(),
});
export type CorpusItem = z.infer<typeof corpusItemSchema>;

export const validatorStateSchema = z.object({
  version: z.literal(VALIDATOR_STATE_VERSION),
  /** The chain this state belongs to; a state for another deployment is set aside, not mixed in. */
  chainId: z.number().int(),
  eas: addressSchema,
  seed: z.string(),
  datanets: z.record(z.string(), storedDatanetSchema),
  submissions: z.record(z.string(), verdictSchema),
  corpus: z.array(corpusItemSchema),
  epochs: z.array(epochResultSchema),
  /** Per on-chain Datanet id, the Datanet versions whose approved batch was applied (each once). */
  approvedVersions: z.record(z.string(), z.array(z.number().int().positive())).default({}),
});
export type ValidatorState = z.infer<typeof validatorStateSchema>;

export async function loadState(path: string): Promise<ValidatorState | undefined> {
  return readJson(path, validatorStateSchema);
}

export async function saveState(path: string, state: ValidatorState): Promise<void> {
  await writeJsonAtomic(path, state);
}
