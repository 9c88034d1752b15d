import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../../../electron/services/db/database';
import { MIGRATION_0001 } from '../../../../electron/services/db/migrations/0001-library';
import { MIGRATION_0002 } from '../../../../electron/services/db/migrations/0002-versions';
import { MIGRATION_0006 } from '../../../../electron/services/db/migrations/0006-anonymisation';

let db: Database;
const sha = (c: string) => c.repeat(64);

beforeAll(async () => {
  db = await openDatabase(undefined, [MIGRATION_0001, MIGRATION_0002, MIGRATION_0006]);
  await db.exec(`
    insert into datanets (id, name, policy, policy_version) values ('d', 'N', '{}', 1);
    insert into blobs (sha256, size) values ('${sha('a')}', 10);
    insert into items (id, datanet_id, sha256, name, relative_path, type, media_type, kind, size)
      values ('i', 'd', '${sha('a')}', 'n.txt', 'n.txt', 'txt', 'text/plain', 'text', 10);
  `);
});
afterAll(async () => {
  await db.close();
});

describe('0006 anonymisation', () => {
  it('stores detections, decisions, threshold and column policies per item, and drops them with the item', async () => {
    await db.exec(`
      insert into anonymise_reviews (item_id, min_confidence) values ('i', 0.5);
      insert into anonymise_detections (item_id, id, origin, type, start_offset, end_offset, confidence, reason, detector)
        values ('i', 'PERSON:0:4', 'detector', 'PERSON', 0, 4, 0.85, 'title', 'names');
      insert into anonymise_decisions (item_id, detection_id, decision, retyped_as) values ('i', 'PERSON:0:4', 'accepted', 'ORGANIZATION');
      insert into anonymise_column_policies (item_id, column_name, action, generalisation, is_quasi_identifier)
        values ('i', 'age', 'generalise', 'age_band', true);
    `);
    const { rows } = await db.query<{ confidence: number }>('select confidence from anonymise_detections where confidence >= 0.85');
    // double precision: a detection exactly at the threshold is shown (a float4 0.85 would fall below it)
    expect(rows).toHaveLength(1);
    for (const bad of [
      `insert into anonymise_detections (item_id, id, origin, type, start_offset, end_offset, confidence, reason, detector) values ('i', 'x', 'detector', 'PERSON', 4, 4, 0.5, '', '')`,
      `insert into anonymise_detections (item_id, id, origin, type, start_offset, end_offset, confidence, reason, detector) values ('i', 'y', 'model', 'PERSON', 0, 4, 0.5, '', '')`,
      `insert into anonymise_detections (item_id, id, origin, type, start_offset, end_offset, confidence, reason, detector) values ('i', 'z', 'detector', 'PERSON', 0, 4, 1.5, '', '')`,
      `insert into anonymise_decisions (item_id, detection_id, decision) values ('i', 'q', 'pending')`,
      `insert into anonymise_column_policies (item_id, column_name, action) values ('i', 'x', 'shuffle')`,
      `insert into anonymise_column_policies (item_id, column_name, action, generalisation) values ('i', 'y', 'generalise', 'zip5')`,
      `insert into anonymise_reviews (item_id, min_confidence) values ('i', 2)`,
    ]) {
      await expect(db.exec(bad)).rejects.toThrow();
    }
    await db.exec(`delete from items where id = 'i'`);
    const { rows: left } = await db.query<{ n: number }>(
      `select (select count(*) from anonymise_reviews) + (select count(*) from anonymise_detections)
        + (select count(*) from anonymise_decisions) + (select count(*) from anonymise_column_policies) as n`,
    );
    expect(Number(left[0]?.n)).toBe(0);
  });
});
