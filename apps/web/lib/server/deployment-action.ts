import type { Transitions } from '@slipway/controller';
import { serverContext } from './context';
import { findDeployment } from './deployments';
import { route } from './route';
import { deploymentInclude, serializeDeployment } from './serializers';

type Action = (t: Transitions, deployment: Awaited<ReturnType<typeof findDeployment>>, author: string) => Promise<unknown>;

/** POST handlers for stop, promote, pause, resume and abort: a member's call, answered with the updated deployment. */
export function deploymentAction(action: Action) {
  return route<{ name: string }>({}, async ({ user, params }) => {
    const { db, transitions } = serverContext();
    const deployment = await findDeployment(user, params.name, 'member');
    await action(transitions, deployment, user.email);
    const updated = await db.deployment.findUniqueOrThrow({ where: { id: deployment.id }, include: deploymentInclude });
    return Response.json({ deployment: serializeDeployment(updated, user) }, { status: 202 });
  });
}
