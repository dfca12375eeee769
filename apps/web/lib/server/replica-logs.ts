import {
  type LogQuery,
  type LogReplica,
  matchesLogQuery,
  REPLICA_LOG_RETENTION_MS,
  type ReplicaLogLine,
  type ReplicaLogRecord,
  type ReplicaLogSource,
  selectLogLines,
  toLogLine,
} from '@slipway/core';
import type { Db } from '@slipway/db';
import { readReplicaLog, readRotatedReplicaLog, ReplicaLogTail } from '@slipway/storage';

export type { LogReplica } from '@slipway/core';

/** The deployment's replicas whose logs are kept: running ones, and those that ended within the log retention. */
export async function listLogReplicas(db: Db, deploymentId: string, replicaId: string | undefined, now = Date.now()): Promise<LogReplica[]> {
  const rows = await db.replica.findMany({
    where: {
      variant: { deploymentId },
      ...(replicaId && { id: replicaId }),
      OR: [{ state: { in: ['starting', 'ready', 'draining'] } }, { updatedAt: { gte: new Date(now - REPLICA_LOG_RETENTION_MS) } }],
    },
    orderBy: { createdAt: 'asc' },
    select: {
      id: true,
      state: true,
      reason: true,
      createdAt: true,
      updatedAt: true,
      variant: { select: { name: true, version: { select: { label: true } } } },
    },
  });
  return rows.map((r) => ({
    id: r.id,
    variant: r.variant.name,
    versionLabel: r.variant.version.label,
    state: r.state,
    reason: r.reason,
    startedAt: r.createdAt.toISOString(),
    endedAt: r.state === 'stopped' || r.state === 'failed' ? r.updatedAt.toISOString() : null,
  }));
}

/** The local driver's files, in the data directory the web shares with the worker that runs the replicas. */
export function fileLogSource(dir: string): ReplicaLogSource {
  return {
    read: (replicaId) => readReplicaLog(dir, replicaId),
    follow: async (replicaId) => {
      // The current part is read through the tail itself, so no line falls between the first read and following.
      const tail = new ReplicaLogTail(dir, replicaId);
      const initial = [...(await readRotatedReplicaLog(dir, replicaId)), ...(await tail.next())];
      return { initial, next: () => tail.next() };
    },
  };
}

/** The newest `tail` lines across the replicas that pass the query. */
export async function readLogs(source: ReplicaLogSource, replicas: readonly LogReplica[], query: LogQuery): Promise<ReplicaLogLine[]> {
  const perReplica = await Promise.all(replicas.map(async (r) => (await source.read(r.id)).map((record) => toLogLine(r.id, record))));
  return selectLogLines(perReplica, query);
}

export type LogEvent = { kind: 'replicas'; replicas: LogReplica[] } | { kind: 'line'; line: ReplicaLogLine };

export interface FollowOptions {
  source: ReplicaLogSource;
  /** The deployment's replicas now (filtered to the one asked for): re-read to pick up replicas that start later. */
  listReplicas: () => Promise<LogReplica[]>;
  query: LogQuery;
  signal: AbortSignal;
  pollMs?: number;
  rescanMs?: number;
  clock?: () => number;
}

/**
 * Follows a deployment's logs: the replica list, the newest `tail` lines that pass the query, then each new line as
 * it is written, and the list again whenever a replica starts or stops. Ends when `signal` aborts.
 */
export async function* followLogs(options: FollowOptions): AsyncGenerator<LogEvent> {
  const { source, query, signal, pollMs = 500, rescanMs = 2_000, clock = Date.now } = options;
  const tails = new Map<string, () => Promise<ReplicaLogRecord[]>>();
  const attach = async (replicas: LogReplica[]) => {
    const initial: ReplicaLogLine[][] = [];
    for (const r of replicas.filter((r) => !tails.has(r.id))) {
      const followed = await source.follow(r.id);
      tails.set(r.id, followed.next);
      initial.push(followed.initial.map((record) => toLogLine(r.id, record)));
    }
    return initial;
  };
  let replicas = await options.listReplicas();
  yield { kind: 'replicas', replicas };
  for (const line of selectLogLines(await attach(replicas), query)) yield { kind: 'line', line };
  let scanned = clock();
  while (!signal.aborted) {
    await abortableSleep(pollMs, signal);
    if (signal.aborted) return;
    const fresh: ReplicaLogLine[][] = [];
    if (clock() - scanned >= rescanMs) {
      scanned = clock();
      const now = await options.listReplicas();
      if (JSON.stringify(now) !== JSON.stringify(replicas)) yield { kind: 'replicas', replicas: now };
      replicas = now;
      fresh.push(...(await attach(now)));
    }
    for (const [replicaId, next] of tails) fresh.push((await next()).map((record) => toLogLine(replicaId, record)));
    for (const line of selectLogLines(fresh, { ...query, tail: undefined })) if (matchesLogQuery(line, query)) yield { kind: 'line', line };
  }
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}

/**
 * Server-sent events of a follow: `replicas` and `line` events, each line's time as its id, so a reconnecting
 * EventSource sends `Last-Event-ID` and resumes after it. A comment every 15 s keeps proxies from closing it.
 */
export function logEventStream(events: (signal: AbortSignal) => AsyncGenerator<LogEvent>, requestSignal: AbortSignal): Response {
  const abort = new AbortController();
  requestSignal.addEventListener('abort', () => abort.abort(), { once: true });
  const encoder = new TextEncoder();
  let heartbeat: ReturnType<typeof setInterval> | undefined;
  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      const send = (text: string) => {
        if (!abort.signal.aborted) controller.enqueue(encoder.encode(text));
      };
      heartbeat = setInterval(() => send(': keep-alive\n\n'), 15_000);
      try {
        for await (const event of events(abort.signal)) {
          if (event.kind === 'replicas') send(`event: replicas\ndata: ${JSON.stringify(event.replicas)}\n\n`);
          else send(`id: ${event.line.time}\nevent: line\ndata: ${JSON.stringify(event.line)}\n\n`);
        }
      } catch (error) {
        send(`event: failure\ndata: ${JSON.stringify({ message: (error as Error).message })}\n\n`);
      } finally {
        clearInterval(heartbeat);
        try {
          controller.close();
        } catch {
          // Already cancelled by the client.
        }
      }
    },
    cancel() {
      clearInterval(heartbeat);
      abort.abort();
    },
  });
  return new Response(body, {
    headers: { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache, no-transform', 'x-accel-buffering': 'no' },
  });
}
