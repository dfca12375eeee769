import path from 'node:path';
import { replicaLogDir } from '@slipway/storage';
import { serverContext } from '@/lib/server/context';
import { findDeployment } from '@/lib/server/deployments';
import { API } from '@/lib/server/api-catalogue';
import { webEnv } from '@/lib/server/env';
import { fileLogSource, followLogs, listLogReplicas, logEventStream, readLogs } from '@/lib/server/replica-logs';
import { route } from '@/lib/server/route';

export const GET = route(API.getDeploymentLogs, async ({ req, user, params, query }) => {
  const deployment = await findDeployment(user, params.name, 'viewer');
  const { db } = serverContext();
  const source = fileLogSource(replicaLogDir(path.resolve(webEnv().SLIPWAY_DATA_DIR)));
  const listReplicas = () => listLogReplicas(db, deployment.id, query.replica);
  // A reconnecting EventSource says which line it saw last: resume after it.
  const resumeAfter = req.headers.get('last-event-id');
  const since = resumeAfter && !Number.isNaN(Date.parse(resumeAfter)) ? new Date(Date.parse(resumeAfter) + 1) : query.since ? new Date(query.since) : undefined;
  const logQuery = { search: query.search, since, tail: query.tail };
  if (query.follow) return logEventStream((signal) => followLogs({ source, listReplicas, query: logQuery, signal }), req.signal);
  const replicas = await listReplicas();
  return { replicas, lines: await readLogs(source, replicas, logQuery) };
});
