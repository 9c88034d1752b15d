import { z } from 'zod';
import { method } from './define';
import { datanetExportSchema, datanetFieldsSchema, policySchema } from '../policy';
import { DATA_TYPES, ROLES } from '../datanet-registry';
import { appErrorDataSchema } from '../errors';
import { addressSchema, bytes32Schema } from '../hex';

export const idSchema = z.string().min(1).max(100);

export const datanetSchema = z.object({
  id: idSchema,
  name: z.string(),
  domain: z.string(),
  description: z.string(),
  policy: policySchema,
  policyVersion: z.number().int().positive(),
  itemCount: z.number().int().nonnegative(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Datanet = z.infer<typeof datanetSchema>;

export const policyVersionSchema = z.object({
  version: z.number().int().positive(),
  policy: policySchema,
  createdAt: z.string(),
});

/** One field that differs between two policy versions (shared/policy-diff.ts). */
export const policyChangeSchema = z.object({ path: z.string(), before: z.unknown(), after: z.unknown() });

export const dataTypeSchema = z.enum(DATA_TYPES);
export const roleSchema = z.enum(ROLES);

/** A local Datanet as the shared-Datanet views see it: a draft, or one that follows the registry. */
export const sharedDatanetSchema = z.object({
  id: idSchema,
  name: z.string(),
  domain: z.string(),
  /** Null: a draft, known on this machine only. */
  onchainId: bytes32Schema.nullable(),
  network: z.object({ chainId: z.number().int().positive(), registry: z.string() }).nullable(),
  /** The registry's data type: fixed on chain once published; a draft's is the type it would publish with. */
  dataType: dataTypeSchema.nullable(),
  /** The wallet's role in the registry as last read; null for a draft. */
  role: roleSchema.nullable(),
  /** The on-chain policy version followed (a draft: its local version). */
  policyVersion: z.number().int().positive(),
  policyHash: bytes32Schema.nullable(),
  policy: policySchema,
  members: z.number().int().nonnegative().nullable(),
  acceptedItems: z.number().int().nonnegative().nullable(),
  syncedAt: z.string().nullable(),
  /** The last sync failed: the policy shown is the last known one. */
  isStale: z.boolean(),
  syncError: appErrorDataSchema.nullable(),
  /** A newer on-chain policy version arrived and was not acknowledged yet: what changed. */
  newVersion: z
    .object({ fromVersion: z.number().int().positive(), toVersion: z.number().int().positive(), changes: z.array(policyChangeSchema) })
    .nullable(),
});
export type SharedDatanet = z.infer<typeof sharedDatanetSchema>;

/** A Datanet published in the selected network's registry. */
export const networkDatanetSchema = z.object({
  onchainId: bytes32Schema,
  name: z.string(),
  domain: z.string(),
  dataType: dataTypeSchema,
  owner: z.string(),
  members: z.number().int().nonnegative(),
  acceptedItems: z.number().int().nonnegative(),
  policyVersion: z.number().int().positive(),
  policyHash: bytes32Schema,
  join: z.enum(['open', 'approval']),
  /** The local Datanet that follows it here, if any. */
  followedBy: idSchema.nullable(),
});
export type NetworkDatanet = z.infer<typeof networkDatanetSchema>;

const sharedDatanetMethods = {
  'datanets.publish': method(
    z.object({ id: idSchema, dataType: dataTypeSchema.optional() }).strict(),
    z.object({
      id: idSchema,
      onchainId: bytes32Schema,
      txHash: bytes32Schema,
      policyVersion: z.number().int().positive(),
      policyHash: bytes32Schema,
    }),
    "Publish a draft Datanet in the selected network's registry (its items stay); the wallet pays the fee.",
  ),
  'datanets.browse': method(z.object({}).strict(), z.array(networkDatanetSchema), 'The Datanets published on the selected network.'),
  'datanets.join': method(
    z.object({ onchainId: bytes32Schema }).strict(),
    z.object({ id: idSchema, onchainId: bytes32Schema, role: roleSchema }),
    'Join an on-chain Datanet and follow it locally (approval_required where a curator must admit).',
  ),
  'datanets.show': method(
    z.object({ id: idSchema }).strict(),
    sharedDatanetSchema,
    "A Datanet's shared state as last known, without contacting the network.",
  ),
  'datanets.sync': method(
    z.object({ id: idSchema }).strict(),
    sharedDatanetSchema,
    'Read the current on-chain policy and role; an unreachable chain keeps the last known policy (isStale).',
  ),
  'datanets.acknowledgePolicy': method(
    z.object({ id: idSchema }).strict(),
    sharedDatanetSchema,
    'Dismiss the "new policy version" notice.',
  ),
  'datanets.requests': method(
    z.object({ datanetId: idSchema }).strict(),
    z.array(z.object({ address: z.string(), blockNumber: z.number().int().nonnegative() })),
    'The join requests a curator has still to decide on a shared Datanet, oldest first.',
  ),
  'datanets.approveMember': method(
    z.object({ datanetId: idSchema, address: addressSchema }).strict(),
    z.object({ address: z.string(), txHash: bytes32Schema }),
    'A curator or the owner admits an account that asked to join.',
  ),
} as const;

export const datanetMethods = {
  ...sharedDatanetMethods,
  'datanets.list': method(z.object({}).strict(), z.array(datanetSchema), 'All Datanets, by name.'),
  'datanets.get': method(z.object({ id: idSchema }).strict(), datanetSchema, 'One Datanet.'),
  'datanets.create': method(
    datanetFieldsSchema.extend({ policy: policySchema.optional() }).strict(),
    datanetSchema,
    'Create a Datanet; its policy defaults to the seed limits.',
  ),
  'datanets.update': method(
    z
      .object({
        id: idSchema,
        name: datanetFieldsSchema.shape.name.optional(),
        domain: z.string().trim().max(120).optional(),
        description: z.string().max(10_000).optional(),
        policy: policySchema.optional(),
      })
      .strict(),
    datanetSchema,
    'Edit a Datanet; a changed policy becomes a new policy version.',
  ),
  'datanets.remove': method(
    z.object({ id: idSchema }).strict(),
    z.object({ id: idSchema }),
    'Delete an empty Datanet (one with items is refused).',
  ),
  'datanets.policyHistory': method(
    z.object({ id: idSchema }).strict(),
    z.array(policyVersionSchema),
    'Every version of a Datanet policy, newest first.',
  ),
  'datanets.export': method(
    z.object({ id: idSchema }).strict(),
    z.object({ fileName: z.string(), json: z.string() }),
    'A Datanet and its current policy as a JSON document.',
  ),
  'datanets.import': method(
    z.object({ json: z.string().max(1_000_000), name: z.string().optional() }).strict(),
    datanetSchema,
    'Create a Datanet from an exported JSON document.',
  ),
} as const;

export { datanetExportSchema };
