'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '@/lib/client/api';
import { queryKeys } from '@/lib/client/queries';
import { FormError } from '../states';

/** Two steps: Stop, then confirm; the replicas shut down and the endpoint stops answering. */
export function StopButton({ deploymentName, disabled }: { deploymentName: string; disabled: boolean }) {
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const stop = useMutation({
    mutationFn: () => api.stopDeployment(deploymentName),
    onSuccess: (deployment) => {
      setConfirming(false);
      queryClient.setQueryData(queryKeys.deployment(deploymentName), deployment);
      return queryClient.invalidateQueries({ queryKey: queryKeys.deployments });
    },
  });

  if (!confirming) {
    return (
      <button type="button" className="btn btn-danger" disabled={disabled} onClick={() => setConfirming(true)}>
        Stop
      </button>
    );
  }
  return (
    <div className="stack" style={{ gap: 6 }}>
      <div className="confirm" role="group" aria-label="Confirm stop">
        <span>Stop all replicas? The endpoint stops answering.</span>
        <button type="button" className="btn btn-sm btn-danger-solid" onClick={() => stop.mutate()} disabled={stop.isPending}>
          {stop.isPending ? 'Stopping…' : 'Stop deployment'}
        </button>
        <button type="button" className="btn btn-sm" onClick={() => setConfirming(false)} autoFocus>
          Cancel
        </button>
      </div>
      <FormError error={stop.error} />
    </div>
  );
}
