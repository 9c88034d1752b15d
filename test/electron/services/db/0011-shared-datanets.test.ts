import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../../../electron/services/db/database';
import { MIGRATION_0001 } from '../../../../electron/services/db/migrations/0001-library';
import { MIGRATION_0011 } from '../../../../electron/services/db/migrations/0011-shared-datanets';

let db: Database;
const ONCHAIN = `0x${'ab'.repeat(32)}`;
const HASH = `0x${'cd'.repeat(32)}`;
const REGISTRY = `0x${'a2'.repeat(20)}`;
const ACCOUNT = `0x${'34'.repeat(20)}`;

const link = (datanetId: string, onchainId = ONCHAIN, registry = REGISTRY) =>
  db.query(
    `insert into shared_datanets (datanet_id, chain_id, registry, onchain_id, data_type, account, role, policy_version, policy_hash, last_known)
     values ($1, 31337, $2, $3, 'text', $4, 'owner', 1, $5, '{}')`,
    [datanetId, registry, onchainId, ACCOUNT, HASH],
  );

beforeAll(async () => {
  db = await openDatabase(undefined, [MIGRATION_0001]);
  // A Datanet made before 0011 stays a draft: it has no link row.
  await db.query(`insert into datanets (id, name, policy, policy_version) values ('d1', 'D1', '{}', 1), ('d2', 'D2', '{}', 1)`);
  await db.query(`insert into datanet_policy_versions (datanet_id, version, policy) values ('d1', 1, '{}'), ('d2', 1, '{}')`);
  await db.exec(MIGRATION_0011.sql);
});
afterAll(async () => {
  await db.close();
});

describe('0011 shared datanets', () => {
  it('links a local Datanet to one on-chain id per network, in lower-case hex only', async () => {
    expect((await db.query('select * from shared_datanets')).rows).toEqual([]);
    await link('d1');
    await expect(link('d2')).rejects.toMatchObject({ code: '23505' });
    await expect(link('d2', ONCHAIN.toUpperCase().replace('0X', '0x'))).rejects.toThrow();
    await expect(link('d2', `0x${'ef'.repeat(32)}`, REGISTRY.toUpperCase().replace('0X', '0x'))).rejects.toThrow();
    await expect(link('nope', `0x${'ef'.repeat(32)}`)).rejects.toThrow();
    // The same on-chain id on another registry is another Datanet.
    await link('d2', ONCHAIN, `0x${'56'.repeat(20)}`);
  });

  it('maps on-chain policy versions to existing local versions, and forgets everything with the Datanet', async () => {
    await db.query(
      `insert into shared_datanet_policy_versions (datanet_id, onchain_version, policy_hash, local_version) values ('d1', 1, $1, 1)`,
      [HASH],
    );
    await expect(
      db.query(
        `insert into shared_datanet_policy_versions (datanet_id, onchain_version, policy_hash, local_version) values ('d1', 2, $1, 9)`,
        [HASH],
      ),
    ).rejects.toThrow();
    await db.query(`insert into policy_documents (hash, policy) values ($1, '{}')`, [HASH]);
    await expect(db.query(`insert into policy_documents (hash, policy) values ('0xnothex', '{}')`)).rejects.toThrow();
    await db.query(`delete from datanets where id = 'd1'`);
    expect((await db.query(`select * from shared_datanets where datanet_id = 'd1'`)).rows).toEqual([]);
    expect((await db.query('select * from shared_datanet_policy_versions')).rows).toEqual([]);
  });
});
