import { z } from 'zod';
import { bytes32Schema, looseAddressSchema } from './hex';

const loopbackOrRemoteUrl = z.url({ protocol: /^https?$/ });
/** Signaling servers speak WebSocket; a file: or javascript: URL is refused like any other scheme. */
const signalingUrl = z.url({ protocol: /^wss?$/ });

/**
 * A network profile: how the app finds a chain, its contracts and schemas, the Datanet
 * validator and the review rooms' signaling servers (DESIGN.md, Network profile). The devnet
 * writes one with `npm run devnet -- --out FILE`; real networks publish their own.
 */
export const networkProfileSchema = z.object({
  name: z.string().min(1),
  chainId: z.number().int().positive(),
  rpcUrl: loopbackOrRemoteUrl,
  contracts: z.object({
    eas: looseAddressSchema,
    schemaRegistry: looseAddressSchema,
    token: looseAddressSchema,
    rewards: looseAddressSchema,
  }),
  /** Schema UIDs by name; `contribution` and `verdict` are required, others may follow. */
  schemas: z.object({ contribution: bytes32Schema, verdict: bytes32Schema }).catchall(bytes32Schema),
  validatorUrl: loopbackOrRemoteUrl,
  signalingUrls: z.array(signalingUrl),
  /**
   * STUN/TURN servers review-room peers use to find a path through NATs (RTCIceServer). Absent:
   * host candidates only (peers on one network), and no third-party STUN server is ever contacted.
   */
  iceServers: z
    .array(
      z.object({ urls: z.union([z.string(), z.array(z.string())]), username: z.string().optional(), credential: z.string().optional() }),
    )
    .optional(),
  /** Present only on networks that hand out test ether (the devnet). */
  faucetUrl: loopbackOrRemoteUrl.optional(),
  /** The validator's attester address: verdicts signed by anyone else are not this network's. */
  validatorAddress: looseAddressSchema.optional(),
  /** The EAS contract's version string, the `version` of its off-chain EIP-712 domain. */
  easVersion: z.string().optional(),
  /** First block worth indexing (the block the contracts were deployed in). */
  startBlock: z.number().int().nonnegative().optional(),
});
export type NetworkProfile = z.infer<typeof networkProfileSchema>;
