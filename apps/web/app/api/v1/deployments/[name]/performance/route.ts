import { type DeploymentPerformance, performanceReport, performanceSlots } from '@slipway/core';
import { serverContext } from '@/lib/server/context';
import { findDeployment } from '@/lib/server/deployments';
import { ApiError } from '@/lib/server/errors';
import { API } from '@/lib/server/api-catalogue';
import { route } from '@/lib/server/route';

/**
 * The Performance page's series over a window (15m, 1h, 6h, 24h …): requests per second, 4xx and 5xx rates and
 * p50/p95/p99 per variant and version from the gateway's rollups; replicas running and restarts from the replica
 * rows; CPU and memory per replica from the worker's samples. `variant` narrows it to one variant name.
 */
export const GET = route(API.getDeploymentPerformance, async ({ user, params, query }) => {
  const { db } = serverContext();
  const deployment = await findDeployment(user, params.name, 'viewer');
  const to = Date.now();
  const since = new Date(performanceSlots(query.window, to).start);
  // Variant rows serving during the window, retired ones included: a version replaced an hour ago still has its traffic.
  const variants = await db.variant.findMany({
    where: { deploymentId: deployment.id, ...(query.variant && { name: query.variant }), OR: [{ retiredAt: null }, { retiredAt: { gte: since } }] },
    select: { id: true, name: true, version: { select: { label: true } } },
    orderBy: { createdAt: 'asc' },
  });
  if (query.variant && variants.length === 0) throw new ApiError('not_found', `variant '${query.variant}' not found in deployment '${deployment.name}'`);
  const variantIds = variants.map((v) => v.id);
  const [rollups, replicas, samples] = await Promise.all([
    db.latencyRollup.findMany({
      where: { variantId: { in: variantIds }, windowEnd: { gte: since } },
      select: { variantId: true, windowEnd: true, count: true, errors: true, clientErrors: true, buckets: true },
    }),
    db.replica.findMany({
      where: { variantId: { in: variantIds }, OR: [{ state: { in: ['starting', 'ready', 'draining'] } }, { updatedAt: { gte: since } }] },
      select: { id: true, variantId: true, state: true, reason: true, createdAt: true, updatedAt: true },
    }),
    db.replicaResourceSample.findMany({
      where: { replica: { variantId: { in: variantIds } }, at: { gte: since } },
      select: { replicaId: true, at: true, cpuPercent: true, rssBytes: true },
    }),
  ]);
  const answer: DeploymentPerformance = {
    deployment: deployment.name,
    /** For the variant picker: the names serving now. */
    variantNames: [...new Set(deployment.variants.map((v) => v.name))],
    ...performanceReport({
      window: query.window,
      to,
      variants: variants.map((v) => ({ id: v.id, name: v.name, versionLabel: v.version.label })),
      rollups,
      replicas: replicas.map((r) => {
        const ended = r.state === 'failed' || r.state === 'stopped';
        return {
          id: r.id,
          variantId: r.variantId,
          createdAt: r.createdAt,
          endedAt: ended ? r.updatedAt : null,
          failed: r.state === 'failed',
          reason: r.reason,
        };
      }),
      samples: samples.map((s) => ({ ...s, rssBytes: Number(s.rssBytes) })),
    }),
  };
  return answer;
});
