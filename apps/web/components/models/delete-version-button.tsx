'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ApiError, redirectToLogin, toApiError } from '@/lib/client/api';
import { queryKeys } from '@/lib/client/queries';
import { FormError } from '../states';

async function deleteVersion(modelName: string, label: number): Promise<void> {
  let response: Response;
  try {
    response = await fetch(`/api/v1/models/${encodeURIComponent(modelName)}/versions/${label}`, { method: 'DELETE' });
  } catch {
    throw new ApiError(0, 'network_error', 'could not reach the server; check your connection');
  }
  if (response.status === 401) redirectToLogin();
  if (!response.ok) throw toApiError(response.status, await response.text());
}

/** Two steps: Delete, then confirm. A version a live deployment serves is refused (409) with the server's reason. */
export function DeleteVersionButton({ modelName, label }: { modelName: string; label: number }) {
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const remove = useMutation({
    mutationFn: () => deleteVersion(modelName, label),
    onSuccess: () => {
      setConfirming(false);
      return Promise.all([
        queryClient.invalidateQueries({ queryKey: queryKeys.model(modelName) }),
        queryClient.invalidateQueries({ queryKey: queryKeys.models }),
      ]);
    },
  });

  if (!confirming) {
    return (
      <button type="button" className="btn btn-sm btn-danger" aria-label={`Delete v${label}`} onClick={() => setConfirming(true)}>
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
        <button
          type="button"
          className="btn btn-sm"
          onClick={() => {
            setConfirming(false);
            remove.reset();
          }}
          autoFocus
        >
          Keep
        </button>
      </div>
      <FormError error={remove.error} />
    </div>
  );
}
