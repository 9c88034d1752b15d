import { ZeroAddress, ZeroHash } from 'ethers';
import type { SignedOffchainAttestation } from '@ethereum-attestation-service/eas-sdk';
import { encodeContributionData } from '../../../shared/attestation-schemas';
import type { ContributionData } from '../../../shared/attestation-schemas';
import { AppError } from '../../../shared/errors';
import type { NetworkProfile } from '../../../shared/network-profile';
import { offchainAttestationPackageSchema, offchainVersionOf } from '../../../shared/validator-api';
import type { ContributorSigner } from '../wallet/wallet-service';
import { easSdk } from './eas-sdk';

/** The EAS shareable package `{sig, signer}` after JSON (bigints as decimal strings). */
export type OffchainPackageJson = { sig: Record<string, unknown>; signer: string };

/** Round-trips through JSON with bigints as decimal strings, as the SDK's own packages are shared. */
export function toJsonSafe<T>(value: T): unknown {
  return JSON.parse(JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)));
}

/** The EAS version string a profile's off-chain domain needs. */
export function easVersionOf(profile: NetworkProfile): string {
  if (!profile.easVersion) {
    throw new AppError('invalid_input', `The network profile "${profile.name}" does not name its EAS version (easVersion).`);
  }
  return profile.easVersion;
}

/**
 * Signs the contribution attestation off-chain with the official SDK: EAS off-chain format
 * version 2 (a random 32-byte salt makes the UID unguessable from the data), no recipient, no
 * expiry, revocable like the schema. Works without any network: only the profile's chain id,
 * EAS address and version go into the EIP-712 domain.
 */
export async function signContributionOffchain(
  profile: NetworkProfile,
  signer: ContributorSigner,
  data: ContributionData,
  timeSeconds: bigint,
): Promise<{ pkg: OffchainPackageJson; uid: string }> {
  const offchain = new easSdk.Offchain(
    { address: profile.contracts.eas, version: easVersionOf(profile), chainId: BigInt(profile.chainId) },
    easSdk.OffchainAttestationVersion.Version2,
    new easSdk.EAS(profile.contracts.eas),
  );
  const signed = await offchain.signOffchainAttestation(
    {
      schema: profile.schemas.contribution,
      recipient: ZeroAddress,
      time: timeSeconds,
      expirationTime: 0n,
      revocable: true,
      refUID: ZeroHash,
      data: encodeContributionData(data),
    },
    signer,
  );
  const pkg = toJsonSafe({ sig: signed, signer: signer.address }) as OffchainPackageJson;
  return { pkg, uid: signed.uid.toLowerCase() };
}

export type OffchainVerification = { valid: boolean; signer: string | null; uid: string | null };

/**
 * Verifies an EAS off-chain attestation package `{sig, signer}` with the official SDK, against
 * the domain the package names: the SDK recomputes the UID (schema packed as the UTF-8 of its hex
 * string, the quirk in ../shared/eval/eas) and recovers the signer. Versions 0 to 2 are checked
 * by their own rules; whether the attestation is one this network accepts is the validator's call.
 */
export function verifyOffchainPackage(input: unknown): OffchainVerification {
  const raw = input as { signer?: unknown; sig?: { uid?: unknown } } | null;
  const claimed = {
    signer: typeof raw?.signer === 'string' ? raw.signer : null,
    uid: typeof raw?.sig?.uid === 'string' ? raw.sig.uid : null,
  };
  const parsed = offchainAttestationPackageSchema.safeParse(input);
  if (!parsed.success) return { valid: false, ...claimed };
  const pkg = parsed.data;
  const { sig } = pkg;
  const version = offchainVersionOf(pkg);
  try {
    const offchain = new easSdk.Offchain(
      { address: sig.domain.verifyingContract, version: sig.domain.version, chainId: sig.domain.chainId },
      version,
      new easSdk.EAS(sig.domain.verifyingContract),
    );
    const attestation: SignedOffchainAttestation = {
      version,
      uid: sig.uid,
      domain: { ...sig.domain },
      primaryType: sig.primaryType,
      types: sig.types as SignedOffchainAttestation['types'],
      message: { ...sig.message, version } as SignedOffchainAttestation['message'],
      signature: sig.signature,
    };
    return { valid: offchain.verifyOffchainAttestationSignature(pkg.signer, attestation), signer: pkg.signer, uid: sig.uid };
  } catch {
    // Unsupported version, another domain name, other types, malformed signature bytes.
    return { valid: false, signer: pkg.signer, uid: sig.uid };
  }
}
