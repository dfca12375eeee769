import { roundMoney, type SpendLine } from '@slipway/core';
import { loadSpend } from '@slipway/db';
import type { SessionUser } from './auth';
import { visibleTeamIds } from './auth';
import { serverContext } from './context';

/** A spend line as the API answers it: money and hours rounded, running replicas counted. */
export function serializeSpend(line: SpendLine | undefined) {
  const l = line ?? { replicaHours: 0, cost: 0, costPerHour: 0, runningReplicas: 0 };
  return {
    replicaHours: Math.round(l.replicaHours * 1000) / 1000,
    cost: roundMoney(l.cost),
    costPerHour: roundMoney(l.costPerHour),
    runningReplicas: l.runningReplicas,
  };
}

/**
 * Spend to date of every team the user can see (platform admins: every team) and of each of their deployments,
 * deleted ones included (their replicas ran), as of `now`.
 */
export async function spendReport(user: SessionUser, now: number) {
  const { db } = serverContext();
  const teamIds = visibleTeamIds(user);
  const where = teamIds ? { id: { in: teamIds } } : {};
  const [report, teams, deployments] = await Promise.all([
    loadSpend(db, teamIds, now),
    db.team.findMany({ where, orderBy: { name: 'asc' }, select: { id: true, name: true } }),
    db.deployment.findMany({
      where: teamIds ? { teamId: { in: teamIds } } : {},
      orderBy: { createdAt: 'asc' },
      select: { id: true, name: true, deletedName: true, deletedAt: true, teamId: true },
    }),
  ]);
  const teamName = new Map(teams.map((t) => [t.id, t.name]));
  return {
    asOf: new Date(now).toISOString(),
    total: serializeSpend(report.total),
    teams: teams.map((t) => ({ id: t.id, name: t.name, ...serializeSpend(report.byTeam.get(t.id)) })),
    deployments: deployments
      .filter((d) => report.byDeployment.has(d.id) || !d.deletedAt)
      .map((d) => ({
        name: d.deletedName ?? d.name,
        team: { id: d.teamId, name: teamName.get(d.teamId) ?? '' },
        deleted: d.deletedAt !== null,
        ...serializeSpend(report.byDeployment.get(d.id)),
      })),
  };
}
