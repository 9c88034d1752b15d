import { Contract, JsonRpcProvider, sha256, ZeroAddress, ZeroHash } from 'ethers';
import type { HDNodeWallet, InterfaceAbi, Wallet } from 'ethers';
import { datanetKey, encodeContributionData } from '../../shared/attestation-schemas';
import type { FileType } from '../../shared/file-types';
import { buildManifest, manifestHash, manifestTypedData } from '../../shared/manifest';
import type { Manifest, ManifestFile } from '../../shared/manifest';
import type { NetworkProfile } from '../../shared/network-profile';
import type { DatanetRegistrationInput } from '../../shared/validator-api';
import { startDevnet } from '../../devnet/devnet';
import type { Devnet, DevnetOptions } from '../../devnet/devnet';
import { easArtifacts } from '../../devnet/eas-artifacts';
import { easSdk } from '../../electron/services/chain/eas-sdk';
import { makeTempDir } from '../helpers/temp-dir';

/** What the app would do to submit (issue 8 builds the real thing): the pieces tests assemble. */

export type TestWallet = Wallet | HDNodeWallet;

export async function startTestDevnet(options: Partial<DevnetOptions> = {}): Promise<{ devnet: Devnet; dir: string; remove: () => void }> {
  const { dir, remove } = makeTempDir('datanet-devnet-');
  const devnet = await startDevnet({ dataDir: dir, port: 0, ...options });
  return { devnet, dir, remove };
}

export function provider(profile: NetworkProfile): JsonRpcProvider {
  return new JsonRpcProvider(profile.rpcUrl, profile.chainId, { staticNetwork: true, cacheTimeout: -1 });
}

export type Http = { status: number; body: unknown };

export async function getJson(url: string): Promise<Http> {
  const response = await fetch(url);
  return { status: response.status, body: (await response.json()) as unknown };
}

export async function postJson(url: string, body: unknown): Promise<Http> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)),
  });
  return { status: response.status, body: (await response.json()) as unknown };
}

export type TestFile = {
  content: string | Uint8Array;
  type?: FileType;
  isAnonymised?: boolean;
  dpParameters?: ManifestFile['dpParameters'];
};

export type SubmissionOptions = {
  datanetId: string;
  /** A shared Datanet's on-chain id and the policy version the manifest names (a version 2 manifest). */
  shared?: { onchainId: string; policyVersion: number; policyHash: string };
  wallet: TestWallet;
  files: TestFile[];
  /** Signs the manifest (default: the contributor's wallet). */
  manifestSigner?: TestWallet;
  /** Edits the manifest before it is signed and attested. */
  editManifest?: (manifest: Manifest) => Manifest;
  /** Edits the files after signing, as a man in the middle would. */
  editFiles?: (files: Array<{ sha256: string; contentBase64: string }>) => Array<{ sha256: string; contentBase64: string }>;
  onchainUid?: string;
  datanet?: Omit<DatanetRegistrationInput, 'id'>;
  createdAt?: string;
};

export type BuiltSubmission = { request: Record<string, unknown>; manifest: Manifest; manifestHash: string; offchainUid: string };

const bytesOf = (content: string | Uint8Array): Uint8Array => (typeof content === 'string' ? new TextEncoder().encode(content) : content);

