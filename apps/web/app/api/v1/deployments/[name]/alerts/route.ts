import { MAX_ALERT_RULES_PER_DEPLOYMENT, toRuleView } from '@/lib/server/alerts';
import { serverContext } from '@/lib/server/context';
import { findDeployment } from '@/lib/server/deployments';
import { ApiError } from '@/lib/server/errors';
import { API } from '@/lib/server/api-catalogue';
import { route } from '@/lib/server/route';

/** The deployment's alert rules, oldest first, each with whether it is firing and when it last fired. */
export const GET = route(API.listAlertRules, async ({ user, params }) => {
  const deployment = await findDeployment(user, params.name, 'viewer');
  const rules = await serverContext().db.alertRule.findMany({ where: { deploymentId: deployment.id }, orderBy: { createdAt: 'asc' } });
  return { rules: rules.map(toRuleView) };
});

/** A new rule; the worker checks it from its next evaluation on. */
export const POST = route(API.createAlertRule, async ({ user, params, body }) => {
  const { db } = serverContext();
  const deployment = await findDeployment(user, params.name, 'member');
  const rule = await db.$transaction(async (tx) => {
    // Counted in the transaction that writes, so two creations at once cannot both pass the limit.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`alert-rules:${deployment.id}`}))`;
    if ((await tx.alertRule.count({ where: { deploymentId: deployment.id } })) >= MAX_ALERT_RULES_PER_DEPLOYMENT) {
      throw new ApiError('conflict', `deployment '${deployment.name}' already has ${MAX_ALERT_RULES_PER_DEPLOYMENT} alert rules; delete one first`);
    }
    return tx.alertRule.create({ data: { ...body, deploymentId: deployment.id } });
  });
  return Response.json({ rule: toRuleView(rule) }, { status: 201 });
});
