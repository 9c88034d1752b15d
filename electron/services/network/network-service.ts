import { Contract, JsonRpcProvider, Network } from 'ethers';
import type { NetworkStatus } from '../../../shared/api/network';
import { describeZodError } from '../../../shared/api/dispatcher';
import { EAS_ABI } from '../../../shared/eas-abi';
import { AppError } from '../../../shared/errors';
import { networkProfileSchema } from '../../../shared/network-profile';
import type { NetworkProfile } from '../../../shared/network-profile';
import type { OutboundRecorder } from '../audit/audit-log';
import { auditedFetchRequest } from '../audit/outbound';
import type { OutboundLimits } from '../audit/outbound';
import type { Database } from '../db/database';
import { ValidatorClient } from './validator-client';

const PROFILE_KEY = 'network.profile';
/** How long one JSON-RPC call may take before the network counts as unreachable. */
export const RPC_TIMEOUT_MS = 10_000;

/**
 * The identity of a network: what a signature or attestation is bound to. Two profiles with the
 * same identity are the same network reached at other addresses (a devnet restarted on new
 * ports), so a submission signed for one may be sent through the other.
 */
export function networkIdentity(profile: NetworkProfile): string {
  return `${profile.chainId}:${profile.contracts.eas.toLowerCase()}:${profile.schemas.contribution}`;
}

/**
 * A JSON-RPC provider that never probes the network on its own and gives up after a timeout.
 * Its requests go through sendOutbound (audit/outbound.ts): with `outbound` every request body is
 * recorded in the audit log before it is sent, answers are capped, and a redirect to another
 * origin is refused. Services get such a provider from {@link NetworkService.provider}.
 */
export function rpcProvider(
  profile: NetworkProfile,
  timeoutMs = RPC_TIMEOUT_MS,
  outbound?: OutboundRecorder,
  limits: Pick<OutboundLimits, 'maxResponseBytes'> = {},
): JsonRpcProvider {
  const request = auditedFetchRequest(profile.rpcUrl, outbound, limits);
  request.timeout = timeoutMs;
  // staticNetwork: without it ethers retries network detection forever while the chain is down.
  // cacheTimeout -1: a cached nonce or receipt would make a retry act on what it saw a moment ago.
  return new JsonRpcProvider(request, profile.chainId, {
    staticNetwork: Network.from(profile.chainId),
    batchMaxCount: 1,
    cacheTimeout: -1,
  });
}

/** The selected network profile (Settings, or `--network FILE.json`), stored in the database. */
export class NetworkService {
  constructor(
    private readonly db: Database,
    /** The audit log: every request to the chain, validator or faucet is recorded before it leaves. */
    private readonly outbound?: OutboundRecorder,
  ) {}

  /** A JSON-RPC provider for `profile` whose requests are audited. */
  provider(profile: NetworkProfile, timeoutMs = RPC_TIMEOUT_MS): JsonRpcProvider {
    return rpcProvider(profile, timeoutMs, this.outbound);
  }

  /** A validator client for `profile` whose requests are audited. */
  validator(profile: NetworkProfile, timeoutMs?: number): ValidatorClient {
    return new ValidatorClient(profile.validatorUrl, timeoutMs, this.outbound);
  }

  /** The selected profile, or null. */
  async get(): Promise<NetworkProfile | null> {
    const { rows } = await this.db.query<{ value: unknown }>('select value from app_settings where key = $1', [PROFILE_KEY]);
    if (!rows[0]) return null;
    const parsed = networkProfileSchema.safeParse(rows[0].value);
    return parsed.success ? parsed.data : null;
  }

  /** The selected profile, or `unavailable` when none is chosen. */
  async require(): Promise<NetworkProfile> {
    const profile = await this.get();
    if (!profile) throw new AppError('unavailable', 'Choose a network first (Settings → network profile, or --network FILE.json).');
    return profile;
  }

  /** Validates and selects a profile given as JSON text. */
  async setProfileJson(json: string): Promise<NetworkProfile> {
    let raw: unknown;
    try {
      raw = JSON.parse(json);
    } catch {
      throw new AppError('invalid_input', 'The network profile is not JSON.');
    }
    return this.setProfile(raw);
  }

  /**
   * Validates and selects a profile. Sends nothing: choosing a network is the user's decision
   * (the UI lists every server the profile names before calling this), and a profile is only
   * contacted by a later explicit action (a status check, a submission). Refused profiles leave
   * the stored one as it was.
   */
  async setProfile(raw: unknown): Promise<NetworkProfile> {
    const parsed = networkProfileSchema.safeParse(raw);
    if (!parsed.success) throw new AppError('invalid_input', `The network profile is not valid: ${describeZodError(parsed.error)}.`);
    await this.store(parsed.data);
    return parsed.data;
  }

  private async store(profile: NetworkProfile): Promise<void> {
    await this.db.query(
      `insert into app_settings (key, value, updated_at) values ($1, $2, now())
       on conflict (key) do update set value = excluded.value, updated_at = now()`,
      [PROFILE_KEY, JSON.stringify(profile)],
    );
  }

  private async readEasVersion(profile: NetworkProfile): Promise<string> {
    const provider = this.provider(profile, 3_000);
    try {
      return String(await new Contract(profile.contracts.eas, EAS_ABI, provider).getFunction('version')());
    } finally {
      provider.destroy();
    }
  }

  /**
   * Whether the chain and the validator of the selected profile answer now. A profile without
   * `easVersion` gets it read from the EAS contract here, the first explicit contact with the chain.
   */
  async status(): Promise<NetworkStatus> {
    const profile = await this.get();
    if (!profile) return { name: null, chainId: null, isChainReachable: false, isValidatorReachable: false, blockNumber: null };
    const provider = this.provider(profile, 3_000);
    const [block, health] = await Promise.allSettled([provider.getBlockNumber(), this.validator(profile, 3_000).health()]);
    provider.destroy();
    if (block.status === 'fulfilled' && !profile.easVersion) {
      const version = await this.readEasVersion(profile).catch(() => undefined);
      const current = await this.get();
      // Stored only onto the profile it was read for: the user may have chosen another meanwhile.
      if (version && current && JSON.stringify(current) === JSON.stringify(profile)) await this.store({ ...profile, easVersion: version });
    }
    return {
      name: profile.name,
      chainId: profile.chainId,
      isChainReachable: block.status === 'fulfilled',
      isValidatorReachable: health.status === 'fulfilled',
      blockNumber: block.status === 'fulfilled' ? block.value : null,
    };
  }
}
