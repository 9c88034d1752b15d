import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import type { Dispatcher } from '../../shared/api/dispatcher';
import type { MethodName, MethodOutput } from '../../shared/api/index';
import { AppError } from '../../shared/errors';
import { verifyOffchainPackage } from '../services/chain/offchain';
import { PASSPHRASE_ENV } from '../services/wallet/wallet-service';
import type { Services } from '../services/wiring';

/** Usage lines of the wallet and submission commands (README.md, Command line). */
export const SUBMIT_USAGE = `  wallet create [--replace]
  wallet import --private-key HEX|- [--replace]      (- reads the key from stdin)
  wallet import --mnemonic "WORDS" [--account N] [--replace]
  wallet address
  submit --datanet ID --items ID,... [--network FILE.json] [--timeout SECONDS]
  verify-attestation FILE.json
  (the keystore passphrase comes from DATANET_DESK_PASSPHRASE when set, else a prompt; --replace
   needs the current wallet's passphrase too and backs its keystore up to wallet/backups first)`;

/** Options of these commands that take a value. */
export const SUBMIT_VALUED = ['items', 'network', 'private-key', 'mnemonic', 'account', 'timeout'];

async function call<M extends MethodName>(dispatch: Dispatcher, method: M, input: unknown): Promise<MethodOutput<M>> {
  const reply = await dispatch(method, input);
  if (!reply.ok) throw AppError.fromData(reply.error);
  return reply.result as MethodOutput<M>;
}

/** Reads a line from the terminal without echoing it (a passphrase must not land in scrollback). */
async function promptHidden(question: string): Promise<string> {
  if (!process.stdin.isTTY) {
    throw new AppError('wallet_locked', 'The wallet needs its passphrase: set DATANET_DESK_PASSPHRASE (no terminal to ask on).');
  }
  process.stderr.write(question);
  const muted = new Writable({ write: (_chunk, _encoding, done) => done() });
  const rl = createInterface({ input: process.stdin, output: muted, terminal: true });
  try {
    return await new Promise<string>((resolveLine) => rl.question('', resolveLine));
  } finally {
    rl.close();
    process.stderr.write('\n');
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').trim();
}

async function readJsonFile(file: string, what: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(resolve(file), 'utf8'));
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : 'not JSON';
    throw new AppError('invalid_input', `${what} ${file}: ${reason}.`);
  }
}

/** The passphrase for a new keystore: the environment's, else asked twice. */
async function newPassphrase(s: Services): Promise<string | undefined> {
  const status = await s.wallet.status();
  if (!status.needsPassphrase || status.hasEnvironmentPassphrase) return undefined;
  const first = await promptHidden('New wallet passphrase: ');
  const again = await promptHidden('Repeat the passphrase: ');
  if (first !== again) throw new AppError('invalid_input', 'The passphrases differ.');
  return first;
}

/** The passphrase of the wallet being replaced: the environment's, else asked; none when nothing is replaced. */
async function currentPassphrase(s: Services, replace: boolean): Promise<{ currentPassphrase?: string }> {
  const status = await s.wallet.status();
  if (!replace || !status.hasWallet || !status.needsPassphrase) return {};
  // The user typing the command is the one replacing the key: their environment's passphrase counts.
  const fromEnvironment = process.env[PASSPHRASE_ENV];
  return { currentPassphrase: fromEnvironment ? fromEnvironment : await promptHidden('Current wallet passphrase: ') };
}

/** Opens the wallet for signing: from the environment, else asked once. */
async function unlockForSigning(s: Services, dispatch: Dispatcher): Promise<void> {
  const status = await s.wallet.status();
  if (!status.hasWallet || status.isUnlocked || !status.needsPassphrase || status.hasEnvironmentPassphrase) return;
  await call(dispatch, 'wallet.unlock', { passphrase: await promptHidden('Wallet passphrase: ') });
}

/**
 * `verify-attestation FILE.json`: needs no data folder, so it runs before the services open.
 * Returns false for any other command.
 */
export async function runOfflineSubmitCommand(command: string, args: string[], print: (value: unknown) => void): Promise<boolean> {
  if (command !== 'verify-attestation') return false;
  const [file] = args;
  if (!file) throw new AppError('invalid_input', 'Name the attestation file: verify-attestation FILE.json');
  print(verifyOffchainPackage(await readJsonFile(file, 'attestation')));
  return true;
}

