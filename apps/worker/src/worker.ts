import { JOBS, QUEUE_NAMES, type JobHandlers, type JobName } from '@slipway/queue';
import { Worker } from 'bullmq';
import type { WorkerContext } from './context';
import { collectGarbage } from './collect-garbage';
import { inspectVersion } from './inspect-version';
import { rolloutDeployment } from './rollout';
import { stopDeployment } from './stop';

export function jobHandlers(ctx: WorkerContext): JobHandlers {
  return {
    inspectVersion: ({ versionId }) => inspectVersion(ctx, versionId),
    rolloutDeployment: ({ deploymentId }) => rolloutDeployment(ctx, deploymentId),
    stopDeployment: ({ deploymentId }) => stopDeployment(ctx, deploymentId),
    collectGarbage: async ({ graceMs }) => {
      const { deleted } = await collectGarbage(ctx, graceMs);
      if (deleted.length > 0) console.log(JSON.stringify({ msg: 'garbage collected', blobs: deleted }));
    },
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
