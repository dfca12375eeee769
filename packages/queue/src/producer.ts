import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { JOBS, type JobName, type JobPayload, type QueueName } from './jobs';
import type { QueueConfig } from './connection';

/** Typed enqueueing: the payload is validated against the job's schema before it leaves. */
export class JobProducer {
  private readonly queues = new Map<QueueName, Queue>();

  constructor(
    private readonly connection: Redis,
    private readonly config: QueueConfig,
  ) {}

  /** `promoteDelayed`: when the entity's job is waiting out a delay (a bake time), run it now. */
  async enqueue<N extends JobName>(name: N, payload: JobPayload<N>, options: { promoteDelayed?: boolean } = {}): Promise<void> {
    const job = JOBS[name];
    const data = job.schema.parse(payload);
    // A retried or duplicated request must never start a second job for the same entity, but a
    // later, separate request must run: finished and failed jobs drop their ids (failures are logged).
    const jobId = (job.jobId as (p: typeof data) => string)(data);
    const queue = this.queue(job.queue);
    const added = await queue.add(name, data, {
      jobId,
      removeOnComplete: true,
      removeOnFail: true,
      attempts: 5,
      backoff: { type: 'exponential', delay: 500 },
    });
    if (options.promoteDelayed && (await added.isDelayed())) await added.promote().catch(() => undefined);
  }

  /** Runs a job every `everyMs` (one schedule per job name, however many processes ask). */
  async schedule<N extends JobName>(name: N, payload: JobPayload<N>, everyMs: number): Promise<void> {
    const job = JOBS[name];
    const data = job.schema.parse(payload);
    await this.queue(job.queue).upsertJobScheduler(`every-${name}`, { every: everyMs }, { name, data, opts: { removeOnComplete: true, removeOnFail: true } });
  }

  private queue(name: QueueName): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue(name, { connection: this.connection, prefix: this.config.prefix });
      this.queues.set(name, queue);
    }
    return queue;
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
  }
}
