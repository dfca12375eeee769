import { API } from '@/lib/server/api-catalogue';
import { findDeployment } from '@/lib/server/deployments';
import { getCapture } from '@/lib/server/quality';
import { route } from '@/lib/server/route';

export const GET = route(API.getCapture, async ({ user, params, query }) =>
  getCapture((await findDeployment(user, params.name, 'viewer')).id, params.requestId, query.at),
);
