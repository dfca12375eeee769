import { graphSpecSchema } from '@slipway/core';
import { API } from '@/lib/server/api-catalogue';
import { serverContext } from '@/lib/server/context';
import { notFound } from '@/lib/server/errors';
import { findGraph, publishGraphs, serializeGraph, serveRevision, typeCheck, typeCheckRefusal } from '@/lib/server/graphs';
import { route } from '@/lib/server/route';

/** An earlier revision's spec served again as a new revision, if it still type-checks against what the nodes serve. */
export const POST = route(API.rollbackGraph, async ({ user, params, body }) => {
  const { db } = serverContext();
  const graph = await findGraph(user, params.name, 'member');
  const revision = await db.graphRevision.findUnique({ where: { graphId_number: { graphId: graph.id, number: body.revision } } });
  if (!revision) throw notFound(`revision ${body.revision} of graph '${params.name}'`);
  const { errors, explicit } = await typeCheck(db, graphSpecSchema.parse(revision.spec));
  if (errors.length > 0) return typeCheckRefusal(errors);
  const changed = await serveRevision(db, graph.id, explicit, `rollback to revision ${body.revision}`, user.email);
  if (changed) await publishGraphs();
  return { graph: serializeGraph(await findGraph(user, params.name, 'viewer')), changed };
});
