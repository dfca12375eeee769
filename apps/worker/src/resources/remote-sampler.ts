import { REPLICA_TOKEN_HEADER } from '@slipway/core';
import type { Db } from '@slipway/db';
import { cpuPercent, type ProcessReading } from './proc-stats';

/** A replica's process figures from its Prometheus text (`process_*`, as client libraries name them); null if absent. */
export function parseProcessMetrics(text: string, nowSeconds: number): ProcessReading | null {
  const value = (name: string) => {
    const match = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
    return match ? Number(match[1]) : Number.NaN;
  };
  const [cpuSeconds, rssBytes, startSeconds] = [
    value('process_cpu_seconds_total'),
    value('process_resident_memory_bytes'),
    value('process_start_time_seconds'),
  ];
  if (![cpuSeconds, rssBytes, startSeconds].every(Number.isFinite)) return null;
  return { cpuSeconds, rssBytes, aliveSeconds: Math.max(nowSeconds - startSeconds, 0) };
}

/** The replica's /metrics text, or null when it does not answer in time (it is starting, moving or gone). */
export async function fetchReplicaMetrics(replica: { address: string; token: string | null }): Promise<string | null> {
  try {
    const response = await fetch(`${replica.address}/metrics`, {
      headers: replica.token ? { [REPLICA_TOKEN_HEADER]: replica.token } : {},
      signal: AbortSignal.timeout(2_000),
    });
    return response.ok ? await response.text() : null;
  } catch {
    return null;
  }
}

/**
 * One sample per running replica without a local process (Kubernetes pods), read from its /metrics. CPU is the share
 * of a core since that replica's previous sample (stored with its CPU seconds, so any worker can take the next
 * turn), or its average since it started when there is none (or the process restarted). Returns the rows written.
 */
export async function sampleRemoteReplicas(deps: {
  db: Db;
  fetchMetrics: (replica: { address: string; token: string | null }) => Promise<string | null>;
  clock: () => number;
}): Promise<number> {
  const { db, fetchMetrics, clock } = deps;
  const replicas = await db.replica.findMany({
    where: { state: { in: ['starting', 'ready', 'draining'] }, pid: null, address: { not: null } },
    select: { id: true, address: true, token: true },
  });
  if (replicas.length === 0) return 0;
  const previous = await db.replicaResourceSample.findMany({
    where: { replicaId: { in: replicas.map((r) => r.id) }, cpuSeconds: { not: null } },
    orderBy: [{ replicaId: 'asc' }, { at: 'desc' }],
    distinct: ['replicaId'],
    select: { replicaId: true, at: true, cpuSeconds: true },
  });
  const lastOf = new Map(previous.map((p) => [p.replicaId, p]));
  const at = new Date(clock());
  const readings = await Promise.all(
    replicas.map(async ({ id, address, token }) => {
      const text = await fetchMetrics({ address: address!, token });
      return { id, reading: text === null ? null : parseProcessMetrics(text, at.getTime() / 1000) };
    }),
  );
  const rows = [];
  for (const { id, reading } of readings) {
    if (!reading) continue;
    const last = lastOf.get(id);
    // Seconds alive at the last sample, by this process's start: a restarted process (less CPU than before) starts over.
    const earlier: ProcessReading | undefined =
      last && last.cpuSeconds !== null && last.cpuSeconds <= reading.cpuSeconds
        ? { cpuSeconds: last.cpuSeconds, aliveSeconds: reading.aliveSeconds - (at.getTime() - last.at.getTime()) / 1000, rssBytes: 0 }
        : undefined;
    rows.push({ replicaId: id, at, cpuPercent: cpuPercent(reading, earlier), cpuSeconds: reading.cpuSeconds, rssBytes: BigInt(reading.rssBytes) });
  }
  const { count } = rows.length > 0 ? await db.replicaResourceSample.createMany({ data: rows }) : { count: 0 };
  return count;
}
