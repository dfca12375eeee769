import { serverContext } from '@/lib/server/context';
import { findDeployment } from '@/lib/server/deployments';
import { route } from '@/lib/server/route';

export const GET = route<{ name: string }>({}, async ({ user, params }) => {
  const deployment = await findDeployment(user, params.name, 'viewer');
  const events = await serverContext().db.deploymentEvent.findMany({
    where: { deploymentId: deployment.id },
    orderBy: { createdAt: 'asc' },
    take: 500,
  });
  return {
    events: events.map((e) => ({
      id: e.id,
      step: e.step,
      level: e.level,
      message: e.message,
      progress: e.progress,
      createdAt: e.createdAt.toISOString(),
    })),
  };
});
