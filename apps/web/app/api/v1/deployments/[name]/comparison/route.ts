import { deploymentComparison } from '@/lib/server/comparison';
import { findDeployment } from '@/lib/server/deployments';
import { API } from '@/lib/server/api-catalogue';
import { route } from '@/lib/server/route';

/** Traffic, shadow agreement and significance per variant over the window (lib/server/comparison.ts). */
export const GET = route(API.getDeploymentComparison, async ({ user, params, query }) =>
  deploymentComparison((await findDeployment(user, params.name, 'viewer')).id, query.minutes),
);
