import { serverContext } from '@/lib/server/context';
import { findDeployment } from '@/lib/server/deployments';
import { API } from '@/lib/server/api-catalogue';
import { route } from '@/lib/server/route';
import { seesReplicaAddresses, serializeEvent } from '@/lib/server/serializers';

export const GET = route(API.listDeploymentEvents, async ({ user, params }) => {
  const deployment = await findDeployment(user, params.name, 'viewer');
  // The newest 500, oldest first: a long-lived deployment's latest steps and decisions are what matter.
  const events = (
    await serverContext().db.deploymentEvent.findMany({ where: { deploymentId: deployment.id }, orderBy: { createdAt: 'desc' }, take: 500 })
  ).reverse();
  const addresses = seesReplicaAddresses(user, deployment.teamId);
  return {
    events: events.map((e) => serializeEvent(e, addresses)),
  };
});
