import { describe, expect, it } from 'vitest';
import { createDispatcher, type Handlers } from '../../../shared/api/dispatcher';
import { createClient, type Transport } from '../../../shared/api/client';
import { AppError, errorLogText } from '../../../shared/errors';

function handlersWith(overrides: Partial<Handlers>): Handlers {
  const unreachable = async (): Promise<never> => {
    throw new Error('not used in this test');
  };
  return new Proxy(overrides as Handlers, {
    get: (target, key: string) => (target as Record<string, unknown>)[key] ?? unreachable,
  });
}

describe('dispatcher', () => {
  it('refuses an unknown method with not_found', async () => {
    const dispatch = createDispatcher(handlersWith({}), () => undefined);
    expect(await dispatch('nope.method', {})).toEqual({ ok: false, error: { code: 'not_found', message: 'Unknown method nope.method.' } });
  });

  it('validates input before the handler runs and names the field', async () => {
    let isCalled = false;
    const dispatch = createDispatcher(
      handlersWith({
        'datanets.create': async () => {
          isCalled = true;
          throw new Error('unreachable');
        },
      }),
      () => undefined,
    );
    const reply = await dispatch('datanets.create', { name: '   ' });
    expect(reply.ok).toBe(false);
    if (!reply.ok) {
      expect(reply.error.code).toBe('invalid_input');
      expect(reply.error.message).toContain('name');
    }
    expect(isCalled).toBe(false);
    const extra = await dispatch('datanets.list', { surprise: 1 });
    expect(extra.ok ? 'ok' : extra.error.code).toBe('invalid_input');
  });

  it('passes AppError codes through and hides unexpected errors behind internal', async () => {
    const logged: unknown[] = [];
    const dispatch = createDispatcher(
      handlersWith({
        'datanets.get': async () => {
          throw new AppError('not_found', 'gone', { id: 'x' });
        },
        'datanets.list': async () => {
          throw new Error('/home/user/secret/path exploded');
        },
      }),
      (e) => logged.push(e),
    );
    expect(await dispatch('datanets.get', { id: 'x' })).toEqual({
      ok: false,
      error: { code: 'not_found', message: 'gone', details: { id: 'x' } },
    });
    const internal = await dispatch('datanets.list', {});
    expect(internal.ok).toBe(false);
    if (!internal.ok) {
      expect(internal.error.code).toBe('internal');
      expect(internal.error.message).not.toContain('/home/user');
    }
    expect(logged).toHaveLength(1);
  });

  it('logs an internal AppError thrown on purpose with its cause, and answers with only its code and message', async () => {
    const cause = new Error("EACCES: permission denied, open '/home/alice/.datanet/wallet/key.json'");
    const thrown = new AppError(
      'internal',
      'The stored wallet file is not a keystore.',
      { file: '/home/alice/.datanet/wallet/key.json' },
      { cause },
    );
    const logged: { error: unknown; method: string }[] = [];
    const dispatch = createDispatcher(
      handlersWith({
        'datanets.list': async () => {
          throw thrown;
        },
        'datanets.get': async () => {
          throw new AppError('not_found', 'gone');
        },
      }),
      (error, method) => logged.push({ error, method }),
    );
    const reply = await dispatch('datanets.list', {});
    expect(reply).toEqual({ ok: false, error: { code: 'internal', message: 'The stored wallet file is not a keystore.' } });
    expect(JSON.stringify(reply)).not.toMatch(/home\/alice|EACCES|\n\s+at /);
    expect(logged).toEqual([{ error: thrown, method: 'datanets.list' }]);
    const text = errorLogText(logged[0]?.error);
    expect(text).toContain('The stored wallet file is not a keystore.');
    expect(text).toContain("caused by: Error: EACCES: permission denied, open '/home/alice/.datanet/wallet/key.json'");
    // An expected failure is the user's to act on, not a bug: it is not logged.
    await dispatch('datanets.get', { id: 'x' });
    expect(logged).toHaveLength(1);
  });

  it('refuses a handler answer that breaks the output schema', async () => {
    const logged: unknown[] = [];
    const dispatch = createDispatcher(handlersWith({ 'app.info': async () => ({ name: 'x', version: 1 }) as never }), (e) =>
      logged.push(e),
    );
    const reply = await dispatch('app.info', {});
    expect(reply.ok ? 'ok' : reply.error.code).toBe('internal');
    expect(logged).toHaveLength(1);
  });

  it('reaches a typed client that throws AppError with the host code', async () => {
    const dispatch = createDispatcher(
      handlersWith({ 'app.info': async () => ({ name: 'Datanet Desk', version: '1.0.0', host: 'node' as const }) }),
      () => undefined,
    );
    const transport: Transport = { invoke: (m, i) => dispatch(m, i), subscribe: () => () => undefined };
    const client = createClient(transport);
    expect(await client.call('app.info', {})).toEqual({ name: 'Datanet Desk', version: '1.0.0', host: 'node' });
    await expect(client.call('datanets.get', { id: '' })).rejects.toMatchObject({ code: 'invalid_input' });
  });
});
