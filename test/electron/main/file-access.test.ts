import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { OpenDialogOptions, OpenDialogReturnValue } from 'electron';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDispatcher, type DispatchResult } from '../../../shared/api/dispatcher';
import type { DroppedImport } from '../../../shared/api/library';
import { FILE_TYPES } from '../../../shared/file-types';
import { dialogPathPicker, importDroppedPaths, openDialogOptions, UNTRUSTED_SENDER_REPLY } from '../../../electron/main/file-access';
import { createServices, type Services } from '../../../electron/services/wiring';
import { makeTempDir } from '../../helpers/temp-dir';

const PAGE = 'file:///opt/Datanet%20Desk/resources/app.asar/out/renderer/index.html';
const tmp = makeTempDir();
let services: Services;
let dropped = '';
let datanetId = '';
/** What the user would choose in the dialog; Electron's dialog cannot run here. */
let fakeDialogAnswer: OpenDialogReturnValue = { canceled: true, filePaths: [] };
const dialogCalls: OpenDialogOptions[] = [];

beforeAll(async () => {
  services = await createServices({
    dataDir: join(tmp.dir, 'data'),
    host: 'electron',
    version: '0.0.0-test',
    isInMemoryDatabase: true,
    pickPaths: dialogPathPicker(async (options) => {
      dialogCalls.push(options);
      return fakeDialogAnswer;
    }),
  });
  mkdirSync(join(tmp.dir, 'desktop'));
  dropped = join(tmp.dir, 'desktop', 'dropped.txt');
  writeFileSync(dropped, 'A note the user dragged onto the window.');
  datanetId = (await services.datanets.create({ name: 'Drops', domain: '', description: '' })).id;
});
afterAll(async () => {
  await services.close();
  tmp.remove();
});

/** The main process's route to library.importPaths, recording whether it was reached. */
function trustedImport(): { importPaths: (input: DroppedImport) => Promise<DispatchResult>; calls: DroppedImport[] } {
  const dispatch = createDispatcher(services.handlers, () => undefined, { surface: 'cli' });
  const calls: DroppedImport[] = [];
  return {
    calls,
    importPaths: (input) => {
      calls.push(input);
      return dispatch('library.importPaths', input);
    },
  };
}

describe('dropped files reach the main process only from the app window', () => {
  it('refuses the drop channel from an iframe, another page or an unknown frame, and stores nothing', async () => {
    const payload = { datanetId, importId: 'evil', paths: [dropped, '/etc/passwd'] };
    for (const sender of [
      { frameUrl: PAGE, isMainFrame: false },
      { frameUrl: 'file:///tmp/evil.html', isMainFrame: true },
      { frameUrl: 'https://example.com/', isMainFrame: true },
      { frameUrl: undefined, isMainFrame: true },
    ]) {
      const route = trustedImport();
      expect(await importDroppedPaths(sender, PAGE, payload, route.importPaths)).toEqual(UNTRUSTED_SENDER_REPLY);
      expect(route.calls).toEqual([]);
    }
    expect(await services.library.list({})).toEqual([]);
  });

  it('refuses a malformed message from the app window before any file is touched', async () => {
    const route = trustedImport();
    const me = { frameUrl: PAGE, isMainFrame: true };
    for (const payload of [
      { datanetId, importId: 'a', paths: [] },
      { datanetId, importId: 'a', paths: [''] },
      { datanetId, importId: 'a', paths: [dropped], extra: 1 },
      'not an object',
    ]) {
      const reply = await importDroppedPaths(me, PAGE, payload, route.importPaths);
      expect(reply.ok ? 'ok' : reply.error.code).toBe('invalid_input');
    }
    expect(route.calls).toEqual([]);
  });

  it('imports the dropped paths when the app window sends them', async () => {
    const route = trustedImport();
    const reply = await importDroppedPaths(
      { frameUrl: PAGE, isMainFrame: true },
      PAGE,
      { datanetId, importId: 'ok', paths: [dropped] },
      route.importPaths,
    );
    expect(reply).toMatchObject({ ok: true, result: { cancelled: false, results: [{ path: dropped, status: 'imported' }] } });
    expect((await services.library.list({ datanetId })).map((i) => i.name)).toEqual(['dropped.txt']);
  });
});

describe('library.pickAndImport under Electron', () => {
  it('imports what the user chose in the dialog, and nothing when the dialog is dismissed', async () => {
    const ui = createDispatcher(services.handlers, () => undefined);
    const d = await services.datanets.create({ name: 'Picked', domain: '', description: '' });
    const folder = join(tmp.dir, 'chosen');
    mkdirSync(folder);
    writeFileSync(join(folder, 'a.md'), '# A\nChosen in the dialog.');

    fakeDialogAnswer = { canceled: true, filePaths: [] };
    expect(await ui('library.pickAndImport', { datanetId: d.id, mode: 'folder', importId: 'd1' })).toEqual({
      ok: true,
      result: { results: [], cancelled: false, isDismissed: true },
    });
    expect(dialogCalls.at(-1)?.properties).toContain('openDirectory');

    fakeDialogAnswer = { canceled: false, filePaths: [folder] };
    const reply = await ui('library.pickAndImport', { datanetId: d.id, mode: 'folder', importId: 'd2' });
    expect(reply).toMatchObject({ ok: true, result: { isDismissed: false, cancelled: false, results: [{ status: 'imported' }] } });
    expect((await services.library.list({ datanetId: d.id })).map((i) => i.name)).toEqual(['a.md']);

    // An unknown Datanet fails before a dialog opens.
    const before = dialogCalls.length;
    const unknown = await ui('library.pickAndImport', { datanetId: '00000000-0000-4000-8000-000000000000', mode: 'files', importId: 'd3' });
    expect(unknown.ok ? 'ok' : unknown.error.code).toBe('not_found');
    expect(dialogCalls).toHaveLength(before);
  });

  it('offers only the library’s file types in the files dialog', () => {
    expect(openDialogOptions('files')).toMatchObject({
      properties: ['openFile', 'multiSelections'],
      filters: [{ extensions: [...FILE_TYPES] }],
    });
    expect(openDialogOptions('folder').properties).toEqual(['openDirectory', 'multiSelections']);
  });
});
