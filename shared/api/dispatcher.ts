import type { z } from 'zod';
import { AppError, type AppErrorData } from '../errors';
import type { MethodSurface } from './define';
import {
  events,
  isMethodName,
  isUiMethodName,
  methods,
  type EventName,
  type EventPayload,
  type MethodName,
  type MethodOutput,
  type MethodParsedInput,
} from './index';

/** The implementation of every contract method; a missing one is a type error. */
export type Handlers = {
  [M in MethodName]: (input: MethodParsedInput<M>) => Promise<MethodOutput<M>>;
};

export type DispatchResult = { ok: true; result: unknown } | { ok: false; error: AppErrorData };

export type Dispatcher = (method: unknown, input: unknown) => Promise<DispatchResult>;

/** Turns a zod failure into a message that names the field, without echoing the input. */
export function describeZodError(error: z.ZodError): string {
  const first = error.issues[0];
  if (!first) return 'invalid input';
  const where = first.path.length > 0 ? first.path.join('.') : 'input';
  return `${where}: ${first.message}`;
}

/**
 * Validates input, calls the handler, validates output, and maps every failure to an AppError.
 * Unexpected errors, and AppErrors thrown with code `internal` on purpose (a broken invariant is a
 * bug to find, whoever noticed it), go to `onInternalError` (the host's log, with any `cause`);
 * the renderer gets the code and a message for people only, so stacks and file paths never reach it.
 * `surface` is `ui` unless the caller is the CLI: a UI dispatcher answers a CLI-only method
 * exactly as an unknown one, so a page can neither call nor detect it.
 */
export function createDispatcher(
  handlers: Handlers,
  onInternalError: (error: unknown, method: string) => void,
  { surface = 'ui' }: { surface?: MethodSurface } = {},
): Dispatcher {
  return async (name, input) => {
    if (!isMethodName(name) || (surface === 'ui' && !isUiMethodName(name))) {
      return { ok: false, error: { code: 'not_found', message: `Unknown method ${String(name).slice(0, 80)}.` } };
    }
    const def = methods[name];
    const parsed = def.input.safeParse(input ?? {});
    if (!parsed.success) {
      return {
        ok: false,
        error: { code: 'invalid_input', message: describeZodError(parsed.error) },
      };
    }
    try {
      const handler = handlers[name] as (input: unknown) => Promise<unknown>;
      const result = await handler(parsed.data);
      const checked = def.output.safeParse(result);
      if (!checked.success) {
        onInternalError(new Error(`output of ${name} broke its schema: ${describeZodError(checked.error)}`), name);
        return { ok: false, error: { code: 'internal', message: 'The app produced an invalid answer; see the log.' } };
      }
      return { ok: true, result: checked.data };
    } catch (error) {
      if (error instanceof AppError && error.code !== 'internal') return { ok: false, error: error.toJSON() };
      onInternalError(error, name);
      // The message of an internal AppError is written for people; its details and cause are not.
      if (error instanceof AppError) return { ok: false, error: { code: 'internal', message: error.message } };
      return { ok: false, error: { code: 'internal', message: 'Something went wrong inside the app; see the log.' } };
    }
  };
}

/** Validates an event payload before it leaves the host. */
export function checkEvent<E extends EventName>(name: E, payload: EventPayload<E>): EventPayload<E> {
  return events[name].payload.parse(payload) as EventPayload<E>;
}
