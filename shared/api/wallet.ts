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
});
export type WalletStatus = z.infer<typeof walletStatusSchema>;

const addressResult = z.object({ address: addressSchema });

export const walletMethods = {
  'wallet.status': method(z.object({}).strict(), walletStatusSchema, 'Whether a wallet exists, its address, and whether it is unlocked.'),
  'wallet.create': method(
    z.object({ passphrase: newPassphraseSchema.optional(), replace: z.boolean().default(false) }).strict(),
    addressResult,
    'Create a new key, store it encrypted and keep it unlocked; refuses to replace a wallet unless asked.',
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
      })
      .strict()
      .refine((v) => (v.privateKey === undefined) !== (v.mnemonic === undefined), 'give either privateKey or mnemonic'),
    addressResult,
    'Import a key (private key or mnemonic), store it encrypted and keep it unlocked.',
  ),
  'wallet.address': method(z.object({}).strict(), addressResult, 'The stored wallet address (readable while locked).'),
  'wallet.unlock': method(
    z.object({ passphrase: passphraseSchema.optional() }).strict(),
    addressResult,
    'Open the stored key with its passphrase and keep it in memory until locked.',
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
