import { featureSketchSchema } from '@slipway/core';
import { z } from 'zod';

/** One replica's drift sketches for one window: every input column and output it saw. */
export const driftWindowSchema = z.object({
  variantId: z.string().uuid(),
  replicaId: z.string().min(1),
  /** Epoch milliseconds, aligned to the window length so replicas' windows line up. */
  windowStart: z.number().int().nonnegative(),
  windowEnd: z.number().int().nonnegative(),
  features: z.array(z.object({ name: z.string().min(1).max(200), role: z.enum(['input', 'output']), sketch: featureSketchSchema })).max(1000),
});
export type DriftWindowPayload = z.infer<typeof driftWindowSchema>;

/**
 * The single contract between producers (web) and the worker: one zod schema per job.
 * Each job names its queue; `jobId` makes enqueueing idempotent per entity.
 */
export const JOBS = {
  inspectVersion: {
    queue: 'models',
    schema: z.object({ versionId: z.string().uuid() }),
    jobId: (p: { versionId: string }) => `inspect-${p.versionId}`,
  },
  /**
   * Converges one deployment towards its target revision, step by step. One job per deployment
   * (its id is the key), so one worker owns a deployment at a time; waits are delays of the same job.
   */
  reconcileDeployment: {
    queue: 'deployments',
    schema: z.object({ deploymentId: z.string().uuid() }),
    jobId: (p: { deploymentId: string }) => `reconcile-${p.deploymentId}`,
  },
  /** Periodic: probes replicas, replaces dead ones, and wakes deployments that have not converged. */
  resyncDeployments: {
    queue: 'deployments',
    schema: z.object({}),
    jobId: () => 'resync-deployments',
  },
  /** Periodic: the autoscaler's tick (load per variant → desired replica counts). */
  autoscaleDeployments: {
    queue: 'deployments',
    schema: z.object({}),
    jobId: () => 'autoscale-deployments',
  },
  /** Deletes blobs no version references; `graceMs` spares blobs an upload is still registering. */
  collectGarbage: {
    queue: 'models',
    schema: z.object({
      graceMs: z
        .number()
        .int()
        .nonnegative()
        .default(60 * 60 * 1000),
    }),
    jobId: () => 'collect-garbage',
  },
  /** A replica's drift window, merged by the worker into per-minute rows per feature. */
  recordDriftWindow: {
    queue: 'monitoring',
    schema: driftWindowSchema,
    jobId: (p: { replicaId: string; windowStart: number }) => `drift-${p.replicaId}-${p.windowStart}`,
  },
  /** Periodic: merges day-old drift minutes into hours and month-old hours into days. */
  compactDriftWindows: {
    queue: 'monitoring',
    schema: z.object({}),
    jobId: () => 'compact-drift-windows',
  },
  /** Periodic: merges hour-old latency and shadow rows into minutes and two-day-old minutes into hours. */
  compactRollups: {
    queue: 'monitoring',
    schema: z.object({}),
    jobId: () => 'compact-rollups',
  },
  /** Periodic: deployment events and ended replicas past a month deleted (each deployment's newest 200 events kept). */
  pruneHistory: {
    queue: 'monitoring',
    schema: z.object({}),
    jobId: () => 'prune-history',
  },
  /** Periodic: capture hours, ledger rows and feedback past each deployment's quality retention deleted. */
  pruneQuality: {
    queue: 'monitoring',
    schema: z.object({}),
    jobId: () => 'prune-quality',
  },
  /** Periodic: CPU and memory of replicas no worker reads from /proc (Kubernetes pods), from their /metrics. */
  sampleRemoteReplicas: {
    queue: 'monitoring',
    schema: z.object({}),
    jobId: () => 'sample-remote-replicas',
  },
  /** Periodic: every enabled alert rule checked against its window; firing and resolving recorded as events. */
  evaluateAlerts: {
    queue: 'monitoring',
    schema: z.object({}),
    jobId: () => 'evaluate-alerts',
  },
  /**
   * One alert event posted to its rule's webhook, retried with backoff. A queue of its own, so a slow or failing
   * webhook never holds up evaluation or drift merging.
   */
  deliverAlert: {
    queue: 'alerts',
    schema: z.object({ eventId: z.string().uuid() }),
    jobId: (p: { eventId: string }) => `alert-${p.eventId}`,
  },
} as const;

export type JobName = keyof typeof JOBS;
export type JobPayload<N extends JobName> = z.infer<(typeof JOBS)[N]['schema']>;
export type QueueName = (typeof JOBS)[JobName]['queue'];
export const QUEUE_NAMES = [...new Set(Object.values(JOBS).map((j) => j.queue))] as QueueName[];

/** A handler may ask to run the same job again later (a bake or drain time) instead of holding a worker. */
export interface Requeue {
  requeueAfterMs: number;
}

/** A handler for every job: a missing one fails type-checking in the worker. */
export type JobHandlers = { [N in JobName]: (payload: JobPayload<N>) => Promise<void | Requeue> };
