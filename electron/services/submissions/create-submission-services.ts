import { join } from 'node:path';
import type { Handlers } from '../../../shared/api/dispatcher';
import type { networkMethods } from '../../../shared/api/network';
import { contentSecurityPolicyFor } from '../../../shared/content-security-policy';
import type { OutboundRecorder } from '../audit/audit-log';
import type { submissionMethods } from '../../../shared/api/submissions';
import type { walletMethods } from '../../../shared/api/wallet';
import type { DatanetService } from '../datanets/datanet-service';
import type { Database } from '../db/database';
import type { EventBus } from '../events';
import { NetworkService } from '../network/network-service';
import type { BlobStore } from '../storage/blob-store';
import type { KeyVault } from '../wallet/key-vault';
import { KeystoreVault } from '../wallet/keystore-vault';
import { SigningConsent } from '../wallet/signing-consent';
import type { ConsentPrompt } from '../wallet/signing-consent';
import { PASSPHRASE_ENV, WalletService } from '../wallet/wallet-service';
import { WalletSettingsStore } from '../wallet/wallet-settings';
import { unsharedOriginals, type EmbeddingModelLookup } from './item-files';
import { SubmissionJournal } from './journal';
import type { DuplicateChecker } from './preflight';
import { SubmissionQueue } from './submission-queue';
import type { QueueOptions } from './submission-queue';
import { SubmissionService } from './submission-service';
import { SubmissionStore } from './submission-store';

/** Options of the wallet and submission services; every one has a production default. */
export type SubmissionTuning = {
  /** Where the key rests: Electron main passes the OS keychain; default an encrypted keystore file. */
  keyVault?: KeyVault;
  /** scrypt N of new keystore files (tests lower it; see KeystoreVault). */
  keystoreScryptN?: number;
  /** Default: `DATANET_DESK_PASSPHRASE` from the environment. */
  environmentPassphrase?: () => string | undefined;
  isBlockedDuplicate?: DuplicateChecker;
  embeddingModelOf?: EmbeddingModelLookup;
  now?: () => number;
  /** Electron main's native confirmation before every signature; the Node host and the CLI have none. */
  consentPrompt?: ConsentPrompt;
  /** Tests: how long a prepared signing request stays valid (default 5 minutes). */
  signingRequestTtlMs?: number;
  /** Tests: the idle lock in milliseconds, overriding the setting (minutes). */
  walletIdleLockMs?: number;
} & Pick<QueueOptions, 'retryBaseMs' | 'retryMaxMs' | 'receiptTimeoutMs' | 'isAutomatic' | 'afterStep' | 'log'>;

type OwnMethod = keyof typeof walletMethods | keyof typeof networkMethods | keyof typeof submissionMethods;

export type SubmissionServices = {
  wallet: WalletService;
  network: NetworkService;
  submissions: SubmissionService;
  queue: SubmissionQueue;
  /** Prepared signing requests, shared with the review rooms' vote signatures. */
  consent: SigningConsent;
  handlers: Pick<Handlers, OwnMethod>;
  close(): Promise<void>;
};

