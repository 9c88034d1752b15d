import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { link, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '../../../shared/errors';
import { writeFileDurably } from '../wallet/keystore-vault';

/**
 * Where the pseudonymisation keys live: one random 256-bit secret per Datanet, made on first use.
 *
 * Threat model. A pseudonym is HMAC-SHA256(key, value): whoever holds the key can test guesses
 * ("is [Ruth Gallo] really John Smith?") and so undo pseudonymisation for any name they can
 * guess; without it the mapping is a PRF output and reveals nothing. The key therefore never
 * leaves the host process (not in the renderer, not in a report, not in a manifest), is made
 * with the OS CSPRNG, and rests encrypted where the platform can encrypt for this user only:
 * Electron's safeStorage (Keychain, DPAPI, libsecret). The Node host and the command line have
 * no keychain; they keep the key in a file readable by this user only (0600, in a 0700 folder of
 * the data folder). That guards against other local users and against the key travelling with
 * a copied database, not against malware running as this user, which could read the originals
 * anyway. Losing the key only means new pseudonyms differ from earlier ones; nothing is locked.
 */
export type SecretStore = {
  readonly kind: 'os-keychain' | 'key-file';
  /** The secret named `name` (hex), created with the CSPRNG on first use. */
  getOrCreate(name: string): Promise<string>;
};

const NAME = /^[a-z0-9][a-z0-9_.-]{0,120}$/i;
/** The file where the desktop app keeps a safeStorage-encrypted secret of the same name. */
export const safeStorageFileName = (name: string): string => `${name}.safe-storage`;
export const keyFileName = (name: string): string => `${name}.key`;

export function checkSecretName(name: string): void {
  if (!NAME.test(name)) throw new AppError('invalid_input', 'A secret name may hold letters, digits, dots, dashes and underscores only.');
}

/** Secrets as 0600 files under `dir` (Node host, command line). */
export class FileSecretStore implements SecretStore {
  readonly kind = 'key-file' as const;
  private readonly cache = new Map<string, Promise<string>>();

  constructor(private readonly dir: string) {}

  getOrCreate(name: string): Promise<string> {
    checkSecretName(name);
    let pending = this.cache.get(name);
    if (pending === undefined) {
      pending = this.load(name);
      this.cache.set(name, pending);
      pending.catch(() => this.cache.delete(name));
    }
    return pending;
  }

  private async load(name: string): Promise<string> {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const path = join(this.dir, keyFileName(name));
    const existing = await readKey(path);
    if (existing !== undefined) return existing;
    if (existsSync(join(this.dir, safeStorageFileName(name)))) {
      // Making a second key would silently give this Datanet other pseudonyms than the desktop app's.
      throw new AppError(
        'unavailable',
        "This Datanet's pseudonym key is held by the desktop app in the OS keychain; anonymise with pseudonyms there.",
      );
    }
    const key = randomBytes(32).toString('hex');
    const tmp = join(this.dir, `.${name}.${randomBytes(6).toString('hex')}.new`);
    await writeFileDurably(tmp, key);
    try {
      // link() fails if the name exists: of two processes racing, both end up with the first key.
      await link(tmp, path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    } finally {
      await rm(tmp, { force: true });
    }
    const stored = await readKey(path);
    if (stored === undefined) throw new AppError('internal', 'The pseudonym key could not be stored.');
    return stored;
  }
}

async function readKey(path: string): Promise<string | undefined> {
  try {
    const text = (await readFile(path, 'utf8')).trim();
    if (!/^[0-9a-f]{64}$/.test(text)) throw new AppError('internal', 'A stored pseudonym key is damaged.');
    return text;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
