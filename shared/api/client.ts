import { AppError } from '../errors';
import type { DispatchResult } from './dispatcher';
import type { EventName, EventPayload, MethodInput, MethodName, MethodOutput } from './index';

/** How a client reaches a host: one call and one event stream, whatever carries them. */
export type Transport = {
  invoke(method: string, input: unknown): Promise<DispatchResult>;
  subscribe(listener: (event: string, payload: unknown) => void): () => void;
};

export type ApiClient = {
  call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
};

/** A typed client over any transport; failures arrive as AppError with the host's code. */
export function createClient(transport: Transport): ApiClient {
  return {
    async call(method, input) {
      const reply = await transport.invoke(method, input);
      if (!reply.ok) throw AppError.fromData(reply.error);
      return reply.result as MethodOutput<typeof method>;
    },
    on(eventName, listener) {
      return transport.subscribe((name, payload) => {
        if (name === eventName) listener(payload as EventPayload<typeof eventName>);
      });
    },
  };
}
