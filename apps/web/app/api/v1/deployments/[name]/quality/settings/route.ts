import { API } from '@/lib/server/api-catalogue';
import { findDeployment } from '@/lib/server/deployments';
import { getQualitySettings, putQualitySettings } from '@/lib/server/quality';
import { route } from '@/lib/server/route';

export const GET = route(API.getQualitySettings, async ({ user, params }) => ({
  settings: await getQualitySettings((await findDeployment(user, params.name, 'viewer')).id),
}));

export const PUT = route(API.updateQualitySettings, async ({ user, params, body }) => ({
  settings: await putQualitySettings((await findDeployment(user, params.name, 'member')).id, body),
}));
