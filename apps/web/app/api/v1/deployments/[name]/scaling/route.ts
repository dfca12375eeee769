import { findDeployment } from '@/lib/server/deployments';
import { API } from '@/lib/server/api-catalogue';
import { route } from '@/lib/server/route';
import { deploymentScaling } from '@/lib/server/scaling';

/** Replicas over time next to the load, per variant, with the autoscaler's bounds (lib/server/scaling.ts). */
export const GET = route(API.getDeploymentScaling, async ({ user, params, query }) =>
  deploymentScaling(await findDeployment(user, params.name, 'viewer'), query.minutes),
);
