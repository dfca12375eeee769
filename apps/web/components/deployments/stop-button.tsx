'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/client/api';
import { queryKeys } from '@/lib/client/queries';
import { FormError } from '../states';
import { useInlineConfirm } from '../use-inline-confirm';

/** Two steps: Stop, then confirm; the replicas shut down and the endpoint stops answering. */
export function StopButton({ deploymentName, disabled }: { deploymentName: string; disabled: boolean }) {
  const queryClient = useQueryClient();
  const { confirming, open, done, cancel, triggerRef } = useInlineConfirm();
  const stop = useMutation({
    mutationFn: () => api.stopDeployment(deploymentName),
    onSuccess: (deployment) => {
      done();
      queryClient.setQueryData(queryKeys.deployment(deploymentName), deployment);
      return queryClient.invalidateQueries({ queryKey: queryKeys.deployments });
    },
  });

  if (!confirming) {
    return (
      <button type="button" className="btn btn-danger" disabled={disabled} ref={triggerRef} onClick={open}>
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
        <button type="button" className="btn btn-sm" onClick={cancel} autoFocus>
          Cancel
        </button>
      </div>
      <FormError error={stop.error} />
    </div>
  );
}
