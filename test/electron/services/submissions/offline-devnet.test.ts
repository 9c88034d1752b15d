import { afterAll, describe, expect, it } from 'vitest';
import { startDevnet } from '../../../../devnet/devnet';
import type { Devnet } from '../../../../devnet/devnet';
import { syntheticNote } from '../../../devnet/corpus';
import { provider } from '../../../devnet/devnet-client';
import { freeDevnetPort } from '../../../helpers/devnet-port';
import { makeTempDir } from '../../../helpers/temp-dir';
import { onchainContributions } from './devnet-helpers';
import { createDatanet, importAnonymised, openServices } from './helpers';

const chainDir = makeTempDir('datanet-devnet-offline-');
const appDir = makeTempDir();
let devnet: Devnet | undefined;
const cleanups: (() => unknown)[] = [];

afterAll(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  await devnet?.stop();
  chainDir.remove();
  appDir.remove();
});

async function waitFor(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('offline', () => {
  it('queues a submission while the network is down and sends it, on its own, when it is back', async () => {
    const port = await freeDevnetPort();
    devnet = await startDevnet({ dataDir: chainDir.dir, port });
    const profile = devnet.profile;
    // The app runs its queue on its own timers here, as the desktop app does.
    const services = await openServices(appDir.dir, { retryBaseMs: 100, retryMaxMs: 400 });
    cleanups.push(() => services.close());
    await services.wallet.create({});
    await services.network.setProfile(profile);
    const datanetId = await createDatanet(services, 'Offline notes');
    const itemIds = [
      await importAnonymised(services, datanetId, 'a.txt', syntheticNote(1)),
      await importAnonymised(services, datanetId, 'b.txt', syntheticNote(2)),
    ];

    await devnet.stop();
    devnet = undefined;

    // Signed and attested off-chain at once, with no network.
    const submitted = await services.submissions.submitSelection(datanetId, itemIds);
    expect(submitted.status).toBe('attested_offchain');
    expect(submitted.offchainUid).not.toBeNull();
    await waitFor(async () => (await services.submissions.get(submitted.id)).attempts >= 2, 20_000);
    const waiting = await services.submissions.get(submitted.id);
    expect(waiting).toMatchObject({ status: 'attested_offchain', lastError: { code: 'unavailable' }, onchainUid: null });
    expect(waiting.nextAttemptAt).not.toBeNull();
    expect((await services.network.status()).isChainReachable).toBe(false);

    devnet = await startDevnet({ dataDir: chainDir.dir, port });
    expect(devnet.profile.rpcUrl).toBe(profile.rpcUrl);
    await waitFor(async () => (await services.submissions.get(submitted.id)).status === 'accepted', 30_000);
    const done = await services.submissions.get(submitted.id);
    expect(done).toMatchObject({ status: 'accepted', lastError: null });

    const rpc = provider(devnet.profile);
    try {
      const onchain = await onchainContributions(rpc, devnet.profile, done.contributor);
      expect(onchain).toEqual([{ uid: done.onchainUid, manifestHash: done.manifestHash, txHash: done.txHash }]);
    } finally {
      rpc.destroy();
    }
  });
});
