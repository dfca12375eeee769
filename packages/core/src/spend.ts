/**
 * Spend to date: replica-hours × the machine's hourly price, summed from replica lifetimes. A replica
 * costs from the moment it was created (starting: the machine is held) until it stopped or failed;
 * one still running (starting, ready or draining) costs up to `now`. Pure: the clock is an argument.
 */

const HOUR_MS = 60 * 60_000;

export interface ReplicaLifetime {
  deploymentId: string;
  teamId: string;
  /** When the replica was created (epoch ms). */
  startedAt: number;
  /** When it stopped or failed (epoch ms); null while it runs. */
  endedAt: number | null;
  /** The machine type's price per replica-hour. */
  hourlyCost: number;
}

/** Replica-hours already folded away (replicas that history retention deleted), per deployment. */
export interface SettledAmount {
  deploymentId: string;
  teamId: string;
  replicaSeconds: number;
  cost: number;
}

/** Ended replicas of one deployment on one machine price, their running time summed (by the database). */
export interface EndedTotal {
  deploymentId: string;
  teamId: string;
  hourlyCost: number;
  replicaSeconds: number;
}

export interface SpendLine {
  replicaHours: number;
  /** Spend to date, in the catalog's currency. */
  cost: number;
  /** What the replicas running now cost per hour. */
  costPerHour: number;
  runningReplicas: number;
}

export interface SpendReport {
  byDeployment: Map<string, SpendLine>;
  byTeam: Map<string, SpendLine>;
  total: SpendLine;
}

const emptyLine = (): SpendLine => ({ replicaHours: 0, cost: 0, costPerHour: 0, runningReplicas: 0 });

/** How long one replica has run by `now`, in hours (a clock skew never makes it negative). */
export function replicaHours(lifetime: Pick<ReplicaLifetime, 'startedAt' | 'endedAt'>, now: number): number {
  const end = lifetime.endedAt ?? now;
  return Math.max(0, Math.min(end, now) - lifetime.startedAt) / HOUR_MS;
}

function addTo(map: Map<string, SpendLine>, key: string, hours: number, cost: number, runningCost: number | null): void {
  const line = map.get(key) ?? emptyLine();
  line.replicaHours += hours;
  line.cost += cost;
  if (runningCost !== null) {
    line.costPerHour += runningCost;
    line.runningReplicas += 1;
  }
  map.set(key, line);
}

/**
 * Spend per deployment, per team and in total as of `now`: from replica lifetimes (running ones count up to now),
 * ended replicas already summed per machine price, and amounts settled from pruned replicas.
 */
export function spendToDate(
  lifetimes: readonly ReplicaLifetime[],
  settled: readonly SettledAmount[],
  now: number,
  ended: readonly EndedTotal[] = [],
): SpendReport {
  const byDeployment = new Map<string, SpendLine>();
  const byTeam = new Map<string, SpendLine>();
  const total = emptyLine();
  const add = (deploymentId: string, teamId: string, hours: number, cost: number, runningCost: number | null) => {
    addTo(byDeployment, deploymentId, hours, cost, runningCost);
    addTo(byTeam, teamId, hours, cost, runningCost);
    total.replicaHours += hours;
    total.cost += cost;
    if (runningCost !== null) {
      total.costPerHour += runningCost;
      total.runningReplicas += 1;
    }
  };
  for (const s of settled) add(s.deploymentId, s.teamId, s.replicaSeconds / 3600, s.cost, null);
  for (const e of ended) add(e.deploymentId, e.teamId, e.replicaSeconds / 3600, (e.replicaSeconds / 3600) * e.hourlyCost, null);
  for (const l of lifetimes) {
    const hours = replicaHours(l, now);
    add(l.deploymentId, l.teamId, hours, hours * l.hourlyCost, l.endedAt === null ? l.hourlyCost : null);
  }
  return { byDeployment, byTeam, total };
}

/** Rounds money for display and answers: to the hundredth of a cent. */
export function roundMoney(amount: number): number {
  return Math.round(amount * 10_000) / 10_000;
}

/** Requests per second and the share answered 5xx over a window, from the rollups inside it (null: no requests). */
export function trafficRates(rollups: readonly { count: number; errors: number }[], windowMs: number): { requestsPerSecond: number; errorRate: number | null } {
  let count = 0;
  let errors = 0;
  for (const r of rollups) {
    count += r.count;
    errors += r.errors;
  }
  return { requestsPerSecond: count / (windowMs / 1000), errorRate: count > 0 ? errors / count : null };
}
