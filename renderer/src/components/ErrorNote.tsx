import { AppError } from '../../../shared/errors';

/** Turns anything thrown into an AppError for display; the UI branches on its code. */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  return new AppError('internal', 'Something went wrong; try again.');
}

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
