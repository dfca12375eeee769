import { API } from '@/lib/server/api-catalogue';
import { serverContext } from '@/lib/server/context';
import { findGraph } from '@/lib/server/graphs';
import { route } from '@/lib/server/route';

/** The newest stored traces, each with its per-step timings (the console's waterfall). */
export const GET = route(API.listGraphTraces, async ({ user, params, query }) => {
  const graph = await findGraph(user, params.name, 'viewer');
  const traces = await serverContext().db.graphTrace.findMany({
    where: { graphId: graph.id, ...(query.failed !== undefined && { failed: query.failed === 'true' }) },
    orderBy: { createdAt: 'desc' },
    take: query.limit,
  });
  return {
    traces: traces.map((t) => ({
      traceId: t.traceId,
      revision: t.revision,
      status: t.status,
      durationMs: t.durationMs,
      failed: t.failed,
      steps: t.steps,
      createdAt: t.createdAt.toISOString(),
    })),
  };
});
