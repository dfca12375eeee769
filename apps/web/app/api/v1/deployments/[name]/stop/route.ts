import { serverContext } from '@/lib/server/context';
import { findDeployment } from '@/lib/server/deployments';
import { ApiError } from '@/lib/server/errors';
import { route } from '@/lib/server/route';
import { deploymentInclude, serializeDeployment } from '@/lib/server/serializers';

export const POST = route<{ name: string }>({}, async ({ user, params }) => {
  const { db, producer } = serverContext();
  const deployment = await findDeployment(user, params.name, 'member');
  if (deployment.status === 'stopped') throw new ApiError('conflict', `deployment '${params.name}' is already stopped`);
  await producer.enqueue('stopDeployment', { deploymentId: deployment.id });
  const updated = await db.deployment.update({ where: { id: deployment.id }, data: { status: 'stopping' }, include: deploymentInclude });
  return Response.json({ deployment: serializeDeployment(updated) }, { status: 202 });
});
