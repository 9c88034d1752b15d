import { existsSync, mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { safeStorage } from 'electron';
import { getAddress } from 'ethers';
import { AppError } from '../../shared/errors';
import { BACKUP_DIR, backupFileName } from '../services/wallet/key-vault';
import type { KeyVault, StoredKey } from '../services/wallet/key-vault';
import { KEYSTORE_FILE, KeystoreVault, writeFileDurably } from '../services/wallet/keystore-vault';

const KEY_FILE = 'key.safe-storage';
const ADDRESS_FILE = 'address.json';

/**
 * The key encrypted by the OS keychain through Electron's safeStorage (Keychain on macOS, DPAPI on
 * Windows, libsecret/kwallet on Linux): only this user's login session can decrypt it, and no
 * passphrase is asked. The address is kept beside it in clear so that it can be shown while locked.
 */
export class SafeStorageVault implements KeyVault {
  readonly kind = 'os-keychain' as const;
  readonly needsPassphrase = false;

  constructor(private readonly walletDir: string) {
    mkdirSync(walletDir, { recursive: true, mode: 0o700 });
  }

  async address(): Promise<string | null> {
    try {
      const { address } = JSON.parse(await readFile(join(this.walletDir, ADDRESS_FILE), 'utf8')) as { address: string };
      return getAddress(address);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  async save(key: StoredKey): Promise<void> {
    // Ciphertext first, address second: an address file never points at a key that is not there.
    await writeFileDurably(join(this.walletDir, KEY_FILE), safeStorage.encryptString(key.privateKey));
    await writeFileDurably(join(this.walletDir, ADDRESS_FILE), JSON.stringify({ address: key.address }));
  }

  async backup(stamp: string): Promise<string> {
    const address = await this.address();
    if (address === null) throw new AppError('not_found', 'There is no wallet to back up.');
    const dir = join(this.walletDir, BACKUP_DIR);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const path = join(dir, backupFileName(stamp, address));
    // Still the OS keychain's ciphertext: only this user's login session can open the backup.
    const ciphertext = await readFile(join(this.walletDir, KEY_FILE));
    await writeFileDurably(
      path,
      JSON.stringify({ format: 'datanet-desk.safe-storage-key', address, ciphertextBase64: ciphertext.toString('base64') }),
    );
    return path;
  }

  async open(): Promise<StoredKey> {
    const address = await this.address();
    if (address === null) throw new AppError('not_found', 'There is no wallet yet: create or import one.');
    const privateKey = safeStorage.decryptString(await readFile(join(this.walletDir, KEY_FILE)));
    return { address, privateKey };
  }
}

/**
 * The OS keychain when it really encrypts; otherwise the passphrase keystore. On Linux without a
 * secret service safeStorage falls back to a hard-coded key ("basic_text"), which would store the
 * key as good as in clear, so that backend is treated as unavailable.
 */
export function createDesktopKeyVault(walletDir: string): KeyVault {
  // A key already kept in a keystore file (made where the keychain was unavailable) stays there.
  if (existsSync(join(walletDir, KEYSTORE_FILE))) return new KeystoreVault(walletDir);
  const isLinuxPlaintext = process.platform === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text';
  if (safeStorage.isEncryptionAvailable() && !isLinuxPlaintext) return new SafeStorageVault(walletDir);
  return new KeystoreVault(walletDir);
}
