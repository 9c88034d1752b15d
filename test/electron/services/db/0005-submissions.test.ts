import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../../../electron/services/db/database';
import { MIGRATION_0001 } from '../../../../electron/services/db/migrations/0001-library';
import { MIGRATION_0002 } from '../../../../electron/services/db/migrations/0002-versions';
import { MIGRATION_0003 } from '../../../../electron/services/db/migrations/0003-dp-ledger';
import { MIGRATION_0005 } from '../../../../electron/services/db/migrations/0005-submissions';

let db: Database;
const hash = (c: string) => `0x${c.repeat(64)}`;

async function insertSubmission(id: string, manifestHash: string, status = 'queued'): Promise<void> {
  await db.query(
    `insert into submissions (id, manifest_hash, datanet_id, contributor, status, network, manifest, datanet, quota_day, file_count, total_bytes)
     values ($1, $2, 'd', '0xabc', $3, '{}', '{}', '{}', '2026-03-10', 1, 10)`,
    [id, manifestHash, status],
  );
}

beforeAll(async () => {
  // 0005 depends on none of the embedding tables of 0004.
  db = await openDatabase(undefined, [MIGRATION_0001, MIGRATION_0002, MIGRATION_0003, MIGRATION_0005]);
});
afterAll(async () => {
  await db.close();
});

describe('0005 submissions', () => {
  it('keys submissions by manifest hash and allows only the known statuses', async () => {
    await insertSubmission('s1', hash('a'));
    await expect(insertSubmission('s2', hash('a'))).rejects.toThrow();
    await expect(insertSubmission('s3', hash('b'), 'sending')).rejects.toThrow();
    await expect(insertSubmission('s4', '0xABC')).rejects.toThrow();
    const { rows } = await db.query<{ status: string; attempts: number; reasons: unknown }>(
      `select status, attempts, reasons from submissions where id = 's1'`,
    );
    expect(rows[0]).toEqual({ status: 'queued', attempts: 0, reasons: [] });
  });

  it('keeps a submission’s files with it, and a batch’s signed transaction unique by hash', async () => {
    await db.query(
      `insert into submission_files (submission_id, position, item_id, name, content_sha256, bytes, type) values ('s1', 0, 'i', 'n.txt', $1, 10, 'txt')`,
      ['c'.repeat(64)],
    );
    await db.query(
      `insert into onchain_batches (id, chain_id, eas, sender, nonce, tx_hash, raw_tx, status) values ('b1', 31337, '0xe', '0xabc', 0, $1, '0x02', 'sent')`,
      [hash('d')],
    );
    await expect(
      db.query(
        `insert into onchain_batches (id, chain_id, eas, sender, nonce, tx_hash, raw_tx, status) values ('b2', 31337, '0xe', '0xabc', 0, $1, '0x02', 'sent')`,
        [hash('d')],
      ),
    ).rejects.toThrow();
    await db.query(`update submissions set batch_id = 'b1', batch_position = 0, status = 'sent' where id = 's1'`);
    await expect(db.query(`update submissions set batch_id = 'nope' where id = 's1'`)).rejects.toThrow();
    await db.exec(`update submissions set batch_id = null where id = 's1'; delete from submissions where id = 's1'`);
    const { rows } = await db.query<{ n: number }>('select count(*)::int as n from submission_files');
    expect(rows[0]?.n).toBe(0);
  });

  it('leaves the settings table of 0003 as it was', async () => {
    await db.query(`insert into app_settings (key, value) values ('network.profile', '{"name":"x"}')`);
    const { rows } = await db.query<{ value: unknown }>(`select value from app_settings where key = 'network.profile'`);
    expect(rows[0]?.value).toEqual({ name: 'x' });
  });
});
