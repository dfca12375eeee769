import { z } from 'zod';
import type { MachineTypeSpec } from './machines';

/**
 * Compute quotas. A deployment counts at its worst case: every variant (shadows too: they run
 * replicas) at its autoscaling maxReplicas, or its fixed replica count, times its machine type.
 */

/** What sizing reads of a variant: a spec's variant, or a form's draft of one. */
export interface SizedVariant {
  name: string;
  machineType: string;
  replicas: number;
  /** Schedules may raise the maximum for a period: the worst case is the highest of them. */
  autoscaling?: { minReplicas: number; maxReplicas: number; schedules?: readonly { maxReplicas?: number }[] };
}

export interface SizedSpec {
  variants: readonly SizedVariant[];
}

export type MachineSize = Pick<MachineTypeSpec, 'name' | 'vcpu' | 'memoryMb' | 'gpuType' | 'gpuCount'>;
export type MachinePrice = Pick<MachineTypeSpec, 'name' | 'hourlyCost'>;

export interface ComputeUsage {
  vcpu: number;
  memoryMb: number;
  replicas: number;
  /** By GPU type, e.g. {"nvidia-t4": 2}. */
  gpus: Record<string, number>;
}

/** null: no limit. A GPU type missing from `gpus` is not limited. */
export interface ComputeQuota {
  vcpu: number | null;
  memoryMb: number | null;
  replicas: number | null;
  gpus: Record<string, number>;
}

export type QuotaVerdict = { ok: true } | { ok: false; message: string };

export const NO_USAGE: ComputeUsage = Object.freeze({ vcpu: 0, memoryMb: 0, replicas: 0, gpus: Object.freeze({}) });

export const UNLIMITED_QUOTA: ComputeQuota = Object.freeze({ vcpu: null, memoryMb: null, replicas: null, gpus: Object.freeze({}) });

const scheduledMax = (a: NonNullable<SizedVariant['autoscaling']>) =>
  Math.max(a.maxReplicas, ...(a.schedules ?? []).map((s) => s.maxReplicas ?? a.maxReplicas));
const peakReplicas = (v: SizedVariant) => (v.autoscaling ? scheduledMax(v.autoscaling) : v.replicas);
const floorReplicas = (v: SizedVariant) => (v.autoscaling ? v.autoscaling.minReplicas : v.replicas);

export function addUsage(a: ComputeUsage, b: ComputeUsage): ComputeUsage {
  const gpus = { ...a.gpus };
  for (const [type, count] of Object.entries(b.gpus)) gpus[type] = (gpus[type] ?? 0) + count;
  return { vcpu: a.vcpu + b.vcpu, memoryMb: a.memoryMb + b.memoryMb, replicas: a.replicas + b.replicas, gpus };
}

function variantUsage(v: SizedVariant, machine: MachineSize | undefined): ComputeUsage {
  const n = peakReplicas(v);
  // A machine type gone from the catalog still runs replicas; its size is unknown.
  if (!machine) return { ...NO_USAGE, replicas: n };
  const gpus = machine.gpuType && machine.gpuCount > 0 ? { [machine.gpuType]: n * machine.gpuCount } : {};
  return { vcpu: n * machine.vcpu, memoryMb: n * machine.memoryMb, replicas: n, gpus };
}

export function worstCaseUsage(spec: SizedSpec, machineTypes: readonly MachineSize[]): ComputeUsage {
  const byName = new Map(machineTypes.map((m) => [m.name, m]));
  return spec.variants.reduce((sum, v) => addUsage(sum, variantUsage(v, byName.get(v.machineType))), NO_USAGE);
}

const roundCost = (dollars: number) => Math.round(dollars * 10_000) / 10_000;

/** Dollars per hour at the fewest replicas (autoscaling minReplicas) and at the most (maxReplicas). */
export function hourlyCostRange(spec: SizedSpec, machineTypes: readonly MachinePrice[]): { min: number; max: number } {
  const price = new Map(machineTypes.map((m) => [m.name, m.hourlyCost]));
  let min = 0;
  let max = 0;
  for (const v of spec.variants) {
    const hourly = price.get(v.machineType) ?? 0;
    min += floorReplicas(v) * hourly;
    max += peakReplicas(v) * hourly;
  }
  return { min: roundCost(min), max: roundCost(max) };
}

/** What is left under each limit (never below 0); null where there is no limit. */
export function remainingQuota(quota: ComputeQuota, used: ComputeUsage): ComputeQuota {
  const left = (limit: number | null, amount: number) => (limit === null ? null : Math.max(0, limit - amount));
  return {
    vcpu: left(quota.vcpu, used.vcpu),
    memoryMb: left(quota.memoryMb, used.memoryMb),
    replicas: left(quota.replicas, used.replicas),
    gpus: Object.fromEntries(Object.entries(quota.gpus).map(([type, limit]) => [type, left(limit, used.gpus[type] ?? 0)!])),
  };
}

interface Dimension {
  amount: (u: ComputeUsage) => number;
  limit: number | null;
  unit: (n: number) => string;
  /** The variants that take from it: all of them, or those on machines with this GPU type. */
  takes: (machine: MachineSize | undefined) => boolean;
}

const plural = (n: number, one: string, many: string) => (n === 1 ? one : many);

