import type { AlertHistoryPage } from '@slipway/core';
import { toEventView } from '@/lib/server/alerts';
import { serverContext } from '@/lib/server/context';
import { findDeployment } from '@/lib/server/deployments';
import { ApiError } from '@/lib/server/errors';
import { API } from '@/lib/server/api-catalogue';
import { route } from '@/lib/server/route';

/** Firings and resolvings of the deployment's rules with their webhook delivery, newest first, a page at a time. */
export const GET = route(API.listAlertEvents, async ({ user, params, query }) => {
  const { db } = serverContext();
  const deployment = await findDeployment(user, params.name, 'viewer');
  if (query.before && !(await db.alertEvent.findFirst({ where: { id: query.before, deploymentId: deployment.id }, select: { id: true } }))) {
    throw new ApiError('validation_error', `before: no alert event '${query.before}' in deployment '${deployment.name}'`);
  }
  const rows = await db.alertEvent.findMany({
    where: { deploymentId: deployment.id },
    orderBy: [{ at: 'desc' }, { id: 'desc' }],
    take: query.limit + 1,
    ...(query.before && { cursor: { id: query.before }, skip: 1 }),
  });
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  const result: AlertHistoryPage = { events: page.map(toEventView), nextCursor: rows.length > query.limit && last ? last.id : null };
  return result;
});
