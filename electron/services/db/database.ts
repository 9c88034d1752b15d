import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { MIGRATIONS, type Migration } from './migrations/index';

export type Database = PGlite;

/**
 * Opens PGlite with pgvector: on disk under `dir`, or in memory when `dir` is undefined (tests).
 * Migrations run at once, each in its own transaction.
 */
export async function openDatabase(dir: string | undefined, migrations: readonly Migration[] = MIGRATIONS): Promise<Database> {
  const db = await PGlite.create({ dataDir: dir, extensions: { vector } });
  try {
    await migrate(db, migrations);
  } catch (error) {
    await db.close();
    throw error;
  }
  return db;
}

/** Applies every migration newer than the database's version, in order. */
export async function migrate(db: Database, migrations: readonly Migration[]): Promise<number[]> {
  await db.exec(`create table if not exists schema_migrations (
    version integer primary key, name text not null, applied_at timestamptz not null default now())`);
  const { rows } = await db.query<{ version: number }>('select version from schema_migrations');
  const applied = new Set(rows.map((r) => r.version));
  const ran: number[] = [];
  for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
    if (applied.has(m.version)) continue;
    await db.transaction(async (tx) => {
      await tx.exec(m.sql);
      await tx.query('insert into schema_migrations (version, name) values ($1, $2)', [m.version, m.name]);
    });
    ran.push(m.version);
  }
  return ran;
}
