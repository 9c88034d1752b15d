import { existsSync, readdirSync, statSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isKeystoreJson, Wallet } from 'ethers';
import { afterEach, describe, expect, it } from 'vitest';
import { createDispatcher } from '../../../../shared/api/dispatcher';
import { walletMethods } from '../../../../shared/api/wallet';
import { AppError } from '../../../../shared/errors';
import type { KeyVault, StoredKey } from '../../../../electron/services/wallet/key-vault';
import { KeystoreVault, KEYSTORE_FILE } from '../../../../electron/services/wallet/keystore-vault';
import { SigningConsent } from '../../../../electron/services/wallet/signing-consent';
import { WalletService } from '../../../../electron/services/wallet/wallet-service';
import { createServices } from '../../../../electron/services/wiring';
import { makeTempDir } from '../../../helpers/temp-dir';

// anvil's well-known test mnemonic and its first account (public test material, never funded anywhere real).
const MNEMONIC = 'test test test test test test test test test test test junk';
const MNEMONIC_ADDRESS = '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266';
const MNEMONIC_KEY = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';
const SCRYPT_N = 1024;

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function service(env?: string): { wallet: WalletService; dir: string } {
  const tmp = makeTempDir();
  cleanups.push(tmp.remove);
  const wallet = new WalletService({ vault: new KeystoreVault(tmp.dir, { scryptN: SCRYPT_N }), environmentPassphrase: () => env });
  return { wallet, dir: tmp.dir };
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'resolved';
  } catch (error) {
    return error instanceof AppError ? error.code : `not an AppError: ${String(error)}`;
  }
}

describe('the wallet', () => {
  it('creates a key stored as an owner-only encrypted keystore, unlocked until locked', async () => {
    const { wallet, dir } = service();
    const { address } = await wallet.create({ passphrase: 'correct horse battery' });
    const path = join(dir, KEYSTORE_FILE);
    const json = readFileSync(path, 'utf8');
    expect(isKeystoreJson(json)).toBe(true);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(await wallet.status()).toMatchObject({ hasWallet: true, address, isUnlocked: true, vault: 'keystore', needsPassphrase: true });
    const decrypted = await Wallet.fromEncryptedJson(json, 'correct horse battery');
    expect(decrypted.address).toBe(address);

    await wallet.lock();
    expect((await wallet.status()).isUnlocked).toBe(false);
    expect(await codeOf(wallet.signer())).toBe('wallet_locked');
    expect(await codeOf(wallet.unlock({ passphrase: 'wrong horse battery' }))).toBe('invalid_input');
    expect(await wallet.unlock({ passphrase: 'correct horse battery' })).toEqual({ address });
    const signer = await wallet.signer();
    expect(signer.address).toBe(address);
  });

  it('a signer handed out before lock() stops signing after it', async () => {
    const { wallet } = service();
    await wallet.create({ passphrase: 'correct horse battery' });
    const signer = await wallet.signer();
    await wallet.lock();
    expect(await codeOf(signer.signTypedData({ name: 'x', chainId: 1 }, { T: [{ name: 'a', type: 'uint8' }] }, { a: 1 }))).toBe(
      'wallet_locked',
    );
  });

  it('imports a private key or a mnemonic account, and refuses to replace a wallet unless asked', async () => {
    const { wallet } = service();
    expect(await wallet.importKey({ mnemonic: `  ${MNEMONIC.toUpperCase()} `, passphrase: 'a long passphrase' })).toEqual({
      address: MNEMONIC_ADDRESS,
    });
    const other = Wallet.createRandom();
    expect(await codeOf(wallet.importKey({ privateKey: other.privateKey, passphrase: 'a long passphrase' }))).toBe('conflict');
    expect((await wallet.address()).address).toBe(MNEMONIC_ADDRESS);
    const replaced = await wallet.importKey({
      privateKey: other.privateKey.slice(2),
      passphrase: 'a long passphrase',
      currentPassphrase: 'a long passphrase',
      replace: true,
    });
    expect(replaced).toMatchObject({ address: other.address, backupPath: expect.stringContaining(MNEMONIC_ADDRESS) });
    // The same key again is not a replacement.
    expect(await wallet.importKey({ privateKey: other.privateKey, passphrase: 'another passphrase' })).toEqual({ address: other.address });
  });

  it('refuses bad keys, bad mnemonics and short passphrases without storing anything', async () => {
    const { wallet } = service();
    expect(await codeOf(wallet.importKey({ privateKey: `0x${'00'.repeat(32)}`, passphrase: 'a long passphrase' }))).toBe('invalid_input');
    expect(await codeOf(wallet.importKey({ mnemonic: 'not a real mnemonic at all', passphrase: 'a long passphrase' }))).toBe(
      'invalid_input',
    );
    expect(await codeOf(wallet.create({ passphrase: 'short' }))).toBe('invalid_input');
    expect(await codeOf(wallet.create({}))).toBe('invalid_input');
    expect((await wallet.status()).hasWallet).toBe(false);
    expect(await codeOf(wallet.address())).toBe('not_found');
  });

  it('takes the passphrase from DATANET_DESK_PASSPHRASE and unlocks by itself to sign', async () => {
    const { wallet } = service('from the environment');
    const { address } = await wallet.create({});
    await wallet.lock();
    expect((await wallet.status()).hasEnvironmentPassphrase).toBe(true);
    expect((await wallet.signer()).address).toBe(address);
    expect((await wallet.status()).isUnlocked).toBe(true);
  });
});

