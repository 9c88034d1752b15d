import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { offchainAttestationPackageSchema } from '../../shared/validator-api';
import { createOffchainVerifier } from '../../devnet/validator/offchain';

// Reference vectors from the EAS SDK's own tests (see ../shared/eval/eas/eas-vectors.md).
const vectors = JSON.parse(readFileSync(new URL('../../../shared/eval/eas/offchain-vectors.json', import.meta.url), 'utf8')) as {
  vectors: Array<{ name: string; attestation: unknown }>;
};
const v2 = vectors.vectors.find((v) => v.name.startsWith('offchain-v2'));
const v1 = vectors.vectors.find((v) => v.name.startsWith('offchain-v1'));

describe('the validator off-chain attestation check', () => {
  const verify = createOffchainVerifier({ eas: '0x6f2E42BB4176e9A7352a8bF8886255Be9F3D2d13', easVersion: '1.3.0', chainId: 31337 });

  it('reads the SDK shareable package JSON and accepts the published v2 vector (UID quirk included)', () => {
    const pkg = offchainAttestationPackageSchema.parse(v2?.attestation);
    expect(verify(pkg, pkg.signer)).toBe(true);
    expect(pkg.sig.uid).toBe('0x854d8e26b2bbdc3577fc78c6d2f512258fcc9b91a60858985a216c0ef526ee82');
  });

  it('refuses the vector for another attester, with another salt, or on another deployment', () => {
    const pkg = offchainAttestationPackageSchema.parse(v2?.attestation);
    expect(verify(pkg, '0x8f80b8f45cA0F036da46fFA4D9e5e42D086fB302')).toBe(false);
    const salted = { ...pkg, sig: { ...pkg.sig, message: { ...pkg.sig.message, salt: `0x${'00'.repeat(31)}01` } } };
    expect(verify(salted, pkg.signer)).toBe(false);
    const elsewhere = createOffchainVerifier({ eas: '0x0000000000000000000000000000000000000001', easVersion: '1.3.0', chainId: 31337 });
    expect(elsewhere(pkg, pkg.signer)).toBe(false);
  });

  it('refuses version 1 (unsalted) attestations, which the app does not make', () => {
    const pkg = offchainAttestationPackageSchema.parse(v1?.attestation);
    expect(verify(pkg, pkg.signer)).toBe(false);
  });
});
