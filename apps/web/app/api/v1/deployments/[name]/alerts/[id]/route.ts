import { alertRuleFieldsSchema, applyRulePatch, asSentence } from '@slipway/core';
import { findRule, toRuleView } from '@/lib/server/alerts';
import { serverContext } from '@/lib/server/context';
import { findDeployment } from '@/lib/server/deployments';
import { ApiError } from '@/lib/server/errors';
import { API } from '@/lib/server/api-catalogue';
import { route } from '@/lib/server/route';

/**
 * Edits a rule (any subset of its fields; `{"enabled": false}` disables it). The rule as edited must still make
 * sense (a threshold for its kind, a feature only for drift), or nothing is written. A firing rule that is disabled
 * resolves at the next evaluation.
 */
export const PATCH = route(API.updateAlertRule, async ({ user, params, body }) => {
  const deployment = await findDeployment(user, params.name, 'member');
  const row = await findRule(deployment.id, params.id);
  const edited = applyRulePatch(alertRuleFieldsSchema.parse(row), body);
  if (!edited.ok) {
    const fields = edited.problems.map((p) => ({ field: String(p.path), message: asSentence(p.message) }));
    throw new ApiError('validation_error', edited.problems.map((p) => `${p.path}: ${p.message}`).join('; '), undefined, fields);
  }
  const rule = await serverContext().db.alertRule.update({ where: { id: row.id }, data: edited.rule });
  return { rule: toRuleView(rule) };
});

/** Deletes a rule; its history stays (the events keep their kind, values and delivery). */
export const DELETE = route(API.deleteAlertRule, async ({ user, params }) => {
  const deployment = await findDeployment(user, params.name, 'member');
  const rule = await findRule(deployment.id, params.id);
  await serverContext().db.alertRule.deleteMany({ where: { id: rule.id } });
  return new Response(null, { status: 204 });
});
