import type { z } from 'zod';

/** A contract method: zod schemas for its input and output, and a one-line summary. */
export type MethodDef<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> = {
  input: I;
  output: O;
  summary: string;
};

/** A contract event pushed from the host to every connected renderer. */
export type EventDef<P extends z.ZodType = z.ZodType> = { payload: P; summary: string };

export function method<I extends z.ZodType, O extends z.ZodType>(input: I, output: O, summary: string): MethodDef<I, O> {
  return { input, output, summary };
}

export function event<P extends z.ZodType>(payload: P, summary: string): EventDef<P> {
  return { payload, summary };
}
