import { API } from '@/lib/server/api-catalogue';
import { findDeployment } from '@/lib/server/deployments';
import { downloadCaptures } from '@/lib/server/quality';
import { route } from '@/lib/server/route';

export const GET = route(API.downloadCaptures, async ({ user, params, query }) => {
  const deployment = await findDeployment(user, params.name, 'viewer');
  return downloadCaptures(deployment.id, deployment.name, query.from, query.to);
});
