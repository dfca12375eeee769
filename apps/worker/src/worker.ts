import { driftingFeatures, pruneQuality } from '@slipway/db';
import { JOBS, QUEUE_NAMES, type JobHandlers, type JobName, type Requeue } from '@slipway/queue';
import { hostname } from 'node:os';
import { DelayedError, Queue, Worker } from 'bullmq';
import { deliverAlert, markDeliveryFailed } from './alerts/deliver-alert';
import { evaluateAlerts } from './alerts/evaluate-alerts';
import type { WorkerContext } from './context';
import { collectGarbage } from './collect-garbage';
import { abandonReconcile, reconcileDeployment } from './controller/reconcile';
import { compactDriftWindows, recordDriftWindow } from './drift-windows';
import { pruneDeploymentEvents, pruneEndedReplicaLogs, pruneEndedReplicas } from './history-retention';
import { inspectVersion } from './inspect-version';
import { compactLatencyRollups, compactShadowRollups } from './rollup-compaction';
import { fetchReplicaMetrics, sampleRemoteReplicas } from './resources/remote-sampler';
import { handOffDeadOwners } from './takeover';
import { log } from './log';

export function jobHandlers(ctx: WorkerContext): JobHandlers {
  return {
    inspectVersion: ({ versionId }) => inspectVersion(ctx, versionId),
    reconcileDeployment: ({ deploymentId }) => reconcileDeployment(ctx.controller, deploymentId),
    resyncDeployments: () => ctx.health.resync(),
    autoscaleDeployments: () => ctx.autoscaler.tick(),
    collectGarbage: async ({ graceMs }) => {
      const { deleted } = await collectGarbage(ctx, graceMs);
      if (deleted.length > 0) log.info({ blobs: deleted }, 'garbage collected');
    },
    recordDriftWindow: async (window) => void (await recordDriftWindow(ctx.db, window)),
    compactDriftWindows: async () => void (await compactDriftWindows(ctx.db, Date.now())),
    compactRollups: async () => {
      const now = Date.now();
      await compactLatencyRollups(ctx.db, now);
      await compactShadowRollups(ctx.db, now);
    },
    pruneHistory: async () => {
      const now = Date.now();
      const pruned = {
        events: await pruneDeploymentEvents(ctx.db, now),
        replicas: await pruneEndedReplicas(ctx.db, now),
        replicaLogs: ctx.replicaLogDir ? await pruneEndedReplicaLogs(ctx.db, ctx.replicaLogDir, now) : 0,
      };
      if (pruned.events + pruned.replicas + pruned.replicaLogs > 0) log.info(pruned, 'history pruned');
    },
    pruneQuality: async () => {
      const pruned = await pruneQuality({ db: ctx.db, deleteBlob: (digest) => ctx.store.delete(digest) }, Date.now());
      if (pruned.captureBatches + pruned.predictions + pruned.feedback > 0) log.info(pruned, 'quality data pruned');
    },
    sampleRemoteReplicas: async () => void (await sampleRemoteReplicas({ db: ctx.db, fetchMetrics: fetchReplicaMetrics, clock: Date.now })),
    evaluateAlerts: async () =>
      void (await evaluateAlerts({
        db: ctx.db,
        producer: ctx.producer,
        clock: Date.now,
        driftingFeatures: (deploymentId, from, to) => driftingFeatures(ctx.db, deploymentId, from, to),
      })),
    deliverAlert: ({ eventId }) => deliverAlert(ctx.db, eventId),
  };
}

/**
 * One BullMQ worker per queue; each job's payload is re-validated against its schema. A handler that
 * asks to run again later (a bake or drain time) moves its job to delayed rather than holding a slot.
 * Job locks are short so that a killed worker's jobs are picked up by its successor (or a sibling) within
 * seconds, and a dead process on this host is handed off explicitly at once (takeover.ts). Each job records
 * which process ran it last (`processedBy`: host and pid).
 */
export function startWorkers(
  ctx: WorkerContext,
  options: { concurrency?: number; lockDurationMs?: number; handOffIntervalMs?: number } = {},
): { close(): Promise<void> } {
  const handlers = jobHandlers(ctx);
  const lockDuration = options.lockDurationMs ?? 5_000;
  const name = `${hostname()}:${process.pid}`;
  const workers = QUEUE_NAMES.map((queue) => {
    const worker = new Worker(
      queue,
      async (job, token) => {
        const name = job.name as JobName;
        const definition = JOBS[name];
        if (!definition) throw new Error(`unknown job ${job.name}`);
        const payload = definition.schema.parse(job.data);
        const result = (await (handlers[name] as (p: typeof payload) => Promise<void | Requeue>)(payload)) ?? undefined;
        if (result && token) {
          await job.moveToDelayed(Date.now() + result.requeueAfterMs, token);
          throw new DelayedError();
        }
      },
      {
        name,
        connection: ctx.redis.duplicate(),
        prefix: ctx.prefix,
        concurrency: options.concurrency ?? 8,
        lockDuration,
        // A killed worker on another host: its lock expires, and the next check (at most a second later) requeues its jobs.
        stalledInterval: 1_000,
        maxStalledCount: 2,
      },
    );
    worker.on('failed', (job, error) => {
      const attempts = job?.opts.attempts ?? 1;
      log.error({ job: job?.name, id: job?.id, attempt: job?.attemptsMade, of: attempts, error: error.message }, 'job failed');
      if (job?.name === 'reconcileDeployment' && job.attemptsMade >= attempts) {
        void abandonReconcile(ctx.controller, job.data.deploymentId, error.message).catch((err) =>
          log.error({ err, deploymentId: job.data.deploymentId }, 'giving up on a deployment failed'),
        );
      }
      if (job?.name === 'deliverAlert' && job.attemptsMade >= attempts) {
        void markDeliveryFailed(ctx.db, job.data.eventId).catch((err) => log.error({ err }, 'recording a failed webhook failed'));
      }
    });
    return worker;
  });
  const handOff = startHandOff(ctx, options.handOffIntervalMs ?? 1_000);
  return {
    close: async () => {
      await handOff.stop();
      await Promise.all(workers.map((w) => w.close()));
    },
  };
}

/**
 * Jobs a dead worker process on this host still holds go back to waiting at once: at start (the restarted
 * self takes over its predecessor's) and every `intervalMs` (a sibling takes over a killed one's).
 */
function startHandOff(ctx: WorkerContext, intervalMs: number): { stop(): Promise<void> } {
  const queues = QUEUE_NAMES.map((name) => new Queue(name, { connection: ctx.redis, prefix: ctx.prefix }));
  const host = hostname();
  let running: Promise<unknown> = Promise.resolve();
  const sweep = () => {
    running = Promise.all(queues.map((q) => handOffDeadOwners(q, host))).catch((err) => log.warn({ err }, 'looking for jobs of dead workers failed'));
  };
  sweep();
  const timer = setInterval(sweep, intervalMs);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
      await Promise.all(queues.map((q) => q.close()));
    },
  };
}