/** A manifest over `files`, signed (EIP-712) and attested off-chain (EAS v2) by the wallet. */
export async function buildSubmission(profile: NetworkProfile, options: SubmissionOptions): Promise<BuiltSubmission> {
  const files = options.files.map((f) => {
    const bytes = bytesOf(f.content);
    return {
      bytes,
      entry: {
        sha256: sha256(bytes),
        bytes: bytes.length,
        type: f.type ?? 'txt',
        anonymisationReportHash: f.isAnonymised === false ? null : sha256(new TextEncoder().encode(`report:${sha256(bytes)}`)),
        dpParameters: f.dpParameters ?? null,
        embeddingModelId: 'Xenova/all-MiniLM-L6-v2',
      } satisfies ManifestFile,
    };
  });
  let manifest = buildManifest({
    datanetId: options.datanetId,
    ...(options.shared ? { shared: options.shared } : {}),
    contributor: options.wallet.address,
    files: files.map((f) => f.entry),
    createdAt: options.createdAt ?? new Date().toISOString(),
  });
  if (options.editManifest) manifest = options.editManifest(manifest);
  const hash = manifestHash(manifest);
  const signer = options.manifestSigner ?? options.wallet;
  const typed = manifestTypedData(manifest, profile.chainId);
  const signature = await signer.signTypedData(typed.domain, typed.types, typed.message);
  const attestation = await signContribution(profile, options.wallet, manifest, hash);
  const sent = files.map((f) => ({ sha256: f.entry.sha256, contentBase64: Buffer.from(f.bytes).toString('base64') }));
  const request: Record<string, unknown> = {
    manifest,
    signature,
    offchainAttestation: { sig: attestation, signer: options.wallet.address },
    files: options.editFiles ? options.editFiles(sent) : sent,
  };
  if (options.onchainUid) request.onchainUid = options.onchainUid;
  if (options.datanet) request.datanet = options.datanet;
  return {
    request: JSON.parse(JSON.stringify(request, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))) as Record<string, unknown>,
    manifest,
    manifestHash: hash,
    offchainUid: attestation.uid,
  };
}

export function contributionData(manifest: Manifest, hash: string): string {
  return encodeContributionData({
    datanetId: datanetKey(manifest.datanetId),
    merkleRoot: manifest.merkleRoot,
    manifestHash: hash,
    fileCount: manifest.files.length,
    totalBytes: manifest.files.reduce((s, f) => s + f.bytes, 0),
  });
}

/** The EAS off-chain attestation (version 2, salted) of the contribution, made with the official SDK. */
export async function signContribution(profile: NetworkProfile, wallet: TestWallet, manifest: Manifest, hash: string) {
  const offchain = new easSdk.Offchain(
    { address: profile.contracts.eas, version: profile.easVersion ?? '1.4.0', chainId: BigInt(profile.chainId) },
    easSdk.OffchainAttestationVersion.Version2,
    new easSdk.EAS(profile.contracts.eas),
  );
  return offchain.signOffchainAttestation(
    {
      schema: profile.schemas.contribution,
      recipient: ZeroAddress,
      time: BigInt(Math.floor(Date.now() / 1000)),
      expirationTime: 0n,
      revocable: true,
      refUID: ZeroHash,
      data: contributionData(manifest, hash),
    },
    wallet,
  );
}

/** The contributor's on-chain contribution attestation (the wallet needs ether: use the faucet). */
export async function attestOnchain(
  profile: NetworkProfile,
  wallet: TestWallet,
  manifest: Manifest,
  hash: string,
): Promise<{ uid: string; gasUsed: bigint }> {
  const rpc = provider(profile);
  try {
    const eas = new Contract(profile.contracts.eas, easArtifacts().eas.abi as InterfaceAbi, wallet.connect(rpc));
    const tx = await eas.getFunction('attest')({
      schema: profile.schemas.contribution,
      data: {
        recipient: ZeroAddress,
        expirationTime: 0n,
        revocable: true,
        refUID: ZeroHash,
        data: contributionData(manifest, hash),
        value: 0n,
      },
    });
    const receipt = await tx.wait();
    for (const log of receipt.logs) {
      const parsed = eas.interface.parseLog(log);
      if (parsed?.name === 'Attested')
        return { uid: String(parsed.args.getValue('uid')).toLowerCase(), gasUsed: receipt.gasUsed as bigint };
    }
    throw new Error('no Attested event');
  } finally {
    rpc.destroy();
  }
}

/** One JSON line per measured figure, in the shape `npm run bench` uses. */
export function report(metric: string, value: number | string, unit: string, extra: Record<string, unknown> = {}): void {
  console.log(JSON.stringify({ bench: 'devnet', metric, value: Number(value), unit, ...extra }));
}
