import type { ReactNode } from 'react';
import { ApiError, isClientError } from '@/lib/client/api';
import { problemFor, summaryOf } from '@/lib/client/field-errors';

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

/**
 * An inline error under a form or next to an action. A refusal that names fields is said in plain sentences:
 * those of `fields` (the API fields the form shows a `FieldError` for) sit on their field, the rest are listed here.
 */
export function FormError({ error, fields = [] }: { error: Error | null | undefined; fields?: readonly string[] }) {
  if (!error) return null;
  const summary = summaryOf(error, fields);
  return (
    <div className="alert alert-error" role="alert">
      {summary === null ? (
        error.message
      ) : summary.length === 1 ? (
        summary[0]
      ) : (
        <ul className="plain-list">
          {summary.map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** The plain sentence for one field of a refused form, under that field (give the input `aria-describedby={id}`). */
export function FieldError({ error, field, id }: { error: Error | null | undefined; field: string; id?: string }) {
  const problem = problemFor(error, field);
  if (!problem) return null;
  return (
    <span id={id} className="field-error">
      {problem}
    </span>
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
