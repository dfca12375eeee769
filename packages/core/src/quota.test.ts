import { describe, expect, it } from 'vitest';
import { DEFAULT_MACHINE_CATALOG } from './machines';
import {
  addUsage,
  checkComputeQuota,
  hourlyCostRange,
  NO_USAGE,
  remainingQuota,
  replicasThatFit,
  UNLIMITED_QUOTA,
  worstCaseUsage,
  type SizedVariant,
} from './quota';

const catalog = DEFAULT_MACHINE_CATALOG;
const variant = (v: Partial<SizedVariant> & Pick<SizedVariant, 'machineType' | 'replicas'>): SizedVariant => ({ name: 'primary', ...v });
const autoscaled = { name: 'primary', machineType: 'cpu-medium', replicas: 1, autoscaling: { minReplicas: 1, maxReplicas: 2 } };
const team = (limits: Partial<typeof UNLIMITED_QUOTA>) => ({ ...UNLIMITED_QUOTA, ...limits, teamName: 'default' });

describe('worst-case compute usage', () => {
  it('counts autoscaled variants at maxReplicas, fixed ones at their replicas, shadows included', () => {
    const spec = {
      variants: [
        autoscaled,
        variant({ name: 'shadow', machineType: 'gpu-t4', replicas: 2 }),
        variant({ name: 'canary', machineType: 'gpu-t4', replicas: 0, autoscaling: { minReplicas: 0, maxReplicas: 1 } }),
      ],
    };
    expect(worstCaseUsage(spec, catalog)).toEqual({ vcpu: 2 * 2 + 3 * 4, memoryMb: 2 * 4096 + 3 * 16384, replicas: 5, gpus: { 'nvidia-t4': 3 } });
  });

  it('counts replicas of a machine type missing from the catalog, without a size', () => {
    expect(worstCaseUsage({ variants: [variant({ machineType: 'gone', replicas: 3 })] }, catalog)).toEqual({ ...NO_USAGE, replicas: 3 });
  });

  it('adds usage dimension by dimension, GPUs by type', () => {
    const a = { vcpu: 1, memoryMb: 2, replicas: 1, gpus: { 'nvidia-t4': 1 } };
    const b = { vcpu: 4, memoryMb: 8, replicas: 2, gpus: { 'nvidia-t4': 2, 'nvidia-a100': 1 } };
    expect(addUsage(a, b)).toEqual({ vcpu: 5, memoryMb: 10, replicas: 3, gpus: { 'nvidia-t4': 3, 'nvidia-a100': 1 } });
    expect(a.gpus).toEqual({ 'nvidia-t4': 1 });
  });

  it('prices the fewest (minReplicas) and the most (maxReplicas) replicas per hour', () => {
    const spec = { variants: [autoscaled, variant({ name: 'shadow', machineType: 'cpu-small', replicas: 3 })] };
    expect(hourlyCostRange(spec, catalog)).toEqual({ min: 0.25, max: 0.35 });
    expect(hourlyCostRange({ variants: [variant({ machineType: 'gpu-a100', replicas: 3 })] }, catalog)).toEqual({ min: 11.01, max: 11.01 });
  });

  it('says what remains under each limit, never below zero', () => {
    const used = { vcpu: 10, memoryMb: 4096, replicas: 7, gpus: { 'nvidia-t4': 5 } };
    expect(remainingQuota({ vcpu: 12, memoryMb: null, replicas: 6, gpus: { 'nvidia-t4': 4, 'nvidia-a100': 1 } }, used)).toEqual({
      vcpu: 2,
      memoryMb: null,
      replicas: 0,
      gpus: { 'nvidia-t4': 0, 'nvidia-a100': 1 },
    });
  });
});

