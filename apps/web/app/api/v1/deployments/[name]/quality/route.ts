import { API } from '@/lib/server/api-catalogue';
import { findDeployment } from '@/lib/server/deployments';
import { deploymentQuality } from '@/lib/server/quality';
import { route } from '@/lib/server/route';

/** Quality per variant and version over the window (lib/server/quality.ts). */
export const GET = route(API.getDeploymentQuality, async ({ user, params, query }) =>
  deploymentQuality((await findDeployment(user, params.name, 'viewer')).id, query.minutes),
);
