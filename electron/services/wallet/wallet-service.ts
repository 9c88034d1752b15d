import { getAddress, HDNodeWallet, Wallet } from 'ethers';
import type { TransactionRequest, TypedDataDomain, TypedDataField } from 'ethers';
import type { WalletStatus } from '../../../shared/api/wallet';
import { AppError } from '../../../shared/errors';
import type { EventBus } from '../events';
import type { KeyVault, StoredKey } from './key-vault';

/** The environment variable the Node host and the CLI read the keystore passphrase from. */
export const PASSPHRASE_ENV = 'DATANET_DESK_PASSPHRASE';

/**
 * What other services get to sign with: the address and signing functions, never the key. The
 * submission queue, for example, signs manifests, attestations and transactions through this.
 */
export type ContributorSigner = {
  readonly address: string;
  getAddress(): Promise<string>;
  signTypedData(domain: TypedDataDomain, types: Record<string, TypedDataField[]>, value: Record<string, unknown>): Promise<string>;
  signTransaction(tx: TransactionRequest): Promise<string>;
};

export type WalletServiceOptions = {
  vault: KeyVault;
  events?: EventBus;
  /** The passphrase given by the environment (`DATANET_DESK_PASSPHRASE`), read when needed. */
  environmentPassphrase?: () => string | undefined;
};

/**
 * The contributor's key: created or imported here, stored encrypted by the injected vault, and
 * held decrypted only in this object's memory between unlock and lock. Nothing this class returns
 * to the contract contains the key; signatures go out through {@link ContributorSigner}.
 */
export class WalletService {
  // The one place the decrypted key lives. JavaScript strings cannot be wiped, so lock() can only
  // drop the reference; the key stays in this process (never in the renderer's) until collected.
  private unlocked: Wallet | null = null;
  private readonly vault: KeyVault;

  constructor(private readonly options: WalletServiceOptions) {
    this.vault = options.vault;
  }

  private environmentPassphrase(): string | undefined {
    const value = this.options.environmentPassphrase?.();
    return value === undefined || value === '' ? undefined : value;
  }

  /** Whether a wallet exists, its address, and whether it is unlocked. */
  async status(): Promise<WalletStatus> {
    const address = await this.vault.address();
    return {
      hasWallet: address !== null,
      address,
      isUnlocked: this.unlocked !== null && address !== null && this.unlocked.address === address,
      vault: this.vault.kind,
      needsPassphrase: this.vault.needsPassphrase,
      hasEnvironmentPassphrase: this.environmentPassphrase() !== undefined,
    };
  }

  /** Creates a new random key, stores it and keeps it unlocked. */
  async create(input: { passphrase?: string; replace?: boolean }): Promise<{ address: string }> {
    const created = Wallet.createRandom();
    return this.store({ address: created.address, privateKey: created.privateKey }, input);
  }

  /** Imports a key from its hex or from a BIP-39 mnemonic (m/44'/60'/0'/0/index). */
  async importKey(input: {
    privateKey?: string;
    mnemonic?: string;
    accountIndex?: number;
    passphrase?: string;
    replace?: boolean;
  }): Promise<{ address: string }> {
    let key: StoredKey;
    try {
      if (input.privateKey !== undefined) {
        const hex = input.privateKey.startsWith('0x') ? input.privateKey : `0x${input.privateKey}`;
        const wallet = new Wallet(hex);
        key = { address: wallet.address, privateKey: wallet.privateKey };
      } else if (input.mnemonic !== undefined) {
        const phrase = input.mnemonic.trim().toLowerCase().split(/\s+/).join(' ');
        const wallet = HDNodeWallet.fromPhrase(phrase, undefined, `m/44'/60'/0'/0/${input.accountIndex ?? 0}`);
        // Only the derived account's key is kept: the phrase would unlock every other account too.
        key = { address: wallet.address, privateKey: wallet.privateKey };
      } else {
        throw new AppError('invalid_input', 'Give a private key or a mnemonic.');
      }
    } catch (error) {
      if (error instanceof AppError) throw error;
      // ethers' messages can quote the input: say what is wrong without echoing any secret.
      throw new AppError(
        'invalid_input',
        input.privateKey !== undefined ? 'That is not a valid private key.' : 'That is not a valid mnemonic.',
      );
    }
    return this.store(key, input);
  }

  private async store(key: StoredKey, input: { passphrase?: string; replace?: boolean }): Promise<{ address: string }> {
    const existing = await this.vault.address();
    if (existing !== null && existing !== key.address && input.replace !== true) {
      throw new AppError(
        'conflict',
        `A wallet (${existing}) already exists. Replacing it loses that key unless it is kept elsewhere; confirm replacing it.`,
        { address: existing },
      );
    }
    const passphrase = this.vault.needsPassphrase ? (input.passphrase ?? this.environmentPassphrase()) : undefined;
    if (this.vault.needsPassphrase && passphrase !== undefined && passphrase.length < 8) {
      throw new AppError('invalid_input', 'A passphrase needs at least 8 characters.');
    }
    await this.vault.save(key, passphrase);
    this.unlocked = new Wallet(key.privateKey);
    await this.changed();
    return { address: key.address };
  }

  /** The stored address, readable while locked; `not_found` without a wallet. */
  async address(): Promise<{ address: string }> {
    const address = await this.vault.address();
    if (address === null) throw new AppError('not_found', 'There is no wallet yet: create or import one.');
    return { address };
  }

  /** Opens the stored key (passphrase given, else the environment's) and keeps it in memory. */
  async unlock(input: { passphrase?: string } = {}): Promise<{ address: string }> {
    const passphrase = this.vault.needsPassphrase ? (input.passphrase ?? this.environmentPassphrase()) : undefined;
    const key = await this.vault.open(passphrase);
    this.unlocked = new Wallet(key.privateKey);
    if (getAddress(this.unlocked.address) !== key.address) {
      this.unlocked = null;
      throw new AppError('internal', 'The stored key does not match its recorded address.');
    }
    await this.changed();
    return { address: key.address };
  }

  /** Drops the key from memory; signing needs an unlock again. */
  async lock(): Promise<WalletStatus> {
    this.unlocked = null;
    return this.changed();
  }

  /**
   * A signer for the stored key. Unlocks on the way when no prompt is needed (the OS keychain,
   * or `DATANET_DESK_PASSPHRASE`); otherwise `wallet_locked`, and nothing is signed.
   */
  async signer(): Promise<ContributorSigner> {
    const address = await this.vault.address();
    if (address === null) throw new AppError('not_found', 'There is no wallet yet: create or import one.');
    if (this.unlocked === null || this.unlocked.address !== address) {
      const passphrase = this.vault.needsPassphrase ? this.environmentPassphrase() : undefined;
      if (this.vault.needsPassphrase && passphrase === undefined) {
        throw new AppError('wallet_locked', 'The wallet is locked: enter its passphrase to sign.');
      }
      await this.unlock({ passphrase });
    }
    const wallet = this.unlocked as Wallet;
    // A signer handed out before lock() must not keep signing after it.
    const live = (): Wallet => {
      if (this.unlocked !== wallet) throw new AppError('wallet_locked', 'The wallet was locked: unlock it to sign.');
      return wallet;
    };
    return {
      address: wallet.address,
      getAddress: async () => wallet.address,
      signTypedData: async (domain, types, value) => live().signTypedData(domain, types, value),
      signTransaction: async (tx) => live().signTransaction(tx),
    };
  }

  private async changed(): Promise<WalletStatus> {
    const status = await this.status();
    this.options.events?.emit('wallet.changed', status);
    return status;
  }
}
