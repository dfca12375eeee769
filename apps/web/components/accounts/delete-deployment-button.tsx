'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { accountKeys, deploymentAccountsApi } from '@/lib/client/accounts';
import { queryKeys } from '@/lib/client/queries';
import { FormError } from '../states';
import { useInlineConfirm } from '../use-inline-confirm';

/** Two steps: Delete, then confirm; the replicas stop, the name is free, the history and spend stay in the audit log. */
export function DeleteDeploymentButton({ deploymentName }: { deploymentName: string }) {
  const queryClient = useQueryClient();
  const router = useRouter();
  const { confirming, open, done, cancel, triggerRef } = useInlineConfirm();
  const remove = useMutation({
    mutationFn: () => deploymentAccountsApi.deleteDeployment(deploymentName),
    onSuccess: async () => {
      done();
      queryClient.removeQueries({ queryKey: queryKeys.deployment(deploymentName) });
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: queryKeys.deployments }),
        queryClient.invalidateQueries({ queryKey: accountKeys.overview }),
      ]);
      router.push('/deployments');
    },
  });

  if (!confirming) {
    return (
      <button type="button" className="btn btn-danger" ref={triggerRef} onClick={open}>
        Delete
      </button>
    );
  }
  return (
    <div className="stack" style={{ gap: 6 }}>
      <div className="confirm" role="group" aria-label="Confirm delete">
        <span>Delete {deploymentName}? Its replicas stop and the name becomes free; its history stays in the audit log.</span>
        <button type="button" className="btn btn-sm btn-danger-solid" onClick={() => remove.mutate()} disabled={remove.isPending}>
          {remove.isPending ? 'Deleting…' : 'Delete deployment'}
        </button>
        <button type="button" className="btn btn-sm" onClick={cancel} autoFocus>
          Cancel
        </button>
      </div>
      <FormError error={remove.error} />
    </div>
  );
}
