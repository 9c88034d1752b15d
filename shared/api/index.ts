import type { z } from 'zod';
import { anonymiseEvents, anonymiseMethods } from './anonymise';
import { appMethods } from './app';
import { auditMethods } from './audit';
import { datanetMethods } from './datanets';
import { dpMethods } from './dp';
import { embeddingEvents, embeddingMethods } from './embeddings';
import { governanceMethods } from './governance';
import { libraryEvents, libraryMethods } from './library';
import { networkMethods } from './network';
import { rewardsEvents, rewardsMethods } from './rewards';
import { roomMethods } from './rooms';
import { submissionEvents, submissionMethods } from './submissions';
import { walletEvents, walletMethods } from './wallet';

/** Every contract method, declared once: the handler map, client and preload derive from it. */
export const methods = {
  ...appMethods,
  ...datanetMethods,
  ...libraryMethods,
  ...dpMethods,
  ...embeddingMethods,
  ...walletMethods,
  ...networkMethods,
  ...submissionMethods,
  ...rewardsMethods,
  ...auditMethods,
  ...anonymiseMethods,
  ...roomMethods,
  ...governanceMethods,
} as const;
/** Every event the host pushes to renderers. */
export const events = {
  ...libraryEvents,
  ...embeddingEvents,
  ...walletEvents,
  ...submissionEvents,
  ...rewardsEvents,
  ...anonymiseEvents,
} as const;

export type Methods = typeof methods;
export type MethodName = keyof Methods;
export type MethodInput<M extends MethodName> = z.input<Methods[M]['input']>;
export type MethodParsedInput<M extends MethodName> = z.output<Methods[M]['input']>;
export type MethodOutput<M extends MethodName> = z.output<Methods[M]['output']>;

export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = z.output<Events[E]['payload']>;

export const METHOD_NAMES = Object.keys(methods) as MethodName[];
export const EVENT_NAMES = Object.keys(events) as EventName[];

export function isMethodName(name: unknown): name is MethodName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(methods, name);
}

/** Methods the UI surfaces (Electron IPC, the Node host's WebSocket) may call: all but `surface: 'cli'`. */
export type UiMethodName = { [M in MethodName]: Methods[M]['surface'] extends 'cli' ? never : M }[MethodName];
export const UI_METHOD_NAMES = METHOD_NAMES.filter((name): name is UiMethodName => methods[name].surface !== 'cli');
/** Methods only the CLI reaches (see MethodSurface in define.ts). */
export const CLI_ONLY_METHOD_NAMES = METHOD_NAMES.filter((name) => methods[name].surface === 'cli');

export function isUiMethodName(name: unknown): name is UiMethodName {
  return isMethodName(name) && methods[name].surface !== 'cli';
}

export * from './datanets';
export * from './library';
export * from './app';
export * from './dp';
export * from './embeddings';
export * from './wallet';
export * from './network';
export * from './submissions';
export * from './rewards';
export * from './audit';
export * from './anonymise';
export * from './rooms';
export * from './governance';
