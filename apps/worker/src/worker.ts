import { JOBS, QUEUE_NAMES, type JobHandlers, type JobName } from '@slipway/queue';
import { Worker } from 'bullmq';
import type { WorkerContext } from './context';
import { inspectVersion } from './inspect-version';
import { rolloutDeployment } from './rollout';
import { stopDeployment } from './stop';

export function jobHandlers(ctx: WorkerContext): JobHandlers {
  return {
    inspectVersion: ({ versionId }) => inspectVersion(ctx, versionId),
    rolloutDeployment: ({ deploymentId }) => rolloutDeployment(ctx, deploymentId),
    stopDeployment: ({ deploymentId }) => stopDeployment(ctx, deploymentId),
  };
}

/** One BullMQ worker per queue; each job's payload is re-validated against its schema. */
export function startWorkers(ctx: WorkerContext, options: { concurrency?: number } = {}): { close(): Promise<void> } {
  const handlers = jobHandlers(ctx);
  const workers = QUEUE_NAMES.map(
    (queue) =>
      new Worker(
        queue,
        async (job) => {
          const name = job.name as JobName;
          const definition = JOBS[name];
          if (!definition) throw new Error(`unknown job ${job.name}`);
          const payload = definition.schema.parse(job.data);
          await (handlers[name] as (p: typeof payload) => Promise<void>)(payload);
        },
        { connection: ctx.redis.duplicate(), prefix: ctx.prefix, concurrency: options.concurrency ?? 4 },
      ),
  );
  return { close: async () => void (await Promise.all(workers.map((w) => w.close()))) };
}
