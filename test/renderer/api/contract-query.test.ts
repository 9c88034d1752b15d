import { describe, expect, it } from 'vitest';
import { createClient, type Transport } from '../../../shared/api/client';
import type { DispatchResult } from '../../../shared/api/dispatcher';
import type { MethodOutput } from '../../../shared/api/index';
import { AppError } from '../../../shared/errors';
import {
  createMutationController,
  createQueryController,
  type QueryConfig,
  type QuerySnapshot,
} from '../../../renderer/src/api/contract-query';

type Datanet = MethodOutput<'datanets.get'>;

/**
 * Stands in for the host (this test has no DOM and no host): each call waits until the test
 * answers it, in whatever order, and events are pushed by the test. The real client sits on top,
 * so errors reach the controller as the renderer gets them.
 */
function createFakeTransport() {
  const pending: { method: string; input: unknown; answer: (r: DispatchResult) => void }[] = [];
  const listeners = new Set<(event: string, payload: unknown) => void>();
  const transport: Transport = {
    invoke: (method, input) => new Promise((answer) => pending.push({ method, input, answer })),
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  return {
    client: createClient(transport),
    pending,
    emit: (event: string, payload: unknown) => [...listeners].forEach((l) => l(event, payload)),
    listenerCount: () => listeners.size,
  };
}

const datanet = (id: string, name: string): Datanet => ({ id, name }) as unknown as Datanet;
const settle = () => new Promise((r) => setTimeout(r, 0));

function setup() {
  const host = createFakeTransport();
  const query = createQueryController<Datanet>(host.client.on);
  const states: QuerySnapshot<Datanet>[] = [];
  query.subscribe(() => states.push(query.getSnapshot()));
  const configFor = (id: string, extra: Partial<QueryConfig<Datanet>> = {}): QueryConfig<Datanet> => ({
    key: `datanets.get ${id}`,
    load: () => host.client.call('datanets.get', { id }),
    refreshOn: [],
    isEnabled: true,
    ...extra,
  });
  return { host, query, states, configFor };
}

describe('contract query controller', () => {
  it('ignores the answer for an input that changed while it was on its way', async () => {
    const { host, query, states, configFor } = setup();
    query.configure(configFor('a'));
    query.configure(configFor('b'));
    expect(host.pending.map((p) => p.input)).toEqual([{ id: 'a' }, { id: 'b' }]);
    host.pending[1]!.answer({ ok: true, result: datanet('b', 'Bees') });
    await settle();
    host.pending[0]!.answer({ ok: true, result: datanet('a', 'Ants') });
    await settle();
    expect(query.getSnapshot()).toMatchObject({ key: 'datanets.get b', data: { name: 'Bees' }, isLoading: false });
    expect(states.some((s) => s.data?.name === 'Ants')).toBe(false);
  });

  it('ignores an older answer that arrives before the newer one', async () => {
    const { host, query, configFor } = setup();
    query.configure(configFor('a'));
    query.configure(configFor('b'));
    host.pending[0]!.answer({ ok: true, result: datanet('a', 'Ants') });
    await settle();
    expect(query.getSnapshot()).toMatchObject({ data: undefined, isLoading: true });
    host.pending[1]!.answer({ ok: true, result: datanet('b', 'Bees') });
    await settle();
    expect(query.getSnapshot().data?.name).toBe('Bees');
  });

  it('ignores answers after stop (the view unmounted) and drops its event subscriptions', async () => {
    const { host, query, configFor } = setup();
    query.configure(configFor('a', { refreshOn: ['wallet.changed'] }));
    expect(host.listenerCount()).toBe(1);
    query.stop();
    expect(host.listenerCount()).toBe(0);
    host.pending[0]!.answer({ ok: true, result: datanet('a', 'Ants') });
    await settle();
    expect(query.getSnapshot().data).toBeUndefined();
  });

  it('keeps the code and message of a failure, and keeps an earlier answer for the same input under it', async () => {
    const { host, query, configFor } = setup();
    query.configure(configFor('a'));
    host.pending[0]!.answer({ ok: false, error: { code: 'not_found', message: 'No Datanet a.' } });
    await settle();
    const failed = query.getSnapshot();
    expect(failed.error).toBeInstanceOf(AppError);
    expect([failed.error?.code, failed.error?.message, failed.isLoading]).toEqual(['not_found', 'No Datanet a.', false]);

    query.retry();
    host.pending[1]!.answer({ ok: true, result: datanet('a', 'Ants') });
    await settle();
    query.retry();
    host.pending[2]!.answer({ ok: false, error: { code: 'unavailable', message: 'Host gone.' } });
    await settle();
    expect(query.getSnapshot()).toMatchObject({ data: { name: 'Ants' }, error: { code: 'unavailable' } });
  });

  it('shows a thrown non-AppError as internal, with no text of its own', async () => {
    const { query, configFor } = setup();
    query.configure(configFor('a', { load: () => Promise.reject(new Error('/home/me/secret path')) }));
    await settle();
    expect(query.getSnapshot().error).toMatchObject({ code: 'internal', message: 'Something went wrong; try again.' });
  });

  it('runs the same call again on retry, and a success clears the error', async () => {
    const { host, query, configFor } = setup();
    query.configure(configFor('a'));
    host.pending[0]!.answer({ ok: false, error: { code: 'unavailable', message: 'Host gone.' } });
    await settle();
    query.retry();
    expect(query.getSnapshot().isLoading).toBe(true);
    expect(host.pending.map((p) => [p.method, p.input])).toEqual([
      ['datanets.get', { id: 'a' }],
      ['datanets.get', { id: 'a' }],
    ]);
    host.pending[1]!.answer({ ok: true, result: datanet('a', 'Ants') });
    await settle();
    expect(query.getSnapshot()).toMatchObject({ data: { name: 'Ants' }, error: null, isLoading: false });
  });

  it('loads again on a matching event, keeping the data shown meanwhile, and tells the loader why', async () => {
    const { host, query, configFor } = setup();
    const reasons: string[] = [];
    query.configure(
      configFor('a', {
        refreshOn: [{ event: 'anonymise.changed', when: (p) => p.itemId === 'item-1' }, 'wallet.changed'],
        load: ({ reason }) => (reasons.push(reason), host.client.call('datanets.get', { id: 'a' })),
      }),
    );
    host.pending[0]!.answer({ ok: true, result: datanet('a', 'Ants') });
    await settle();
    host.emit('anonymise.changed', { itemId: 'item-2' });
    host.emit('library.unrelated', {});
    expect(host.pending).toHaveLength(1);
    host.emit('anonymise.changed', { itemId: 'item-1' });
    expect(query.getSnapshot()).toMatchObject({ data: { name: 'Ants' }, isLoading: true });
    host.pending[1]!.answer({ ok: true, result: datanet('a', 'Ants renamed') });
    await settle();
    host.emit('wallet.changed', {});
    expect(host.pending).toHaveLength(3);
    expect(reasons).toEqual(['load', 'event', 'event']);
    expect(query.getSnapshot().data?.name).toBe('Ants renamed');
  });

  it('makes no call while disabled, and loads when enabled', async () => {
    const { host, query, configFor } = setup();
    query.configure(configFor('a', { isEnabled: false, refreshOn: ['wallet.changed'] }));
    host.emit('wallet.changed', {});
    query.retry();
    expect(host.pending).toHaveLength(0);
    query.configure(configFor('a'));
    expect(host.pending).toHaveLength(1);
  });

  it('does not load again when the same config comes back (each render)', () => {
    const { host, query, configFor } = setup();
    query.configure(configFor('a', { refreshOn: ['wallet.changed'] }));
    query.configure(configFor('a', { refreshOn: ['wallet.changed'] }));
    expect(host.pending).toHaveLength(1);
    expect(host.listenerCount()).toBe(1);
  });
});

describe('contract mutation controller', () => {
  it('is running while any run is, returns the answer or the error with its code, and reset clears it', async () => {
    const host = createFakeTransport();
    const mutation = createMutationController();
    const first = mutation.run(() => host.client.call('datanets.get', { id: 'a' }));
    const second = mutation.run(() => host.client.call('datanets.get', { id: 'b' }));
    expect(mutation.getSnapshot().isRunning).toBe(true);
    host.pending[0]!.answer({ ok: false, error: { code: 'conflict', message: 'Changed meanwhile.' } });
    expect(await first).toMatchObject({ isOk: false, error: { code: 'conflict' } });
    expect(mutation.getSnapshot()).toMatchObject({ isRunning: true, error: { code: 'conflict', message: 'Changed meanwhile.' } });
    host.pending[1]!.answer({ ok: true, result: datanet('b', 'Bees') });
    expect(await second).toMatchObject({ isOk: true, value: { name: 'Bees' } });
    expect(mutation.getSnapshot()).toMatchObject({ isRunning: false, error: { code: 'conflict' } });
    mutation.reset();
    expect(mutation.getSnapshot().error).toBeNull();
  });
});
