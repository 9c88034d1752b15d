import { z } from 'zod';
import { method } from './define';

export const appMethods = {
  'app.info': method(
    z.object({}).strict(),
    z.object({
      name: z.string(),
      version: z.string(),
      host: z.enum(['electron', 'node']),
      /**
       * The start-up check of the data folder's modes (dirs 0700, files 0600): how many it had to
       * tighten; absent while it still runs.
       */
      dataFolderPermissions: z
        .object({ fixedDirectories: z.number().int(), fixedFiles: z.number().int(), checked: z.number().int(), isComplete: z.boolean() })
        .optional(),
    }),
    'Name and version of the running app and which host serves it.',
  ),
} as const;
