import { z } from 'zod';
import { addressSchema, decimalStringSchema } from '../hex';
import { event, method } from './define';

/**
 * The contributor's wallet. The private key never crosses this contract: methods take a key or
 * phrase in (import) but only ever return addresses, balances and status. Signatures are made by
 * the services that need them (submissions), after the UI has shown what is signed.
 */

/** At least 8 characters: the keystore's scrypt slows guessing, it cannot save a trivial phrase. */
export const newPassphraseSchema = z.string().min(8, 'a passphrase needs at least 8 characters').max(1024);
export const passphraseSchema = z.string().min(1).max(1024);

export const privateKeyInputSchema = z
  .string()
  .trim()
  .regex(/^(0x)?[0-9a-fA-F]{64}$/, 'a private key is 32 bytes of hex');

export const KEY_VAULT_KINDS = ['keystore', 'os-keychain'] as const;

export const walletStatusSchema = z.object({
  hasWallet: z.boolean(),
  address: addressSchema.nullable(),
  isUnlocked: z.boolean(),
  /** `keystore`: an encrypted JSON keystore file opened with a passphrase; `os-keychain`: Electron safeStorage. */
  vault: z.enum(KEY_VAULT_KINDS),
  /** Whether opening the key needs a passphrase (keystore), so the UI knows to ask for one. */
  needsPassphrase: z.boolean(),
  /** Whether `DATANET_DESK_PASSPHRASE` is set for this host, so no prompt is needed. */
  hasEnvironmentPassphrase: z.boolean(),
  /** When the unlocked key is forgotten unless used before (ISO); null while locked. */
  unlockedUntil: z.string().nullable(),
  /** Minutes without a signature after which the unlocked key is forgotten (a wallet setting). */
  idleLockMinutes: z.number().int(),
});
export type WalletStatus = z.infer<typeof walletStatusSchema>;

const addressResult = z.object({ address: addressSchema });

/** A create or import that replaced a wallet says where the old key's encrypted backup went. */
const storedResult = z.object({ address: addressSchema, backupPath: z.string().optional() });

export const DEFAULT_IDLE_LOCK_MINUTES = 15;
/** 100 gwei: far above a quiet chain's fee, far below what a hostile RPC would ask to drain a wallet. */
export const DEFAULT_MAX_FEE_PER_GAS_GWEI = 100;
/** 0.01 ether per submission's share of its attestation transaction. */
export const DEFAULT_MAX_TOTAL_WEI_PER_SUBMISSION = '10000000000000000';

const weiSchema = z.string().regex(/^[1-9][0-9]{0,30}$/, 'a positive whole number of wei');

/** The user's own limits on the wallet: idle lock and fee caps (the Datanet's policy may only tighten the caps). */
export const walletSettingsSchema = z.object({
  idleLockMinutes: z
    .number()
    .int()
    .min(1)
    .max(24 * 60),
  /** Highest maxFeePerGas (gwei) signed; null: no cap of the user's own (the policy's still applies). */
  maxFeePerGasGwei: z.number().positive().max(1_000_000).nullable(),
  /** Highest gasLimit × maxFeePerGas (wei) one submission's share may cost; null: no cap of the user's own. */
  maxTotalWeiPerSubmission: weiSchema.nullable(),
});
export type WalletSettings = z.infer<typeof walletSettingsSchema>;

export const DEFAULT_WALLET_SETTINGS: WalletSettings = {
  idleLockMinutes: DEFAULT_IDLE_LOCK_MINUTES,
  maxFeePerGasGwei: DEFAULT_MAX_FEE_PER_GAS_GWEI,
  maxTotalWeiPerSubmission: DEFAULT_MAX_TOTAL_WEI_PER_SUBMISSION,
};

export const walletMethods = {
  'wallet.status': method(z.object({}).strict(), walletStatusSchema, 'Whether a wallet exists, its address, and whether it is unlocked.'),
  'wallet.create': method(
    z
      .object({
        passphrase: newPassphraseSchema.optional(),
        replace: z.boolean().default(false),
        /** The current wallet's passphrase: replacing a keystore wallet needs it (and backs the old key up first). */
        currentPassphrase: passphraseSchema.optional(),
      })
      .strict(),
    storedResult,
    'Create a new key, store it encrypted and keep it unlocked; replacing a wallet needs its passphrase and backs it up first.',
  ),
  'wallet.import': method(
    z
      .object({
        privateKey: privateKeyInputSchema.optional(),
        mnemonic: z.string().trim().min(1).max(1000).optional(),
        /** The account of a mnemonic: m/44'/60'/0'/0/{accountIndex}. */
        accountIndex: z.number().int().min(0).max(2_147_483_647).default(0),
        passphrase: newPassphraseSchema.optional(),
        replace: z.boolean().default(false),
        currentPassphrase: passphraseSchema.optional(),
      })
      .strict()
      .refine((v) => (v.privateKey === undefined) !== (v.mnemonic === undefined), 'give either privateKey or mnemonic'),
    storedResult,
    'Import a key (private key or mnemonic), store it encrypted and keep it unlocked.',
  ),
  'wallet.address': method(z.object({}).strict(), addressResult, 'The stored wallet address (readable while locked).'),
  'wallet.unlock': method(
    z.object({ passphrase: passphraseSchema.optional() }).strict(),
    addressResult,
    'Open the stored key with its passphrase and keep it in memory until locked or idle past the idle lock.',
  ),
  'wallet.settings': method(z.object({}).strict(), walletSettingsSchema, 'The idle lock and the fee caps of the wallet.'),
  'wallet.updateSettings': method(
    walletSettingsSchema.partial().strict(),
    walletSettingsSchema,
    'Change the idle lock or the fee caps (null removes a cap of your own).',
  ),
  'wallet.lock': method(z.object({}).strict(), walletStatusSchema, 'Forget the key held in memory.'),
  'wallet.balance': method(
    z.object({}).strict(),
    z.object({ address: addressSchema, chainId: z.number().int(), balanceWei: decimalStringSchema }),
    "The wallet's balance on the selected network.",
  ),
  'wallet.fund': method(
    z.object({}).strict(),
    z.object({ address: addressSchema, amountWei: decimalStringSchema, txHash: z.string() }),
    "Ask the selected network's faucet for test ether (devnet only).",
  ),
} as const;

export const walletEvents = {
  'wallet.changed': event(walletStatusSchema, 'The wallet was created, imported, unlocked or locked.'),
} as const;
