import { createHash } from 'node:crypto';
import type { AuditChannel, AuditEntry, AuditFilter, RendererTransfer } from '../../../shared/api/audit';
import { AUDIT_EXPORT_MAX_ROWS } from '../../../shared/api/audit';
import { AppError } from '../../../shared/errors';
import type { Database } from '../db/database';

/** One request about to leave the machine, as a host-side service sees it. */
export type OutboundTransfer = {
  channel: AuditChannel;
  /** The full URL; only scheme, host, port and path are kept. */
  url: string;
  what: string;
  /** The exact bytes sent (a request body, or the request line when there is none). */
  body: Uint8Array | string;
};

/** What a sender needs: record first, then send (see AuditLog.recordOutbound). */
export type OutboundRecorder = { recordOutbound(transfer: OutboundTransfer): Promise<void> };

/**
 * A decision that lets bytes leave later: the contributor allowed (or withdrew) sending an item's
 * original, un-anonymised bytes to a Datanet. Recorded as channel `consent`, endpoint
 * `consent:share-original/<datanetId>/<itemId>`, and the sha256 and size of that original.
 */
export type ConsentRecord = {
  kind: 'share-original' | 'unshare-original';
  datanetId: string;
  datanetName: string;
  itemId: string;
  itemName: string;
  /** The original's sha256 (bare lower-case hex) and size. */
  sha256: string;
  bytes: number;
};

/** Runs one statement: the database or an open transaction, so a consent commits with what it allows. */
type Queryable = Pick<Database, 'query'>;

type Row = {
  id: number;
  at: Date;
  source: 'host' | 'renderer';
  channel: AuditChannel;
  endpoint: string;
  what: string;
  bytes: string | number;
  content_sha256: string;
};

/**
 * Scheme, host, port and path of a URL. Query strings and user info are dropped: an RPC URL may
 * carry an API key there, and the log is exported to people who must not get it.
 */
