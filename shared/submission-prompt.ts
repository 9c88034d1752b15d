import type { FeeEstimate, SigningPrompt } from './api/submissions';
import { canonicalJson } from './canonical-json';
import { datanetKey } from './attestation-schemas';
import type { Manifest } from './manifest';
import { manifestDomain } from './manifest';
import type { NetworkProfile } from './network-profile';

const bytesText = (n: number): string =>
  n >= 1_000_000 ? `${(n / 1_000_000).toFixed(2)} MB` : n >= 1000 ? `${(n / 1000).toFixed(1)} kB` : `${n} bytes`;

/**
 * What the contributor is asked to sign, in words and in the exact fields: shown by the UI before
 * any signature, so that a manifest is never signed unseen. The fields are those of the EIP-712
 * manifest ({@link manifestDomain}, MANIFEST_EIP712_TYPES), of the contribution attestation and of
 * the on-chain transaction that will carry it.
 */
export function signingPrompt(
  manifest: Manifest,
  manifestHash: string,
  profile: NetworkProfile,
  datanetName: string,
  fees: FeeEstimate = UNKNOWN_FEES,
): SigningPrompt {
  const domain = manifestDomain(profile.chainId, manifest.version);
  const n = manifest.files.length;
  return {
    summary: [
      `You are about to sign a submission of ${n} file${n === 1 ? '' : 's'} (${bytesText(manifest.totals.bytes)}) to the Datanet "${datanetName}" on ${profile.name} (chain ${profile.chainId}).`,
      'Signature 1, the manifest (EIP-712): it states that you, at this address, contribute exactly these files, identified by their SHA-256, with their anonymisation report and DP parameters.',
      'Signature 2, an EAS off-chain attestation of the contribution: the Merkle root of the files and the manifest hash. It is made now, even offline.',
      'When the network is reachable, one on-chain EAS attestation of the same contribution is sent from your address (it costs gas; queued submissions share one transaction). The anonymised files then go to the Datanet validator. Raw originals never leave this machine.',
    ],
    network: { name: profile.name, chainId: profile.chainId },
    signer: manifest.contributor,
    manifest: {
      domain: [
        { label: 'name', value: String(domain.name) },
        { label: 'version', value: String(domain.version) },
        { label: 'chainId', value: String(domain.chainId) },
      ],
      fields: [
        { label: 'version', value: String(manifest.version) },
        { label: 'datanetId', value: manifest.datanetId },
        ...(manifest.version === 2
          ? [
              { label: 'policyVersion', value: String(manifest.policy.version) },
              { label: 'policyHash', value: manifest.policy.hash },
            ]
          : []),
        { label: 'contributor', value: manifest.contributor },
        { label: 'merkleRoot', value: manifest.merkleRoot },
        { label: 'totalFiles', value: String(manifest.totals.files) },
        { label: 'totalBytes', value: String(manifest.totals.bytes) },
        { label: 'createdAt', value: manifest.createdAt },
      ],
      files: manifest.files.map((f) => [
        { label: 'sha256', value: f.sha256 },
        { label: 'bytes', value: String(f.bytes) },
        { label: 'fileType', value: f.type },
        { label: 'anonymisationReportHash', value: f.anonymisationReportHash ?? 'none' },
        { label: 'dpParameters', value: f.dpParameters === null ? 'none' : canonicalJson(f.dpParameters) },
        { label: 'embeddingModelId', value: f.embeddingModelId ?? 'none' },
      ]),
    },
    attestation: {
      fields: [
        { label: 'EAS contract', value: profile.contracts.eas },
        { label: 'schema (contribution)', value: profile.schemas.contribution },
        { label: 'datanetId (keccak256 of the id)', value: datanetKey(manifest.datanetId) },
        { label: 'merkleRoot', value: manifest.merkleRoot },
        { label: 'manifestHash', value: manifestHash },
        { label: 'fileCount', value: String(manifest.totals.files) },
        { label: 'totalBytes', value: String(manifest.totals.bytes) },
        { label: 'recipient', value: 'none (zero address)' },
        { label: 'expirationTime', value: 'never' },
        { label: 'revocable', value: 'yes' },
        { label: 'format', value: 'EAS off-chain attestation version 2 (salted)' },
      ],
    },
    transaction: {
      fields: [
        { label: 'to', value: `${profile.contracts.eas} (EAS)` },
        { label: 'call', value: 'multiAttest: the contribution attestation above, batched with other queued submissions' },
        { label: 'value', value: '0' },
        { label: 'from', value: manifest.contributor },
      ],
    },
    fees: { fields: feeFields(fees) },
  };
}

export const UNKNOWN_FEES: FeeEstimate = {
  maxFeePerGasWei: null,
  gasLimit: null,
  maxTotalWei: null,
  capMaxFeePerGasWei: null,
  capMaxTotalWeiPerSubmission: null,
  isWithinCaps: null,
};

/** Wei as gwei or ether text, exact (bigint arithmetic: no float rounding of a fee). */
function weiText(wei: string, unit: 'gwei' | 'ETH'): string {
  const decimals = unit === 'gwei' ? 9 : 18;
  const value = BigInt(wei);
  const scale = 10n ** BigInt(decimals);
  const fraction = (value % scale).toString().padStart(decimals, '0').replace(/0+$/, '');
  return `${value / scale}${fraction ? `.${fraction}` : ''} ${unit}`;
}

function feeFields(fees: FeeEstimate): { label: string; value: string }[] {
  const or = (wei: string | null, unit: 'gwei' | 'ETH', none: string): string => (wei === null ? none : weiText(wei, unit));
  return [
    { label: 'max fee per gas (network now)', value: or(fees.maxFeePerGasWei, 'gwei', 'unknown (network not reachable)') },
    { label: 'gas limit (estimate)', value: fees.gasLimit ?? 'unknown' },
    { label: 'most it can cost now', value: or(fees.maxTotalWei, 'ETH', 'unknown') },
    { label: 'cap: max fee per gas', value: or(fees.capMaxFeePerGasWei, 'gwei', 'none') },
    { label: 'cap: max cost per submission', value: or(fees.capMaxTotalWeiPerSubmission, 'ETH', 'none') },
    {
      label: 'within the caps',
      value:
        fees.isWithinCaps === null
          ? 'checked when sending'
          : fees.isWithinCaps
            ? 'yes'
            : 'no: the attestation waits (fee_cap_exceeded) until fees drop or the cap is raised',
    },
  ];
}
