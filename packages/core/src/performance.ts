import { z } from 'zod';
import { LATENCY_BUCKET_COUNT, mergeBuckets, percentileFromBuckets } from './histogram';

/** The Performance page's windows; each is cut into 60 time slots. */
export const PERFORMANCE_WINDOWS = { '5m': 5 * 60_000, '15m': 15 * 60_000, '1h': 60 * 60_000, '6h': 6 * 60 * 60_000, '24h': 24 * 60 * 60_000 } as const;
export type PerformanceWindow = keyof typeof PERFORMANCE_WINDOWS;
const SLOTS = 60;

export const performanceQuerySchema = z.object({
  window: z.enum(Object.keys(PERFORMANCE_WINDOWS) as [PerformanceWindow, ...PerformanceWindow[]]).default('1h'),
  /** A variant name: all its versions (variant rows); every variant without. */
  variant: z.string().min(1).max(100).optional(),
});

export interface PerformanceVariantRow {
  id: string;
  name: string;
  versionLabel: number;
}

export interface PerformanceRollupRow {
  variantId: string;
  windowEnd: Date;
  count: number;
  /** 5xx */
  errors: number;
  /** 4xx */
  clientErrors: number;
  buckets: number[];
}

export interface PerformanceReplicaRow {
  id: string;
  variantId: string;
  createdAt: Date;
  /** When it stopped or failed; null while it runs. */
  endedAt: Date | null;
  /** Failed (exited, stopped answering probes, could not start) rather than stopped on purpose. */
  failed: boolean;
  reason: string | null;
}

export interface PerformanceSampleRow {
  replicaId: string;
  at: Date;
  cpuPercent: number;
  rssBytes: number;
}

