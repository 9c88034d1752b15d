import { homedir } from 'node:os';
import { join } from 'node:path';

export const PRODUCT_NAME = 'Datanet Desk';

/**
 * The app's data folder, the same one Electron's `app.getPath('userData')` gives for this
 * product name, so that the desktop app, the Node host and the CLI share one library.
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (env.DATANET_DESK_DATA_DIR) return env.DATANET_DESK_DATA_DIR;
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), PRODUCT_NAME);
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', PRODUCT_NAME);
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), PRODUCT_NAME);
}

/**
 * Makes every file and folder this process creates owner-only (umask 077), for writers that pass
 * no mode of their own (libraries, model downloads). PGlite is not one of them: its Emscripten file
 * system sets 0666 itself, so its folder is re-tightened on close (storage/permissions.ts). The
 * umask is process-wide, so only entry points (Electron main, the Node host, the CLI) call this.
 */
export function useOwnerOnlyUmask(): void {
  // Windows has no POSIX modes (the profile folder's ACLs apply) and ignores the umask.
  if (process.platform !== 'win32') process.umask(0o077);
}
