import { dirname, join } from 'node:path';
import type { Handlers } from '../../shared/api/dispatcher';
import { AppError } from '../../shared/errors';
import type { ExtractionLimits } from '../../shared/import-rules';
import { openDatabase, type Database } from './db/database';
import { DatanetService } from './datanets/datanet-service';
import { EventBus } from './events';
import { LibraryService } from './library/library-service';
import { inProcessExtractor, WorkerExtractor } from './library/extract-client';
import { VersionService } from './library/version-service';
import { createCsprngRandomSource } from './dp/csprng';
import { DpLedger } from './dp/ledger';
import { DpService } from './dp/dp-service';
import { EmbeddingService } from './embeddings/embedding-service';
import { AnonymiseService } from './anonymise/anonymise-service';
import { anonymiseHandlers } from './anonymise/handlers';
import { FileSecretStore, type SecretStore } from './anonymise/secret-store';
import { AuditLog } from './audit/audit-log';
import { acquireDataLock } from './storage/data-lock';
import { enforcePrivateModes, type PermissionReport } from './storage/permissions';
import { BlobStore } from './storage/blob-store';
import { TextCache } from './storage/text-cache';
import { createSubmissionServices, type SubmissionTuning } from './submissions/create-submission-services';
import { ShareOriginalService } from './submissions/share-original';
import type { SubmissionService } from './submissions/submission-service';
import type { SubmissionQueue } from './submissions/submission-queue';
import type { NetworkService } from './network/network-service';
import type { WalletService } from './wallet/wallet-service';
import { rewardsHandlers } from './rewards/handlers';
import { RewardsService, type RewardsOptions } from './rewards/rewards-service';
import { roomHandlers } from './review/handlers';
import { RoomService } from './review/room-service';
import { SharedDatanetService } from './datanets/shared-datanet-service';
import { sharedDatanetHandlers } from './datanets/shared-handlers';
import { GovernanceService } from './governance/governance-service';
import { governanceHandlers } from './governance/handlers';
import { WalletSettingsStore } from './wallet/wallet-settings';

export type HostKind = 'electron' | 'node';

/** The host's own open dialog (Electron main injects it): the paths the user chose, [] if dismissed. */
export type PathPicker = (mode: 'files' | 'folder') => Promise<string[]>;

export type ServiceOptions = {
  /** The data folder; PGlite lives in `db/`, originals in `blobs/`. */
  dataDir: string;
  host: HostKind;
  version: string;
  /** Tests only: keep PGlite in memory while originals still go to `dataDir`. */
  isInMemoryDatabase?: boolean;
  /** Wallet, network and submission queue settings (Electron main passes its OS-keychain vault). */
  submission?: SubmissionTuning;
  /** The built embedding worker (out/main/embed-worker.js), computed by each entry point from its own file. */
  embedWorkerPath?: string;
  /** Models shipped with the app (`resources/models`). */
  bundledModelsDir?: string;
  /** An embedding model folder that overrides the settings (`--model`, DATANET_DESK_MODEL_DIR). */
  embeddingModelDir?: string;
  /** Rewards indexer settings: confirmations, getLogs chunk size, reorg window. */
  rewards?: RewardsOptions;
  /** Where pseudonym keys live: Electron passes an OS-keychain store; default 0600 files in `secrets/`. */
  secretStore?: SecretStore;
  /** The built anonymisation worker; default anonymise-worker.js beside the embedding worker. */
  anonymiseWorkerPath?: string;
  /**
   * The built extraction worker; default extract-worker.js beside the embedding worker. With
   * neither (unit tests without a build), files are parsed on the calling thread.
   */
  extractWorkerPath?: string;
  /** Tests only: smaller extraction limits (time, memory) than EXTRACTION_LIMITS. */
  extractionLimits?: ExtractionLimits;
  /** Electron only: library.pickAndImport shows this dialog; without it the method answers unavailable. */
  pickPaths?: PathPicker;
  /** Where the data-folder permission warning goes; default console.warn. */
  warn?: (message: string) => void;
};

export type Services = {
  handlers: Handlers;
  events: EventBus;
  db: Database;
  datanets: DatanetService;
  library: LibraryService;
  versions: VersionService;
  dp: DpService;
  embeddings: EmbeddingService;
  audit: AuditLog;
  anonymise: AnonymiseService;
  blobs: BlobStore;
  wallet: WalletService;
  network: NetworkService;
  submissions: SubmissionService;
  submissionQueue: SubmissionQueue;
  rewards: RewardsService;
  rooms: RoomService;
  sharedDatanets: SharedDatanetService;
  governance: GovernanceService;
  /** The start-up check that tightened the data folder's modes (runs beside the rest of start-up). */
  permissions: Promise<PermissionReport>;
  close(): Promise<void>;
};