/** A keychain-like vault (safeStorage cannot run outside Electron): no passphrase, key kept in memory. */
class FakeKeychainVault implements KeyVault {
  readonly kind = 'os-keychain' as const;
  readonly needsPassphrase = false;
  key: StoredKey | null = null;
  backups: string[] = [];
  async address(): Promise<string | null> {
    return this.key?.address ?? null;
  }
  async save(key: StoredKey): Promise<void> {
    this.key = key;
  }
  async open(): Promise<StoredKey> {
    if (!this.key) throw new AppError('not_found', 'no wallet');
    return this.key;
  }
  async backup(stamp: string): Promise<string> {
    this.backups.push(`${stamp}-${this.key?.address}`);
    return `backups/${stamp}-${this.key?.address}.json`;
  }
}

describe('unlocking', () => {
  it('forgets the unlocked key after the idle time: status says locked and signing is refused', async () => {
    const tmp = makeTempDir();
    cleanups.push(tmp.remove);
    let clock = 1_000_000;
    const wallet = new WalletService({
      vault: new KeystoreVault(tmp.dir, { scryptN: SCRYPT_N }),
      idleLockMs: 60_000,
      now: () => clock,
    });
    await wallet.create({ passphrase: 'correct horse battery' });
    const signer = await wallet.signer();
    expect(await wallet.status()).toMatchObject({ isUnlocked: true, unlockedUntil: new Date(clock + 60_000).toISOString() });
    // Using the key keeps it open: idle means without a signature.
    clock += 59_000;
    await signer.signTypedData({ name: 'x', chainId: 1 }, { T: [{ name: 'a', type: 'uint8' }] }, { a: 1 });
    clock += 59_000;
    expect((await wallet.status()).isUnlocked).toBe(true);
    clock += 1_001;
    expect(await wallet.status()).toMatchObject({ isUnlocked: false, unlockedUntil: null });
    expect(await codeOf(signer.signTransaction({ to: MNEMONIC_ADDRESS, value: 1n, chainId: 1, nonce: 0, gasLimit: 21_000n }))).toBe(
      'wallet_locked',
    );
    expect(await codeOf(wallet.signer())).toBe('wallet_locked');
    await wallet.unlock({ passphrase: 'correct horse battery' });
    expect((await wallet.signer()).address).toBe((await wallet.address()).address);
  });

  it('never opens a keychain wallet by itself: signing waits for an explicit unlock', async () => {
    const vault = new FakeKeychainVault();
    const first = new WalletService({ vault });
    const { address } = await first.create({});
    // A new start (the app restarted): the key is stored, nothing is unlocked.
    const wallet = new WalletService({ vault });
    expect(await wallet.status()).toMatchObject({ hasWallet: true, address, isUnlocked: false, needsPassphrase: false });
    expect(await codeOf(wallet.signer())).toBe('wallet_locked');
    expect((await wallet.status()).isUnlocked).toBe(false);
    await wallet.unlock({});
    expect((await wallet.signer()).address).toBe(address);
  });
});

