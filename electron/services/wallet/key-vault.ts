/** A key as the vault holds it: the address (public) and the private key (secret). */
export type StoredKey = { address: string; privateKey: string };

/**
 * Where the contributor's key rests between runs, encrypted. Injected so that Electron main can
 * hand the services a vault backed by the OS keychain (safeStorage) while the Node host and the
 * CLI use an encrypted keystore file; the wallet service never learns which.
 */
export type KeyVault = {
  readonly kind: 'keystore' | 'os-keychain';
  /** Whether opening the key needs the user's passphrase (the OS keychain needs none). */
  readonly needsPassphrase: boolean;
  /** The stored key's address, read without decrypting anything; null when no key is stored. */
  address(): Promise<string | null>;
  /** Stores the key encrypted, replacing any stored one (the caller has asked the user). */
  save(key: StoredKey, passphrase: string | undefined): Promise<void>;
  /** Decrypts the stored key; `wallet_locked` without a passphrase, `invalid_input` for a wrong one. */
  open(passphrase: string | undefined): Promise<StoredKey>;
  /**
   * Copies the stored key, still encrypted as it rests, to `backups/<stamp>-<address>.json` beside
   * it (0600, fsync'd) and returns that path; called before a replacement so no key is lost.
   */
  backup(stamp: string): Promise<string>;
};

/** The folder of a vault's backups and one backup's file name. */
export const BACKUP_DIR = 'backups';
export const backupFileName = (stamp: string, address: string): string => `${stamp.replace(/[:.]/g, '-')}-${address}.json`;
