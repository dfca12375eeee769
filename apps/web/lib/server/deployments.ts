import { serverContext } from './context';
import { notFound } from './errors';
import { requireTeamRole, type SessionUser } from './auth';
import type { TeamRole } from '@slipway/db';
import { deploymentInclude } from './serializers';

export async function findDeployment(user: SessionUser, name: string, minimum: TeamRole) {
  const deployment = await serverContext().db.deployment.findUnique({ where: { name }, include: deploymentInclude });
  if (!deployment) throw notFound(`deployment '${name}'`);
  requireTeamRole(user, deployment.teamId, minimum, `deployment '${name}'`);
  return deployment;
}
