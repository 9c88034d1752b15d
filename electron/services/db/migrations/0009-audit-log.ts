/**
 * The audit log of outbound transfers: one immutable row per request the app sent off the machine
 * (chain RPC, validator, faucet, model download, review-room signaling and peers). An institution
 * shows from it what left and when, so a trigger refuses updates and deletes even against a bug
 * in the app. The content itself is not kept, only its sha256 and size: the log must not become a
 * second copy of what it audits.
 */
export const MIGRATION_0009 = {
  version: 9,
  name: 'audit-log',
  sql: `
    create table audit_log (
      id bigint generated always as identity primary key,
      at timestamptz not null default now(),
      source text not null check (source in ('host', 'renderer')),
      channel text not null check (channel in ('chain-rpc', 'validator', 'faucet', 'model-download', 'review-signaling', 'review-peer')),
      endpoint text not null,
      what text not null,
      bytes bigint not null check (bytes >= 0),
      content_sha256 text not null check (content_sha256 ~ '^[0-9a-f]{64}$')
    );
    create index audit_log_at on audit_log (at);
    create index audit_log_channel on audit_log (channel, at);

    create function audit_log_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'the audit log is append-only';
    end $$;
    create trigger audit_log_no_change before update or delete on audit_log
      for each row execute function audit_log_append_only();
  `,
} as const;
