import { slipwayManifestSchema } from '@slipway/artifacts';
import { DriverError } from './drivers/driver';
import type { WorkerContext } from './context';
import { recordEvent } from './events';
import { publishRoutingTable } from './routing-publisher';
import { stopReplicas } from './stop';

/**
 * Rolls a deployment out: checks the artifact, starts every variant's replicas through the
 * driver, waits for readiness, then publishes the routing table. Each step is an event.
 */
export async function rolloutDeployment(ctx: WorkerContext, deploymentId: string): Promise<void> {
  const { db, driver } = ctx;
  const deployment = await db.deployment.findUnique({
    where: { id: deploymentId },
    include: { variants: { include: { version: true, machineType: true } } },
  });
  if (!deployment || deployment.status !== 'pending' && deployment.status !== 'deploying') return;

  // A retried job must not double the replicas of an earlier attempt.
  await stopReplicas(ctx, deploymentId);
  // Replicas that failed in an earlier attempt are history (its events keep the reason), not part of this rollout.
  await db.replica.updateMany({ where: { variant: { deploymentId }, state: 'failed' }, data: { state: 'stopped' } });
  await db.deployment.update({ where: { id: deploymentId }, data: { status: 'deploying', statusReason: null } });
  const totalReplicas = deployment.variants.reduce((n, v) => n + v.replicas, 0);
  const steps = totalReplicas * 2 + 2;
  let done = 0;
  const progress = () => Math.min(0.99, ++done / steps);
  await recordEvent(db, deploymentId, {
    step: 'accepted',
    message: `Rolling out ${totalReplicas} replica(s) with the ${driver.name} driver`,
    progress: progress(),
  });

  try {
    for (const variant of deployment.variants) {
      const { version, machineType } = variant;
      if (version.status !== 'ready') throw new DriverError(`version v${version.label} is ${version.status}, not ready`);
      const { modelPath } = await ctx.artifacts.modelPath(version);
      const manifest = slipwayManifestSchema.safeParse(version.manifest);
      const featureNames = manifest.success ? manifest.data.features : undefined;
      await recordEvent(db, deploymentId, {
        step: 'artifact',
        message: `Artifact v${version.label} (sha256:${version.digest.slice(0, 12)}) is available on ${machineType.name}`,
        progress: progress(),
      });
      await Promise.all(
        Array.from({ length: variant.replicas }, async (_, index) => {
          const replica = await db.replica.create({ data: { variantId: variant.id } });
          const placed = await driver.start({
            replicaId: replica.id,
            deploymentName: deployment.name,
            versionLabel: version.label,
            modelPath,
            featureNames,
            vcpu: machineType.vcpu,
            memoryMb: machineType.memoryMb,
            gpuCount: machineType.gpuCount,
          });
          await db.replica.update({ where: { id: replica.id }, data: { address: placed.address, pid: placed.pid } });
          await recordEvent(db, deploymentId, {
            step: 'replica-started',
            message: `Replica ${index + 1}/${variant.replicas} of ${variant.name} started at ${placed.address}`,
            progress: progress(),
          });
          await driver.waitReady(placed, ctx.readyTimeoutMs);
          await db.replica.update({ where: { id: replica.id }, data: { state: 'ready' } });
          await recordEvent(db, deploymentId, {
            step: 'replica-ready',
            message: `Replica ${index + 1}/${variant.replicas} of ${variant.name} is ready`,
            progress: progress(),
          });
        }),
      );
    }
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    await stopReplicas(ctx, deploymentId, 'failed');
    await db.deployment.update({ where: { id: deploymentId }, data: { status: 'failed', statusReason: reason } });
    await recordEvent(db, deploymentId, { step: 'failed', level: 'error', message: `Rollout failed: ${reason}`, progress: 1 });
    await publishRoutingTable(db, ctx.redis, ctx.prefix);
    if (error instanceof DriverError) return;
    throw error;
  }

  // Only a deployment still rolling out becomes ready: a stop issued meanwhile wins.
  const { count } = await db.deployment.updateMany({ where: { id: deploymentId, status: 'deploying' }, data: { status: 'ready' } });
  if (count === 0) {
    await stopReplicas(ctx, deploymentId);
    return;
  }
  await publishRoutingTable(db, ctx.redis, ctx.prefix);
  const split = deployment.variants.map((v) => `${v.trafficWeight}% → v${v.version.label}`).join(', ');
  await recordEvent(db, deploymentId, { step: 'routed', message: `Serving traffic: ${split}`, progress: 1 });
}
