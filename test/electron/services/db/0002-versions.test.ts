import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../../../electron/services/db/database';
import { MIGRATION_0001 } from '../../../../electron/services/db/migrations/0001-library';
import { MIGRATION_0002 } from '../../../../electron/services/db/migrations/0002-versions';

let db: Database;
const sha = (c: string) => c.repeat(64);

beforeAll(async () => {
  db = await openDatabase(undefined, [MIGRATION_0001, MIGRATION_0002]);
  await db.exec(`
    insert into datanets (id, name, policy, policy_version) values ('d', 'N', '{}', 1);
    insert into blobs (sha256, size) values ('${sha('a')}', 10), ('${sha('b')}', 8);
    insert into items (id, datanet_id, sha256, name, relative_path, type, media_type, kind, size)
      values ('i', 'd', '${sha('a')}', 'n.txt', 'n.txt', 'txt', 'text/plain', 'text', 10);
  `);
});
afterAll(async () => {
  await db.close();
});

describe('0002 versions', () => {
  it('stores versions of an item, points the item at its current one, and goes with the item', async () => {
    await db.exec(`insert into item_versions (id, item_id, kind, content_sha256, content_kind, size, report, report_hash)
      values ('v1', 'i', 'anonymised', '${sha('b')}', 'text', 8, '{"counts":{}}', '${sha('c')}')`);
    await db.exec(`update items set current_version_id = 'v1' where id = 'i'`);
    await expect(
      db.exec(
        `insert into item_versions (id, item_id, kind, content_sha256, content_kind, size) values ('v2', 'i', 'rewritten', '${sha('b')}', 'text', 8)`,
      ),
    ).rejects.toThrow();
    await expect(
      db.exec(
        `insert into item_versions (id, item_id, kind, content_sha256, content_kind, size) values ('v3', 'i', 'dp', '${sha('f')}', 'table', 8)`,
      ),
    ).rejects.toThrow();
    // A version's content cannot be deleted from under it.
    await expect(db.exec(`delete from blobs where sha256 = '${sha('b')}'`)).rejects.toThrow();
    await db.exec(`update items set current_version_id = null where id = 'i'; delete from items where id = 'i'`);
    const { rows } = await db.query<{ n: number }>('select count(*)::int as n from item_versions');
    expect(rows[0]?.n).toBe(0);
  });
});
