'use client';

import { useMutation } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { FormError } from '../states';
import { useInlineConfirm } from '../use-inline-confirm';

/**
 * Two steps, as the Stop button: the action, then a confirmation that says what will happen.
 * `tone="accent"` for actions that move forward (promote) rather than undo or tear down.
 */
export function ConfirmAction<T>({
  label,
  ariaLabel,
  question,
  confirmLabel,
  pendingLabel,
  groupLabel,
  action,
  onDone,
  disabled,
  tone = 'danger',
  size,
}: {
  label: string;
  /** When the button's text alone is ambiguous, e.g. "Roll back to this" in a table. */
  ariaLabel?: string;
  question: ReactNode;
  confirmLabel: string;
  pendingLabel: string;
  groupLabel: string;
  action: () => Promise<T>;
  onDone?: (result: T) => unknown;
  disabled?: boolean;
  tone?: 'danger' | 'accent';
  size?: 'sm';
}) {
  const run = useMutation({
    mutationFn: action,
    onSuccess: (result) => {
      done();
      return onDone?.(result);
    },
  });
  const { confirming, open, done, cancel, triggerRef } = useInlineConfirm(() => run.reset());
  const sm = size === 'sm' ? ' btn-sm' : '';

  if (!confirming) {
    return (
      <button
        type="button"
        className={`btn${sm}${tone === 'danger' ? ' btn-danger' : ''}`}
        aria-label={ariaLabel}
        disabled={disabled}
        ref={triggerRef}
        onClick={open}
      >
        {label}
      </button>
    );
  }
  return (
    <div className="stack" style={{ gap: 6, alignItems: 'flex-end' }}>
      <div className="confirm" data-tone={tone} role="group" aria-label={groupLabel}>
        <span>{question}</span>
        <button
          type="button"
          className={`btn btn-sm ${tone === 'danger' ? 'btn-danger-solid' : 'btn-primary'}`}
          onClick={() => run.mutate()}
          disabled={run.isPending}
        >
          {run.isPending ? pendingLabel : confirmLabel}
        </button>
        <button type="button" className="btn btn-sm" onClick={cancel} autoFocus>
          Cancel
        </button>
      </div>
      <FormError error={run.error} />
    </div>
  );
}
