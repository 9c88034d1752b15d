import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { describeZodError } from '../../../shared/api/dispatcher';
import type { Datanet } from '../../../shared/api/datanets';
import { AppError } from '../../../shared/errors';
import {
  DATANET_EXPORT_FORMAT,
  DATANET_EXPORT_VERSION,
  datanetExportSchema,
  defaultPolicy,
  policySchema,
  type Policy,
} from '../../../shared/policy';
import type { Database } from '../db/database';

type DatanetRow = {
  id: string;
  name: string;
  domain: string;
  description: string;
  policy: unknown;
  policy_version: number;
  item_count: number;
  created_at: Date;
  updated_at: Date;
};

const SELECT = `select d.*, (select count(*)::int from items i where i.datanet_id = d.id) as item_count from datanets d`;

function toDatanet(row: DatanetRow): Datanet {
  return {
    id: row.id,
    name: row.name,
    domain: row.domain,
    description: row.description,
    policy: policySchema.parse(row.policy),
    policyVersion: row.policy_version,
    itemCount: row.item_count,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: string }).code === '23505';
}

function nameTaken(name: string): AppError {
  return new AppError('conflict', `A Datanet named "${name}" already exists; choose another name.`, { field: 'name' });
}

/** Datanets and their versioned policies. */
export class DatanetService {
  constructor(private readonly db: Database) {}

  /** All Datanets, by name. */
  async list(): Promise<Datanet[]> {
    const { rows } = await this.db.query<DatanetRow>(`${SELECT} order by lower(d.name)`);
    return rows.map(toDatanet);
  }

  /** One Datanet, or `not_found`. */
  async get(id: string): Promise<Datanet> {
    const { rows } = await this.db.query<DatanetRow>(`${SELECT} where d.id = $1`, [id]);
    const row = rows[0];
    if (!row) throw new AppError('not_found', 'That Datanet does not exist (it may have been deleted).', { id });
    return toDatanet(row);
  }

  /** Creates a Datanet with policy version 1. */
  async create(fields: { name: string; domain: string; description: string; policy?: Policy }): Promise<Datanet> {
    const id = randomUUID();
    const policy = fields.policy ?? defaultPolicy();
    try {
      await this.db.transaction(async (tx) => {
        await tx.query(`insert into datanets (id, name, domain, description, policy, policy_version) values ($1, $2, $3, $4, $5, 1)`, [
          id,
          fields.name,
          fields.domain,
          fields.description,
          JSON.stringify(policy),
        ]);
        await tx.query(`insert into datanet_policy_versions (datanet_id, version, policy) values ($1, 1, $2)`, [
          id,
          JSON.stringify(policy),
        ]);
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw nameTaken(fields.name);
      throw error;
    }
    return this.get(id);
  }

  /** Edits fields; a policy that differs from the current one becomes the next version. */
  async update(change: { id: string; name?: string; domain?: string; description?: string; policy?: Policy }): Promise<Datanet> {
    const current = await this.get(change.id);
    const policyChanged = change.policy !== undefined && JSON.stringify(change.policy) !== JSON.stringify(current.policy);
    if (policyChanged) {
      const shared = await this.db.query('select 1 from shared_datanets where datanet_id = $1', [change.id]);
      // A shared Datanet's policy is the chain's; a local edit would diverge from what the validator enforces.
      if (shared.rows.length > 0) {
        throw new AppError('conflict', "This Datanet's policy is set by its on-chain governance: propose the change instead.", {
          field: 'policy',
        });
      }
    }
    const nextVersion = policyChanged ? current.policyVersion + 1 : current.policyVersion;
    try {
      await this.db.transaction(async (tx) => {
        await tx.query(
          `update datanets set name = $2, domain = $3, description = $4, policy = $5, policy_version = $6, updated_at = now()
           where id = $1`,
          [
            change.id,
            change.name ?? current.name,
            change.domain ?? current.domain,
            change.description ?? current.description,
            JSON.stringify(policyChanged ? change.policy : current.policy),
            nextVersion,
          ],
        );
        if (policyChanged) {
          await tx.query(`insert into datanet_policy_versions (datanet_id, version, policy) values ($1, $2, $3)`, [
            change.id,
            nextVersion,
            JSON.stringify(change.policy),
          ]);
        }
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw nameTaken(change.name ?? current.name);
      throw error;
    }
    return this.get(change.id);
  }

  /** Deletes a Datanet that holds no items. */
  async remove(id: string): Promise<{ id: string }> {
    const datanet = await this.get(id);
    if (datanet.itemCount > 0) {
      throw new AppError('conflict', `"${datanet.name}" still holds ${datanet.itemCount} item(s); remove them first.`, {
        itemCount: datanet.itemCount,
      });
    }
    await this.db.query('delete from datanets where id = $1', [id]);
    return { id };
  }

  /** Every policy version, newest first. */
  async policyHistory(id: string): Promise<{ version: number; policy: Policy; createdAt: string }[]> {
    await this.get(id);
    const { rows } = await this.db.query<{ version: number; policy: unknown; created_at: Date }>(
      'select version, policy, created_at from datanet_policy_versions where datanet_id = $1 order by version desc',
      [id],
    );
    return rows.map((r) => ({ version: r.version, policy: policySchema.parse(r.policy), createdAt: r.created_at.toISOString() }));
  }

  /** The Datanet and its current policy as a portable JSON document. */
  async exportJson(id: string): Promise<{ fileName: string; json: string }> {
    const d = await this.get(id);
    const doc = {
      format: DATANET_EXPORT_FORMAT,
      version: DATANET_EXPORT_VERSION,
      datanet: { name: d.name, domain: d.domain, description: d.description },
      policy: d.policy,
      policyVersion: d.policyVersion,
      exportedAt: new Date().toISOString(),
    };
    const slug =
      d.name
        .toLowerCase()
        .replace(/[^\p{L}\p{N}]+/gu, '-')
        .replace(/^-+|-+$/g, '') || 'datanet';
    return { fileName: `${slug}.datanet.json`, json: `${JSON.stringify(doc, null, 2)}\n` };
  }

  /** Creates a Datanet from an exported document; `name` overrides the document's name. */
  async importJson(json: string, name?: string): Promise<Datanet> {
    let raw: unknown;
    try {
      raw = JSON.parse(json);
    } catch {
      throw new AppError('invalid_policy', 'That file is not JSON; choose a file exported by Datanet Desk.');
    }
    const parsed = datanetExportSchema.safeParse(raw);
    if (!parsed.success) {
      throw new AppError('invalid_policy', `That Datanet file is not valid: ${describeZodError(parsed.error)}.`);
    }
    const fields = parsed.data.datanet;
    const finalName = name === undefined ? fields.name : z.string().trim().min(1).max(120).parse(name);
    return this.create({ ...fields, name: finalName, policy: parsed.data.policy });
  }
}
