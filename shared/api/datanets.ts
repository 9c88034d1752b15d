import { z } from 'zod';
import { method } from './define';
import { datanetExportSchema, datanetFieldsSchema, policySchema } from '../policy';

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

export const datanetMethods = {
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
