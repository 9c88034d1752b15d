/**
 * Derived versions of an item (anonymised, DP-noised). The original is never modified: each
 * version stores its content as a blob by sha256, with the report or DP parameters that produced
 * it, which later go into the submission manifest.
 */
export const MIGRATION_0002 = {
  version: 2,
  name: 'versions',
  sql: `
    create table item_versions (
      id text primary key,
      item_id text not null references items (id) on delete cascade,
      parent_version_id text references item_versions (id),
      kind text not null check (kind in ('anonymised', 'dp')),
      content_sha256 text not null references blobs (sha256) on delete restrict,
      content_kind text not null check (content_kind in ('text', 'table')),
      size bigint not null,
      report jsonb,
      report_hash text,
      dp_parameters jsonb,
      created_at timestamptz not null default now()
    );
    create index item_versions_item on item_versions (item_id, created_at desc);
    alter table items add column current_version_id text references item_versions (id) on delete set null;
  `,
} as const;
