import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../../../electron/services/db/database';
import { DatanetService } from '../../../../electron/services/datanets/datanet-service';
import { defaultPolicy } from '../../../../shared/policy';

let db: Database;
let service: DatanetService;

beforeAll(async () => {
  db = await openDatabase(undefined);
  service = new DatanetService(db);
});
afterAll(async () => {
  await db.close();
});

describe('DatanetService', () => {
  it('creates a Datanet with the seed defaults: 10 MB a day, 20 files per submission, anonymisation on', async () => {
    const d = await service.create({ name: 'Cardiology notes', domain: 'clinical', description: 'Discharge letters' });
    expect(d.policy.quota).toEqual({ bytesPerDay: 10_000_000, filesPerSubmission: 20, filesPerDay: null });
    expect(d.policy.anonymisation.required).toBe(true);
    expect(d.policyVersion).toBe(1);
    expect((await service.list()).map((x) => x.name)).toContain('Cardiology notes');
  });

  it('refuses a second Datanet with the same name, whatever its case', async () => {
    await service.create({ name: 'Case law', domain: '', description: '' });
    await expect(service.create({ name: 'CASE LAW', domain: '', description: '' })).rejects.toMatchObject({ code: 'conflict' });
  });

  it('versions the policy on each change and keeps the history', async () => {
    const d = await service.create({ name: 'Contracts', domain: 'legal', description: '' });
    const renamed = await service.update({ id: d.id, description: 'NDAs' });
    expect(renamed.policyVersion).toBe(1);
    const changed = await service.update({ id: d.id, policy: { ...d.policy, quota: { ...d.policy.quota, filesPerDay: 20 } } });
    expect(changed.policyVersion).toBe(2);
    expect(changed.policy.quota.filesPerDay).toBe(20);
    const history = await service.policyHistory(d.id);
    expect(history.map((h) => h.version)).toEqual([2, 1]);
    expect(history[1]?.policy.quota.filesPerDay).toBeNull();
  });

  it('exports and imports a Datanet as JSON, and refuses a bad document without storing anything', async () => {
    const d = await service.create({
      name: 'Filings',
      domain: 'finance',
      description: '10-K',
      policy: { ...defaultPolicy(), acceptedTypes: ['csv', 'jsonl'] },
    });
    const { fileName, json } = await service.exportJson(d.id);
    expect(fileName).toBe('filings.datanet.json');
    const copy = await service.importJson(json, 'Filings (copy)');
    expect(copy.policy).toEqual(d.policy);
    expect(copy.domain).toBe('finance');
    const before = (await service.list()).length;
    await expect(service.importJson('{not json')).rejects.toMatchObject({ code: 'invalid_policy' });
    const tampered = JSON.parse(json) as { policy: { quota: { bytesPerDay: number } } };
    tampered.policy.quota.bytesPerDay = -5;
    await expect(service.importJson(JSON.stringify(tampered), 'Tampered')).rejects.toMatchObject({ code: 'invalid_policy' });
    await expect(service.importJson(json)).rejects.toMatchObject({ code: 'conflict' });
    expect((await service.list()).length).toBe(before);
  });

  it('deletes an empty Datanet and reports not_found afterwards', async () => {
    const d = await service.create({ name: 'Scratch', domain: '', description: '' });
    await service.remove(d.id);
    await expect(service.get(d.id)).rejects.toMatchObject({ code: 'not_found' });
  });
});
