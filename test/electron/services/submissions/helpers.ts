import { createDispatcher } from '../../../../shared/api/dispatcher';
import type { MethodInput, MethodName, MethodOutput } from '../../../../shared/api/index';
import { AppError } from '../../../../shared/errors';
import { createServices, type Services } from '../../../../electron/services/wiring';
import type { SubmissionTuning } from '../../../../electron/services/submissions/create-submission-services';
import { policySchema, type PolicyInput } from '../../../../shared/policy';

export const PASSPHRASE = 'a passphrase for tests';

/** A profile shaped like the devnet's, for tests that never reach a network. */
export const OFFLINE_PROFILE = {
  name: 'offline-test',
  chainId: 31337,
  rpcUrl: 'http://127.0.0.1:9/',
  contracts: {
    eas: '0x5FbDB2315678afecb367f032d93F642f64180aa3',
    schemaRegistry: '0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512',
    token: '0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0',
    rewards: '0xCf7Ed3AccA5a467e9e704C703E8D87F634fB0Fc9',
  },
  schemas: { contribution: `0x${'11'.repeat(32)}`, verdict: `0x${'22'.repeat(32)}` },
  validatorUrl: 'http://127.0.0.1:9/',
  signalingUrls: [],
  easVersion: '1.4.0',
};

/** The app's services on a data folder (on disk, so a test can close and reopen them). */
export async function openServices(dataDir: string, tuning: SubmissionTuning = {}): Promise<Services> {
  return createServices({
    dataDir,
    host: 'node',
    version: 'test',
    submission: {
      keystoreScryptN: 1024,
      environmentPassphrase: () => PASSPHRASE,
      retryBaseMs: 100,
      retryMaxMs: 500,
      log: () => undefined,
      ...tuning,
    },
  });
}

/** Imports a text file and gives it an anonymised version with a report, as the anonymiser would. */
export async function importAnonymised(services: Services, datanetId: string, name: string, text: string): Promise<string> {
  const result = await services.library.importBytes({ datanetId, name, bytes: new TextEncoder().encode(`${text}\nNAME: Jane Roe`) });
  if (!result.itemId) throw new Error(`import failed: ${result.code} ${result.message}`);
  await services.versions.create({
    itemId: result.itemId,
    kind: 'anonymised',
    content: { kind: 'text', text: `${text}\nNAME: [PERSON_1]` },
    report: { detections: [{ type: 'PERSON', operator: 'placeholder', count: 1 }] },
  });
  return result.itemId;
}

export async function createDatanet(services: Services, name: string, policy: PolicyInput = {}): Promise<string> {
  const datanet = await services.datanets.create({
    name,
    domain: 'clinical',
    description: 'Anonymised clinical notes.',
    policy: policySchema.parse(policy),
  });
  return datanet.id;
}

/** The contract as the renderer sees it, typed: results on success, AppError thrown on failure. */
export function typedApi(services: Services): <M extends MethodName>(method: M, input: MethodInput<M>) => Promise<MethodOutput<M>> {
  const dispatch = createDispatcher(services.handlers, (error) => console.error(error));
  return async (method, input) => {
    const reply = await dispatch(method, input);
    if (!reply.ok) throw AppError.fromData(reply.error);
    return reply.result as MethodOutput<typeof method>;
  };
}
