'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import { api, ApiError } from '@/lib/client/api';
import { isRollingOut, queryKeys } from '@/lib/client/queries';
import type { Deployment, DeploymentUpdate } from '@/lib/client/types';
import { FormError } from '../states';

/** Shows a deployment the API answered with at once, then refreshes what hangs off it (events, revisions, the list). */
export function useApplyDeployment(name: string) {
  const queryClient = useQueryClient();
  return useCallback(
    (deployment: Deployment) => {
      queryClient.setQueryData(queryKeys.deployment(name), deployment);
      return queryClient.invalidateQueries({ queryKey: queryKeys.deployments });
    },
    [queryClient, name],
  );
}

/**
 * PATCH with the body `build` returns; `build` throws what the user must fix first (shown like the
 * server's own messages). `supersede` resends the same form over a rollout in progress.
 */
export function useDeploymentUpdate(name: string) {
  const apply = useApplyDeployment(name);
  return useMutation({
    mutationFn: ({ build, supersede }: { build: () => DeploymentUpdate; supersede?: boolean }) =>
      api.updateDeployment(name, { ...build(), ...(supersede && { supersede: true }) }),
    onSuccess: (result) => apply(result.deployment),
  });
}

/** A 409 because another rollout is still going: the server's reason plus the way out it names. */
function UpdateError({ error, deployment, onSupersede, pending }: { error: Error | null; deployment: Deployment; onSupersede: () => void; pending: boolean }) {
  if (!(error instanceof ApiError && error.status === 409 && isRollingOut(deployment))) return <FormError error={error} />;
  return (
    <div className="alert alert-error stack" role="alert" style={{ gap: 8 }}>
      <span>{error.message}</span>
      <div className="row">
        <button type="button" className="btn btn-sm btn-danger-solid" onClick={onSupersede} disabled={pending}>
          {pending ? 'Replacing…' : 'Replace the rollout in progress'}
        </button>
        <span>Revision {deployment.revision} stops rolling out; this change rolls out instead.</span>
      </div>
    </div>
  );
}

/** What the server did with an update (shown while that revision is the target): its changes, or that nothing changed. */
function UpdateOutcome({ revision, changes }: { revision: number; changes: string[] }) {
  if (changes.length === 0) {
    return (
      <div className="alert alert-info" role="status">
        Nothing changed: revision {revision} already runs this.
      </div>
    );
  }
  return (
    <div className="alert alert-success" role="status">
      <strong>Revision {revision} is rolling out:</strong> {changes.join('; ')}.
    </div>
  );
}

/**
 * The end of every form that sends an update: the refusal (with the way out of a 409), what the
 * server did, the submit button, Reset while there is a draft, and which revision it becomes.
 */
export function UpdateSubmit({
  update,
  deployment,
  send,
  label,
  pendingLabel,
  onReset,
  becomes,
}: {
  update: ReturnType<typeof useDeploymentUpdate>;
  deployment: Deployment;
  /** Sends the form again; `true` replaces a rollout in progress. */
  send: (supersede: boolean) => void;
  label: string;
  pendingLabel: string;
  /** Drops the draft; no Reset button without one. */
  onReset?: () => void;
  /** What the new revision does, after "Becomes revision N". */
  becomes?: string;
}) {
  return (
    <>
      <UpdateError error={update.error} deployment={deployment} onSupersede={() => send(true)} pending={update.isPending} />
      {update.data && !update.isPending && update.data.revision === deployment.revision && (
        <UpdateOutcome revision={update.data.revision} changes={update.data.changes} />
      )}
      <div className="row">
        <button type="submit" className="btn btn-primary" disabled={update.isPending}>
          {update.isPending ? pendingLabel : label}
        </button>
        {onReset && (
          <button
            type="button"
            className="btn btn-ghost"
            onClick={() => {
              onReset();
              update.reset();
            }}
          >
            Reset
          </button>
        )}
        <span className="hint">
          {isRollingOut(deployment)
            ? `Revision ${deployment.revision} is still rolling out; you will be asked before it is replaced.`
            : `Becomes revision ${deployment.revision + 1}${becomes ? `; ${becomes}` : ''}.`}
        </span>
      </div>
    </>
  );
}
