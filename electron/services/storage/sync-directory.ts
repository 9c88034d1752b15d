import { open } from 'node:fs/promises';

/**
 * fsyncs a directory, so that a file just created or renamed into it survives a power loss: an
 * fsync of the file makes its bytes durable, not its name (POSIX; ext4 and APFS alike). Windows
 * cannot open a directory for syncing and NTFS journals names itself: there this is a no-op.
 */
export async function syncDirectory(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, 'r');
  } catch (error) {
    if (process.platform === 'win32') return;
    throw error;
  }
  try {
    await handle.sync();
  } catch (error) {
    // Some file systems refuse fsync on a directory (EINVAL, EISDIR): nothing more can be done there.
    if (!['EINVAL', 'EISDIR', 'EPERM', 'EBADF'].includes((error as NodeJS.ErrnoException).code ?? '')) throw error;
  } finally {
    await handle.close();
  }
}
