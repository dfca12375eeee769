'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/client/api';
import { queryKeys } from '@/lib/client/queries';
import { FormError } from '../states';
import { useInlineConfirm } from '../use-inline-confirm';

/** Two steps: Delete, then confirm. A version a live deployment serves is refused (409) with the server's reason. */
export function DeleteVersionButton({ modelName, label }: { modelName: string; label: number }) {
  const queryClient = useQueryClient();
  const remove = useMutation({
    mutationFn: () => api.deleteVersion(modelName, label),
    onSuccess: () => {
      done();
      return Promise.all([
        queryClient.invalidateQueries({ queryKey: queryKeys.model(modelName) }),
        queryClient.invalidateQueries({ queryKey: queryKeys.models }),
      ]);
    },
  });

  const { confirming, open, done, cancel, triggerRef } = useInlineConfirm(() => remove.reset());
  if (!confirming) {
    return (
      <button type="button" className="btn btn-sm btn-danger" aria-label={`Delete v${label}`} ref={triggerRef} onClick={open}>
        Delete
      </button>
    );
  }
  return (
    <div className="stack" style={{ gap: 6, alignItems: 'flex-end' }}>
      <div className="confirm" role="group" aria-label={`Confirm deleting v${label}`}>
        <span>Delete v{label} and its file?</span>
        <button type="button" className="btn btn-sm btn-danger-solid" onClick={() => remove.mutate()} disabled={remove.isPending}>
          {remove.isPending ? 'Deleting…' : `Delete v${label}`}
        </button>
        <button type="button" className="btn btn-sm" onClick={cancel} autoFocus>
          Keep
        </button>
      </div>
      <FormError error={remove.error} />
    </div>
  );
}
