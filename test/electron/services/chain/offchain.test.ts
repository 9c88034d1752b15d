import { readFileSync } from 'node:fs';
import { hexlify, Interface, solidityPackedKeccak256, toUtf8Bytes, Wallet, ZeroAddress } from 'ethers';
import { describe, expect, it } from 'vitest';
import { datanetKey } from '../../../../shared/attestation-schemas';
import { EAS_ABI } from '../../../../shared/eas-abi';
import { networkProfileSchema } from '../../../../shared/network-profile';
import { offchainAttestationPackageSchema } from '../../../../shared/validator-api';
import { signContributionOffchain, verifyOffchainPackage } from '../../../../electron/services/chain/offchain';
import { KeystoreVault } from '../../../../electron/services/wallet/keystore-vault';
import { WalletService } from '../../../../electron/services/wallet/wallet-service';
import { easArtifacts } from '../../../../devnet/eas-artifacts';
import { easSdk } from '../../../../electron/services/chain/eas-sdk';
import { createOffchainVerifier } from '../../../../devnet/validator/offchain';
import { makeTempDir } from '../../../helpers/temp-dir';
import { OFFLINE_PROFILE } from '../submissions/helpers';

// Reference vectors from the EAS SDK's own tests (../shared/eval/eas/eas-vectors.md).
const vectors = JSON.parse(readFileSync(new URL('../../../../../shared/eval/eas/offchain-vectors.json', import.meta.url), 'utf8')) as {
  vectors: Array<{ name: string; attestation: { sig: { uid: string; message: Record<string, unknown> }; signer: string } }>;
};
const v2 = vectors.vectors.find((v) => v.name.startsWith('offchain-v2'))?.attestation;
const v1 = vectors.vectors.find((v) => v.name.startsWith('offchain-v1'))?.attestation;

describe('verifying EAS off-chain attestations', () => {
  it('accepts the SDK vectors (v2 salted and v1), UID quirk included', () => {
    expect(verifyOffchainPackage(v2)).toEqual({
      valid: true,
      signer: '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266',
      uid: '0x854d8e26b2bbdc3577fc78c6d2f512258fcc9b91a60858985a216c0ef526ee82',
    });
    expect(verifyOffchainPackage(v1)).toEqual({
      valid: true,
      signer: '0x8f80b8f45cA0F036da46fFA4D9e5e42D086fB302',
      uid: '0x35bcdfc396e713ace4513fb166b2ac2e5613f12e4aed5d5cdb637051750f6e0b',
    });
  });

  it('refuses a changed salt, another signer, another UID and things that are not packages', () => {
    if (!v2) throw new Error('no v2 vector');
    const salted = { ...v2, sig: { ...v2.sig, message: { ...v2.sig.message, salt: `0x${'00'.repeat(31)}01` } } };
    expect(verifyOffchainPackage(salted).valid).toBe(false);
    expect(verifyOffchainPackage({ ...v2, signer: '0x8f80b8f45cA0F036da46fFA4D9e5e42D086fB302' }).valid).toBe(false);
    expect(verifyOffchainPackage({ ...v2, sig: { ...v2.sig, uid: `0x${'12'.repeat(32)}` } }).valid).toBe(false);
    expect(verifyOffchainPackage({ nope: true })).toEqual({ valid: false, signer: null, uid: null });
    expect(verifyOffchainPackage(null)).toEqual({ valid: false, signer: null, uid: null });
  });
});

describe("the app's own off-chain attestations", () => {
  it('are version 2, salted, made offline, and verify with the EAS SDK and the validator', async () => {
    const tmp = makeTempDir();
    try {
      const wallet = new WalletService({
        vault: new KeystoreVault(tmp.dir, { scryptN: 1024 }),
        environmentPassphrase: () => 'passphrase!',
      });
      const { address } = await wallet.create({});
      const profile = networkProfileSchema.parse(OFFLINE_PROFILE);
      const data = {
        datanetId: datanetKey('d-1'),
        merkleRoot: `0x${'ab'.repeat(32)}`,
        manifestHash: `0x${'cd'.repeat(32)}`,
        fileCount: 3,
        totalBytes: 1234,
      };
      // The profile's RPC and validator URLs point at a closed port: nothing here needs a network.
      const { pkg, uid } = await signContributionOffchain(profile, await wallet.signer(), data, 1_773_000_000n);
      const again = await signContributionOffchain(profile, await wallet.signer(), data, 1_773_000_000n);
      expect(again.uid).not.toBe(uid);

      const parsed = offchainAttestationPackageSchema.parse(pkg);
      expect(parsed.sig.version).toBe(2);
      expect(parsed.signer).toBe(address);

      // The official SDK, configured for the profile's EAS deployment, verifies it.
      const offchain = new easSdk.Offchain(
        { address: profile.contracts.eas, version: '1.4.0', chainId: 31337n },
        easSdk.OffchainAttestationVersion.Version2,
        new easSdk.EAS(profile.contracts.eas),
      );
      const sig = parsed.sig;
      expect(
        offchain.verifyOffchainAttestationSignature(address, {
          ...sig,
          version: 2,
          types: sig.types as never,
          message: { ...sig.message, version: 2 } as never,
        }),
      ).toBe(true);
      expect(createOffchainVerifier({ eas: profile.contracts.eas, easVersion: '1.4.0', chainId: 31337 })(parsed, address)).toBe(true);
      expect(verifyOffchainPackage(pkg)).toEqual({ valid: true, signer: address, uid });

      // The UID follows the documented v2 formula, with the schema packed as the UTF-8 of its hex string.
      const m = sig.message;
      const expected = solidityPackedKeccak256(
        ['uint16', 'bytes', 'address', 'address', 'uint64', 'uint64', 'bool', 'bytes32', 'bytes', 'bytes32', 'uint32'],
        [2, hexlify(toUtf8Bytes(m.schema)), m.recipient, ZeroAddress, m.time, m.expirationTime, m.revocable, m.refUID, m.data, m.salt, 0],
      );
      expect(uid).toBe(expected);
      expect(m.recipient).toBe(ZeroAddress);
      expect(m.schema).toBe(profile.schemas.contribution);

      // Another key cannot pass it off as its own.
      expect(verifyOffchainPackage({ ...pkg, signer: Wallet.createRandom().address }).valid).toBe(false);
    } finally {
      tmp.remove();
    }
  });
});

describe('the EAS ABI fragments the app uses', () => {
  it('match the EAS contract ABI in eas-contracts', () => {
    const full = new Interface(easArtifacts().eas.abi as never);
    const ours = new Interface(EAS_ABI);
    for (const name of ['attest', 'multiAttest', 'getAttestation', 'version']) {
      expect(ours.getFunction(name)?.format('full')).toBe(full.getFunction(name)?.format('full'));
    }
    expect(ours.getEvent('Attested')?.format('full')).toBe(full.getEvent('Attested')?.format('full'));
  });
});
