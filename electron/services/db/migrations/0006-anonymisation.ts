/**
 * Anonymisation review of an item: the detections proposed (and the spans a reviewer added),
 * the reviewer's decisions, the item's confidence threshold, and for tables the per-column
 * detection summary and column policies. Decisions are kept apart from detections so that
 * running detection again (new detector version) replaces the proposals but keeps every
 * decision on a span that is proposed again (same id = same span and type). Offsets are UTF-16
 * code units, as the renderer and the shared core count them.
 */
export const MIGRATION_0006 = {
  version: 6,
  name: 'anonymisation',
  sql: `
    create table anonymise_reviews (
      item_id text primary key references items (id) on delete cascade,
      -- null: the Datanet policy's threshold
      min_confidence double precision check (min_confidence between 0 and 1),
      -- sha256 of the text (or table) the detections were computed over
      source_sha256 text,
      detectors jsonb not null default '{}',
      -- tables: [{column, index, types: [{type, count}], detectedCells, sampleCount}]
      column_stats jsonb,
      row_count integer,
      detected_at timestamptz,
      updated_at timestamptz not null default now()
    );
    create table anonymise_detections (
      item_id text not null references items (id) on delete cascade,
      id text not null,
      origin text not null check (origin in ('detector', 'reviewer')),
      type text not null,
      start_offset integer not null check (start_offset >= 0),
      end_offset integer not null check (end_offset > start_offset),
      confidence double precision not null check (confidence between 0 and 1),
      reason text not null,
      detector text not null,
      primary key (item_id, id)
    );
    create index anonymise_detections_span on anonymise_detections (item_id, start_offset);
    create table anonymise_decisions (
      item_id text not null references items (id) on delete cascade,
      detection_id text not null,
      decision text not null check (decision in ('accepted', 'rejected')),
      retyped_as text,
      decided_at timestamptz not null default now(),
      primary key (item_id, detection_id)
    );
    create table anonymise_column_policies (
      item_id text not null references items (id) on delete cascade,
      column_name text not null,
      action text not null check (action in ('keep', 'drop', 'redact', 'mask', 'placeholder', 'pseudonym', 'generalise', 'spans')),
      generalisation text check (generalisation in ('age_band', 'zip3', 'date_year')),
      is_quasi_identifier boolean not null default false,
      primary key (item_id, column_name)
    );
  `,
} as const;
