import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../../../electron/services/db/database';
import { MIGRATION_0001 } from '../../../../electron/services/db/migrations/0001-library';
import { MIGRATION_0009 } from '../../../../electron/services/db/migrations/0009-audit-log';

let db: Database;
const insert = (channel: string, sha: string, bytes = 1) =>
  db.query(`insert into audit_log (source, channel, endpoint, what, bytes, content_sha256) values ('host', $1, 'http://x/', 'w', $2, $3)`, [
    channel,
    bytes,
    sha,
  ]);

beforeAll(async () => {
  // 0009 depends on no other table.
  db = await openDatabase(undefined, [MIGRATION_0001, MIGRATION_0009]);
});
afterAll(async () => {
  await db.close();
});

describe('0009 audit log', () => {
  it('accepts known channels with a lowercase sha256 and a size, in insertion order', async () => {
    await insert('chain-rpc', 'a'.repeat(64));
    await insert('validator', 'b'.repeat(64));
    const { rows } = await db.query<{ id: number; channel: string }>('select id, channel from audit_log order by id');
    expect(rows.map((r) => r.channel)).toEqual(['chain-rpc', 'validator']);
    expect(Number(rows[1]?.id)).toBeGreaterThan(Number(rows[0]?.id));
  });

  it('refuses unknown channels, bad hashes, negative sizes, and any change or delete', async () => {
    await expect(insert('email', 'a'.repeat(64))).rejects.toThrow();
    await expect(insert('chain-rpc', 'A'.repeat(64))).rejects.toThrow();
    await expect(insert('chain-rpc', 'a'.repeat(64), -1)).rejects.toThrow();
    await expect(db.query(`update audit_log set what = 'x'`)).rejects.toThrow(/append-only/);
    await expect(db.query(`delete from audit_log`)).rejects.toThrow(/append-only/);
  });
});
