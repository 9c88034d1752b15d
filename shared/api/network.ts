import { z } from 'zod';
import { networkProfileSchema } from '../network-profile';
import { method } from './define';

/** A profile as it crosses the contract: addresses already checksummed by the profile schema. */
export const networkProfileOutputSchema = networkProfileSchema;

export const networkStatusSchema = z.object({
  name: z.string().nullable(),
  chainId: z.number().int().nullable(),
  isChainReachable: z.boolean(),
  isValidatorReachable: z.boolean(),
  blockNumber: z.number().int().nullable(),
});
export type NetworkStatus = z.infer<typeof networkStatusSchema>;

export const networkMethods = {
  'network.get': method(
    z.object({}).strict(),
    z.object({ profile: networkProfileOutputSchema.nullable() }),
    'The selected network profile, or null when none is chosen yet.',
  ),
  'network.setProfile': method(
    z.object({ json: z.string().min(2).max(100_000) }).strict(),
    z.object({
      profile: networkProfileOutputSchema,
      /**
       * The signaling servers changed: the open page's Content Security Policy still lists the
       * old ones (it is fixed when the page loads), so review rooms reach the new ones after a reload.
       */
      isReloadNeeded: z.boolean(),
    }),
    'Select a network by its profile JSON (validated; the UI has the user confirm its servers first). Reads nothing from the network itself; queued submissions resume on it.',
  ),
  'network.status': method(z.object({}).strict(), networkStatusSchema, 'Whether the chain and validator of the profile answer now.'),
} as const;