function dimensions(quota: ComputeQuota, requested: ComputeUsage): Dimension[] {
  const all = () => true;
  return [
    { amount: (u) => u.vcpu, limit: quota.vcpu, unit: () => 'vCPU', takes: all },
    { amount: (u) => u.memoryMb, limit: quota.memoryMb, unit: () => 'MB of memory', takes: all },
    { amount: (u) => u.replicas, limit: quota.replicas, unit: (n) => plural(n, 'replica', 'replicas'), takes: all },
    ...Object.keys(requested.gpus).map((type) => ({
      amount: (u: ComputeUsage) => u.gpus[type] ?? 0,
      limit: quota.gpus[type] ?? null,
      unit: (n: number) => `${type} ${plural(n, 'GPU', 'GPUs')}`,
      takes: (m: MachineSize | undefined) => m?.gpuType === type && m.gpuCount > 0,
    })),
  ];
}

/** "2 × cpu-medium at maxReplicas 2", with variant names when there are several. */
function describeDemand(variants: readonly SizedVariant[]): string {
  const part = (v: SizedVariant) => `${peakReplicas(v)} × ${v.machineType}${v.autoscaling ? ` at maxReplicas ${scheduledMax(v.autoscaling)}` : ''}`;
  return variants.length === 1 ? part(variants[0]!) : variants.map((v) => `${v.name}: ${part(v)}`).join(', ');
}

const remains = (n: number) => (n <= 0 ? 'none remain' : n === 1 ? '1 remains' : `${n} remain`);

/** What the refusal of one limit says: what the deployment holds now and would hold, beside what the rest of the team holds. */
export interface QuotaShortfall {
  teamName: string;
  unit: (n: number) => string;
  limit: number;
  /** The new spec's worst case, with its variants as "2 × cpu-medium at maxReplicas 2". */
  wouldHold: number;
  demand: string;
  /** The worst case of the spec it replaces (absent for a new deployment). */
  holdsNow: number | undefined;
  /** The team's other deployments, this one left out. */
  othersHold: number;
}

/**
 * "this deployment holds up to 3 replicas now and would hold up to 4 (4 × cpu-small), but team 'ml' may use 2
 * replicas and its other deployments hold 0: 2 remain for this one".
 */
export function describeShortfall(s: QuotaShortfall): string {
  const wouldHold =
    s.holdsNow === undefined
      ? `this deployment would hold up to ${s.wouldHold} ${s.unit(s.wouldHold)} (${s.demand})`
      : `this deployment holds up to ${s.holdsNow} ${s.unit(s.holdsNow)} now and would hold up to ${s.wouldHold} (${s.demand})`;
  return `${wouldHold}, but team '${s.teamName}' may use ${s.limit} ${s.unit(s.limit)} and its other deployments hold ${s.othersHold}: ${remains(s.limit - s.othersHold)} for this one`;
}

/**
 * Whether a deployment's worst case fits beside what the team's other deployments use, with one
 * sentence per limit it would pass. `replacing` is the worst case of the spec it replaces: a change
 * that does not grow a dimension is never refused for it (a team over a lowered quota can still shrink).
 */
export function checkComputeQuota(
  quota: ComputeQuota & { teamName: string },
  usedByOthers: ComputeUsage,
  requested: { spec: SizedSpec; machineTypes: readonly MachineSize[]; replacing?: ComputeUsage },
): QuotaVerdict {
  const byName = new Map(requested.machineTypes.map((m) => [m.name, m]));
  const needed = worstCaseUsage(requested.spec, requested.machineTypes);
  const problems = dimensions(quota, needed).flatMap(({ amount, limit, unit, takes }) => {
    const need = amount(needed);
    const used = amount(usedByOthers);
    if (limit === null || need === 0 || used + need <= limit) return [];
    if (requested.replacing && need <= amount(requested.replacing)) return [];
    const demand = describeDemand(requested.spec.variants.filter((v) => takes(byName.get(v.machineType))));
    const holdsNow = requested.replacing && amount(requested.replacing);
    return [describeShortfall({ teamName: quota.teamName, unit, limit, wouldHold: need, demand, holdsNow, othersHold: used })];
  });
  return problems.length ? { ok: false, message: problems.join('; ') } : { ok: true };
}

const storedGpuQuota = z.record(z.string(), z.number());

/** A team row's quota columns as a quota (null: unlimited; GPU types not listed: unlimited). */
export function computeQuotaOf(team: { vcpuQuota: number | null; memoryQuotaMb: number | null; replicaQuota: number | null; gpuQuota: unknown }): ComputeQuota {
  const gpus = storedGpuQuota.safeParse(team.gpuQuota);
  return { vcpu: team.vcpuQuota, memoryMb: team.memoryQuotaMb, replicas: team.replicaQuota, gpus: gpus.success ? gpus.data : {} };
}

/**
 * How many replicas of one machine type fit in what the quota leaves beside `used` (what the team's
 * deployments run now, this variant excluded): where the autoscaler has to stop.
 */
export function replicasThatFit(quota: ComputeQuota, used: ComputeUsage, machine: MachineSize): number {
  const room = (limit: number | null, usedSoFar: number, each: number) =>
    limit === null || each <= 0 ? Infinity : Math.floor(Math.max(0, limit - usedSoFar) / each);
  const gpuLimit = machine.gpuType ? (quota.gpus[machine.gpuType] ?? null) : null;
  return Math.min(
    room(quota.vcpu, used.vcpu, machine.vcpu),
    room(quota.memoryMb, used.memoryMb, machine.memoryMb),
    room(quota.replicas, used.replicas, 1),
    room(gpuLimit, machine.gpuType ? (used.gpus[machine.gpuType] ?? 0) : 0, machine.gpuCount),
  );
}
