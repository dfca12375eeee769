import { findDeployment } from '@/lib/server/deployments';
import { deploymentDrift } from '@/lib/server/drift';
import { API } from '@/lib/server/api-catalogue';
import { route } from '@/lib/server/route';

/** Data drift of one variant over the window (lib/server/drift.ts). */
export const GET = route(API.getDeploymentDrift, async ({ user, params, query }) => deploymentDrift(await findDeployment(user, params.name, 'viewer'), query));
