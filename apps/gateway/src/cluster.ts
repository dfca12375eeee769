import cluster, { type Worker } from 'node:cluster';
import { availableParallelism } from 'node:os';
import { gatherMetricsInPrimary } from './cluster-metrics';
import { log as gatewayLog } from './log';

/** `SLIPWAY_GATEWAY_WORKERS`: a number of processes, or `auto` for one per core. */
export function gatewayProcessCount(setting: number | 'auto', cores = availableParallelism()): number {
  return setting === 'auto' ? Math.max(1, cores) : setting;
}

/** A worker that crashed soon after starting waits longer each time (250 ms doubling to 10 s); one that ran 30 s starts over. */
export function restartDelayMs(previousDelayMs: number | undefined, uptimeMs: number): number {
  if (previousDelayMs === undefined || uptimeMs >= 30_000) return 250;
  return Math.min(10_000, previousDelayMs * 2);
}

const log = gatewayLog.child({ role: 'gateway-primary' });

/**
 * The primary of a gateway cluster: `count` processes share one port (the primary hands out connections),
 * each a whole gateway with its own routing table, key cache and rate-limit leases. A worker that exits is
 * replaced, and the log says so; SIGTERM/SIGINT stop them all. `/metrics` on any of them sums all of them.
 */
export function superviseGatewayProcesses(count: number): void {
  let stopping = false;
  const slots = new Map<number, { startedAt: number; delayMs?: number }>();

  const fork = (slot: number, delayMs?: number) => {
    const worker = cluster.fork();
    slots.set(worker.id, { startedAt: Date.now(), delayMs });
    worker.once('exit', (code, signal) => onExit(worker, slot, code, signal));
  };

  const onExit = (worker: Worker, slot: number, code: number | null, signal: string | null) => {
    const state = slots.get(worker.id);
    slots.delete(worker.id);
    if (stopping) return;
    const delayMs = restartDelayMs(state?.delayMs, Date.now() - (state?.startedAt ?? 0));
    const how = signal ? `signal ${signal}` : `code ${code}`;
    log.warn({ slot }, `gateway process ${worker.process.pid} exited (${how}); restarting in ${delayMs} ms`);
    setTimeout(() => {
      if (!stopping) fork(slot, delayMs);
    }, delayMs);
  };

  const stop = () => {
    if (stopping) return;
    stopping = true;
    const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => !!w);
    if (workers.length === 0) process.exit(0);
    let left = workers.length;
    for (const worker of workers) {
      worker.once('exit', () => {
        left -= 1;
        if (left === 0) process.exit(0);
      });
      worker.process.kill('SIGTERM');
    }
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);

  gatherMetricsInPrimary();
  log.info({ count }, 'starting gateway processes');
  for (let slot = 0; slot < count; slot++) fork(slot);
}