/** `wallet …` and `submit`: one JSON object each. Returns false for any other command. */
export async function runSubmitCommand(
  command: string,
  sub: string | undefined,
  options: Map<string, string>,
  s: Services,
  dispatch: Dispatcher,
  print: (value: unknown) => void,
): Promise<boolean> {
  const replace = options.has('replace');
  if (command === 'wallet' && sub === 'create') {
    const current = await currentPassphrase(s, replace);
    print(await call(dispatch, 'wallet.create', { replace, ...current, ...withPassphrase(await newPassphrase(s)) }));
    return true;
  }
  if (command === 'wallet' && sub === 'import') {
    const raw = options.get('private-key');
    const mnemonic = options.get('mnemonic');
    if ((raw === undefined) === (mnemonic === undefined))
      throw new AppError('invalid_input', 'Give --private-key HEX or --mnemonic "WORDS".');
    // A key given on the command line is visible to other local users in the process list and
    // stays in shell history; `--private-key -` reads it from stdin instead.
    const key = raw === '-' ? await readStdin() : raw;
    const accountIndex = options.has('account') ? Number(options.get('account')) : 0;
    const current = await currentPassphrase(s, replace);
    const passphrase = await newPassphrase(s);
    const input = key !== undefined ? { privateKey: key } : { mnemonic, accountIndex };
    print(await call(dispatch, 'wallet.import', { ...input, replace, ...current, ...withPassphrase(passphrase) }));
    return true;
  }
  if (command === 'wallet' && sub === 'address') {
    print(await call(dispatch, 'wallet.address', {}));
    return true;
  }
  if (command === 'submit') {
    const datanetId = options.get('datanet');
    const items = (options.get('items') ?? '')
      .split(',')
      .map((id) => id.trim())
      .filter(Boolean);
    if (!datanetId) throw new AppError('invalid_input', '--datanet ID is required.');
    if (items.length === 0) throw new AppError('invalid_input', '--items ID,... is required.');
    const networkFile = options.get('network');
    if (networkFile) await call(dispatch, 'network.setProfile', { json: JSON.stringify(await readJsonFile(networkFile, '--network')) });
    const timeoutSeconds = Number(options.get('timeout') ?? 120);
    if (!(timeoutSeconds >= 0)) throw new AppError('invalid_input', '--timeout must be a number of seconds.');
    await unlockForSigning(s, dispatch);
    // The command is the user's consent: it prepares the signing request and submits it itself.
    const prepared = await call(dispatch, 'submissions.prepare', { datanetId, itemIds: items });
    const submitted = await call(dispatch, 'submissions.submit', { requestId: prepared.requestId, manifestHash: prepared.manifestHash });
    // Sent as far as the network allows now; what cannot go out stays queued for the app.
    await s.submissionQueue.settle([submitted.id], timeoutSeconds * 1000);
    const done = await call(dispatch, 'submissions.get', { id: submitted.id });
    print({
      submissionId: done.id,
      manifestHash: done.manifestHash,
      merkleRoot: done.merkleRoot,
      offchainUid: done.offchainUid,
      ...(done.onchainUid ? { onchainUid: done.onchainUid } : {}),
      ...(done.txHash ? { txHash: done.txHash } : {}),
      status: done.status,
      ...(done.status === 'rejected' ? rejectionCodes(done) : {}),
    });
    return true;
  }
  return false;
}

/**
 * Why a rejected submission was rejected, for scripts: `code` is the verdict's first reason (in
 * the validator's priority order), and `items` the code of each item: its own file's first reason,
 * else the first reason about the whole submission (`policy_outdated`, `bad_signature`, …), else
 * null (the item was fine; another one sank the submission).
 */
function rejectionCodes(done: MethodOutput<'submissions.get'>): {
  code: string | null;
  items: Array<{ itemId: string; code: string | null }>;
} {
  const reasons = done.verdict?.reasons ?? [];
  const whole = reasons.find((r) => r.sha256 === undefined)?.code ?? (done.verdict ? null : (done.reasons[0]?.code ?? null));
  return {
    code: done.verdict?.reasonCode ?? done.reasons[0]?.code ?? null,
    items: done.files.map((f) => ({ itemId: f.itemId, code: reasons.find((r) => r.sha256 === f.sha256)?.code ?? whole })),
  };
}

function withPassphrase(passphrase: string | undefined): { passphrase?: string } {
  return passphrase === undefined ? {} : { passphrase };
}
