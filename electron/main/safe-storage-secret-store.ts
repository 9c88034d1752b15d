import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { safeStorage } from 'electron';
import type { SecretStore } from '../services/anonymise/secret-store';
import { checkSecretName, FileSecretStore, keyFileName, safeStorageFileName } from '../services/anonymise/secret-store';
import { writeFileDurably } from '../services/wallet/keystore-vault';

/**
 * Secrets encrypted by the OS keychain through safeStorage: only this user's login session can
 * decrypt them (see secret-store.ts for the threat model). A secret first made as a key file (by
 * the command line, or where no keychain was available) stays in that file, so that every host
 * of one data folder computes the same pseudonyms.
 */
class SafeStorageSecretStore implements SecretStore {
  readonly kind = 'os-keychain' as const;
  private readonly files: FileSecretStore;

  constructor(private readonly dir: string) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    this.files = new FileSecretStore(dir);
  }

  async getOrCreate(name: string): Promise<string> {
    checkSecretName(name);
    if (existsSync(join(this.dir, keyFileName(name)))) return this.files.getOrCreate(name);
    const path = join(this.dir, safeStorageFileName(name));
    if (existsSync(path)) return safeStorage.decryptString(await readFile(path));
    const key = randomBytes(32).toString('hex');
    await writeFileDurably(path, safeStorage.encryptString(key));
    return key;
  }
}

/** The OS keychain when it really encrypts (not Linux's hard-coded "basic_text" key), else 0600 key files. */
export function createDesktopSecretStore(dir: string): SecretStore {
  const isLinuxPlaintext = process.platform === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text';
  if (safeStorage.isEncryptionAvailable() && !isLinuxPlaintext) return new SafeStorageSecretStore(dir);
  return new FileSecretStore(dir);
}