describe('compute quota check', () => {
  const used = { vcpu: 10, memoryMb: 20_480, replicas: 5, gpus: { 'nvidia-t4': 3 } };

  it('lets through what fits, and everything without limits', () => {
    const request = { spec: { variants: [variant({ machineType: 'cpu-medium', replicas: 1 })] }, machineTypes: catalog };
    expect(checkComputeQuota(team({ vcpu: 12, memoryMb: 24_576, replicas: 6 }), used, request)).toEqual({ ok: true });
    expect(checkComputeQuota(team({}), { ...used, vcpu: 1_000 }, request)).toEqual({ ok: true });
  });

  it('says what is requested, what is used and what the limit is', () => {
    const verdict = checkComputeQuota(team({ vcpu: 12 }), used, { spec: { variants: [autoscaled] }, machineTypes: catalog });
    expect(verdict).toEqual({
      ok: false,
      message:
        "this deployment would hold up to 4 vCPU (2 × cpu-medium at maxReplicas 2), but team 'default' may use 12 vCPU and its other deployments hold 10: 2 remain for this one",
    });
  });

  it('gives one sentence per limit passed, naming the variants that take from it', () => {
    const spec = { variants: [autoscaled, variant({ name: 'shadow', machineType: 'gpu-t4', replicas: 2 })] };
    const verdict = checkComputeQuota(team({ vcpu: 12, memoryMb: 40_960, replicas: 6, gpus: { 'nvidia-t4': 4, 'nvidia-a100': 1 } }), used, {
      spec,
      machineTypes: catalog,
    });
    expect(verdict.ok).toBe(false);
    expect(!verdict.ok && verdict.message.split('; ')).toEqual([
      "this deployment would hold up to 12 vCPU (primary: 2 × cpu-medium at maxReplicas 2, shadow: 2 × gpu-t4), but team 'default' may use 12 vCPU and its other deployments hold 10: 2 remain for this one",
      "this deployment would hold up to 40960 MB of memory (primary: 2 × cpu-medium at maxReplicas 2, shadow: 2 × gpu-t4), but team 'default' may use 40960 MB of memory and its other deployments hold 20480: 20480 remain for this one",
      "this deployment would hold up to 4 replicas (primary: 2 × cpu-medium at maxReplicas 2, shadow: 2 × gpu-t4), but team 'default' may use 6 replicas and its other deployments hold 5: 1 remains for this one",
      "this deployment would hold up to 2 nvidia-t4 GPUs (2 × gpu-t4), but team 'default' may use 4 nvidia-t4 GPUs and its other deployments hold 3: 1 remains for this one",
    ]);
  });

  it('says none remain once the team is at (or over) a limit, and ignores limits the deployment takes nothing from', () => {
    const request = { spec: { variants: [variant({ machineType: 'cpu-small', replicas: 1 })] }, machineTypes: catalog };
    expect(checkComputeQuota(team({ replicas: 4, gpus: { 'nvidia-t4': 1 } }), used, request)).toEqual({
      ok: false,
      message:
        "this deployment would hold up to 1 replica (1 × cpu-small), but team 'default' may use 4 replicas and its other deployments hold 5: none remain for this one",
    });
  });

  it('says what a changed deployment holds now and would hold, beside what the rest of the team holds', () => {
    // The team's usage shows 3 replicas, all of them this deployment's, over a quota lowered to 2.
    const holdsNow = worstCaseUsage({ variants: [variant({ machineType: 'cpu-small', replicas: 3 })] }, catalog);
    const spec = { variants: [variant({ machineType: 'cpu-small', replicas: 4 })] };
    expect(checkComputeQuota(team({ replicas: 2 }), NO_USAGE, { spec, machineTypes: catalog, replacing: holdsNow })).toEqual({
      ok: false,
      message:
        "this deployment holds up to 3 replicas now and would hold up to 4 (4 × cpu-small), but team 'default' may use 2 replicas and its other deployments hold 0: 2 remain for this one",
    });
  });

  it('does not refuse a change that grows nothing past the spec it replaces', () => {
    const spec = { variants: [variant({ machineType: 'cpu-medium', replicas: 3 })] };
    const replacing = worstCaseUsage({ variants: [variant({ machineType: 'cpu-medium', replicas: 4 })] }, catalog);
    expect(checkComputeQuota(team({ vcpu: 12 }), used, { spec, machineTypes: catalog, replacing })).toEqual({ ok: true });
    const growing = checkComputeQuota(team({ vcpu: 12 }), used, { spec, machineTypes: catalog, replacing: { ...replacing, vcpu: 2 } });
    expect(growing.ok).toBe(false);
  });
});

describe('replicasThatFit', () => {
  const medium = { name: 'cpu-medium', vcpu: 2, memoryMb: 4096, gpuType: null, gpuCount: 0 };
  const t4 = { name: 'gpu-t4', vcpu: 4, memoryMb: 16384, gpuType: 'nvidia-t4', gpuCount: 1 };
  it('is the tightest of the limited dimensions, and unlimited without limits', () => {
    const used = { vcpu: 6, memoryMb: 8192, replicas: 3, gpus: { 'nvidia-t4': 1 } };
    expect(replicasThatFit({ vcpu: 12, memoryMb: null, replicas: null, gpus: {} }, used, medium)).toBe(3);
    expect(replicasThatFit({ vcpu: 12, memoryMb: null, replicas: 4, gpus: {} }, used, medium)).toBe(1);
    expect(replicasThatFit({ vcpu: null, memoryMb: null, replicas: null, gpus: { 'nvidia-t4': 2 } }, used, t4)).toBe(1);
    expect(replicasThatFit({ vcpu: null, memoryMb: null, replicas: null, gpus: {} }, used, medium)).toBe(Infinity);
    expect(replicasThatFit({ vcpu: 4, memoryMb: null, replicas: null, gpus: {} }, used, medium)).toBe(0);
  });
});
