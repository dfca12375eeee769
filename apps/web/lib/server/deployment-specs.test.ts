import { MAX_REPLICAS } from '@slipway/core';
import { describe, expect, it } from 'vitest';
import { createDeploymentSchema, scaleSchema, updateDeploymentSchema } from './deployment-specs';

const digest = 'a'.repeat(64);

describe('replica counts', () => {
  it('are bounded alike whether a deployment is created, updated or scaled', () => {
    const create = (replicas: number) =>
      createDeploymentSchema.safeParse({ name: 'iris', modelName: 'iris', versionDigest: digest, machineType: 'cpu', replicas }).success;
    const update = (replicas: number) => updateDeploymentSchema.safeParse({ replicas }).success;
    const scale = (replicas: number) => scaleSchema.safeParse({ replicas }).success;
    const autoscale = (maxReplicas: number) => scaleSchema.safeParse({ maxReplicas }).success;
    for (const accepts of [create, update, scale, autoscale]) {
      expect([accepts(1), accepts(MAX_REPLICAS), accepts(MAX_REPLICAS + 1), accepts(1.5)]).toEqual([true, true, false, false]);
    }
    // Zero is never a new or fixed size; an update may give it to a variant whose autoscaling lets it sleep (the spec check refuses it otherwise).
    expect([create(0), scale(0), update(0)]).toEqual([false, false, true]);
  });
});
