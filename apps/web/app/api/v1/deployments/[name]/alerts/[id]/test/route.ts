import { sendTestNotification } from '@/lib/server/alert-test';
import { findRule } from '@/lib/server/alerts';
import { findDeployment } from '@/lib/server/deployments';
import { ApiError } from '@/lib/server/errors';
import { API } from '@/lib/server/api-catalogue';
import { route } from '@/lib/server/route';

/** Posts a test notification to the rule's webhook now and answers how it went (200 either way: the test ran). */
export const POST = route(API.testAlertRule, async ({ user, params }) => {
  const deployment = await findDeployment(user, params.name, 'member');
  const rule = await findRule(deployment.id, params.id);
  if (!rule.webhookUrl) throw new ApiError('conflict', 'this rule has no webhook URL to test; add one first');
  return sendTestNotification(rule.webhookUrl, rule, deployment.name, new Date());
});
