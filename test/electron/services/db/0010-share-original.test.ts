import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../../../electron/services/db/database';
import { MIGRATION_0001 } from '../../../../electron/services/db/migrations/0001-library';
import { MIGRATION_0009 } from '../../../../electron/services/db/migrations/0009-audit-log';
import { MIGRATION_0010 } from '../../../../electron/services/db/migrations/0010-share-original';

let db: Database;
const SHA = 'a'.repeat(64);
const logConsent = (channel: string) =>
  db.query(`insert into audit_log (source, channel, endpoint, what, bytes, content_sha256) values ('host', $1, 'consent:x', 'w', 1, $2)`, [
    channel,
    SHA,
  ]);

beforeAll(async () => {
  db = await openDatabase(undefined, [MIGRATION_0001, MIGRATION_0009]);
  // A log written before 0010 keeps its rows: the migration only widens the channel check.
  await db.query(
    `insert into audit_log (source, channel, endpoint, what, bytes, content_sha256) values ('host', 'validator', 'http://v/', 'POST', 3, $1)`,
    [SHA],
  );
  await expect(logConsent('consent')).rejects.toThrow();
  await db.exec(MIGRATION_0010.sql);
  await db.query(`insert into datanets (id, name, policy, policy_version) values ('d1', 'D', '{}', 1)`);
  await db.query(`insert into blobs (sha256, size) values ($1, 5)`, [SHA]);
  await db.query(
    `insert into items (id, datanet_id, sha256, name, relative_path, type, media_type, kind, size) values ('i1', 'd1', $1, 'a.txt', 'a.txt', 'txt', 'text/plain', 'text', 5)`,
    [SHA],
  );
});
afterAll(async () => {
  await db.close();
});

describe('0010 share original', () => {
  it('stores one mark per item for an exact original, gone with the item', async () => {
    await db.query(`insert into item_original_shares (item_id, datanet_id, sha256) values ('i1', 'd1', $1)`, [SHA]);
    await expect(
      db.query(`insert into item_original_shares (item_id, datanet_id, sha256) values ('i1', 'd1', $1)`, [SHA]),
    ).rejects.toThrow();
    await expect(
      db.query(`insert into item_original_shares (item_id, datanet_id, sha256) values ('nope', 'd1', $1)`, [SHA]),
    ).rejects.toThrow();
    await expect(db.query(`insert into item_original_shares (item_id, datanet_id, sha256) values ('i1', 'd1', 'ABC')`)).rejects.toThrow();
    await db.query(`delete from items where id = 'i1'`);
    expect((await db.query('select * from item_original_shares')).rows).toEqual([]);
  });

  it('lets the audit log take consent entries, still refuses unknown channels, and stays append-only', async () => {
    await logConsent('consent');
    await expect(logConsent('email')).rejects.toThrow();
    const { rows } = await db.query<{ channel: string }>('select channel from audit_log order by id');
    expect(rows.map((r) => r.channel)).toEqual(['validator', 'consent']);
    await expect(db.query(`update audit_log set what = 'x' where channel = 'consent'`)).rejects.toThrow(/append-only/);
    await expect(db.query(`delete from audit_log where channel = 'consent'`)).rejects.toThrow(/append-only/);
  });
});
