import type { Db } from '@slipway/db';
import type { ReplicaDriver } from '../drivers/driver';
import { cpuPercent, type ProcessReading } from './proc-stats';
import { log } from '../log';

/** The Performance page's longest window. */
const RETENTION_MS = 24 * 60 * 60_000;
const PRUNE_EVERY_MS = 60_000;

/**
 * Samples CPU and memory of the replica processes this host runs (the local driver's pids, from /proc) into
 * ReplicaResourceSample rows, and deletes rows older than a day. Replicas without a pid (Kubernetes pods) are
 * sampled from their /metrics by one worker at a time (`sampleRemoteReplicas`).
 */
export class ResourceSampler {
  /** The last reading per replica process, keyed by replica id and pid. */
  private previous = new Map<string, ProcessReading>();
  private lastPrunedAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private round: Promise<unknown> | undefined;

  constructor(
    private readonly deps: {
      db: Db;
      driver: Pick<ReplicaDriver, 'isAlive'>;
      readProcess: (pid: number) => Promise<ProcessReading | null>;
      clock: () => number;
    },
  ) {}

  /** One round: a sample per live replica process; returns how many were written. */
  async sample(): Promise<number> {
    const { db, driver, readProcess, clock } = this.deps;
    const replicas = await db.replica.findMany({
      where: { state: { in: ['starting', 'ready', 'draining'] }, pid: { not: null } },
      select: { id: true, pid: true },
    });
    const at = new Date(clock());
    const next = new Map<string, ProcessReading>();
    const rows = [];
    for (const { id, pid } of replicas) {
      // isAlive checks the pid still carries this replica's id: never another host's or a reused pid.
      if (pid === null || !driver.isAlive({ id, pid })) continue;
      const reading = await readProcess(pid);
      if (!reading) continue;
      const key = `${id}:${pid}`;
      rows.push({
        replicaId: id,
        at,
        cpuPercent: cpuPercent(reading, this.previous.get(key)),
        cpuSeconds: reading.cpuSeconds,
        rssBytes: BigInt(reading.rssBytes),
      });
      next.set(key, reading);
    }
    this.previous = next;
    const { count } = rows.length > 0 ? await db.replicaResourceSample.createMany({ data: rows }) : { count: 0 };
    if (at.getTime() - this.lastPrunedAt >= PRUNE_EVERY_MS) {
      await db.replicaResourceSample.deleteMany({ where: { at: { lt: new Date(at.getTime() - RETENTION_MS) } } });
      this.lastPrunedAt = at.getTime();
    }
    return count;
  }

  start(intervalMs: number): void {
    this.timer = setInterval(() => {
      // One round at a time: a tick that finds the last still running (a slow database) is skipped.
      if (this.round) return;
      this.round = this.sample()
        .catch((err) => log.error({ err }, 'resource sampling failed'))
        .finally(() => (this.round = undefined));
    }, intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.round;
  }
}
