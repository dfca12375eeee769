import { describe, expect, it } from 'vitest';
import type { DeploymentPlan } from '@slipway/core';
import { costRange, formatPlan, hasChanges } from './plan-output';

const plan: DeploymentPlan = {
  deployments: [
    {
      name: 'iris',
      model: 'iris',
      action: 'update',
      changes: [{ op: '~', field: 'variants.primary.replicas', before: '1', after: '2' }],
      hourlyCost: { before: { min: 0.05, max: 0.05 }, after: { min: 0.1, max: 0.1 } },
      usage: { before: null, after: { replicas: 2, vcpu: 2, memoryMb: 2048, gpus: {} } },
      quota: { ok: true },
    },
    {
      name: 'fraud',
      model: 'fraud',
      action: 'create',
      changes: [{ op: '+', field: 'variants.primary.machineType', after: 'gpu-t4' }],
      hourlyCost: { before: null, after: { min: 0, max: 1.2 } },
      usage: { before: null, after: { replicas: 2, vcpu: 8, memoryMb: 32768, gpus: { 'nvidia-t4': 2 } } },
      quota: {
        ok: false,
        message: "this deployment needs up to 2 nvidia-t4 GPUs (2 × gpu-t4 at maxReplicas 2) but team 'ml' already uses 0 of its 1 nvidia-t4 GPU: 1 remains",
      },
    },
    {
      name: 'old',
      model: 'iris',
      action: 'none',
      changes: [],
      hourlyCost: { before: null, after: null },
      usage: { before: null, after: null },
      quota: { ok: true },
    },
  ],
  summary: { add: 1, change: 1, destroy: 0, line: 'Plan: 1 to add, 1 to change, 0 to destroy.' },
  hourlyCost: { before: { min: 0.05, max: 0.05 }, after: { min: 0.1, max: 1.3 } },
};

describe('plan output', () => {
  it('prints each deployment and field with + ~ -, cost, quota refusals and the summary', () => {
    expect(formatPlan(plan)).toBe(
      [
        '~ iris (model iris)',
        '    ~ variants.primary.replicas: 1 → 2',
        '    cost $0.05/h → $0.10/h; worst case 2 replicas, 2 vCPU, 2048 MB',
        '+ fraud (model fraud)',
        '    + variants.primary.machineType: gpu-t4',
        '    cost $0/h → $0.00–1.20/h; worst case 2 replicas, 8 vCPU, 32768 MB, 2 nvidia-t4',
        "    quota: this deployment needs up to 2 nvidia-t4 GPUs (2 × gpu-t4 at maxReplicas 2) but team 'ml' already uses 0 of its 1 nvidia-t4 GPU: 1 remains",
        '  old (model iris): no changes',
        '',
        'Plan: 1 to add, 1 to change, 0 to destroy.',
        'Hourly cost: $0.05/h → $0.10–1.30/h',
        "1 deployment(s) would exceed the team's compute quota: apply will refuse the file.",
      ].join('\n'),
    );
    expect(hasChanges(plan)).toBe(true);
  });

  it('shows small hourly costs with enough digits to differ', () => {
    expect(costRange({ min: 0.012, max: 0.012 })).toBe('$0.0120/h');
  });
});
