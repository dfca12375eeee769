import { findDeployment } from '@/lib/server/deployments';
import { route } from '@/lib/server/route';
import { serializeDeployment } from '@/lib/server/serializers';

export const GET = route<{ name: string }>({}, async ({ user, params }) => ({
  deployment: serializeDeployment(await findDeployment(user, params.name, 'viewer')),
}));
