/** Datanets with versioned policies, content-addressed originals, and imported items. */
export const MIGRATION_0001 = {
  version: 1,
  name: 'library',
  sql: `
    create extension if not exists vector;

    create table datanets (
      id text primary key,
      name text not null,
      domain text not null default '',
      description text not null default '',
      policy jsonb not null,
      policy_version integer not null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create unique index datanets_name_key on datanets (lower(name));

    create table datanet_policy_versions (
      datanet_id text not null references datanets (id) on delete cascade,
      version integer not null,
      policy jsonb not null,
      created_at timestamptz not null default now(),
      primary key (datanet_id, version)
    );

    -- One row per stored original (files live under blobs/ named by their sha256).
    create table blobs (
      sha256 text primary key check (sha256 ~ '^[0-9a-f]{64}$'),
      size bigint not null check (size >= 0),
      created_at timestamptz not null default now()
    );

    create table items (
      id text primary key,
      datanet_id text not null references datanets (id) on delete restrict,
      sha256 text not null references blobs (sha256) on delete restrict,
      name text not null,
      relative_path text not null,
      type text not null,
      media_type text not null,
      kind text not null check (kind in ('text', 'table')),
      size bigint not null,
      status text not null default 'imported',
      -- The full extracted text lives in the text store (a derived file per original); the
      -- database keeps its length and a preview, so large documents do not bloat the WAL.
      text_preview text,
      text_length integer,
      pages integer,
      table_columns jsonb,
      table_preview jsonb,
      row_count integer,
      created_at timestamptz not null default now(),
      -- Re-importing the same bytes into a Datanet is a duplicate, not a second item.
      unique (datanet_id, sha256)
    );
    create index items_datanet_created on items (datanet_id, created_at desc);
  `,
} as const;
