import type { JobProducer } from '@slipway/queue';
import type { WorkerContext } from './context';
import { recordEvent } from './events';

async function answers(address: string | null): Promise<boolean> {
  if (!address) return false;
  try {
    return (await fetch(`${address}/v2/health/ready`, { signal: AbortSignal.timeout(1_000) })).ok;
  } catch {
    return false;
  }
}

/**
 * At worker start: ready deployments whose replicas are gone (the host or the previous worker
 * stopped) are rolled out again, so `npm start` brings them back. Rollouts still in flight are
 * BullMQ's to resume (stalled jobs are retried).
 */
export async function reconcileDeployments(ctx: WorkerContext, producer: JobProducer): Promise<number> {
  const deployments = await ctx.db.deployment.findMany({
    where: { status: 'ready' },
    include: { variants: { include: { replicaList: { where: { state: { in: ['starting', 'ready'] } } } } } },
  });
  let restarted = 0;
  for (const deployment of deployments) {
    const replicas = deployment.variants.flatMap((v) => v.replicaList);
    const wanted = deployment.variants.reduce((n, v) => n + v.replicas, 0);
    const alive = await Promise.all(replicas.map((r) => answers(r.address)));
    if (alive.filter(Boolean).length === wanted) continue;
    // Their processes ended with the previous worker: gone, not failed, so the console lists only the new ones.
    if (replicas.length) {
      await ctx.db.replica.updateMany({ where: { id: { in: replicas.map((r) => r.id) } }, data: { state: 'stopped' } });
    }
    await ctx.db.deployment.update({ where: { id: deployment.id }, data: { status: 'pending' } });
    await recordEvent(ctx.db, deployment.id, {
      step: 'reconcile',
      level: 'warn',
      message: 'Replicas were not running when the worker started: rolling out again',
      progress: 0,
    });
    await producer.enqueue('rolloutDeployment', { deploymentId: deployment.id });
    restarted++;
  }
  return restarted;
}
