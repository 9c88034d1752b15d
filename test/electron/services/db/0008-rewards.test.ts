import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../../../electron/services/db/database';
import { MIGRATION_0008 } from '../../../../electron/services/db/migrations/0008-rewards';

let db: Database;
const hash = (c: string) => `0x${c.repeat(64)}`;

beforeAll(async () => {
  // The rewards index depends on no other table.
  db = await openDatabase(undefined, [MIGRATION_0008]);
  await db.query(`insert into rewards_cursors (scope, chain_id, contributor, start_block) values ('s', 31337, '0xabc', 1)`);
});
afterAll(async () => {
  await db.close();
});

const insertFile = (block: number, amount: string) =>
  db.query(
    `insert into rewards_files (scope, block_number, log_index, tx_hash, block_time, epoch, datanet_key, content_hash, score, amount)
     values ('s', $1, 0, $2, now(), 1, $2, $3, '3', $4)`,
    [block, hash('a'), hash('b'), amount],
  );

describe('0008 rewards', () => {
  it('keeps uint256 amounts exact as decimal text and sums them as numeric', async () => {
    const big = (2n ** 255n).toString();
    await insertFile(5, big);
    await insertFile(6, '1');
    await expect(insertFile(7, '-1')).rejects.toThrow();
    await expect(insertFile(5, '2')).rejects.toThrow(); // one row per log
    const { rows } = await db.query<{ total: string }>(`select sum(amount::numeric)::text as total from rewards_files where scope = 's'`);
    expect(rows[0]?.total).toBe((2n ** 255n + 1n).toString());
  });

  it('checks hashes, and a scope removed takes its blocks and events with it', async () => {
    await db.query(`insert into rewards_blocks (scope, number, hash) values ('s', 5, $1)`, [hash('c')]);
    await expect(db.query(`insert into rewards_blocks (scope, number, hash) values ('s', 6, '0xABC')`)).rejects.toThrow();
    await expect(db.query(`insert into rewards_blocks (scope, number, hash) values ('other', 6, $1)`, [hash('c')])).rejects.toThrow();
    await db.query(
      `insert into rewards_verdicts (scope, uid, block_number, log_index, tx_hash, block_time, attester, ref_uid, is_accepted, score, reason_code, manifest_hash, contribution_uid)
       values ('s', $1, 5, 1, $1, now(), '0xv', $2, true, 80, 'accepted', $1, $1)`,
      [hash('d'), hash('0')],
    );
    await db.query(`delete from rewards_cursors where scope = 's'`);
    for (const table of ['rewards_blocks', 'rewards_verdicts', 'rewards_files', 'rewards_epochs']) {
      const { rows } = await db.query<{ n: number }>(`select count(*)::int as n from ${table}`);
      expect(rows[0]?.n, table).toBe(0);
    }
  });
});
