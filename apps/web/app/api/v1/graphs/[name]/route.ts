import { API } from '@/lib/server/api-catalogue';
import { serverContext } from '@/lib/server/context';
import { findGraph, publishGraphs, serializeGraph, serveRevision, typeCheck, typeCheckRefusal } from '@/lib/server/graphs';
import { route } from '@/lib/server/route';

export const GET = route(API.getGraph, async ({ user, params }) => ({ graph: serializeGraph(await findGraph(user, params.name, 'viewer')) }));

/** A new revision once the spec type-checks against what the nodes serve now. */
export const PUT = route(API.updateGraph, async ({ user, params, body }) => {
  const { db } = serverContext();
  const graph = await findGraph(user, params.name, 'member');
  const { errors, explicit } = await typeCheck(db, body.spec);
  if (errors.length > 0) return typeCheckRefusal(errors);
  const changed = await serveRevision(db, graph.id, explicit, 'update', user.email);
  if (changed) await publishGraphs();
  return { graph: serializeGraph(await findGraph(user, params.name, 'viewer')), changed };
});
