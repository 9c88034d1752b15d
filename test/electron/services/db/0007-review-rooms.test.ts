import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../../../electron/services/db/database';
import { MIGRATION_0001 } from '../../../../electron/services/db/migrations/0001-library';
import { MIGRATION_0007 } from '../../../../electron/services/db/migrations/0007-review-rooms';

let db: Database;

beforeAll(async () => {
  db = await openDatabase(undefined, [MIGRATION_0001, MIGRATION_0007]);
  await db.exec(`insert into datanets (id, name, policy, policy_version) values ('d', 'N', '{}', 1)`);
});
afterAll(async () => {
  await db.close();
});

describe('0007 review rooms', () => {
  it('keeps a room and its ordered updates, one room per network name, and drops them with the Datanet', async () => {
    await db.exec(`insert into review_rooms (id, datanet_id, room_name, title, password) values ('r', 'd', 'room-1', 'R', 'pw')`);
    await db.query('insert into review_room_updates (room_id, seq, update) values ($1, 1, $2), ($1, 2, $3)', [
      'r',
      new Uint8Array([1, 2]),
      new Uint8Array([3]),
    ]);
    await expect(
      db.query('insert into review_room_updates (room_id, seq, update) values ($1, 2, $2)', ['r', new Uint8Array([9])]),
    ).rejects.toThrow();
    await expect(
      db.exec(`insert into review_rooms (id, datanet_id, room_name, title, password) values ('r2', 'd', 'room-1', 'R', 'pw')`),
    ).rejects.toThrow();
    const { rows } = await db.query<{ update: Uint8Array }>(`select update from review_room_updates where room_id = 'r' order by seq`);
    expect(rows.map((r) => [...r.update])).toEqual([[1, 2], [3]]);
    await db.exec(`delete from datanets where id = 'd'`);
    const left = await db.query<{ n: number }>(
      'select (select count(*) from review_rooms)::int + (select count(*) from review_room_updates)::int as n',
    );
    expect(left.rows[0]?.n).toBe(0);
  });
});
