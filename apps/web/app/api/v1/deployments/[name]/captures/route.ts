import { API } from '@/lib/server/api-catalogue';
import { findDeployment } from '@/lib/server/deployments';
import { listCaptures } from '@/lib/server/quality';
import { route } from '@/lib/server/route';

export const GET = route(API.listCaptures, async ({ user, params, query }) => listCaptures((await findDeployment(user, params.name, 'viewer')).id, query));
