/**
 * Submissions: the durable queue that turns curated items into a signed, attested provenance
 * record. A submission row is keyed by its manifest hash (idempotency); its status only moves
 * forward (queued → signed → attested_offchain → sent → attested_onchain → accepted | rejected),
 * except that a failed or dropped transaction sends it back to attested_offchain.
 *
 * No foreign keys to items or Datanets on purpose: what was submitted is a record that outlives
 * the library entries it came from. On-chain batches hold the signed raw transaction so that a
 * restart rebroadcasts the same transaction (same nonce) instead of attesting twice.
 */
export const MIGRATION_0005 = {
  version: 5,
  name: 'submissions',
  sql: `
    create table if not exists app_settings (
      key text primary key,
      value jsonb not null,
      updated_at timestamptz not null default now()
    );

    create table onchain_batches (
      id text primary key,
      chain_id integer not null,
      eas text not null,
      sender text not null,
      nonce integer not null check (nonce >= 0),
      tx_hash text not null unique,
      raw_tx text not null,
      status text not null check (status in ('sent', 'mined', 'failed')),
      gas_used text,
      block_number integer,
      error text,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );

    create table submissions (
      id text primary key,
      manifest_hash text not null unique check (manifest_hash ~ '^0x[0-9a-f]{64}$'),
      datanet_id text not null,
      contributor text not null,
      status text not null check (status in
        ('queued', 'signed', 'attested_offchain', 'sent', 'attested_onchain', 'accepted', 'rejected')),
      network jsonb not null,
      manifest jsonb not null,
      datanet jsonb not null,
      signature text,
      offchain jsonb,
      offchain_uid text,
      batch_id text references onchain_batches (id),
      batch_position integer,
      onchain_uid text,
      is_onchain_skipped boolean not null default false,
      verdict jsonb,
      reasons jsonb not null default '[]',
      attempts integer not null default 0,
      next_attempt_at timestamptz,
      last_error jsonb,
      quota_day text not null,
      file_count integer not null,
      total_bytes bigint not null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create index submissions_datanet on submissions (datanet_id, created_at desc);
    create index submissions_status on submissions (status, next_attempt_at);
    create index submissions_quota on submissions (datanet_id, contributor, quota_day);

    create table submission_files (
      submission_id text not null references submissions (id) on delete cascade,
      position integer not null,
      item_id text not null,
      version_id text,
      name text not null,
      content_sha256 text not null check (content_sha256 ~ '^[0-9a-f]{64}$'),
      bytes bigint not null,
      type text not null,
      primary key (submission_id, position)
    );
    create index submission_files_content on submission_files (content_sha256);
  `,
} as const;
