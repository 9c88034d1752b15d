/**
 * Review rooms: each room a Datanet's peer-to-peer Y.Doc, kept here as its Yjs updates in the
 * order they were stored (append-only, so a crash mid-write loses at most the update being
 * written; compaction replaces a prefix of updates by their merge in one transaction). The
 * password is the room's y-webrtc key: it stays on this machine and in the invitation.
 */
export const MIGRATION_0007 = {
  version: 7,
  name: 'review-rooms',
  sql: `
    create table review_rooms (
      id text primary key,
      datanet_id text not null references datanets (id) on delete cascade,
      room_name text not null unique,
      title text not null,
      password text not null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create index review_rooms_datanet on review_rooms (datanet_id, created_at);
    create table review_room_updates (
      room_id text not null references review_rooms (id) on delete cascade,
      seq bigint not null,
      update bytea not null,
      created_at timestamptz not null default now(),
      primary key (room_id, seq)
    );
  `,
} as const;
