/**
 * The privacy-budget ledger: one immutable row per DP application. No foreign key to items on
 * purpose: a spent budget stays spent when the item is deleted (re-importing the same data must
 * not reset it). Updates and deletes are refused by a trigger, so the ledger is append-only even
 * against a bug in the app.
 */
export const MIGRATION_0003 = {
  version: 3,
  name: 'dp-ledger',
  sql: `
    create table dp_ledger (
      id text primary key,
      created_at timestamptz not null default now(),
      contributor text not null,
      datanet_id text not null,
      dataset_sha256 text not null,
      item_id text not null,
      version_id text,
      operation text not null,
      mechanism text not null,
      epsilon double precision not null check (epsilon >= 0),
      delta double precision not null check (delta >= 0 and delta <= 1),
      rho double precision check (rho >= 0)
    );
    create index dp_ledger_dataset on dp_ledger (datanet_id, dataset_sha256);
    create index dp_ledger_contributor on dp_ledger (contributor);

    create function dp_ledger_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'the privacy-budget ledger is append-only';
    end $$;
    create trigger dp_ledger_no_change before update or delete on dp_ledger
      for each row execute function dp_ledger_append_only();

    create table app_settings (
      key text primary key,
      value jsonb not null,
      updated_at timestamptz not null default now()
    );
  `,
} as const;
