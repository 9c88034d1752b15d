import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sha256 } from 'ethers';
import { checkPolicyDocument } from '../../shared/datanet-registry-policy';
import { AppError } from '../../shared/errors';
import { writeFileAtomic } from '../json-file';

/** An answer sent as these exact bytes rather than as JSON of a value. */
export class RawBody {
  constructor(
    readonly bytes: Uint8Array,
    readonly contentType: string,
  ) {}
}

/**
 * Policy documents by sha256, one file each (`DIR/policies/<hex>.json`), the devnet's
 * content-addressed blob store for the registry's policy hashes. Only documents that pass
 * checkPolicyDocument are stored, so every stored file is a canonical, fully stated policy.
 */
export class PolicyStore {
  constructor(private readonly dir: string) {}

  /** Stores `bytes` if they are a valid policy document; the same document again is a no-op. */
  async put(bytes: Uint8Array): Promise<{ sha256: string; bytes: number; isNew: boolean }> {
    const { hash } = checkPolicyDocument(bytes);
    const path = this.pathOf(hash);
    const existing = await readFile(path).catch(() => undefined);
    if (existing && sha256(existing) === hash) return { sha256: hash, bytes: bytes.length, isNew: false };
    // Write then rename: a crash leaves no half document under a hash it does not match.
    await writeFileAtomic(path, bytes);
    return { sha256: hash, bytes: bytes.length, isNew: true };
  }

  /** The exact bytes stored under `hash` (0x-prefixed lower-case sha256). */
  async get(hash: string): Promise<Uint8Array> {
    const bytes = await readFile(this.pathOf(hash)).catch(() => undefined);
    if (!bytes) throw new AppError('not_found', `no policy document ${hash}`);
    // A file changed on disk must not be served under a hash it no longer has.
    if (sha256(bytes) !== hash) throw new AppError('internal', `the stored policy document ${hash} is corrupt`);
    return bytes;
  }

  private pathOf(hash: string): string {
    if (!/^0x[0-9a-f]{64}$/.test(hash)) throw new AppError('invalid_input', 'a policy hash is 0x and 64 lower-case hex digits');
    return join(this.dir, `${hash.slice(2)}.json`);
  }
}
