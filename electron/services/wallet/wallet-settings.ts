import type { WalletSettings } from '../../../shared/api/wallet';
import { DEFAULT_WALLET_SETTINGS, walletSettingsSchema } from '../../../shared/api/wallet';
import type { Database } from '../db/database';

const SETTINGS_KEY = 'wallet.settings';

/** The wallet's settings (idle lock, fee caps), one row of app_settings; defaults until changed. */
export class WalletSettingsStore {
  constructor(private readonly db: Database) {}

  /** The stored settings over the defaults; a row that no longer parses counts as the defaults. */
  async get(): Promise<WalletSettings> {
    const { rows } = await this.db.query<{ value: unknown }>('select value from app_settings where key = $1', [SETTINGS_KEY]);
    const parsed = walletSettingsSchema.safeParse({ ...DEFAULT_WALLET_SETTINGS, ...(rows[0]?.value as object | undefined) });
    return parsed.success ? parsed.data : { ...DEFAULT_WALLET_SETTINGS };
  }

  /** Merges `patch` into the settings; validated whole before anything is stored. */
  async update(patch: Partial<WalletSettings>): Promise<WalletSettings> {
    const next = walletSettingsSchema.parse({ ...(await this.get()), ...patch });
    await this.db.query(
      `insert into app_settings (key, value) values ($1, $2) on conflict (key) do update set value = excluded.value, updated_at = now()`,
      [SETTINGS_KEY, JSON.stringify(next)],
    );
    return next;
  }
}
