import { z } from 'zod';
import { method } from './define';

export const appMethods = {
  'app.info': method(
    z.object({}).strict(),
    z.object({ name: z.string(), version: z.string(), host: z.enum(['electron', 'node']) }),
    'Name and version of the running app and which host serves it.',
  ),
} as const;
