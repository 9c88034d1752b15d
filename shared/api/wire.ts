import { z } from 'zod';
import { appErrorDataSchema } from '../errors';

/** Messages on the WebSocket between renderer and Node host (IPC carries the same shapes). */
export const requestMessageSchema = z.object({
  type: z.literal('request'),
  id: z.number().int().nonnegative(),
  method: z.string().max(100),
  input: z.unknown(),
});
export type RequestMessage = z.infer<typeof requestMessageSchema>;

export const responseMessageSchema = z.union([
  z.object({ type: z.literal('response'), id: z.number(), ok: z.literal(true), result: z.unknown() }),
  z.object({ type: z.literal('response'), id: z.number(), ok: z.literal(false), error: appErrorDataSchema }),
]);
export type ResponseMessage = z.infer<typeof responseMessageSchema>;

export const eventMessageSchema = z.object({ type: z.literal('event'), event: z.string(), payload: z.unknown() });
export type EventMessage = z.infer<typeof eventMessageSchema>;

export const serverMessageSchema = z.union([responseMessageSchema, eventMessageSchema]);

/** The one IPC channel of the Electron host, and the one it pushes events on. */
export const IPC_INVOKE_CHANNEL = 'datanet-desk:invoke';
export const IPC_EVENT_CHANNEL = 'datanet-desk:event';
/** Path of the WebSocket endpoint of the Node host. */
export const WS_PATH = '/api';
