import { recordEvent } from '@slipway/controller';
import type { JobProducer } from '@slipway/queue';
import type { Controller } from './context';
import { RoutingUpdate } from './routing';
import { log } from '../log';
import { readyPathOfVersion } from './service-spec';

/** Consecutive failed readiness probes after which a ready replica is replaced. */
const PROBE_MISSES = 2;
const PROBE_TIMEOUT_MS = 1_000;

/** GET the replica's readiness path (a service's health path, else the runtime's): healthy when it answers 200. */
async function answersReady(address: string, readyPath = '/v2/health/ready'): Promise<boolean> {
  try {
    const response = await fetch(`${address}${readyPath}`, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
    await response.body?.cancel();
    return response.status === 200;
  } catch {
    return false;
  }
}

/**
 * Self-healing: replicas that exit (the driver says so at once) or stop answering their readiness
 * probe are marked failed, taken out of routing and their deployment reconciled, which starts a
 * replacement. The periodic resync also wakes every deployment that has not converged.
 */
export class ReplicaHealth {
  private readonly misses = new Map<string, number>();
  /** Replacements the driver's exit reports started: a resync lets them finish first, so their reason (the exit code or signal) is the one recorded. */
  private readonly exiting = new Set<Promise<unknown>>();

  constructor(
    private readonly c: Controller,
    private readonly producer: Pick<JobProducer, 'enqueue'>,
  ) {
    c.driver.onExit((replicaId, detail) => {
      const how = detail.signal ? `signal ${detail.signal}` : `code ${detail.code}`;
      const replacing = this.replace(replicaId, detail.reason ?? `exited (${how})`)
        .catch((err) => log.error({ err }, 'replacing a replica failed'))
        .finally(() => this.exiting.delete(replacing));
      this.exiting.add(replacing);
    });
  }

  /** Marks one replica failed and wakes its deployment; a no-op when it already was. */
  async replace(replicaId: string, reason: string): Promise<boolean> {
    const { db } = this.c;
    const replica = await db.replica.findUnique({ where: { id: replicaId }, include: { variant: { select: { deploymentId: true, name: true } } } });
    if (!replica) return false;
    const { count } = await db.replica.updateMany({ where: { id: replicaId, state: { in: ['starting', 'ready'] } }, data: { state: 'failed', reason } });
    if (count === 0) return false;
    this.misses.delete(replicaId);
    await RoutingUpdate.of(this.c).beforeStopping();
    await this.c.driver.stop({ id: replica.id, pid: replica.pid }).catch(() => undefined);
    await recordEvent(db, replica.variant.deploymentId, {
      step: 'healing',
      level: 'warn',
      message: `Replica ${replica.id.slice(0, 8)} of ${replica.variant.name} ${reason}: replacing it`,
      progress: 1,
    });
    await this.producer.enqueue('reconcileDeployment', { deploymentId: replica.variant.deploymentId }, { promoteDelayed: true });
    return true;
  }

  /**
   * Replica processes no live replica row accounts for: left by a worker killed between starting a
   * process and recording it, or by a stop that did not finish. They serve nobody; stop them.
   */
  async stopOrphans(): Promise<number> {
    const running = this.c.driver.running();
    if (running.length === 0) return 0;
    const rows = await this.c.db.replica.findMany({ where: { id: { in: running.map((r) => r.id) } }, select: { id: true, state: true } });
    const live = new Set(rows.filter((r) => r.state !== 'failed' && r.state !== 'stopped').map((r) => r.id));
    const orphans = running.filter((r) => !live.has(r.id));
    await Promise.all(orphans.map((r) => this.c.driver.stop(r)));
    if (orphans.length > 0) log.info({ replicas: orphans.map((r) => r.id) }, 'stopped orphaned replicas');
    return orphans.length;
  }

  /** One resync tick: stop orphans, probe ready replicas, then wake deployments that are not where their spec says. */
  async resync(): Promise<void> {
    const { db } = this.c;
    await Promise.all(this.exiting);
    await this.stopOrphans();
    const replicas = await db.replica.findMany({
      where: { state: 'ready', variant: { deployment: { status: { in: ['pending', 'deploying', 'ready'] } } } },
      include: { variant: { select: { version: { select: { details: true } } } } },
    });
    await Promise.all(
      replicas.map(async (replica) => {
        if (!this.c.driver.isAlive({ id: replica.id, pid: replica.pid })) return void (await this.replace(replica.id, 'is no longer running'));
        if (replica.address && (await answersReady(replica.address, readyPathOfVersion(replica.variant.version.details))))
          return void this.misses.delete(replica.id);
        const misses = (this.misses.get(replica.id) ?? 0) + 1;
        this.misses.set(replica.id, misses);
        if (misses >= PROBE_MISSES) await this.replace(replica.id, `stopped answering its readiness probe (${misses} probes in a row)`);
      }),
    );
    const deployments = await db.deployment.findMany({
      where: { status: { in: ['pending', 'deploying', 'ready', 'stopping'] }, targetRevision: { gt: 0 } },
      include: {
        variants: { where: { retiredAt: null }, include: { _count: { select: { replicaList: { where: { state: { in: ['starting', 'ready'] } } } } } } },
      },
    });
    for (const d of deployments) {
      const short = d.variants.some((v) => v._count.replicaList < v.replicas);
      if (d.status !== 'ready' || d.stableRevision !== d.targetRevision || short) {
        await this.producer.enqueue('reconcileDeployment', { deploymentId: d.id });
      }
    }
  }
}
