import type { V1Deployment, V1Pod } from '@kubernetes/client-node';

/** Why a variant's pods are not coming up, in the user's words; `terminal` when waiting longer cannot help. */
export interface RolloutProblem {
  terminal: boolean;
  message: string;
}

const QUOTA = /exceeded quota: ([^,]+)(?:, requested: ([^,]+(?:,[^,]+)*?))?(?:, used: ([^,]+(?:,[^,]+)*?))?(?:, limited: (.+))?$/;

/** "pods "x" is forbidden: exceeded quota: q, requested: cpu=2, used: cpu=3, limited: cpu=4" → a sentence. */
export function describeQuotaRefusal(namespace: string, message: string): string {
  const match = QUOTA.exec(message);
  if (!match) return `the cluster refused to create a replica in namespace ${namespace}: ${message}`;
  const [, name, requested, used, limited] = match;
  const detail = [requested && `asked for ${requested}`, used && `${used} already in use`, limited && `limit ${limited}`].filter(Boolean).join(', ');
  return `the cluster's compute quota '${name}' in namespace ${namespace} is exhausted${detail ? ` (${detail})` : ''}; stop or scale down other deployments of the team, or ask an admin to raise the quota`;
}

const IMAGE_PULL = new Set(['ErrImagePull', 'ImagePullBackOff', 'InvalidImageName']);

/** What a pod is stuck on: unschedulable, an image that cannot be pulled, a crashing fetcher or runtime. */
export function describePodProblem(pod: V1Pod): RolloutProblem | null {
  const scheduled = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
  if (scheduled?.status === 'False' && scheduled.reason === 'Unschedulable') {
    return { terminal: false, message: `no node can take the replica yet: ${scheduled.message ?? 'unschedulable'}` };
  }
  const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  for (const status of statuses) {
    const waiting = status.state?.waiting;
    if (waiting?.reason && IMAGE_PULL.has(waiting.reason)) {
      return { terminal: true, message: `the image ${status.image} cannot be pulled (${waiting.reason}): ${waiting.message ?? ''}`.trim() };
    }
    if (waiting?.reason === 'CrashLoopBackOff') {
      const last = status.lastState?.terminated;
      const what = status.name === 'fetch-artifact' ? 'fetching the artifact' : 'the runtime';
      return { terminal: false, message: `${what} keeps failing (exit code ${last?.exitCode ?? '?'}${last?.message ? `: ${last.message.trim()}` : ''})` };
    }
  }
  return null;
}

/**
 * What the Deployment's conditions say about its rollout: a ResourceQuota refusing pods (FailedCreate) and a
 * rollout past its progress deadline are terminal; the stuck pod's own reason is added when known.
 */
export function describeRolloutProblem(deployment: V1Deployment, pods: V1Pod[]): RolloutProblem | null {
  const namespace = deployment.metadata?.namespace ?? 'default';
  const conditions = deployment.status?.conditions ?? [];
  const failure = conditions.find((c) => c.type === 'ReplicaFailure' && c.status === 'True');
  if (failure?.reason === 'FailedCreate') {
    const message = failure.message ?? '';
    return {
      terminal: true,
      message: /exceeded quota/.test(message) ? describeQuotaRefusal(namespace, message) : `the cluster refused to create a replica: ${message}`,
    };
  }
  const podProblem = pods.map(describePodProblem).find((p) => p !== null) ?? null;
  const progressing = conditions.find((c) => c.type === 'Progressing');
  if (progressing?.status === 'False' && progressing.reason === 'ProgressDeadlineExceeded') {
    const deadline = deployment.spec?.progressDeadlineSeconds ?? 600;
    return { terminal: true, message: `replicas did not become ready within ${deadline} s${podProblem ? `: ${podProblem.message}` : ''}` };
  }
  return podProblem;
}
