import { MIGRATION_0001 } from './0001-library';
import { MIGRATION_0002 } from './0002-versions';
import { MIGRATION_0003 } from './0003-dp-ledger';
import { MIGRATION_0004 } from './0004-embeddings';
import { MIGRATION_0005 } from './0005-submissions';
import { MIGRATION_0006 } from './0006-anonymisation';
import { MIGRATION_0007 } from './0007-review-rooms';
import { MIGRATION_0008 } from './0008-rewards';
import { MIGRATION_0009 } from './0009-audit-log';
import { MIGRATION_0010 } from './0010-share-original';
import { MIGRATION_0011 } from './0011-shared-datanets';

export type Migration = { version: number; name: string; sql: string };

/** Append-only: never edit a shipped migration, add the next number instead. */
export const MIGRATIONS: readonly Migration[] = [
  MIGRATION_0001,
  MIGRATION_0002,
  MIGRATION_0003,
  MIGRATION_0004,
  MIGRATION_0005,
  MIGRATION_0006,
  MIGRATION_0007,
  MIGRATION_0008,
  MIGRATION_0009,
  MIGRATION_0010,
  MIGRATION_0011,
];
