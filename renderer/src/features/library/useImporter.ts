import { useCallback, useRef, useState } from 'react';
import type { ImportResult } from '../../../../shared/api/library';
import { AppError } from '../../../../shared/errors';
import { checkImportFile } from '../../../../shared/import-rules';
import type { Policy } from '../../../../shared/policy';
import { useApi } from '../../api/ApiContext';
import { readBase64, type PickedFile } from './collect-files';

export type ImportRun = {
  total: number;
  done: number;
  current: string | null;
  results: ImportResult[];
  isRunning: boolean;
  isCancelled: boolean;
};

const IDLE: ImportRun = { total: 0, done: 0, current: null, results: [], isRunning: false, isCancelled: false };

/**
 * Imports picked files one at a time so that progress is exact and Cancel takes effect after the
 * file in flight. Files the policy refuses by name, type or size are reported without uploading.
 */
export function useImporter(datanetId: string, policy: Policy) {
  const api = useApi();
  const [run, setRun] = useState<ImportRun>(IDLE);
  const cancelRef = useRef(false);

  const start = useCallback(
    async (files: PickedFile[]) => {
      if (files.length === 0) return;
      cancelRef.current = false;
      const results: ImportResult[] = [];
      setRun({ total: files.length, done: 0, current: files[0]?.relativePath ?? null, results, isRunning: true, isCancelled: false });
      for (const [index, { file, relativePath }] of files.entries()) {
        if (cancelRef.current) break;
        setRun((r) => ({ ...r, current: relativePath }));
        let result: ImportResult;
        try {
          checkImportFile(file.name, file.size, policy);
          result = await api.call('library.importFile', { datanetId, name: file.name, relativePath, dataBase64: await readBase64(file) });
        } catch (error) {
          const e = error instanceof AppError ? error : new AppError('internal', 'The file could not be read.');
          result = { path: relativePath, status: 'rejected', code: e.code, message: e.message };
        }
        results.push(result);
        setRun((r) => ({ ...r, done: index + 1, results: [...results] }));
      }
      setRun((r) => ({ ...r, current: null, isRunning: false, isCancelled: cancelRef.current }));
    },
    [api, datanetId, policy],
  );

  const cancel = useCallback(() => {
    cancelRef.current = true;
  }, []);
  const clear = useCallback(() => setRun(IDLE), []);

  return { run, start, cancel, clear };
}
