import type { ReactNode } from 'react';
import { ApiError, isClientError } from '@/lib/client/api';

export function LoadingState({ label = 'Loading…' }: { label?: string }) {
  return (
    <div className="state" role="status" aria-live="polite">
      <div className="spinner" aria-hidden="true" />
      <span>{label}</span>
    </div>
  );
}

function errorTitle(error: Error): string {
  if (error instanceof ApiError && error.status === 404) return 'Not found';
  if (error instanceof ApiError && error.status === 403) return 'Not allowed';
  return 'Something went wrong';
}

/** Shows the API's own message: it says what went wrong better than a generic text could. */
function ErrorState({ error, onRetry }: { error: Error; onRetry?: () => void }) {
  return (
    <div className="state" role="alert">
      <h2>{errorTitle(error)}</h2>
      <p>{error.message}</p>
      {onRetry && !isClientError(error) && (
        <button type="button" className="btn" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}

export function EmptyState({ title, children, action, compact }: { title: string; children?: ReactNode; action?: ReactNode; compact?: boolean }) {
  return (
    <div className={compact ? 'state state-compact' : 'state'}>
      <h2>{title}</h2>
      {children && <p>{children}</p>}
      {action}
    </div>
  );
}

/** An inline error under a form or next to an action. */
export function FormError({ error }: { error: Error | null | undefined }) {
  if (!error) return null;
  return (
    <div className="alert alert-error" role="alert">
      {error.message}
    </div>
  );
}

/**
 * The loading → error → empty → data ladder every data view climbs, in one place.
 * `children` renders the data once it is there and not empty.
 */
export function QueryContent<T>({
  query,
  loadingLabel,
  isEmpty,
  empty,
  children,
}: {
  query: { isPending: boolean; isError: boolean; error: Error | null; data: T | undefined; refetch: () => unknown };
  loadingLabel?: string;
  isEmpty?: (data: T) => boolean;
  empty?: ReactNode;
  children: (data: T) => ReactNode;
}) {
  if (query.isPending) return <LoadingState label={loadingLabel} />;
  if (query.isError || query.data === undefined) {
    return <ErrorState error={query.error ?? new Error('no data')} onRetry={() => query.refetch()} />;
  }
  if (isEmpty?.(query.data)) return <>{empty}</>;
  return <>{children(query.data)}</>;
}