/** Builds the wallet, network and submission services and their contract handlers. */
export async function createSubmissionServices(deps: {
  dataDir: string;
  db: Database;
  blobs: BlobStore;
  datanets: DatanetService;
  events: EventBus;
  tuning?: SubmissionTuning;
  /** The audit log: every request to the chain, validator and faucet is recorded before it is sent. */
  outbound?: OutboundRecorder;
}): Promise<SubmissionServices> {
  const tuning = deps.tuning ?? {};
  const vault = tuning.keyVault ?? new KeystoreVault(join(deps.dataDir, 'wallet'), { scryptN: tuning.keystoreScryptN });
  const consent = new SigningConsent({ prompt: tuning.consentPrompt, now: tuning.now, ttlMs: tuning.signingRequestTtlMs });
  const settings = new WalletSettingsStore(deps.db);
  const idleLockMs = async (): Promise<number> => tuning.walletIdleLockMs ?? (await settings.get()).idleLockMinutes * 60_000;
  const wallet = new WalletService({
    vault,
    events: deps.events,
    environmentPassphrase: tuning.environmentPassphrase ?? (() => process.env[PASSPHRASE_ENV]),
    idleLockMs: await idleLockMs(),
    now: tuning.now,
    consent,
  });
  const network = new NetworkService(deps.db, deps.outbound);
  const store = new SubmissionStore(deps.db);
  const queue = new SubmissionQueue({
    store,
    journal: new SubmissionJournal(join(deps.dataDir, 'submissions', 'journal.jsonl')),
    wallet,
    network,
    blobs: deps.blobs,
    events: deps.events,
    now: tuning.now,
    retryBaseMs: tuning.retryBaseMs,
    retryMaxMs: tuning.retryMaxMs,
    receiptTimeoutMs: tuning.receiptTimeoutMs,
    isAutomatic: tuning.isAutomatic,
    afterStep: tuning.afterStep,
    log: tuning.log ?? ((line) => console.error(line)),
    walletSettings: () => settings.get(),
    unsharedOriginals: (files) => unsharedOriginals(deps.db, files),
  });
  const submissions = new SubmissionService({
    db: deps.db,
    store,
    queue,
    blobs: deps.blobs,
    datanets: deps.datanets,
    wallet,
    network,
    now: tuning.now,
    isBlockedDuplicate: tuning.isBlockedDuplicate,
    embeddingModelOf: tuning.embeddingModelOf,
    consent,
    walletSettings: () => settings.get(),
  });
  await queue.start();

  const handlers: Pick<Handlers, OwnMethod> = {
    'wallet.status': () => wallet.status(),
    'wallet.create': (input) => wallet.create(input),
    'wallet.import': (input) => wallet.importKey(input),
    'wallet.address': () => wallet.address(),
    'wallet.unlock': async (input) => {
      const result = await wallet.unlock(input);
      // Submissions waiting for the key can go on now.
      await submissions.retry();
      return result;
    },
    'wallet.lock': () => wallet.lock(),
    'wallet.settings': () => settings.get(),
    'wallet.updateSettings': async (patch) => {
      const next = await settings.update(patch);
      wallet.setIdleLockMs(await idleLockMs());
      // A raised cap lets attestations waiting on fee_cap_exceeded go on.
      await submissions.retry();
      return next;
    },
    'wallet.balance': () => submissions.balance(),
    'wallet.fund': () => submissions.fund(),
    'network.get': async () => ({ profile: await network.get() }),
    'network.setProfile': async ({ json }) => {
      const before = contentSecurityPolicyFor(await network.get());
      const profile = await network.setProfileJson(json);
      await submissions.retry();
      return { profile, isReloadNeeded: contentSecurityPolicyFor(profile) !== before };
    },
    'network.status': () => network.status(),
    'submissions.quota': ({ datanetId }) => submissions.quota(datanetId),
    'submissions.plan': ({ datanetId, itemIds }) => submissions.plan(datanetId, itemIds),
    'submissions.preflight': ({ datanetId, itemIds }) => submissions.preflight(datanetId, itemIds),
    'submissions.prepare': ({ datanetId, itemIds }) => submissions.prepare(datanetId, itemIds),
    // The request id and manifest hash from prepare; anything else is refused (consent_required).
    'submissions.submit': (input) => submissions.submit(input),
    'submissions.list': ({ datanetId }) => submissions.list(datanetId),
    'submissions.get': ({ id }) => submissions.get(id),
    'submissions.retry': ({ id }) => submissions.retry(id),
    'submissions.verifyAttestation': async ({ json }) => submissions.verifyAttestationJson(json),
    'submissions.attestation': ({ id }) => submissions.attestationJson(id),
  };
  return { wallet, network, submissions, queue, consent, handlers, close: () => queue.stop() };
}
