import { useCallback, useEffect, useRef, useState } from 'react';
import type { ImportOutcome, ImportResult } from '../../../../shared/api/library';
import { AppError } from '../../../../shared/errors';
import { checkImportFile } from '../../../../shared/import-rules';
import type { Policy } from '../../../../shared/policy';
import { useApi } from '../../api/ApiContext';
import { toAppError } from '../../components/ErrorNote';
import { readBase64, type PickedFile } from './collect-files';
import { desktopBridge } from './desktop-bridge';

export type ImportRun = {
  total: number;
  done: number;
  current: string | null;
  results: ImportResult[];
  isRunning: boolean;
  isCancelled: boolean;
  /** Why the whole import failed (an unknown Datanet, a second run with the same id). */
  error: AppError | null;
};

const IDLE: ImportRun = { total: 0, done: 0, current: null, results: [], isRunning: false, isCancelled: false, error: null };

type HostKind = 'electron' | 'node';

/**
 * Imports picked or dropped files with exact progress and a Cancel that takes effect after the
 * file in flight, by the route the host allows. In a browser (Node host) the page uploads bytes
 * of files the browser's picker gave it, one at a time, and refuses by name, type and size
 * before uploading. Under Electron the main process shows its own open dialog
 * (library.pickAndImport) or imports a drop by the paths Electron resolved for the dropped files;
 * the page never names a path itself.
 */
export function useImporter(datanetId: string, policy: Policy) {
  const api = useApi();
  const [run, setRun] = useState<ImportRun>(IDLE);
  const [host, setHost] = useState<HostKind | null>(null);
  const cancelRef = useRef(false);
  /** The host-side import in flight, which Cancel stops there. */
  const importIdRef = useRef<string | null>(null);

  useEffect(() => {
    let isCurrent = true;
    // Until this answers, the browser pickers are used: they work under Electron too.
    api.call('app.info', {}).then(
      (info) => isCurrent && setHost(info.host),
      () => undefined,
    );
    return () => {
      isCurrent = false;
    };
  }, [api]);

  const start = useCallback(
    async (files: PickedFile[]) => {
      if (files.length === 0) return;
      cancelRef.current = false;
      const results: ImportResult[] = [];
      setRun({ ...IDLE, total: files.length, current: files[0]?.relativePath ?? null, results, isRunning: true });
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

  /** A host-side import by paths the host itself obtained, followed through its progress events. */
  const startOnHost = useCallback(
    async (launch: (importId: string) => Promise<ImportOutcome & { isDismissed?: boolean }>) => {
      const importId = crypto.randomUUID();
      importIdRef.current = importId;
      cancelRef.current = false;
      setRun({ ...IDLE, isRunning: true });
      const off = api.on('library.importProgress', (p) => {
        if (p.importId !== importId) return;
        setRun((r) => ({ ...r, total: p.total, done: p.done, current: p.result.path, results: [...r.results, p.result] }));
      });
      try {
        const outcome = await launch(importId);
        // The answer is the full record: progress events may still be in flight behind it.
        setRun((r) =>
          outcome.isDismissed
            ? IDLE
            : {
                ...r,
                total: Math.max(r.total, outcome.results.length),
                done: outcome.results.length,
                results: outcome.results,
                current: null,
                isRunning: false,
                isCancelled: outcome.cancelled,
              },
        );
      } catch (error) {
        setRun((r) => ({ ...r, current: null, isRunning: false, error: toAppError(error) }));
      } finally {
        off();
        importIdRef.current = null;
      }
    },
    [api],
  );

  /** "Import files…" / "Import folder…": the host's dialog under Electron, else `openBrowserPicker`. */
  const pick = useCallback(
    (mode: 'files' | 'folder', openBrowserPicker: () => void) => {
      if (host !== 'electron') {
        openBrowserPicker();
        return;
      }
      void startOnHost((importId) => api.call('library.pickAndImport', { datanetId, mode, importId }));
    },
    [api, datanetId, host, startOnHost],
  );

  /**
   * A drop. Called synchronously from the drop event: the browser empties the DataTransfer once
   * the handler returns, so its files are taken before anything is awaited.
   */
  const drop = useCallback(
    (data: DataTransfer, collect: (data: DataTransfer) => Promise<PickedFile[]>) => {
      const bridge = host === 'electron' ? desktopBridge() : undefined;
      if (!bridge) {
        void collect(data).then(start);
        return;
      }
      const files = [...data.files];
      void startOnHost(async (importId) => {
        const reply = await bridge.importDropped(files, { datanetId, importId });
        if (!reply.ok) throw AppError.fromData(reply.error);
        return reply.result as ImportOutcome;
      });
    },
    [datanetId, host, start, startOnHost],
  );

  const cancel = useCallback(() => {
    cancelRef.current = true;
    const importId = importIdRef.current;
    if (importId) void api.call('library.cancelImport', { importId }).catch(() => undefined);
  }, [api]);
  const clear = useCallback(() => setRun(IDLE), []);

  return { run, start, pick, drop, cancel, clear };
}
