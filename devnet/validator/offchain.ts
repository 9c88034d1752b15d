import type { SignedOffchainAttestation } from '@ethereum-attestation-service/eas-sdk';
import type { z } from 'zod';
import { offchainVersionOf } from '../../shared/validator-api';
import type { offchainAttestationPackageSchema } from '../../shared/validator-api';
import { easSdk } from '../../electron/services/chain/eas-sdk';

export type OffchainPackage = z.infer<typeof offchainAttestationPackageSchema>;
export type OffchainDomain = { eas: string; easVersion: string; chainId: number };

/**
 * Verifies EAS off-chain attestations (version 2, salted) made for one EAS deployment, with the
 * official SDK: it recomputes the UID (schema packed as the UTF-8 of its hex string, the quirk
 * documented in ../shared/eval/eas) and checks domain, types and signature. Any other version is
 * refused: the app makes version 2 only.
 */
export function createOffchainVerifier(domain: OffchainDomain): (pkg: OffchainPackage, attester: string) => boolean {
  const offchain = new easSdk.Offchain(
    { address: domain.eas, version: domain.easVersion, chainId: BigInt(domain.chainId) },
    easSdk.OffchainAttestationVersion.Version2,
    new easSdk.EAS(domain.eas),
  );
  return (pkg, attester) => {
    const { sig } = pkg;
    const version = offchainVersionOf(pkg);
    if (version !== easSdk.OffchainAttestationVersion.Version2) return false;
    const attestation: SignedOffchainAttestation = {
      version,
      uid: sig.uid,
      domain: { ...sig.domain },
      primaryType: sig.primaryType,
      // The SDK compares these with its own type list before it verifies anything.
      types: sig.types as SignedOffchainAttestation['types'],
      message: { ...sig.message, version },
      signature: sig.signature,
    };
    try {
      return offchain.verifyOffchainAttestationSignature(attester, attestation);
    } catch {
      // InvalidDomain, InvalidTypes, malformed signature bytes: not a valid attestation.
      return false;
    }
  };
}
