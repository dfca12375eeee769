import { findDeployment } from '@/lib/server/deployments';
import { deploymentLatency } from '@/lib/server/latency';
import { API } from '@/lib/server/api-catalogue';
import { route } from '@/lib/server/route';

/** Latency percentiles over the window in about 60 slots (lib/server/latency.ts). */
export const GET = route(API.getDeploymentLatency, async ({ user, params, query }) =>
  deploymentLatency((await findDeployment(user, params.name, 'viewer')).id, query.minutes),
);
