import type { z } from 'zod';
import { AppError, type AppErrorData } from '../errors';
import {
  events,
  isMethodName,
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
 * Unexpected errors become `internal` and go to `onInternalError` (the host's log) so that stacks
 * and file paths never reach the renderer.
 */
export function createDispatcher(handlers: Handlers, onInternalError: (error: unknown, method: string) => void): Dispatcher {
  return async (name, input) => {
    if (!isMethodName(name)) {
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
      if (error instanceof AppError) return { ok: false, error: error.toJSON() };
      onInternalError(error, name);
      return { ok: false, error: { code: 'internal', message: 'Something went wrong inside the app; see the log.' } };
    }
  };
}

/** Validates an event payload before it leaves the host. */
export function checkEvent<E extends EventName>(name: E, payload: EventPayload<E>): EventPayload<E> {
  return events[name].payload.parse(payload) as EventPayload<E>;
}
