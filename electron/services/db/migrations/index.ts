import { MIGRATION_0001 } from './0001-library';
import { MIGRATION_0002 } from './0002-versions';

export type Migration = { version: number; name: string; sql: string };

/** Append-only: never edit a shipped migration, add the next number instead. */
export const MIGRATIONS: readonly Migration[] = [MIGRATION_0001, MIGRATION_0002];
