import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BRIDGE_EVENT_NAMES, BRIDGE_METHOD_NAMES } from '../../../shared/api/bridge';
import { createDispatcher, type Handlers } from '../../../shared/api/dispatcher';
import { CLI_ONLY_METHOD_NAMES, EVENT_NAMES, METHOD_NAMES, UI_METHOD_NAMES, methods } from '../../../shared/api/index';
import { createServices, type Services } from '../../../electron/services/wiring';
import { makeTempDir } from '../../helpers/temp-dir';

const tmp = makeTempDir();
let services: Services;
/** A file the user never chose, of a type the library would happily read. */
let privateNote = '';

beforeAll(async () => {
  services = await createServices({ dataDir: join(tmp.dir, 'data'), host: 'electron', version: '0.0.0-test', isInMemoryDatabase: true });
  mkdirSync(join(tmp.dir, 'other-patient'));
  privateNote = join(tmp.dir, 'other-patient', 'notes.txt');
  writeFileSync(privateNote, 'Patient 042: diagnosis and medication history.');
});
afterAll(async () => {
  await services.close();
  tmp.remove();
});

describe('method surfaces', () => {
  it('keeps library.importPaths (caller-named paths) off the UI lists the preload forwards', () => {
    expect(CLI_ONLY_METHOD_NAMES).toEqual(['library.importPaths']);
    expect(BRIDGE_METHOD_NAMES).not.toContain('library.importPaths');
    for (const name of CLI_ONLY_METHOD_NAMES) expect(UI_METHOD_NAMES).not.toContain(name);
    // Every other method stays reachable, the dialog route included.
    expect([...BRIDGE_METHOD_NAMES].sort()).toEqual(METHOD_NAMES.filter((m) => methods[m].surface === 'ui').sort());
    expect(BRIDGE_METHOD_NAMES).toEqual(expect.arrayContaining(['library.pickAndImport', 'library.importFile', 'library.cancelImport']));
    expect(BRIDGE_EVENT_NAMES).toEqual(EVENT_NAMES);
  });

  it('a UI dispatcher answers library.importPaths exactly as an unknown method and stores nothing', async () => {
    const ui = createDispatcher(services.handlers, () => undefined);
    const d = await services.datanets.create({ name: 'Mine', domain: '', description: '' });
    const attack = await ui('library.importPaths', { datanetId: d.id, paths: [privateNote, '/etc/passwd'], importId: 'steal' });
    expect(attack).toEqual({ ok: false, error: { code: 'not_found', message: 'Unknown method library.importPaths.' } });
    // Not even input validation runs, so the refusal tells nothing about the paths.
    expect(await ui('library.importPaths', { nonsense: true })).toEqual(attack);
    expect(await services.library.list({})).toEqual([]);

    // The same call on the CLI surface does read the file: the refusal above is the surface's doing.
    const cli = createDispatcher(services.handlers, () => undefined, { surface: 'cli' });
    const reply = await cli('library.importPaths', { datanetId: d.id, paths: [privateNote], importId: 'cli' });
    expect(reply).toMatchObject({ ok: true, result: { cancelled: false, results: [{ status: 'imported' }] } });
    expect((await services.library.list({ datanetId: d.id })).map((i) => i.name)).toEqual(['notes.txt']);
    await services.library.remove((await services.library.list({}))[0]?.id ?? '');
  });

  it('a CLI-only method still needs its handler', () => {
    const { 'library.importPaths': _omitted, ...rest } = services.handlers;
    // @ts-expect-error the handler map must cover every method, whatever its surface
    const incomplete: Handlers = rest;
    expect(Object.keys(incomplete)).not.toContain('library.importPaths');
  });
});
