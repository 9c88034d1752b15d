import { getAddress, HDNodeWallet, Wallet } from 'ethers';
import type { TransactionRequest, TypedDataDomain, TypedDataField } from 'ethers';
import type { WalletStatus } from '../../../shared/api/wallet';
import { AppError } from '../../../shared/errors';
import type { EventBus } from '../events';
import type { KeyVault, StoredKey } from './key-vault';
import type { SigningConsent } from './signing-consent';

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

type StoreInput = { passphrase?: string; replace?: boolean; currentPassphrase?: string };
type StoreResult = { address: string; backupPath?: string };

export type WalletServiceOptions = {
  vault: KeyVault;
  events?: EventBus;
  /** The passphrase given by the environment (`DATANET_DESK_PASSPHRASE`), read when needed. */
  environmentPassphrase?: () => string | undefined;
  /** Time without a signature after which the unlocked key is forgotten; default 15 minutes (a setting). */
  idleLockMs?: number;
  now?: () => number;
  /** Asks the person (Electron: a native dialog) before a keychain wallet, which has no passphrase, is replaced. */
  consent?: SigningConsent;
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
  private lastUsedAt = 0;
  private idleLockMs: number;
  private idleTimer: NodeJS.Timeout | undefined;
  private readonly vault: KeyVault;
  private readonly now: () => number;

  constructor(private readonly options: WalletServiceOptions) {
    this.vault = options.vault;
    this.now = options.now ?? Date.now;
    this.idleLockMs = options.idleLockMs ?? 15 * 60_000;
  }

  /** Changes the idle lock; an unlocked key already idle past the new limit is forgotten now. */
  setIdleLockMs(ms: number): void {
    this.idleLockMs = ms;
    if (this.unlocked) this.touch(this.lastUsedAt);
  }

  private keep(wallet: Wallet): void {
    this.unlocked = wallet;
    this.touch(this.now());
  }

  // An unlocked key left alone is a key anyone reaching the contract can sign with: it is forgotten
  // after the idle time, checked on every use (an injected clock in tests) and by a timer.
  private touch(at: number): void {
    this.lastUsedAt = at;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => void this.expireIfIdle(), Math.max(0, at + this.idleLockMs - this.now()) + 10);
    this.idleTimer.unref();
  }

  private async expireIfIdle(): Promise<void> {
    if (this.isIdlePast()) await this.forget();
  }

  private isIdlePast(): boolean {
    return this.unlocked !== null && this.now() - this.lastUsedAt >= this.idleLockMs;
  }

  private async forget(): Promise<void> {
    this.unlocked = null;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    await this.changed();
  }

  /** The unlocked key if it is still within the idle time (forgotten otherwise). */
  private async current(): Promise<Wallet | null> {
    if (this.isIdlePast()) await this.forget();
    return this.unlocked;
  }

  private environmentPassphrase(): string | undefined {
    const value = this.options.environmentPassphrase?.();
    return value === undefined || value === '' ? undefined : value;
  }

  /** Whether a wallet exists, its address, and whether it is unlocked. */
  async status(): Promise<WalletStatus> {
    if (this.isIdlePast()) this.unlocked = null;
    const address = await this.vault.address();
    const isUnlocked = this.unlocked !== null && address !== null && this.unlocked.address === address;
    return {
      hasWallet: address !== null,
      address,
      isUnlocked,
      vault: this.vault.kind,
      needsPassphrase: this.vault.needsPassphrase,
      hasEnvironmentPassphrase: this.environmentPassphrase() !== undefined,
      unlockedUntil: isUnlocked ? new Date(this.lastUsedAt + this.idleLockMs).toISOString() : null,
      idleLockMinutes: Math.round(this.idleLockMs / 60_000),
    };
  }

  /** Creates a new random key, stores it and keeps it unlocked. */
  async create(input: StoreInput): Promise<StoreResult> {
    const created = Wallet.createRandom();
    return this.store({ address: created.address, privateKey: created.privateKey }, input);
  }

  /** Imports a key from its hex or from a BIP-39 mnemonic (m/44'/60'/0'/0/index). */
  async importKey(input: { privateKey?: string; mnemonic?: string; accountIndex?: number } & StoreInput): Promise<StoreResult> {
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

  /**
   * Stores `key`. Replacing another wallet needs `replace`, and for a keystore its current
   * passphrase (never the environment's: whoever reaches the contract must not be able to throw
   * the key away), and writes an encrypted backup of the old key first. Every check runs before
   * anything is written, so a refusal leaves the stored wallet as it was.
   */
  private async store(key: StoredKey, input: StoreInput): Promise<StoreResult> {
    const existing = await this.vault.address();
    const isReplacing = existing !== null && existing !== key.address;
    if (isReplacing && input.replace !== true) {
      throw new AppError(
        'conflict',
        `A wallet (${existing}) already exists. Replacing it needs its passphrase; its key is backed up (encrypted) first.`,
        { address: existing },
      );
    }
    const passphrase = this.vault.needsPassphrase ? (input.passphrase ?? this.environmentPassphrase()) : undefined;
    if (this.vault.needsPassphrase && passphrase !== undefined && passphrase.length < 8) {
      throw new AppError('invalid_input', 'A passphrase needs at least 8 characters.');
    }
    if (this.vault.needsPassphrase && passphrase === undefined) {
      throw new AppError('invalid_input', 'Choose a passphrase for the wallet (or set DATANET_DESK_PASSPHRASE).');
    }
    let backupPath: string | null = null;
    if (isReplacing) {
      if (this.vault.needsPassphrase) {
        if (input.currentPassphrase === undefined) {
          throw new AppError('wallet_locked', `Enter the passphrase of the current wallet (${existing}) to replace it.`);
        }
        // Throws invalid_input for a wrong passphrase: proves the caller holds the old key.
        const old = await this.vault.open(input.currentPassphrase);
        if (old.address !== existing) throw new AppError('internal', 'The stored key does not match its recorded address.');
      }
      const stamp = new Date(this.now()).toISOString();
      if (!this.vault.needsPassphrase && this.options.consent) {
        const isConfirmed = await this.options.consent.confirm({
          kind: 'replace-wallet',
          address: existing,
          backupPath: `wallet/backups/${stamp}-${existing}.json`,
        });
        if (!isConfirmed) throw new AppError('consent_required', 'Replacing the wallet was declined.');
      }
      backupPath = await this.vault.backup(stamp);
    }
    await this.vault.save(key, passphrase);
    this.keep(new Wallet(key.privateKey));
    await this.changed();
    return backupPath === null ? { address: key.address } : { address: key.address, backupPath };
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
    const wallet = new Wallet(key.privateKey);
    if (getAddress(wallet.address) !== key.address) {
      throw new AppError('internal', 'The stored key does not match its recorded address.');
    }
    this.keep(wallet);
    await this.changed();
    return { address: key.address };
  }

  /** Drops the key from memory; signing needs an unlock again. */
  async lock(): Promise<WalletStatus> {
    this.unlocked = null;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    return this.changed();
  }

  /**
   * A signer for the stored key. Unlocks on the way only with `DATANET_DESK_PASSPHRASE` (set by
   * the user for a headless host); the OS keychain needs no passphrase but is still opened only by
   * an explicit `wallet.unlock`, so starting the app never leaves a key ready to sign. Otherwise
   * `wallet_locked`, and nothing is signed.
   */
  async signer(): Promise<ContributorSigner> {
    const address = await this.vault.address();
    if (address === null) throw new AppError('not_found', 'There is no wallet yet: create or import one.');
    const open = await this.current();
    if (open === null || open.address !== address) {
      const passphrase = this.vault.needsPassphrase ? this.environmentPassphrase() : undefined;
      if (passphrase === undefined) {
        throw new AppError(
          'wallet_locked',
          this.vault.needsPassphrase ? 'The wallet is locked: enter its passphrase to sign.' : 'The wallet is locked: unlock it to sign.',
        );
      }
      await this.unlock({ passphrase });
    }
    const wallet = this.unlocked as Wallet;
    // A signer handed out before lock() or the idle lock must not keep signing after it.
    const live = async (): Promise<Wallet> => {
      if ((await this.current()) !== wallet) throw new AppError('wallet_locked', 'The wallet was locked: unlock it to sign.');
      this.touch(this.now());
      return wallet;
    };
    return {
      address: wallet.address,
      getAddress: async () => wallet.address,
      signTypedData: async (domain, types, value) => (await live()).signTypedData(domain, types, value),
      signTransaction: async (tx) => (await live()).signTransaction(tx),
    };
  }

  private async changed(): Promise<WalletStatus> {
    const status = await this.status();
    this.options.events?.emit('wallet.changed', status);
    return status;
  }
}
