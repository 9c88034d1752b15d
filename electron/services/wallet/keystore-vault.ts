import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { open, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { decryptKeystoreJson, encryptKeystoreJson, getAddress, isKeystoreJson } from 'ethers';
import { AppError } from '../../../shared/errors';
import { syncDirectory } from '../storage/sync-directory';
import { BACKUP_DIR, backupFileName } from './key-vault';
import type { KeyVault, StoredKey } from './key-vault';

export const KEYSTORE_FILE = 'keystore.json';

export type KeystoreVaultOptions = {
  /**
   * scrypt cost N of new keystores. Tests lower it to keep runs fast; the default is ethers'
   * (2^17), the Web3 Secret Storage figure that makes each passphrase guess cost ~1 s of CPU.
   */
  scryptN?: number;
};

/**
 * The key as a Web3 Secret Storage (ethers encrypted JSON) keystore file: scrypt over the
 * passphrase, AES-128-CTR over the key, a MAC that detects a wrong passphrase. Used by the Node
 * host and the CLI, and by Electron where the OS keychain is not available.
 */
export class KeystoreVault implements KeyVault {
  readonly kind = 'keystore' as const;
  readonly needsPassphrase = true;
  private readonly path: string;

  constructor(
    private readonly walletDir: string,
    private readonly options: KeystoreVaultOptions = {},
  ) {
    mkdirSync(walletDir, { recursive: true, mode: 0o700 });
    this.path = join(walletDir, KEYSTORE_FILE);
  }

  async backup(stamp: string): Promise<string> {
    const json = await this.read();
    const address = await this.address();
    if (json === null || address === null) throw new AppError('not_found', 'There is no wallet to back up.');
    const dir = join(this.walletDir, BACKUP_DIR);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    // The keystore as it is: encrypted under the old passphrase, which the backup keeps needing.
    const path = join(dir, backupFileName(stamp, address));
    await writeFileDurably(path, json);
    return path;
  }

  private async read(): Promise<string | null> {
    try {
      return await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  async address(): Promise<string | null> {
    const json = await this.read();
    if (json === null) return null;
    if (!isKeystoreJson(json)) throw new AppError('internal', 'The stored wallet file is not a keystore.');
    // The keystore carries its address in clear (lower-case hex without 0x).
    const { address } = JSON.parse(json) as { address: string };
    return getAddress(address.startsWith('0x') ? address : `0x${address}`);
  }

  async save(key: StoredKey, passphrase: string | undefined): Promise<void> {
    if (passphrase === undefined) {
      throw new AppError('invalid_input', 'Choose a passphrase for the wallet (or set DATANET_DESK_PASSPHRASE).');
    }
    const scrypt = this.options.scryptN === undefined ? {} : { scrypt: { N: this.options.scryptN } };
    const json = await encryptKeystoreJson({ address: key.address, privateKey: key.privateKey }, passphrase, scrypt);
    await writeFileDurably(this.path, json);
  }

  async open(passphrase: string | undefined): Promise<StoredKey> {
    const json = await this.read();
    if (json === null) throw new AppError('not_found', 'There is no wallet yet: create or import one.');
    if (passphrase === undefined) throw new AppError('wallet_locked', 'The wallet is locked: enter its passphrase.');
    try {
      const account = await decryptKeystoreJson(json, passphrase);
      return { address: getAddress(account.address), privateKey: account.privateKey };
    } catch (error) {
      // ethers says "incorrect password" when the MAC does not match.
      if (/incorrect password/i.test((error as Error).message)) {
        throw new AppError('invalid_input', 'That passphrase does not open the wallet.');
      }
      throw error;
    }
  }
}

/**
 * Writes a file owner-only (0600: other local users must not even get the ciphertext to attack
 * offline), fsync'd under a temporary name and renamed into place, so a crash leaves either the
 * old keystore or the new one, never half of one.
 */
export async function writeFileDurably(path: string, data: string | Uint8Array): Promise<void> {
  const tmp = join(dirname(path), `.${randomUUID()}.tmp`);
  const handle = await open(tmp, 'w', 0o600);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(tmp, path);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
  // The rename is the commit: its directory entry must reach the disk too.
  await syncDirectory(dirname(path));
}
