import { visibleTeamIds } from '@/lib/server/auth';
import { API } from '@/lib/server/api-catalogue';
import { serverContext } from '@/lib/server/context';
import { assertNameFree, publishGraphs, serializeGraph, teamForNewGraph, typeCheck, typeCheckRefusal } from '@/lib/server/graphs';
import { route } from '@/lib/server/route';

export const GET = route(API.listGraphs, async ({ user }) => {
  const teams = visibleTeamIds(user);
  const graphs = await serverContext().db.graphDeployment.findMany({
    where: teams ? { teamId: { in: teams } } : {},
    include: { revisions: { orderBy: { number: 'desc' }, take: 20 } },
    orderBy: { createdAt: 'desc' },
  });
  return { graphs: graphs.map(serializeGraph) };
});

/** Type-checked against what the nodes serve, stored as revision 1, then published to the gateways. */
export const POST = route(API.createGraph, async ({ user, body }) => {
  const { db } = serverContext();
  const teamId = teamForNewGraph(user, body.teamId);
  await assertNameFree(db, user, body.name);
  const { errors, explicit } = await typeCheck(db, body.spec);
  if (errors.length > 0) return typeCheckRefusal(errors);
  const graph = await db.graphDeployment.create({
    data: {
      name: body.name,
      teamId,
      currentRevision: 1,
      revisions: { create: { number: 1, spec: explicit as object, reason: 'created', author: user.email } },
    },
    include: { revisions: { orderBy: { number: 'desc' }, take: 20 } },
  });
  await publishGraphs();
  return Response.json({ graph: serializeGraph(graph) }, { status: 201 });
});
