import { appendFileSync, existsSync } from 'node:fs';
import { mkdir, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '../shared/errors';
import { networkProfileSchema } from '../shared/network-profile';
import type { NetworkProfile } from '../shared/network-profile';
import { startAnvil } from './anvil';
import type { Anvil } from './anvil';
import { DEFAULT_EPOCH_BUDGET, deployNetwork, deploymentSchema, isDeployed } from './deploy';
import type { Deployment } from './deploy';
import { lockDataDir } from './data-lock';
import { readJson, writeJsonAtomic } from './json-file';
import { startSignaling } from './signaling';
import type { SignalingServer } from './signaling';
import { DEFAULT_QUERIES_PER_DATANET, DEFAULT_TOP_K } from './validator/attribution';
import { ValidatorChain, localProvider } from './validator/chain';
import { PolicyStore } from './validator/policies';
import { startValidatorServer } from './validator/server';
import type { ValidatorServer } from './validator/server';
import { Validator } from './validator/validator';

export const DEVNET_CHAIN_ID = 31337;
export const DEFAULT_SEED = 'datanet-devnet';

export type DevnetOptions = {
  /** Holds the chain state, the deployment record, the validator state and the logs. */
  dataDir: string;
  /**
   * Base port: JSON-RPC on `port`, the validator on `port + 1`, signaling on `port + 2`.
   * 0 (the default) gives each a free port chosen by the OS, as tests want.
   */
  port?: number;
  /** Seeds the attribution workload. Fixed at the first start; later starts keep the stored one. */
  seed?: string;
  /** $OPEN (smallest unit) paid per epoch; used when the contracts are first deployed. */
  epochBudget?: bigint;
  queriesPerDatanet?: number;
  topK?: number;
  /** The validator's clock, epoch ms (tests move it across UTC days). */
  now?: () => number;
  /** anvil's state dump interval; the state is also dumped on a clean stop. */
  stateIntervalSeconds?: number;
  /** Progress and diagnostics; they also go to `devnet.log` in the data folder. */
  log?: (line: string) => void;
};

export type StartupTimings = { anvilMs: number; deployMs: number; validatorMs: number; signalingMs: number; totalMs: number };

export type Devnet = {
  profile: NetworkProfile;
  deployment: Deployment;
  /** Whether this start deployed the contracts (false: they were found on the persisted chain). */
  isFreshDeployment: boolean;
  timings: StartupTimings;
  dataDir: string;
  stop(): Promise<void>;
};

/**
 * Starts the devnet: anvil with EAS, $OPEN, the rewards contract and the Datanet registry; the
 * Datanet validator (which also serves policy documents by hash); the y-webrtc signaling
 * server. Everything listens on 127.0.0.1 only. A second start on the same
 * data folder finds the chain, the contracts and the validator's state where the first left them.
 */
export async function startDevnet(options: DevnetOptions): Promise<Devnet> {
  const started = Date.now();
  const { dataDir } = options;
  await mkdir(dataDir, { recursive: true });
  const logPath = join(dataDir, 'devnet.log');
  const log = (line: string): void => {
    appendFileSync(logPath, `${new Date().toISOString()} ${line}\n`);
    options.log?.(line);
  };
  const base = options.port ?? 0;
  const portFor = (offset: number): number => (base === 0 ? 0 : base + offset);
  const statePath = join(dataDir, 'chain-state.json');
  const deploymentPath = join(dataDir, 'deployment.json');

  const unlock = lockDataDir(dataDir);
  const stops: Array<() => Promise<void>> = [async () => unlock()];
  const stopAll = async (): Promise<void> => {
    for (const stop of stops.reverse()) {
      try {
        await stop();
      } catch (error) {
        log(`stop: ${(error as Error).message}`);
      }
    }
    stops.length = 0;
  };

  try {
    const t0 = Date.now();
    const anvil = await startAnvilRecovering(
      {
        port: portFor(0),
        chainId: DEVNET_CHAIN_ID,
        statePath,
        stateIntervalSeconds: options.stateIntervalSeconds ?? 1,
        logPath: join(dataDir, 'anvil.log'),
      },
      log,
    );
    stops.push(() => anvil.stop());
    const anvilMs = Date.now() - t0;

    const t1 = Date.now();
    const provider = localProvider(anvil.rpcUrl, DEVNET_CHAIN_ID);
    let deployment = await readJson(deploymentPath, deploymentSchema).catch(() => undefined);
    let isFreshDeployment = false;
    if (!deployment || deployment.chainId !== DEVNET_CHAIN_ID || !(await isDeployed(provider, deployment))) {
      if (deployment) log('the recorded contracts are not on this chain; deploying afresh');
      deployment = await deployNetwork(provider, DEVNET_CHAIN_ID, options.epochBudget ?? DEFAULT_EPOCH_BUDGET);
      await writeJsonAtomic(deploymentPath, deployment);
      isFreshDeployment = true;
      log(`deployed: ${JSON.stringify(deployment.contracts)} gas ${JSON.stringify(deployment.gas)}`);
    }
    provider.destroy();
    const deployMs = Date.now() - t1;

    const t2 = Date.now();
    const chain = new ValidatorChain(anvil.rpcUrl, deployment);
    stops.push(async () => chain.destroy());
    const policies = new PolicyStore(join(dataDir, 'policies'));
    const validator = await Validator.open({
      chain,
      policies,
      statePath: join(dataDir, 'validator-state.json'),
      seed: options.seed ?? DEFAULT_SEED,
      now: options.now ?? Date.now,
      queriesPerDatanet: options.queriesPerDatanet ?? DEFAULT_QUERIES_PER_DATANET,
      topK: options.topK ?? DEFAULT_TOP_K,
      log,
    });
    const server: ValidatorServer = await startValidatorServer(validator, portFor(1), log, policies);
    stops.push(async () => {
      await validator.drain();
      await server.stop();
    });
    const validatorMs = Date.now() - t2;

    const t3 = Date.now();
    const signaling: SignalingServer = await startSignaling(portFor(2));
    stops.push(() => signaling.stop());
    const signalingMs = Date.now() - t3;

    const profile = networkProfileSchema.parse({
      name: 'devnet',
      chainId: deployment.chainId,
      rpcUrl: anvil.rpcUrl,
      contracts: deployment.contracts,
      schemas: deployment.schemas,
      validatorUrl: server.url,
      signalingUrls: [signaling.url],
      faucetUrl: `${server.url}/faucet`,
      validatorAddress: deployment.accounts.validator,
      easVersion: deployment.easVersion,
      startBlock: deployment.startBlock,
    });
    await writeJsonAtomic(join(dataDir, 'profile.json'), profile);

    const timings = { anvilMs, deployMs, validatorMs, signalingMs, totalMs: Date.now() - started };
    log(
      `ready in ${timings.totalMs} ms (${isFreshDeployment ? 'fresh deployment' : 'restarted'}): ${profile.rpcUrl} ${profile.validatorUrl} ${signaling.url}`,
    );
    let stopping: Promise<void> | undefined;
    return {
      profile,
      deployment,
      isFreshDeployment,
      timings,
      dataDir,
      stop: () => {
        stopping ??= stopAll().then(() => log('stopped'));
        return stopping;
      },
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/**
 * A chain state that anvil cannot load (a dump cut short by a crash) is set aside and the chain
 * starts empty; the deployment check that follows then redeploys, and the validator, finding
 * another deployment, starts afresh too.
 */
async function startAnvilRecovering(options: Parameters<typeof startAnvil>[0], log: (line: string) => void): Promise<Anvil> {
  try {
    return await startAnvil(options);
  } catch (error) {
    // anvil says "invalid value '<path>' for '--state <PATH>': failed to parse json file".
    const isStateUnloadable = error instanceof AppError && /--state/.test(error.message);
    if (!existsSync(options.statePath) || !isStateUnloadable) throw error;
    const aside = `${options.statePath}.unloadable-${Date.now()}`;
    await rename(options.statePath, aside);
    log(`anvil could not load its state (${error.message.slice(0, 200)}); moved it to ${aside}`);
    return startAnvil(options);
  }
}
