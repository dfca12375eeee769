import type { Transitions } from '@slipway/controller';
import { serverContext } from './context';
import { findDeployment } from './deployments';
import type { OperationSpec } from './api-catalogue';
import { route } from './route';
import { type DeploymentRow, deploymentInclude, serializeDeployment, serializeUpdate } from './serializers';
import type { SessionUser } from './auth';

type Action = (t: Transitions, deployment: Awaited<ReturnType<typeof findDeployment>>, author: string) => Promise<unknown>;

/** POST handlers for stop, promote, pause, resume and abort: a member's call, answered with the updated deployment. */
export function deploymentAction(operation: OperationSpec & { path: `/deployments/{name}/${string}` }, action: Action) {
  return route(operation, async ({ user, params }) => {
    const { db, transitions } = serverContext();
    const deployment = await findDeployment(user, params.name, 'member');
    await action(transitions, deployment, user.email);
    const updated = await db.deployment.findUniqueOrThrow({ where: { id: deployment.id }, include: deploymentInclude });
    return Response.json({ deployment: serializeDeployment(updated, user) }, { status: 202 });
  });
}

/** The answer to an update, a scale or a rollback: 202 while a new revision rolls out, 200 when nothing changed. */
export function updateResponse(updated: DeploymentRow, user: SessionUser, result: { revision: number; changes: string[] }): Response {
  return Response.json(serializeUpdate(updated, user, result), { status: result.changes.length ? 202 : 200 });
}
