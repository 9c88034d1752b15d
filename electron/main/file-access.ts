import type { OpenDialogOptions, OpenDialogReturnValue } from 'electron';
import type { DispatchResult } from '../../shared/api/dispatcher';
import { describeZodError } from '../../shared/api/dispatcher';
import { droppedImportSchema, type DroppedImport } from '../../shared/api/library';
import { FILE_TYPES } from '../../shared/file-types';
import type { PathPicker } from '../services/wiring';
import { isTrustedSender } from './window-options';

/** The frame an IPC message came from, as isTrustedSender needs it. */
export type SenderFrame = { frameUrl: string | undefined; isMainFrame: boolean };

export const UNTRUSTED_SENDER_REPLY: DispatchResult = {
  ok: false,
  error: { code: 'invalid_input', message: 'Refused: the request did not come from the app window.' },
};

/**
 * The drop channel: imports the paths the preload resolved for dropped File objects. Only the
 * app's own top frame may send here; an iframe or a frame navigated elsewhere would otherwise
 * name any file on the machine. `importPaths` is the host's CLI-surface route to
 * library.importPaths, which the UI surfaces do not offer.
 */
export async function importDroppedPaths(
  sender: SenderFrame,
  rendererUrl: string,
  payload: unknown,
  importPaths: (input: DroppedImport) => Promise<DispatchResult>,
): Promise<DispatchResult> {
  if (!isTrustedSender(sender.frameUrl, sender.isMainFrame, rendererUrl)) return UNTRUSTED_SENDER_REPLY;
  const parsed = droppedImportSchema.safeParse(payload);
  if (!parsed.success) return { ok: false, error: { code: 'invalid_input', message: describeZodError(parsed.error) } };
  return importPaths(parsed.data);
}

/** The open dialog for "Import files…" (only the library's types) or "Import folder…". */
export function openDialogOptions(mode: 'files' | 'folder'): OpenDialogOptions {
  if (mode === 'folder') return { title: 'Import folders', properties: ['openDirectory', 'multiSelections'] };
  return {
    title: 'Import files',
    properties: ['openFile', 'multiSelections'],
    filters: [{ name: 'Files Datanet Desk can read', extensions: [...FILE_TYPES] }],
  };
}

/** The services' PathPicker over Electron's dialog: what the user chose, or nothing when dismissed. */
export function dialogPathPicker(showOpenDialog: (options: OpenDialogOptions) => Promise<OpenDialogReturnValue>): PathPicker {
  return async (mode) => {
    const chosen = await showOpenDialog(openDialogOptions(mode));
    return chosen.canceled ? [] : chosen.filePaths;
  };
}
