import { useRef } from 'react';
import type { Datanet } from '../../../../shared/api/datanets';
import type { AppError } from '../../../../shared/errors';
import { useApi } from '../../api/ApiContext';
import { toAppError } from '../../components/ErrorNote';

/** Creates a Datanet from a JSON file exported by Datanet Desk. */
export function ImportDatanetButton({ onImported, onError }: { onImported: (d: Datanet) => void; onError: (e: AppError) => void }) {
  const api = useApi();
  const input = useRef<HTMLInputElement>(null);
  return (
    <>
      <button type="button" onClick={() => input.current?.click()}>
        Import Datanet…
      </button>
      <input
        ref={input}
        type="file"
        accept=".json,application/json"
        hidden
        data-testid="import-datanet-input"
        onChange={async (e) => {
          const file = e.target.files?.[0];
          e.target.value = '';
          if (!file) return;
          try {
            onImported(await api.call('datanets.import', { json: await file.text() }));
          } catch (err) {
            onError(toAppError(err));
          }
        }}
      />
    </>
  );
}
