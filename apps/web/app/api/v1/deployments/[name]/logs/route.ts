import path from 'node:path';
import type { ReplicaLogLine } from '@slipway/core';
import { replicaLogDir } from '@slipway/storage';
import { API } from '@/lib/server/api-catalogue';
import { serverContext } from '@/lib/server/context';
import { findDeployment } from '@/lib/server/deployments';
import { webEnv } from '@/lib/server/env';
import { withoutAddresses } from '@/lib/server/replica-addresses';
import { fileLogSource, followLogs, listLogReplicas, logEventStream, readLogs } from '@/lib/server/replica-logs';
import { route } from '@/lib/server/route';
import { seesReplicaAddresses } from '@/lib/server/serializers';

export const GET = route(API.getDeploymentLogs, async ({ req, user, params, query }) => {
  const deployment = await findDeployment(user, params.name, 'viewer');
  const { db } = serverContext();
  const source = fileLogSource(replicaLogDir(path.resolve(webEnv().SLIPWAY_DATA_DIR)));
  const listReplicas = () => listLogReplicas(db, deployment.id, query.replica);
  // Team viewers never see replica addresses, in logs as in events.
  const shown = seesReplicaAddresses(user, deployment.teamId)
    ? (line: ReplicaLogLine) => line
    : (line: ReplicaLogLine) => ({ ...line, text: withoutAddresses(line.text) });
  // A reconnecting EventSource says which line it saw last: resume after it.
  const resumeAfter = Date.parse(req.headers.get('last-event-id') ?? '');
  const since = !Number.isNaN(resumeAfter) ? new Date(resumeAfter + 1) : query.since ? new Date(query.since) : undefined;
  const logQuery = { search: query.search, since, tail: query.tail };
  if (query.follow) {
    return logEventStream(async function* (signal) {
      for await (const event of followLogs({ source, listReplicas, query: logQuery, signal })) {
        yield event.kind === 'line' ? { kind: 'line', line: shown(event.line) } : event;
      }
    }, req.signal);
  }
  const replicas = await listReplicas();
  return { replicas, lines: (await readLogs(source, replicas, logQuery)).map(shown) };
});
