import { AbstractSigner, getAddress, resolveProperties, sha256, Transaction } from 'ethers';
import type { JsonRpcProvider, Provider, TransactionLike, TransactionRequest } from 'ethers';
import type { WalletSettings } from '../../../shared/api/wallet';
import { DatanetRegistryClient } from '../../../shared/datanet-registry-client';
import { MAX_POLICY_BYTES, policyDocumentBytes, policyDocumentHash } from '../../../shared/datanet-registry';
import { AppError } from '../../../shared/errors';
import type { NetworkProfile } from '../../../shared/network-profile';
import type { Policy } from '../../../shared/policy';
import type { OutboundRecorder } from '../audit/audit-log';
import { sendOutbound } from '../audit/outbound';
import type { NetworkService } from '../network/network-service';
import { effectiveFeeCaps, formatEther, formatGwei } from '../submissions/fee-caps';
import type { ConsentRequest, SigningConsent } from '../wallet/signing-consent';
import type { ContributorSigner, WalletService } from '../wallet/wallet-service';

/** The registry address of `profile`, or `unavailable` for a network that has none. */
export function registryAddressOf(profile: NetworkProfile): string {
  const address = profile.contracts.datanetRegistry;
  if (!address) {
    throw new AppError('unavailable', `The network "${profile.name}" has no Datanet registry: shared Datanets cannot be used on it.`);
  }
  return getAddress(address);
}

/** What one registry transaction does, as the consent prompt shows it (the fee is added at signing). */
export type RegistryIntent = Omit<Extract<ConsentRequest, { kind: 'registry' }>, 'kind' | 'maxFeeWei' | 'networkName'>;

/** The part of SigningConsent a registry signer needs: the injected prompt, or none (the host's window, the CLI's command). */
export type RegistryConsent = Pick<SigningConsent, 'confirm'>;

/**
 * An ethers signer over the wallet's {@link ContributorSigner}, so the registry client can send
 * transactions while the key stays inside WalletService. Before each signature it checks, against
 * the fees the RPC reported: the user's (and the policy's) per-gas cap and total cap
 * (`fee_cap_exceeded`), that the balance covers gasLimit × maxFeePerGas (`insufficient_funds`),
 * and then asks the trusted side's consent for exactly this action with that maximum fee
 * (`consent_required` when declined). A transaction failing any of them is never signed, so never
 * broadcast. One intent covers one signature: a second transaction needs its own consent.
 */
export class WalletTxSigner extends AbstractSigner<Provider> {
  private intent: RegistryIntent | null = null;

  constructor(
    private readonly inner: ContributorSigner,
    provider: Provider,
    private readonly caps: ReturnType<typeof effectiveFeeCaps>,
    private readonly consent: RegistryConsent,
    private readonly networkName: string,
  ) {
    super(provider);
  }

  /** Names the next transaction for the consent prompt; signing without one is refused. */
  intend(intent: RegistryIntent): void {
    this.intent = intent;
  }

  override async getAddress(): Promise<string> {
    return this.inner.address;
  }

  override connect(provider: Provider | null): WalletTxSigner {
    if (!provider) throw new AppError('internal', 'A registry signer needs a provider.');
    return new WalletTxSigner(this.inner, provider, this.caps, this.consent, this.networkName);
  }

  override async signTransaction(tx: TransactionRequest): Promise<string> {
    const intent = this.intent;
    // Taken before any await: a transaction nobody described cannot ride on an earlier consent.
    this.intent = null;
    if (!intent) throw new AppError('internal', 'A registry transaction was about to be signed without a described intent.');
    // ethers hands sendTransaction's signature a Transaction, whose fields are getters that
    // resolveProperties cannot see: read them directly, or every cap would compare against 0.
    const resolved = tx instanceof Transaction ? tx : ((await resolveProperties(tx)) as TransactionLike<string>);
    const gasLimit = BigInt(resolved.gasLimit ?? 0n);
    const maxFeePerGas = BigInt(resolved.maxFeePerGas ?? resolved.gasPrice ?? 0n);
    if (this.caps.maxFeePerGasWei !== null && maxFeePerGas > this.caps.maxFeePerGasWei) {
      throw new AppError(
        'fee_cap_exceeded',
        `The network asks ${formatGwei(maxFeePerGas)} per gas, above the cap of ${formatGwei(this.caps.maxFeePerGasWei)}: nothing was sent (raise the cap in the wallet settings, or wait until fees drop).`,
        { maxFeePerGasWei: maxFeePerGas.toString(), capWei: this.caps.maxFeePerGasWei.toString() },
      );
    }
    const maxFeeWei = gasLimit * maxFeePerGas;
    if (this.caps.maxTotalWeiPerSubmission !== null && maxFeeWei > this.caps.maxTotalWeiPerSubmission) {
      throw new AppError(
        'fee_cap_exceeded',
        `This transaction could cost up to ${formatEther(maxFeeWei)}, above the cap of ${formatEther(this.caps.maxTotalWeiPerSubmission)}: nothing was sent (raise the cap in the wallet settings, or wait until fees drop).`,
        { maxTotalWei: maxFeeWei.toString(), capWei: this.caps.maxTotalWeiPerSubmission.toString() },
      );
    }
    await assertFunded(this.provider as Provider, this.inner.address, maxFeeWei + BigInt(resolved.value ?? 0n));
    const isConfirmed = await this.consent.confirm({
      kind: 'registry',
      ...intent,
      networkName: this.networkName,
      maxFeeWei: maxFeeWei.toString(),
    });
    if (!isConfirmed) {
      throw new AppError('consent_required', 'Signing was declined: nothing was sent.', { action: intent.action });
    }
    return this.inner.signTransaction(tx);
  }

