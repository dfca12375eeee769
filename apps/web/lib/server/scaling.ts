import { loadRevision } from '@slipway/controller';
import { boundsAt, nextTransitions, templateOf } from '@slipway/core';
import { serverContext } from './context';
import type { findDeployment } from './deployments';

/**
 * Replicas over time next to the load, per variant, from the autoscaler's samples; with each autoscaled
 * variant's knobs, the bounds in effect now and the schedule's next transitions.
 */
export async function deploymentScaling(deployment: Awaited<ReturnType<typeof findDeployment>>, minutes: number) {
  const { db } = serverContext();
  const spec = (await loadRevision(db, deployment.id, deployment.targetRevision))?.spec;
  const since = new Date(Date.now() - minutes * 60_000);
  const now = Date.now();
  const variants = await Promise.all(
    deployment.variants.map(async (v) => {
      const autoscaling = spec?.variants.find((s) => templateOf(s) === v.templateKey)?.autoscaling ?? null;
      // The newest 2,000 (a sample every 5 s: almost three hours), oldest first.
      const samples = (await db.scaleSample.findMany({ where: { variantId: v.id, at: { gte: since } }, orderBy: { at: 'desc' }, take: 2_000 })).reverse();
      return {
        id: v.id,
        name: v.name,
        desiredReplicas: v.replicas,
        autoscaling,
        boundsNow: autoscaling ? boundsAt(autoscaling, now) : null,
        nextTransitions: autoscaling ? nextTransitions(autoscaling, now, 3) : [],
        samples: samples.map((s) => ({ t: s.at.toISOString(), inFlight: Math.round(s.inFlight * 100) / 100, ready: s.ready, desired: s.desired })),
      };
    }),
  );
  return { variants };
}
