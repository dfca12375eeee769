import { trafficRates } from '@slipway/core';
import { loadSpend } from '@slipway/db';
import { type SessionUser, visibleTeamIds } from './auth';
import { serverContext } from './context';
import { deploymentInclude, serializeDeployment } from './serializers';
import { serializeSpend } from './spend';

/** The look-back of the overview's requests per second and error rate. */
export const OVERVIEW_WINDOW_MS = 5 * 60_000;

/** Requests and 5xx of each deployment's variants over the window, by deployment id. */
async function recentTraffic(deploymentIds: string[], now: number) {
  const rollups = await serverContext().db.latencyRollup.findMany({
    where: { windowEnd: { gt: new Date(now - OVERVIEW_WINDOW_MS), lte: new Date(now) }, variant: { deploymentId: { in: deploymentIds } } },
    select: { count: true, errors: true, variant: { select: { deploymentId: true, role: true } } },
  });
  const byDeployment = new Map<string, { count: number; errors: number }[]>();
  // Mirrored requests are not callers' requests: the shadow's rollups stay out of the rates.
  for (const r of rollups.filter((r) => r.variant.role !== 'shadow')) {
    byDeployment.set(r.variant.deploymentId, [...(byDeployment.get(r.variant.deploymentId) ?? []), r]);
  }
  return byDeployment;
}

/** Every deployment the user can see, with its traffic over the last minutes, cost per hour and spend to date. */
export async function loadOverview(user: SessionUser, now: number) {
  const { db } = serverContext();
  const teamIds = visibleTeamIds(user);
  const deployments = await db.deployment.findMany({
    where: { deletedAt: null, ...(teamIds ? { teamId: { in: teamIds } } : {}) },
    include: { ...deploymentInclude, team: { select: { id: true, name: true } } },
    orderBy: { name: 'asc' },
  });
  const [spend, traffic] = await Promise.all([
    loadSpend(db, teamIds, now),
    recentTraffic(
      deployments.map((d) => d.id),
      now,
    ),
  ]);
  return {
    asOf: new Date(now).toISOString(),
    windowSeconds: OVERVIEW_WINDOW_MS / 1000,
    total: serializeSpend(spend.total),
    deployments: deployments.map((d) => ({
      deployment: serializeDeployment(d, user),
      team: d.team,
      traffic: trafficRates(traffic.get(d.id) ?? [], OVERVIEW_WINDOW_MS),
      spend: serializeSpend(spend.byDeployment.get(d.id)),
    })),
  };
}
