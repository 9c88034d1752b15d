/**
 * Rewards index: what the chain says about the contributor, copied into PGlite so the dashboard
 * works offline and says how fresh it is. Rows are scoped by network and address (`scope`), so a
 * second wallet or network keeps an index of its own.
 *
 * Every event row carries its block number: after a reorganisation everything above the fork
 * block is deleted and read again. `rewards_blocks` keeps the hashes of the last indexed blocks
 * that detection compares with the chain. Amounts and scores are uint256 as decimal text
 * (`numeric` casts are used only for sums).
 */
export const MIGRATION_0008 = {
  version: 8,
  name: 'rewards',
  sql: `
    create table rewards_cursors (
      scope text primary key,
      chain_id integer not null,
      contributor text not null,
      start_block integer not null check (start_block >= 0),
      last_block integer,
      last_block_hash text,
      last_block_time timestamptz,
      head_block integer,
      synced_at timestamptz,
      balance text check (balance ~ '^[0-9]+$'),
      balance_at timestamptz
    );

    create table rewards_blocks (
      scope text not null references rewards_cursors (scope) on delete cascade,
      number integer not null,
      hash text not null check (hash ~ '^0x[0-9a-f]{64}$'),
      primary key (scope, number)
    );

    create table rewards_verdicts (
      scope text not null references rewards_cursors (scope) on delete cascade,
      uid text not null check (uid ~ '^0x[0-9a-f]{64}$'),
      block_number integer not null,
      log_index integer not null,
      tx_hash text not null,
      block_time timestamptz not null,
      attester text not null,
      ref_uid text not null,
      is_accepted boolean not null,
      score integer not null,
      reason_code text not null,
      manifest_hash text not null check (manifest_hash ~ '^0x[0-9a-f]{64}$'),
      contribution_uid text not null,
      primary key (scope, uid)
    );
    create index rewards_verdicts_block on rewards_verdicts (scope, block_number);
    create index rewards_verdicts_manifest on rewards_verdicts (scope, manifest_hash);

    create table rewards_files (
      scope text not null references rewards_cursors (scope) on delete cascade,
      block_number integer not null,
      log_index integer not null,
      tx_hash text not null,
      block_time timestamptz not null,
      epoch integer not null,
      datanet_key text not null,
      content_hash text not null check (content_hash ~ '^0x[0-9a-f]{64}$'),
      score text not null check (score ~ '^[0-9]+$'),
      amount text not null check (amount ~ '^[0-9]+$'),
      primary key (scope, block_number, log_index)
    );
    create index rewards_files_content on rewards_files (scope, content_hash);

    create table rewards_epochs (
      scope text not null references rewards_cursors (scope) on delete cascade,
      block_number integer not null,
      log_index integer not null,
      tx_hash text not null,
      block_time timestamptz not null,
      epoch integer not null,
      budget text not null,
      total_score text not null,
      total_paid text not null,
      file_count integer not null,
      primary key (scope, block_number, log_index)
    );
  `,
};
