import type { AppError } from '../../../shared/errors';

export { toAppError } from '../api/contract-query';

export function ErrorNote({ error, onDismiss }: { error: AppError | null; onDismiss?: () => void }) {
  if (!error) return null;
  return (
    <div className="error-note" role="alert" data-code={error.code}>
      <span className="code">{error.code}</span>
      <span className="message">{error.message}</span>
      {onDismiss && (
        <button type="button" className="link" onClick={onDismiss} aria-label="Dismiss">
          ×
        </button>
      )}
    </div>
  );
}
