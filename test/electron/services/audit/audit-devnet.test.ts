import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Devnet } from '../../../../devnet/devnet';
import type { Services } from '../../../../electron/services/wiring';
import { syntheticNote } from '../../../devnet/corpus';
import { startTestDevnet } from '../../../devnet/devnet-client';
import { findCanaries } from '../../../helpers/canary/find-canaries';
import { httpRequestsOf } from '../../../helpers/canary/http-requests';
import { tapNetwork, type NetworkTaps } from '../../../helpers/canary/network-taps';
import { makeTempDir } from '../../../helpers/temp-dir';
import { createDatanet, openServices } from '../submissions/helpers';

let devnet: Devnet;
let removeDevnet: () => void;
let taps: NetworkTaps;
let services: Services;
const cleanups: (() => unknown)[] = [];
const CANARY = 'CANARY-ORIGINAL-7f3a9c21-MRN';

beforeAll(async () => {
  ({ devnet, remove: removeDevnet } = await startTestDevnet());
  taps = await tapNetwork(devnet.profile);
  const tmp = makeTempDir();
  cleanups.push(tmp.remove);
  services = await openServices(tmp.dir, { isAutomatic: false });
  cleanups.push(() => services.close());
});
afterAll(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  await taps?.close();
  await devnet?.stop();
  removeDevnet?.();
});

describe('audit log against the devnet, behind loopback taps', () => {
  it('has one entry, with the same sha256 and size, for every request that reached the chain, validator and faucet', async () => {
    await services.wallet.create({});
    await services.network.setProfile(taps.profile);
    await services.submissions.fund();
    const datanetId = await createDatanet(services, 'Audited notes');
    const itemIds: string[] = [];
    for (let i = 0; i < 2; i++) {
      const text = syntheticNote(7000 + i);
      const imported = await services.library.importBytes({
        datanetId,
        name: `note-${i}.txt`,
        bytes: new TextEncoder().encode(`${text}\nPatient ${CANARY}-${i}`),
      });
      await services.versions.create({
        itemId: imported.itemId as string,
        kind: 'anonymised',
        content: { kind: 'text', text: `${text}\nPatient [MRN_1]` },
        report: { detections: [{ type: 'MRN', operator: 'placeholder', count: 1 }] },
      });
      itemIds.push(imported.itemId as string);
    }
    const queued = await services.submissions.submitSelection(datanetId, itemIds);
    await services.submissionQueue.settle([queued.id]);
    expect((await services.submissions.get(queued.id)).status).toBe('accepted');

    const seen = taps.taps.flatMap((tap) => tap.connections.flatMap((c) => httpRequestsOf(c.sent).map((r) => ({ tap: tap.name, ...r }))));
    expect(seen.length).toBeGreaterThan(5);
    const { entries, total } = await services.audit.list({ limit: 1_000 });
    expect(total).toBe(seen.length);
    const logged = entries.map((e) => `${e.channel === 'faucet' ? 'validator' : e.channel}:${e.contentSha256}:${e.bytes}`).sort();
    const wire = seen
      .map((r) => {
        // A request without a body is recorded by its request line (method and URL).
        const content = r.body.length
          ? r.body
          : Buffer.from(`${r.method} ${taps.taps.find((t) => t.name === r.tap)?.url.replace(/\/$/, '')}${r.path}`);
        return `${r.tap}:${createHash('sha256').update(content).digest('hex')}:${content.length}`;
      })
      .sort();
    expect(logged).toEqual(wire);
    expect(entries.some((e) => e.channel === 'chain-rpc' && e.what === 'eth_sendRawTransaction')).toBe(true);
    expect(entries.some((e) => e.channel === 'validator' && e.what === 'POST /submissions')).toBe(true);
    expect(entries.some((e) => e.channel === 'faucet')).toBe(true);

    // The originals' identifiers never left: only anonymised versions are sent.
    const captures = taps.captures();
    expect(findCanaries(captures, [CANARY])).toEqual([]);
    // ...while the anonymised text did go to the validator, so the search looks where it should.
    expect(findCanaries(captures, ['Patient [MRN_1]']).length).toBeGreaterThan(0);
    console.log(JSON.stringify({ canaryBytesInspected: taps.bytesSent(), leaks: 0 }));
  });
});
