'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { type FormEvent, useId, useState } from 'react';
import { accountKeys, deploymentAccountsApi } from '@/lib/client/accounts';
import { queryKeys } from '@/lib/client/queries';
import { FormError } from '../states';
import { useInlineConfirm } from '../use-inline-confirm';

/** Clone: a name for the copy, then the copy deploys with the same model, machines and scaling; its page opens. */
export function CloneDeploymentButton({ deploymentName }: { deploymentName: string }) {
  const queryClient = useQueryClient();
  const router = useRouter();
  const inputId = useId();
  const [name, setName] = useState(`${deploymentName}-copy`.slice(0, 63));
  const { confirming, open, done, cancel, triggerRef } = useInlineConfirm();
  const clone = useMutation({
    mutationFn: () => deploymentAccountsApi.cloneDeployment(deploymentName, name.trim()),
    onSuccess: async (copy) => {
      done();
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: queryKeys.deployments }),
        queryClient.invalidateQueries({ queryKey: accountKeys.overview }),
      ]);
      router.push(`/deployments/${copy.name}`);
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    clone.mutate();
  };

  if (!confirming) {
    return (
      <button type="button" className="btn" ref={triggerRef} onClick={open}>
        Clone
      </button>
    );
  }
  return (
    <form className="stack" style={{ gap: 6 }} onSubmit={submit} aria-label="Clone deployment">
      <div className="confirm" role="group">
        <label htmlFor={inputId}>Name of the copy</label>
        <input id={inputId} className="input" value={name} onChange={(e) => setName(e.target.value)} autoFocus required maxLength={63} />
        <button type="submit" className="btn btn-sm btn-primary" disabled={clone.isPending || name.trim() === ''}>
          {clone.isPending ? 'Cloning…' : 'Clone deployment'}
        </button>
        <button type="button" className="btn btn-sm" onClick={cancel}>
          Cancel
        </button>
      </div>
      <FormError error={clone.error} />
    </form>
  );
}