export function auditEndpoint(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    return url.replace(/[?#].*$/, '').slice(0, 2_000);
  }
}

export function sha256Hex(body: Uint8Array | string): string {
  return createHash('sha256').update(body).digest('hex');
}

function byteLength(body: Uint8Array | string): number {
  return typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
}

function toEntry(row: Row): AuditEntry {
  return {
    id: Number(row.id),
    at: row.at.toISOString(),
    source: row.source,
    channel: row.channel,
    endpoint: row.endpoint,
    what: row.what,
    bytes: Number(row.bytes),
    contentSha256: row.content_sha256,
  };
}

function where(filter: AuditFilter, beforeId?: number): { sql: string; params: unknown[] } {
  const clauses: string[] = [];
  const params: unknown[] = [];
  const add = (clause: string, value: unknown) => {
    params.push(value);
    clauses.push(clause.replace('?', `$${params.length}`));
  };
  if (filter.channel) add('channel = ?', filter.channel);
  if (filter.source) add('source = ?', filter.source);
  if (filter.from) add('at >= ?', new Date(filter.from));
  if (filter.to) add('at < ?', new Date(filter.to));
  if (filter.text) {
    params.push(`%${filter.text.replace(/[\\%_]/g, '\\$&')}%`);
    clauses.push(`(endpoint ilike $${params.length} or what ilike $${params.length})`);
  }
  if (beforeId !== undefined) add('id < ?', beforeId);
  return { sql: clauses.length ? `where ${clauses.join(' and ')}` : '', params };
}

function csvCell(value: string | number): string {
  const text = String(value);
  // A leading = + - @ would run as a formula in a spreadsheet (CSV injection): quote and prefix it.
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n']/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

const CSV_COLUMNS = ['id', 'at', 'source', 'channel', 'endpoint', 'what', 'bytes', 'contentSha256'] as const;

/**
 * The app's record of every outbound transfer. Senders call {@link recordOutbound} before the
 * bytes go out and do not send when it fails: an institution's claim "this is everything that
 * left" holds only if nothing can leave unrecorded.
 */
export class AuditLog implements OutboundRecorder {
  constructor(private readonly db: Database) {}

  /** Records a host-side transfer (hash and size of the exact bytes); throws `unavailable` when it cannot. */
  async recordOutbound(transfer: OutboundTransfer): Promise<void> {
    try {
      await this.db.query(
        `insert into audit_log (source, channel, endpoint, what, bytes, content_sha256) values ('host', $1, $2, $3, $4, $5)`,
        [transfer.channel, auditEndpoint(transfer.url), transfer.what.slice(0, 200), byteLength(transfer.body), sha256Hex(transfer.body)],
      );
    } catch (error) {
      throw new AppError('unavailable', `Not sent: the audit log could not record it (${(error as Error).message}).`);
    }
  }

  /** Records a consent decision; pass the transaction that stores the decision so both commit or neither. */
  async recordConsent(consent: ConsentRecord, tx: Queryable = this.db): Promise<void> {
    const verb = consent.kind === 'share-original' ? 'share original' : 'stop sharing original';
    await tx.query(
      `insert into audit_log (source, channel, endpoint, what, bytes, content_sha256) values ('host', 'consent', $1, $2, $3, $4)`,
      [
        `consent:${consent.kind}/${consent.datanetId}/${consent.itemId}`,
        `${verb}: "${consent.itemName}" with Datanet "${consent.datanetName}"`.slice(0, 200),
        consent.bytes,
        consent.sha256.toLowerCase().replace(/^0x/, ''),
      ],
    );
  }

  /** Records transfers the renderer made itself (validated by the contract), in one transaction. */
  async recordFromRenderer(transfers: readonly RendererTransfer[]): Promise<{ recorded: number }> {
    await this.db.transaction(async (tx) => {
      for (const t of transfers) {
        await tx.query(
          `insert into audit_log (source, channel, endpoint, what, bytes, content_sha256) values ('renderer', $1, $2, $3, $4, $5)`,
          [t.channel, auditEndpoint(t.endpoint), t.what, t.bytes, t.contentSha256],
        );
      }
    });
    return { recorded: transfers.length };
  }

  /** Entries newest first, with the count of every match. */
  async list(filter: AuditFilter & { limit: number; beforeId?: number }): Promise<{ entries: AuditEntry[]; total: number }> {
    const { limit, beforeId, ...rest } = filter;
    const all = where(rest);
    const page = where(rest, beforeId);
    const { rows } = await this.db.query<Row>(`select * from audit_log ${page.sql} order by id desc limit $${page.params.length + 1}`, [
      ...page.params,
      limit,
    ]);
    const count = await this.db.query<{ n: number }>(`select count(*)::int as n from audit_log ${all.sql}`, all.params);
    return { entries: rows.map(toEntry), total: count.rows[0]?.n ?? 0 };
  }

  /** The filtered log, oldest first, as CSV (RFC 4180, formula-safe) or JSON. */
  async export(
    filter: AuditFilter & { format: 'csv' | 'json' },
  ): Promise<{ fileName: string; mimeType: string; content: string; count: number }> {
    const { format, ...rest } = filter;
    const w = where(rest);
    const { rows } = await this.db.query<Row>(
      `select * from audit_log ${w.sql} order by id asc limit ${AUDIT_EXPORT_MAX_ROWS + 1}`,
      w.params,
    );
    if (rows.length > AUDIT_EXPORT_MAX_ROWS) {
      throw new AppError('invalid_input', `More than ${AUDIT_EXPORT_MAX_ROWS} entries match: narrow the dates and export in parts.`);
    }
    const entries = rows.map(toEntry);
    const stamp = new Date().toISOString().slice(0, 10);
    if (format === 'json') {
      return {
        fileName: `datanet-desk-audit-${stamp}.json`,
        mimeType: 'application/json',
        content: `${JSON.stringify({ exportedAt: new Date().toISOString(), filter: rest, entries }, null, 2)}\n`,
        count: entries.length,
      };
    }
    const lines = [CSV_COLUMNS.join(','), ...entries.map((e) => CSV_COLUMNS.map((c) => csvCell(e[c])).join(','))];
    return {
      fileName: `datanet-desk-audit-${stamp}.csv`,
      mimeType: 'text/csv',
      content: `${lines.join('\r\n')}\r\n`,
      count: entries.length,
    };
  }
}
