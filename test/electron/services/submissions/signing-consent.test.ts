import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConsentRequest } from '../../../../electron/services/wallet/signing-consent';
import type { Services } from '../../../../electron/services/wiring';
import { AppError } from '../../../../shared/errors';
import { makeTempDir } from '../../../helpers/temp-dir';
import { createDatanet, importAnonymised, OFFLINE_PROFILE, openServices, PASSPHRASE, typedApi } from './helpers';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A native confirmation stand-in (Electron's dialog cannot run here): answers as told and records what it was shown. */
class FakeConsentPrompt {
  readonly shown: ConsentRequest[] = [];
  constructor(private readonly answer: boolean) {}
  async confirm(request: ConsentRequest): Promise<boolean> {
    this.shown.push(request);
    return this.answer;
  }
}

async function app(
  tuning: Parameters<typeof openServices>[1] = {},
): Promise<{ services: Services; dataDir: string; datanetId: string; itemIds: string[] }> {
  const tmp = makeTempDir();
  cleanups.push(tmp.remove);
  const services = await openServices(tmp.dir, { isAutomatic: false, ...tuning });
  cleanups.push(() => services.close());
  await services.wallet.create({ passphrase: PASSPHRASE });
  await services.network.setProfile(OFFLINE_PROFILE);
  const datanetId = await createDatanet(services, 'Consent');
  const itemIds = [
    await importAnonymised(services, datanetId, 'a.txt', 'First note to sign.'),
    await importAnonymised(services, datanetId, 'b.txt', 'Second note to sign.'),
  ];
  return { services, dataDir: tmp.dir, datanetId, itemIds };
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'resolved';
  } catch (error) {
    return error instanceof AppError ? error.code : `not an AppError: ${String(error)}`;
  }
}

/** Nothing was signed or stored: no submission, and no journaled transaction. */
async function expectNothingSigned(services: Services, dataDir: string): Promise<void> {
  expect(await services.submissions.list()).toEqual([]);
  const journal = join(dataDir, 'submissions', 'journal.jsonl');
  expect(existsSync(journal) ? readFileSync(journal, 'utf8') : '').toBe('');
}

