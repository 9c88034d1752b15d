/**
 * Shared Datanets: a local Datanet that follows one published in a network's Datanet registry
 * (devnet/README.md, Datanet registry and governance). The registry is the authority; these rows
 * are what the app last read from it, so it keeps working on the last known policy offline.
 *
 * - `shared_datanets`: one row per local Datanet that follows an on-chain one, keyed by the
 *   network (chain id + registry address) and the on-chain id. A Datanet is followed at most
 *   once per network, so a second join cannot make a twin whose quota and standing split.
 * - `shared_datanet_policy_versions`: which local policy version (datanet_policy_versions) holds
 *   each on-chain policy version, with the document hash it was verified against.
 * - `policy_documents`: verified policy documents by hash (the proposals' diffs, offline).
 */
export const MIGRATION_0011 = {
  version: 11,
  name: 'shared-datanets',
  sql: `
    create table shared_datanets (
      datanet_id text primary key references datanets (id) on delete cascade,
      chain_id bigint not null check (chain_id > 0),
      registry text not null check (registry ~ '^0x[0-9a-f]{40}$'),
      onchain_id text not null check (onchain_id ~ '^0x[0-9a-f]{64}$'),
      data_type text not null check (data_type in ('text', 'table', 'image', 'audio')),
      account text not null check (account ~ '^0x[0-9a-f]{40}$'),
      role text not null check (role in ('none', 'contributor', 'reviewer', 'curator', 'owner')),
      policy_version integer not null check (policy_version > 0),
      policy_hash text not null check (policy_hash ~ '^0x[0-9a-f]{64}$'),
      -- the on-chain version the user had before the newest one arrived; null once nothing is new
      previous_policy_version integer check (previous_policy_version > 0),
      last_known jsonb not null,
      synced_at timestamptz not null default now(),
      sync_error jsonb,
      sync_failed_at timestamptz,
      unique (chain_id, registry, onchain_id)
    );

    create table shared_datanet_policy_versions (
      datanet_id text not null references shared_datanets (datanet_id) on delete cascade,
      onchain_version integer not null check (onchain_version > 0),
      policy_hash text not null check (policy_hash ~ '^0x[0-9a-f]{64}$'),
      local_version integer not null,
      primary key (datanet_id, onchain_version),
      foreign key (datanet_id, local_version) references datanet_policy_versions (datanet_id, version) on delete cascade
    );

    create table policy_documents (
      hash text primary key check (hash ~ '^0x[0-9a-f]{64}$'),
      policy jsonb not null,
      stored_at timestamptz not null default now()
    );
  `,
} as const;