export interface TrafficPoint {
  t: string;
  requests: number;
  /** Requests per second over the slot (the part of it that has passed, for the last one). */
  rps: number;
  /** Shares of the slot's requests (0..1); null without requests. */
  clientErrorRate: number | null;
  serverErrorRate: number | null;
  /** Milliseconds; null without requests. */
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

export interface VariantTraffic {
  variantId: string;
  name: string;
  versionLabel: number;
  points: TrafficPoint[];
}

export interface ReplicaCountPoint {
  t: string;
  /** Replicas running at the end of the slot (or now), per variant row id. */
  byVariant: Record<string, number>;
  total: number;
}

export interface ReplicaRestart {
  at: string;
  variantId: string;
  replicaId: string;
  reason: string | null;
}

export interface ReplicaResources {
  replicaId: string;
  variantId: string;
  /** Average CPU (% of one core) and largest RSS of the slot's samples; null where the slot has none. */
  points: { t: string; cpuPercent: number | null; rssBytes: number | null }[];
}

export interface PerformanceReport {
  window: { name: PerformanceWindow; from: string; to: string; bucketSeconds: number };
  variants: PerformanceVariantRow[];
  /** All variants together, then each variant row (a name at one version). */
  total: TrafficPoint[];
  byVariant: VariantTraffic[];
  replicas: ReplicaCountPoint[];
  restarts: ReplicaRestart[];
  resources: ReplicaResources[];
  summary: { requests: number; rps: number; clientErrorRate: number | null; serverErrorRate: number | null; p99: number | null; restarts: number };
}

/** GET /deployments/{name}/performance */
export interface DeploymentPerformance extends PerformanceReport {
  deployment: string;
  /** Variant names serving now, for a picker. */
  variantNames: string[];
}

/** Where a window's slots start: aligned to the slot size, so refreshes keep the same slots. */
export function performanceSlots(window: PerformanceWindow, to: number): { start: number; slotMs: number } {
  const slotMs = PERFORMANCE_WINDOWS[window] / SLOTS;
  return { start: Math.floor((to - PERFORMANCE_WINDOWS[window]) / slotMs) * slotMs, slotMs };
}

const round = (v: number | null, digits = 3) => (v === null ? null : Math.round(v * 10 ** digits) / 10 ** digits);

interface Acc {
  requests: number;
  clientErrors: number;
  serverErrors: number;
  buckets: number[];
}

const emptyAcc = (): Acc => ({ requests: 0, clientErrors: 0, serverErrors: 0, buckets: new Array(LATENCY_BUCKET_COUNT).fill(0) });

function add(acc: Acc, r: PerformanceRollupRow): void {
  acc.requests += r.count;
  acc.clientErrors += r.clientErrors;
  acc.serverErrors += r.errors;
  if (r.buckets.length === LATENCY_BUCKET_COUNT) mergeBuckets(acc.buckets, r.buckets);
}

function trafficPoint(t: number, acc: Acc | undefined, seconds: number): TrafficPoint {
  const requests = acc?.requests ?? 0;
  const share = (n: number) => (requests > 0 ? round(n / requests, 4) : null);
  const percentile = (p: number) => (acc && requests > 0 ? round(percentileFromBuckets(acc.buckets, p)) : null);
  return {
    t: new Date(t).toISOString(),
    requests,
    rps: round(requests / seconds) ?? 0,
    clientErrorRate: share(acc?.clientErrors ?? 0),
    serverErrorRate: share(acc?.serverErrors ?? 0),
    p50: percentile(50),
    p95: percentile(95),
    p99: percentile(99),
  };
}

/**
 * The Performance page's time series from stored rows: traffic, error rates and percentiles per slot (all
 * variants and per variant row), replicas running per slot with restarts, and CPU/memory per replica.
 * Every slot of the window is present, empty ones with nulls, so charts show gaps rather than lines across them.
 */
export function performanceReport(input: {
  window: PerformanceWindow;
  to: number;
  variants: PerformanceVariantRow[];
  rollups: PerformanceRollupRow[];
  replicas: PerformanceReplicaRow[];
  samples: PerformanceSampleRow[];
}): PerformanceReport {
  const { to, variants } = input;
  const { start, slotMs } = performanceSlots(input.window, to);
  const slots: number[] = [];
  for (let t = start; t <= to; t += slotMs) slots.push(t);
  const slotOf = (at: Date) => Math.floor(at.getTime() / slotMs) * slotMs;
  // The last slot has lasted only until `to`.
  const secondsOf = (t: number) => Math.max(1, Math.min(slotMs, to - t)) / 1000;
  const known = new Set(variants.map((v) => v.id));

  const total = new Map<number, Acc>();
  const perVariant = new Map<string, Map<number, Acc>>(variants.map((v) => [v.id, new Map()]));
  const whole = emptyAcc();
  for (const r of input.rollups) {
    const slot = slotOf(r.windowEnd);
    const slotsOfVariant = perVariant.get(r.variantId);
    if (!slotsOfVariant || slot < start || slot > to) continue;
    for (const map of [total, slotsOfVariant]) {
      let acc = map.get(slot);
      if (!acc) map.set(slot, (acc = emptyAcc()));
      add(acc, r);
    }
    add(whole, r);
  }

  const replicas = input.replicas.filter((r) => known.has(r.variantId));
  const replicaPoints = slots.map((t) => {
    const instant = Math.min(t + slotMs, to);
    const byVariant: Record<string, number> = Object.fromEntries(variants.map((v) => [v.id, 0]));
    for (const r of replicas) {
      if (r.createdAt.getTime() <= instant && (r.endedAt === null || r.endedAt.getTime() > instant)) byVariant[r.variantId] = (byVariant[r.variantId] ?? 0) + 1;
    }
    return { t: new Date(t).toISOString(), byVariant, total: Object.values(byVariant).reduce((a, b) => a + b, 0) };
  });
  const restarts = replicas
    .filter((r): r is PerformanceReplicaRow & { endedAt: Date } => r.failed && r.endedAt !== null && r.endedAt.getTime() >= start && r.endedAt.getTime() <= to)
    .sort((a, b) => a.endedAt.getTime() - b.endedAt.getTime())
    .map((r) => ({ at: r.endedAt.toISOString(), variantId: r.variantId, replicaId: r.id, reason: r.reason }));

  const variantOfReplica = new Map(replicas.map((r) => [r.id, r.variantId]));
  const perReplica = new Map<string, Map<number, { cpu: number; n: number; rss: number }>>();
  for (const s of input.samples) {
    const slot = slotOf(s.at);
    if (!variantOfReplica.has(s.replicaId) || slot < start || slot > to) continue;
    let bySlot = perReplica.get(s.replicaId);
    if (!bySlot) perReplica.set(s.replicaId, (bySlot = new Map()));
    const acc = bySlot.get(slot) ?? { cpu: 0, n: 0, rss: 0 };
    bySlot.set(slot, { cpu: acc.cpu + s.cpuPercent, n: acc.n + 1, rss: Math.max(acc.rss, s.rssBytes) });
  }
  const resources = [...perReplica].map(([replicaId, bySlot]) => ({
    replicaId,
    variantId: variantOfReplica.get(replicaId) ?? '',
    points: slots.map((t) => {
      const acc = bySlot.get(t);
      return { t: new Date(t).toISOString(), cpuPercent: acc ? round(acc.cpu / acc.n, 1) : null, rssBytes: acc ? acc.rss : null };
    }),
  }));

  const seconds = (to - start) / 1000;
  return {
    window: { name: input.window, from: new Date(start).toISOString(), to: new Date(to).toISOString(), bucketSeconds: slotMs / 1000 },
    variants,
    total: slots.map((t) => trafficPoint(t, total.get(t), secondsOf(t))),
    byVariant: variants.map((v) => ({
      variantId: v.id,
      name: v.name,
      versionLabel: v.versionLabel,
      points: slots.map((t) => trafficPoint(t, perVariant.get(v.id)?.get(t), secondsOf(t))),
    })),
    replicas: replicaPoints,
    restarts,
    resources,
    summary: {
      requests: whole.requests,
      rps: round(whole.requests / seconds) ?? 0,
      clientErrorRate: whole.requests > 0 ? round(whole.clientErrors / whole.requests, 4) : null,
      serverErrorRate: whole.requests > 0 ? round(whole.serverErrors / whole.requests, 4) : null,
      p99: whole.requests > 0 ? round(percentileFromBuckets(whole.buckets, 99)) : null,
      restarts: restarts.length,
    },
  };
}
