import { z } from 'zod';
import { bytes32Schema, looseAddressSchema } from './hex';

/**
 * Whether a URL host is this machine's loopback interface: 127.0.0.0/8, [::1] or the name
 * `localhost`. `hostname` is as the WHATWG URL parser leaves it, so 127.1, 0x7f.1 and the like are
 * already 127.0.0.1 and an IPv6 literal keeps its brackets. Subdomains of localhost are refused:
 * resolvers do not all map them to loopback.
 */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  if (host === 'localhost' || host === '[::1]') return true;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/**
 * A URL with the secure scheme, or the plain one on loopback only. Plain HTTP or WS to another
 * machine lets anyone on the path read what is sent (manifests, signed transactions, room
 * topics) and answer in the server's name; the devnet runs on loopback, where nothing is on the path.
 */
function endpointUrl(secure: 'https' | 'wss', plain: 'http' | 'ws') {
  return z.url({ protocol: new RegExp(`^(?:${secure}|${plain})$`) }).refine(
    (value) => {
      // Zod runs this check even when the URL check above failed; that one already reported it.
      if (!URL.canParse(value)) return true;
      const url = new URL(value);
      return url.protocol === `${secure}:` || isLoopbackHost(url.hostname);
    },
    { message: `must use ${secure}:// (${plain}:// is accepted only for this machine: localhost, 127.0.0.0/8, [::1])` },
  );
}

const httpEndpoint = endpointUrl('https', 'http');
/** Signaling servers speak WebSocket; a file: or javascript: URL is refused like any other scheme. */
const signalingUrl = endpointUrl('wss', 'ws');

/**
 * A network profile: how the app finds a chain, its contracts and schemas, the Datanet
 * validator and the review rooms' signaling servers (docs/architecture.md, Product rules: network profile). The devnet
 * writes one with `npm run devnet -- --out FILE`; real networks publish their own.
 */
export const networkProfileSchema = z.object({
  name: z.string().min(1),
  chainId: z.number().int().positive(),
  rpcUrl: httpEndpoint,
  contracts: z.object({
    eas: looseAddressSchema,
    schemaRegistry: looseAddressSchema,
    token: looseAddressSchema,
    rewards: looseAddressSchema,
    /** The Datanet registry (shared/datanet-registry.ts); absent on networks without shared Datanets. */
    datanetRegistry: looseAddressSchema.optional(),
  }),
  /** Schema UIDs by name; `contribution` and `verdict` are required, others may follow. */
  schemas: z.object({ contribution: bytes32Schema, verdict: bytes32Schema }).catchall(bytes32Schema),
  validatorUrl: httpEndpoint,
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
  faucetUrl: httpEndpoint.optional(),
  /** The validator's attester address: verdicts signed by anyone else are not this network's. */
  validatorAddress: looseAddressSchema.optional(),
  /** The EAS contract's version string, the `version` of its off-chain EIP-712 domain. */
  easVersion: z.string().optional(),
  /** First block worth indexing (the block the contracts were deployed in). */
  startBlock: z.number().int().nonnegative().optional(),
});
export type NetworkProfile = z.infer<typeof networkProfileSchema>;

/** One server a profile makes the app talk to, as the user confirms it. */
export type ProfileEndpoint = {
  role: 'chain-rpc' | 'validator' | 'faucet' | 'signaling';
  url: string;
  /** `host:port` with the scheme's default port written out, so two profiles compare at a glance. */
  hostPort: string;
  isEncrypted: boolean;
};

const DEFAULT_PORTS: Record<string, string> = { 'http:': '80', 'https:': '443', 'ws:': '80', 'wss:': '443' };

/** Every server `profile` names (STUN/TURN aside), in the order the confirmation lists them. */
export function profileEndpoints(profile: NetworkProfile): ProfileEndpoint[] {
  const entry = (role: ProfileEndpoint['role'], value: string): ProfileEndpoint => {
    const url = new URL(value);
    return {
      role,
      url: value,
      hostPort: `${url.hostname}:${url.port || DEFAULT_PORTS[url.protocol] || ''}`,
      isEncrypted: url.protocol === 'https:' || url.protocol === 'wss:',
    };
  };
  return [
    entry('chain-rpc', profile.rpcUrl),
    entry('validator', profile.validatorUrl),
    ...(profile.faucetUrl ? [entry('faucet', profile.faucetUrl)] : []),
    ...profile.signalingUrls.map((u) => entry('signaling', u)),
  ];
}
