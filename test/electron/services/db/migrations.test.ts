import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { afterEach, describe, expect, it } from 'vitest';
import { migrate, openDatabase } from '../../../../electron/services/db/database';
import { MIGRATIONS } from '../../../../electron/services/db/migrations/index';
import { MIGRATION_0001 } from '../../../../electron/services/db/migrations/0001-library';
import { makeTempDir } from '../../../helpers/temp-dir';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('migrations', () => {
  it('are numbered 1..n without gaps, in order', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
  });

  it('apply once, record themselves, and are skipped on the next open of the same folder', async () => {
    const tmp = makeTempDir();
    cleanups.push(tmp.remove);
    const first = await openDatabase(tmp.dir);
    const { rows } = await first.query<{ version: number; name: string }>('select version, name from schema_migrations order by version');
    expect(rows).toEqual(MIGRATIONS.map((m) => ({ version: m.version, name: m.name })));
    await first.close();
    const second = await openDatabase(tmp.dir);
    cleanups.push(() => second.close());
    expect(await migrate(second, MIGRATIONS)).toEqual([]);
  });

  it('a failing migration leaves nothing of itself behind', async () => {
    const db = await PGlite.create({ extensions: { vector } });
    cleanups.push(() => db.close());
    const broken = { version: 2, name: 'broken', sql: 'create table half_done (id int); select * from no_such_table;' };
    await expect(migrate(db, [MIGRATION_0001, broken])).rejects.toThrow();
    const { rows } = await db.query<{ n: number }>("select count(*)::int as n from pg_tables where tablename = 'half_done'");
    expect(rows[0]?.n).toBe(0);
    const versions = await db.query<{ version: number }>('select version from schema_migrations');
    expect(versions.rows.map((r) => r.version)).toEqual([1]);
  });
});

describe('0001 library', () => {
  it('creates the library tables, loads pgvector, and enforces one item per bytes per Datanet', async () => {
    const db = await openDatabase(undefined, [MIGRATION_0001]);
    cleanups.push(() => db.close());
    const distance = await db.query<{ d: number }>("select '[3,4]'::vector <-> '[0,0]'::vector as d");
    expect(distance.rows[0]?.d).toBe(5);
    const sha = 'a'.repeat(64);
    await db.exec(`insert into datanets (id, name, policy, policy_version) values ('d1', 'Notes', '{}', 1)`);
    await db.exec(`insert into blobs (sha256, size) values ('${sha}', 3)`);
    const insertItem = (id: string) =>
      db.query(
        `insert into items (id, datanet_id, sha256, name, relative_path, type, media_type, kind, size)
         values ($1, 'd1', $2, 'a.txt', 'a.txt', 'txt', 'text/plain', 'text', 3)`,
        [id, sha],
      );
    await insertItem('i1');
    await expect(insertItem('i2')).rejects.toMatchObject({ code: '23505' });
    await expect(db.exec(`insert into blobs (sha256, size) values ('not-a-hash', 1)`)).rejects.toThrow();
    await expect(db.exec(`insert into datanets (id, name, policy, policy_version) values ('d2', 'NOTES', '{}', 1)`)).rejects.toMatchObject({
      code: '23505',
    });
    // An item keeps its Datanet from being deleted underneath it.
    await expect(db.exec(`delete from datanets where id = 'd1'`)).rejects.toThrow();
  });
});