function decodeBase64(data: string): Uint8Array {
  // Buffer.from silently skips invalid characters; refuse them so a mangled upload is not stored.
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(data) || data.length % 4 === 1) {
    throw new AppError('invalid_input', 'dataBase64: not valid base64.');
  }
  return new Uint8Array(Buffer.from(data, 'base64'));
}

/**
 * Builds every service with its real dependencies. Electron main, the Node host and the CLI all
 * call this one function, so the app behaves the same whichever host serves it.
 */
export async function createServices(options: ServiceOptions): Promise<Services> {
  const releaseLock = acquireDataLock(options.dataDir);
  // Beside start-up, not before it: the folder's own mode is fixed first (that alone keeps other
  // users out), and a large blob store takes seconds to walk.
  let permissionReport: PermissionReport | undefined;
  const permissions = enforcePrivateModes(options.dataDir).then((report) => {
    permissionReport = report;
    if (report.fixedDirectories + report.fixedFiles > 0 || !report.isComplete) {
      (options.warn ?? console.warn)(
        `Data folder permissions: made ${report.fixedDirectories} directories 0700 and ${report.fixedFiles} files 0600 that other users could read` +
          (report.isComplete ? '.' : ` (stopped after ${report.checked} entries; the rest were not checked).`),
      );
    }
    return report;
  });
  let db: Database;
  try {
    db = await openDatabase(options.isInMemoryDatabase ? undefined : join(options.dataDir, 'db'));
  } catch (error) {
    releaseLock();
    throw error;
  }
  const events = new EventBus();
  const blobs = new BlobStore(join(options.dataDir, 'blobs'));
  const datanets = new DatanetService(db);
  const extractWorkerPath =
    options.extractWorkerPath ?? (options.embedWorkerPath ? join(dirname(options.embedWorkerPath), 'extract-worker.js') : undefined);
  const extractor =
    extractWorkerPath === undefined
      ? inProcessExtractor(options.extractionLimits)
      : new WorkerExtractor(extractWorkerPath, options.extractionLimits);
  const library = new LibraryService(db, blobs, new TextCache(join(options.dataDir, 'texts')), datanets, events, extractor);

  const versions = new VersionService(db, blobs, events);
  const ledger = new DpLedger(db);
  const dp = new DpService(library, versions, datanets, ledger, createCsprngRandomSource);
  const audit = new AuditLog(db);
  const shareOriginal = new ShareOriginalService(db, datanets, audit);
  const embeddings = new EmbeddingService(db, library, versions, blobs, events, {
    dataDir: options.dataDir,
    workerPath: options.embedWorkerPath,
    bundledModelsDir: options.bundledModelsDir,
    modelDirOverride: options.embeddingModelDir,
    outbound: audit,
  });
  const submitting = await createSubmissionServices({
    dataDir: options.dataDir,
    db,
    blobs,
    datanets,
    events,
    outbound: audit,
    tuning: {
      isBlockedDuplicate: (itemId) => embeddings.isBlockedDuplicate(itemId),
      embeddingModelOf: (itemId) => embeddings.embeddingModelOf(itemId),
      ...options.submission,
    },
  });

  const anonymise = new AnonymiseService(
    db,
    library,
    versions,
    datanets,
    blobs,
    events,
    options.secretStore ?? new FileSecretStore(join(options.dataDir, 'secrets')),
    options.anonymiseWorkerPath ?? (options.embedWorkerPath ? join(dirname(options.embedWorkerPath), 'anonymise-worker.js') : undefined),
  );
  const rewards = new RewardsService({
    db,
    network: submitting.network,
    wallet: submitting.wallet,
    datanets,
    submissions: submitting.submissions,
    events,
    options: options.rewards,
    // Called only after wiring is done (sharedDatanets is built below, from the same wallet and network).
    sharedLinks: () => sharedDatanets.links(),
  });

  const rooms = new RoomService({
    db,
    datanets,
    versions,
    wallet: submitting.wallet,
    network: submitting.network,
    consent: submitting.consent,
  });

  const walletSettings = new WalletSettingsStore(db);
  const sharedDeps = {
    db,
    datanets,
    network: submitting.network,
    wallet: submitting.wallet,
    walletSettings: () => walletSettings.get(),
    // Every registry transaction is confirmed like a submission: the native prompt in Electron.
    consent: submitting.consent,
    outbound: audit,
  };
  const sharedDatanets = new SharedDatanetService(sharedDeps);
  submitting.submissions.followSharedDatanets(sharedDatanets);
  const governance = new GovernanceService({ ...sharedDeps, shared: sharedDatanets });

  const handlers: Handlers = {
    ...submitting.handlers,
    ...sharedDatanetHandlers(sharedDatanets),
    ...governanceHandlers(governance),
    ...roomHandlers(rooms),
    ...anonymiseHandlers(anonymise),
    ...rewardsHandlers(rewards),
    'audit.list': (filter) => audit.list(filter),
    'audit.export': (filter) => audit.export(filter),
    'audit.record': ({ transfers }) => audit.recordFromRenderer(transfers),
    'app.info': async () => ({
      name: 'Datanet Desk',
      version: options.version,
      host: options.host,
      ...(permissionReport
        ? {
            dataFolderPermissions: {
              fixedDirectories: permissionReport.fixedDirectories,
              fixedFiles: permissionReport.fixedFiles,
              checked: permissionReport.checked,
              isComplete: permissionReport.isComplete,
            },
          }
        : {}),
    }),
    'datanets.list': () => datanets.list(),
    'datanets.get': ({ id }) => datanets.get(id),
    'datanets.create': (input) => datanets.create(input),
    'datanets.update': (input) => datanets.update(input),
    'datanets.remove': ({ id }) => datanets.remove(id),
    'datanets.policyHistory': ({ id }) => datanets.policyHistory(id),
    'datanets.export': ({ id }) => datanets.exportJson(id),
    'datanets.import': ({ json, name }) => datanets.importJson(json, name),
    'items.list': (filter) => library.list(filter),
    'items.get': ({ id, previewChars }) => library.get(id, previewChars),
    'items.remove': ({ id }) => library.remove(id),
    'items.shareOriginalStatus': ({ id }) => shareOriginal.status(id),
    'items.setShareOriginal': (input) => shareOriginal.set(input),
    'library.importFile': async ({ datanetId, name, relativePath, dataBase64 }) =>
      library.importBytes({ datanetId, name, relativePath, bytes: decodeBase64(dataBase64) }),
    'library.importPaths': (input) => library.importPaths(input),
    'library.pickAndImport': async ({ datanetId, mode, importId }) => {
      const pickPaths = options.pickPaths;
      if (!pickPaths) throw new AppError('unavailable', 'This host has no file dialog: use the file picker of the browser.');
      // An unknown Datanet fails before a dialog opens for nothing.
      await datanets.get(datanetId);
      const paths = await pickPaths(mode);
      if (paths.length === 0) return { results: [], cancelled: false, isDismissed: true };
      return { ...(await library.importPaths({ datanetId, paths, importId })), isDismissed: false };
    },
    'library.cancelImport': async ({ importId }) => library.cancelImport(importId),
    'dp.preview': (input) => dp.preview(input),
    'dp.apply': (input) => dp.apply(input),
    'dp.budget': ({ itemId }) => dp.budget(itemId),
    'dp.ledger': ({ datanetId }) => ledger.list({ datanetId }),
    'dp.contributorCap': async () => ({ epsilonCap: await ledger.contributorCap() }),
    'dp.setContributorCap': async ({ epsilonCap }) => {
      await ledger.setContributorCap(epsilonCap);
      return { epsilonCap };
    },
    'embeddings.status': () => embeddings.status(),
    'embeddings.configure': (input) => embeddings.configure(input),
    'embeddings.importModel': (input) => embeddings.importModel(input),
    'embeddings.embedDatanet': (input) => embeddings.embedDatanet(input),
    'embeddings.cancel': async ({ jobId }) => embeddings.cancel(jobId),
    'embeddings.coverage': ({ datanetId }) => embeddings.coverage(datanetId),
    'embeddings.search': (input) => embeddings.search(input),
    'embeddings.relevance': ({ itemId }) => embeddings.relevance(itemId),
    'embeddings.duplicates': ({ itemId }) => embeddings.duplicates(itemId),
    'embeddings.itemQuality': ({ itemId }) => embeddings.itemQuality(itemId),
    'embeddings.overrideDuplicate': ({ itemId, isOverridden }) => embeddings.overrideDuplicate(itemId, isOverridden),
  };

  let isClosed = false;
  return {
    handlers,
    events,
    db,
    datanets,
    library,
    versions,
    dp,
    embeddings,
    audit,
    anonymise,
    blobs,
    wallet: submitting.wallet,
    network: submitting.network,
    submissions: submitting.submissions,
    submissionQueue: submitting.queue,
    rewards,
    rooms,
    sharedDatanets,
    governance,
    permissions,
    async close() {
      if (isClosed) return;
      isClosed = true;
      try {
        await permissions;
        await submitting.close();
        await embeddings.close();
        await library.close();
        await db.close();
        // PGlite creates its files 0666 whatever the umask (Emscripten NODEFS): leave them owner-only at rest.
        if (!options.isInMemoryDatabase) await enforcePrivateModes(join(options.dataDir, 'db'));
      } finally {
        releaseLock();
      }
    },
  };
}
