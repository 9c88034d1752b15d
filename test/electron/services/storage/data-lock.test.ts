import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { acquireDataLock } from '../../../../electron/services/storage/data-lock';
import { makeTempDir } from '../../../helpers/temp-dir';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

describe('data folder lock', () => {
  it('refuses a folder held by a live process and takes over one left by a dead process', async () => {
    const tmp = makeTempDir();
    cleanups.push(tmp.remove);
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
    cleanups.push(() => holder.kill());
    writeFileSync(join(tmp.dir, 'datanet-desk.lock'), String(holder.pid));
    expect(() => acquireDataLock(tmp.dir)).toThrow(expect.objectContaining({ code: 'unavailable' }));
    holder.kill();
    await new Promise((r) => holder.once('exit', r));
    const release = acquireDataLock(tmp.dir);
    expect(existsSync(join(tmp.dir, 'datanet-desk.lock'))).toBe(true);
    release();
    expect(existsSync(join(tmp.dir, 'datanet-desk.lock'))).toBe(false);
  });
});
