import type { ErrorCode } from '../../../shared/errors';
import type { AnonymisationPolicy } from '../../../shared/pii/operators';
import type { ColumnPolicy, ColumnStats } from '../../../shared/pii/tables';
import type { Detection, EntityType } from '../../../shared/pii/types';

/** One request per worker: the worker is started for a job and ended when it finishes or is cancelled. */
export type AnonymiseWorkerRequest =
  | { type: 'detectText'; text: string; minConfidence: number }
  | { type: 'scanTable'; columns: string[]; rows: string[][]; minConfidence: number }
  | {
      type: 'transformTable';
      columns: string[];
      rows: string[][];
      policies: ColumnPolicy[];
      operators: AnonymisationPolicy;
      /** The pseudonym key (hex): in this process only, never posted to a renderer. */
      key: string | undefined;
      subject: string;
      minConfidence: number;
      columnTypes: Record<string, EntityType | undefined>;
    };

export type AnonymiseWorkerResponse =
  | { type: 'progress'; done: number; total: number; detections: number }
  | { type: 'detected'; detections: Detection[] }
  | { type: 'scanned'; stats: ColumnStats[] }
  | { type: 'transformed'; columns: string[]; rows: string[][]; changedCells: Record<string, number> }
  | { type: 'failed'; code: ErrorCode; message: string; details?: Record<string, unknown> };