  override async signMessage(): Promise<string> {
    throw new AppError('invalid_input', 'The registry signer signs transactions only.');
  }

  override async signTypedData(): Promise<string> {
    // Nothing in the registry is signed as typed data; refusing keeps this signer to consented transactions.
    throw new AppError('invalid_input', 'The registry signer signs transactions only.');
  }
}

/** `insufficient_funds` unless `address` holds at least `neededWei`. */
export async function assertFunded(provider: Provider, address: string, neededWei: bigint): Promise<void> {
  let balance: bigint;
  try {
    balance = await provider.getBalance(address);
  } catch (error) {
    throw new AppError('unavailable', 'The chain cannot be reached; try again later.', { isNetworkError: true }, { cause: error });
  }
  if (balance < neededWei) {
    throw new AppError(
      'insufficient_funds',
      `The wallet ${address} holds ${formatEther(balance)}; this transaction may cost up to ${formatEther(neededWei)}. Fund the wallet and try again.`,
      { address, balanceWei: balance.toString(), neededWei: neededWei.toString() },
    );
  }
}

/** The registry's `insufficient_funds` refusal (raised by the RPC) as the app's own code. */
export function withFundsCode(error: unknown): unknown {
  if (error instanceof AppError && error.code === 'invalid_input' && error.details?.reason === 'insufficient_funds') {
    return new AppError('insufficient_funds', 'The wallet has not enough ether to pay for this transaction. Fund it and try again.', {
      reason: 'insufficient_funds',
    });
  }
  return error;
}

/** A registry client with a provider for reads; `destroy` frees the provider. */
export type RegistryReader = { client: DatanetRegistryClient; provider: JsonRpcProvider; destroy(): void };
/** A registry client that signs with the wallet; `account` is the wallet's address; `intend` names the next transaction. */
export type RegistryWriter = RegistryReader & { account: string; intend(intent: RegistryIntent): void };

export function registryReader(network: NetworkService, profile: NetworkProfile): RegistryReader {
  const provider = network.provider(profile);
  return { client: new DatanetRegistryClient(registryAddressOf(profile), provider), provider, destroy: () => provider.destroy() };
}

/** What a registry writer is built from. */
export type RegistryWriterDeps = {
  network: NetworkService;
  wallet: WalletService;
  walletSettings: () => Promise<WalletSettings>;
  consent: RegistryConsent;
};

export async function registryWriter(deps: RegistryWriterDeps, profile: NetworkProfile, policy?: Policy): Promise<RegistryWriter> {
  const address = registryAddressOf(profile);
  const signer = await deps.wallet.signer();
  const provider = deps.network.provider(profile);
  const txSigner = new WalletTxSigner(signer, provider, effectiveFeeCaps(policy, await deps.walletSettings()), deps.consent, profile.name);
  return {
    client: new DatanetRegistryClient(address, txSigner),
    provider,
    account: signer.address,
    intend: (intent) => txSigner.intend(intent),
    destroy: () => provider.destroy(),
  };
}

/**
 * Stores `policy`'s canonical document with the validator (PUT /policies), audited, and checks
 * the validator names it by the hash the chain will hold: a registry entry whose document nobody
 * can fetch would leave every other member without the policy.
 */
export async function putPolicyDocument(profile: NetworkProfile, policy: Policy, outbound: OutboundRecorder | undefined): Promise<string> {
  const bytes = policyDocumentBytes(policy);
  const hash = policyDocumentHash(policy);
  if (bytes.length > MAX_POLICY_BYTES) {
    throw new AppError('invalid_policy', `A policy document may have at most ${MAX_POLICY_BYTES} bytes; this one has ${bytes.length}.`, {
      reason: 'too_large',
    });
  }
  const response = await sendOutbound(
    outbound,
    {
      channel: 'validator',
      url: `${profile.validatorUrl.replace(/\/$/, '')}/policies`,
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: bytes,
      what: 'PUT policy document',
    },
    { timeoutMs: 15_000, maxResponseBytes: 64 * 1024 },
  );
  if (response.status < 200 || response.status >= 300) {
    const isRefused = response.status >= 400 && response.status < 500;
    throw new AppError(
      isRefused ? 'invalid_policy' : 'unavailable',
      isRefused
        ? `The validator refused the policy document (HTTP ${response.status}).`
        : `The validator answered ${response.status} when storing the policy document; try again later.`,
      { status: response.status, isNetworkError: !isRefused },
    );
  }
  let named: unknown;
  try {
    named = (JSON.parse(new TextDecoder().decode(response.body)) as { sha256?: unknown }).sha256;
  } catch {
    named = undefined;
  }
  if (named !== hash || sha256(bytes) !== hash) {
    throw new AppError('unavailable', 'The validator stored the policy document under another hash; nothing was published.', {
      expected: hash,
      named: String(named),
    });
  }
  return hash;
}