describe('signing consent', () => {
  it('refuses a submit that names no prepared request, whatever hash it gives', async () => {
    const { services, dataDir, datanetId, itemIds } = await app();
    const api = typedApi(services);
    // The renderer (or anything reaching the contract) knows the manifest hash it would get, but never prepared it.
    const real = await services.submissions.prepare(datanetId, itemIds);
    const forged = await codeOf(api('submissions.submit', { requestId: crypto.randomUUID(), manifestHash: real.manifestHash }));
    expect(forged).toBe('consent_required');
    // The old input (a selection, no request) is not even valid input any more.
    expect(await codeOf(api('submissions.submit', { datanetId, itemIds } as never))).toBe('invalid_input');
    expect(await codeOf(api('submissions.submit', { requestId: real.requestId } as never))).toBe('invalid_input');
    await expectNothingSigned(services, dataDir);
  });

  it('refuses a prepared request with another manifest hash, and does not let it be retried', async () => {
    const { services, dataDir, datanetId, itemIds } = await app();
    const api = typedApi(services);
    const prepared = await api('submissions.prepare', { datanetId, itemIds });
    const other = await api('submissions.prepare', { datanetId, itemIds: itemIds.slice(0, 1) });
    expect(await codeOf(api('submissions.submit', { requestId: prepared.requestId, manifestHash: other.manifestHash }))).toBe(
      'consent_required',
    );
    // A mismatch spends the request: guessing cannot go on against it.
    expect(await codeOf(api('submissions.submit', { requestId: prepared.requestId, manifestHash: prepared.manifestHash }))).toBe(
      'consent_required',
    );
    await expectNothingSigned(services, dataDir);
  });

  it('refuses a replayed request id: one consent signs one submission', async () => {
    const { services, datanetId, itemIds } = await app();
    const api = typedApi(services);
    const prepared = await api('submissions.prepare', { datanetId, itemIds });
    const submitted = await api('submissions.submit', { requestId: prepared.requestId, manifestHash: prepared.manifestHash });
    expect(submitted).toMatchObject({ status: 'attested_offchain', manifestHash: prepared.manifestHash });
    expect(await codeOf(api('submissions.submit', { requestId: prepared.requestId, manifestHash: prepared.manifestHash }))).toBe(
      'consent_required',
    );
    expect((await services.submissions.list()).map((s) => s.id)).toEqual([submitted.id]);
  });

  it('refuses an expired request', async () => {
    let clock = Date.parse('2026-03-10T15:30:00.000Z');
    const { services, dataDir, datanetId, itemIds } = await app({ now: () => clock });
    const api = typedApi(services);
    const prepared = await api('submissions.prepare', { datanetId, itemIds });
    expect(Date.parse(prepared.expiresAt) - clock).toBe(5 * 60_000);
    clock += 5 * 60_000 + 1;
    expect(await codeOf(api('submissions.submit', { requestId: prepared.requestId, manifestHash: prepared.manifestHash }))).toBe(
      'consent_required',
    );
    await expectNothingSigned(services, dataDir);
  });

  it('refuses when the items changed between the prompt and the signature', async () => {
    const { services, dataDir, datanetId, itemIds } = await app();
    const api = typedApi(services);
    const prepared = await api('submissions.prepare', { datanetId, itemIds });
    // A new anonymised version after the prompt was shown: the manifest rebuilt now is another one.
    await services.versions.create({
      itemId: itemIds[0] as string,
      kind: 'anonymised',
      content: { kind: 'text', text: 'First note to sign, edited after the prompt.' },
      report: { detections: [] },
    });
    expect(await codeOf(api('submissions.submit', { requestId: prepared.requestId, manifestHash: prepared.manifestHash }))).toBe(
      'consent_required',
    );
    await expectNothingSigned(services, dataDir);
  });

  it('keeps the request for a retry when the wallet was locked, and signs after the unlock', async () => {
    const { services, datanetId, itemIds } = await app({ environmentPassphrase: () => undefined });
    const api = typedApi(services);
    await services.wallet.lock();
    const prepared = await api('submissions.prepare', { datanetId, itemIds });
    const request = { requestId: prepared.requestId, manifestHash: prepared.manifestHash };
    expect(await codeOf(api('submissions.submit', request))).toBe('wallet_locked');
    expect(await services.submissions.list()).toEqual([]);
    await services.wallet.unlock({ passphrase: PASSPHRASE });
    expect((await api('submissions.submit', request)).status).toBe('attested_offchain');
  });

  it('asks the injected native prompt with the manifest hash, Datanet, item count and max fee; a refusal signs nothing', async () => {
    const declining = new FakeConsentPrompt(false);
    const { services, dataDir, datanetId, itemIds } = await app({ consentPrompt: declining });
    const api = typedApi(services);
    const prepared = await api('submissions.prepare', { datanetId, itemIds });
    expect(await codeOf(api('submissions.submit', { requestId: prepared.requestId, manifestHash: prepared.manifestHash }))).toBe(
      'consent_required',
    );
    expect(declining.shown).toEqual([
      {
        kind: 'submission',
        datanetName: 'Consent',
        networkName: 'offline-test (chain 31337)',
        manifestHash: prepared.manifestHash,
        itemCount: 2,
        totalBytes: prepared.manifest.totals.bytes,
        // The user's default cap: 0.01 ether per submission.
        maxFeeWei: '10000000000000000',
      },
    ]);
    await expectNothingSigned(services, dataDir);

    const accepting = new FakeConsentPrompt(true);
    const other = await app({ consentPrompt: accepting });
    const ok = await typedApi(other.services)('submissions.prepare', { datanetId: other.datanetId, itemIds: other.itemIds });
    const done = await typedApi(other.services)('submissions.submit', { requestId: ok.requestId, manifestHash: ok.manifestHash });
    expect(done.status).toBe('attested_offchain');
    expect(accepting.shown).toHaveLength(1);
  });
});
