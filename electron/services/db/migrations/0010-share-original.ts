/**
 * Consent to send an item's original (un-anonymised) bytes to its Datanet. Without a row here the
 * original never leaves, even where the policy does not require anonymisation: the row is the
 * contributor's explicit "share original". It names the exact original (sha256) it was given for,
 * so it cannot silently extend to other content. Undo deletes the row; each mark and unmark is
 * also an append-only `consent` entry in the audit log, so the log shows what was consented to
 * and when even after the row is gone.
 */
export const MIGRATION_0010 = {
  version: 10,
  name: 'share-original',
  sql: `
    create table item_original_shares (
      item_id text primary key references items (id) on delete cascade,
      datanet_id text not null references datanets (id) on delete cascade,
      sha256 text not null check (sha256 ~ '^[0-9a-f]{64}$'),
      marked_at timestamptz not null default now()
    );

    alter table audit_log drop constraint audit_log_channel_check;
    alter table audit_log add constraint audit_log_channel_check
      check (channel in ('chain-rpc', 'validator', 'faucet', 'model-download', 'review-signaling', 'review-peer', 'consent'));
  `,
} as const;