describe('replacing a wallet', () => {
  it('refuses without the current passphrase or with a wrong one, leaving the old keystore as it was', async () => {
    const { wallet, dir } = service('the environment passphrase');
    const { address } = await wallet.create({ passphrase: 'the old passphrase' });
    const before = readFileSync(join(dir, KEYSTORE_FILE), 'utf8');
    // The environment's passphrase does not count: whoever reaches the contract must know the old one.
    expect(await codeOf(wallet.create({ passphrase: 'a new passphrase', replace: true }))).toBe('wallet_locked');
    expect(await codeOf(wallet.create({ passphrase: 'a new passphrase', replace: true, currentPassphrase: 'not the old one' }))).toBe(
      'invalid_input',
    );
    expect(
      await codeOf(
        wallet.importKey({
          privateKey: Wallet.createRandom().privateKey,
          passphrase: 'a new passphrase',
          replace: true,
          currentPassphrase: 'the environment passphrase',
        }),
      ),
    ).toBe('invalid_input');
    expect(readFileSync(join(dir, KEYSTORE_FILE), 'utf8')).toBe(before);
    expect((await wallet.address()).address).toBe(address);
    expect(existsSync(join(dir, 'backups')) ? readdirSync(join(dir, 'backups')) : []).toEqual([]);
  });

  it('with the right passphrase, first writes an owner-only encrypted backup that opens to the old address', async () => {
    const { wallet, dir } = service();
    const { address: old } = await wallet.create({ passphrase: 'the old passphrase' });
    const result = await wallet.create({ passphrase: 'a new passphrase', replace: true, currentPassphrase: 'the old passphrase' });
    expect(result.address).not.toBe(old);
    const backupPath = result.backupPath as string;
    expect(backupPath.startsWith(join(dir, 'backups'))).toBe(true);
    expect(backupPath.endsWith(`-${old}.json`)).toBe(true);
    expect(statSync(backupPath).mode & 0o777).toBe(0o600);
    const backup = readFileSync(backupPath, 'utf8');
    expect(isKeystoreJson(backup)).toBe(true);
    expect((await Wallet.fromEncryptedJson(backup, 'the old passphrase')).address).toBe(old);
    expect((await wallet.address()).address).toBe(result.address);
  });

  it('asks the native prompt before replacing a keychain wallet; a refusal keeps it', async () => {
    const vault = new FakeKeychainVault();
    let answer = false;
    const wallet = new WalletService({ vault, consent: new SigningConsent({ prompt: { confirm: async () => answer } }) });
    const { address } = await wallet.create({});
    expect(await codeOf(wallet.create({ replace: true }))).toBe('consent_required');
    expect((await wallet.address()).address).toBe(address);
    expect(vault.backups).toEqual([]);
    answer = true;
    const replaced = await wallet.create({ replace: true });
    expect(replaced.backupPath).toContain(address);
    expect(vault.backups).toHaveLength(1);
  });
});

describe('the wallet contract', () => {
  it('never returns the private key or the mnemonic from any wallet method, result, error or event', async () => {
    const tmp = makeTempDir();
    cleanups.push(tmp.remove);
    const services = await createServices({
      dataDir: tmp.dir,
      host: 'node',
      version: 'test',
      isInMemoryDatabase: true,
      submission: { keystoreScryptN: SCRYPT_N, environmentPassphrase: () => undefined, isAutomatic: false },
    });
    cleanups.push(() => services.close());
    const emitted: unknown[] = [];
    services.events.subscribe((name, payload) => emitted.push({ name, payload }));
    const dispatch = createDispatcher(services.handlers, () => undefined);
    const outputs: unknown[] = [];
    const call = async (method: string, input: unknown): Promise<void> => {
      outputs.push(await dispatch(method, input));
    };

    const passphrase = 'a long passphrase';
    // Every wallet method, in an order that reaches each one's success and failure paths.
    const script: [string, unknown][] = [
      ['wallet.status', {}],
      ['wallet.address', {}],
      ['wallet.import', { mnemonic: MNEMONIC, passphrase }],
      ['wallet.status', {}],
      ['wallet.address', {}],
      ['wallet.lock', {}],
      ['wallet.unlock', { passphrase: 'not the passphrase' }],
      ['wallet.unlock', { passphrase }],
      ['wallet.import', { privateKey: MNEMONIC_KEY, passphrase }],
      ['wallet.import', { privateKey: Wallet.createRandom().privateKey, passphrase }],
      ['wallet.create', { passphrase }],
      ['wallet.create', { passphrase, replace: true }],
      ['wallet.create', { passphrase, replace: true, currentPassphrase: 'not the passphrase' }],
      ['wallet.create', { passphrase, replace: true, currentPassphrase: passphrase }],
      ['wallet.settings', {}],
      ['wallet.updateSettings', { idleLockMinutes: 5, maxFeePerGasGwei: 50 }],
      ['wallet.updateSettings', { idleLockMinutes: 0 }],
      ['wallet.balance', {}],
      ['wallet.fund', {}],
      ['wallet.lock', {}],
    ];
    for (const [method, input] of script) await call(method, input);
    const covered = new Set(script.map(([m]) => m));
    expect([...Object.keys(walletMethods)].filter((m) => !covered.has(m))).toEqual([]);

    const text = JSON.stringify([outputs, emitted]).toLowerCase();
    expect(text).toContain(MNEMONIC_ADDRESS.toLowerCase());
    expect(text).not.toContain(MNEMONIC_KEY.slice(2).toLowerCase());
    expect(text).not.toContain('test test test');
    // The keys of every wallet the script made, read from their keystores, appear nowhere either.
    const created = JSON.parse(readFileSync(join(tmp.dir, 'wallet', KEYSTORE_FILE), 'utf8')) as { address: string };
    const key = (await Wallet.fromEncryptedJson(JSON.stringify(created), passphrase)).privateKey;
    expect(text).not.toContain(key.slice(2).toLowerCase());
  });
});
