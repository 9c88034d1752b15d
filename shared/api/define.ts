import type { z } from 'zod';

/**
 * Who may call a method. `ui`: every surface (the renderer over Electron IPC or the Node host's
 * WebSocket, and the CLI). `cli`: only the command line and the hosts' own code, because the
 * method reads files at paths its caller names; on a UI surface that would let whoever drives
 * the page pull any readable file (SSH keys, other patients' folders) into the library.
 */
export type MethodSurface = 'ui' | 'cli';

/** A contract method: zod schemas for its input and output, a one-line summary and its surface. */
export type MethodDef<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType, S extends MethodSurface = MethodSurface> = {
  input: I;
  output: O;
  summary: string;
  surface: S;
};

/** A contract event pushed from the host to every connected renderer. */
export type EventDef<P extends z.ZodType = z.ZodType> = { payload: P; summary: string };

export function method<I extends z.ZodType, O extends z.ZodType>(input: I, output: O, summary: string): MethodDef<I, O, 'ui'> {
  return { input, output, summary, surface: 'ui' };
}

/** A method the UI dispatcher and the preload's allow-list leave out (see MethodSurface). */
export function cliMethod<I extends z.ZodType, O extends z.ZodType>(input: I, output: O, summary: string): MethodDef<I, O, 'cli'> {
  return { input, output, summary, surface: 'cli' };
}

export function event<P extends z.ZodType>(payload: P, summary: string): EventDef<P> {
  return { payload, summary };
}
