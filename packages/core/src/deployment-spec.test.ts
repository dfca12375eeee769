import { describe, expect, it } from 'vitest';
import { deploymentSpecSchema, mergeSpec, type DeploymentSpec } from './deployment-spec';
import { diffSpecs } from './spec-fields';

const digest = (c: string) => c.repeat(64);
const spec: DeploymentSpec = deploymentSpecSchema.parse({
  variants: [{ name: 'primary', versionDigest: digest('a'), versionLabel: 1, machineType: 'cpu-small', replicas: 2, weight: 100 }],
});

describe('deployment spec', () => {
  it('says what is wrong with weights, shadows and names', () => {
    const result = deploymentSpecSchema.safeParse({
      variants: [
        { name: 'primary', versionDigest: digest('a'), versionLabel: 1, machineType: 'cpu-small', replicas: 1, weight: 60 },
        { name: 'shadow', role: 'shadow', versionDigest: digest('b'), versionLabel: 2, machineType: 'cpu-small', replicas: 1, weight: 10 },
      ],
    });
    expect(result.success).toBe(false);
    const messages = result.error!.issues.map((i) => i.message);
    expect(messages).toContain("shadow 'shadow' never answers callers: its weight must be 0");
    expect(messages).toContain("shadow 'shadow' needs a mirrorPercent of 1..100");
    expect(messages).toContain('weights of the serving variants must sum to 100, not 60 (primary 60)');
  });

  it('defaults to blue-green and refuses canary steps that do not increase', () => {
    expect(spec.strategy).toEqual({ type: 'blue-green' });
    const canary = deploymentSpecSchema.safeParse({
      ...spec,
      strategy: {
        type: 'canary',
        steps: [
          { weight: 50, bakeSeconds: 1 },
          { weight: 20, bakeSeconds: 1 },
        ],
      },
    });
    expect(canary.success).toBe(false);
    const defaults = deploymentSpecSchema.parse({ ...spec, strategy: { type: 'canary' } });
    expect(defaults.strategy).toMatchObject({
      type: 'canary',
      steps: [{ weight: 10 }, { weight: 25 }, { weight: 50 }, { weight: 100 }],
      guardrails: { minRequests: 50 },
    });
  });

  it('merges a version change into the primary and describes the diff', () => {
    const next = deploymentSpecSchema.parse(mergeSpec(spec, { change: { name: 'primary', version: { digest: digest('b'), label: 2 }, replicas: 3 } }));
    expect(next.variants[0]).toMatchObject({ versionLabel: 2, replicas: 3, weight: 100, machineType: 'cpu-small' });
    expect(diffSpecs(spec, next)).toEqual(['primary: v1 → v2', 'primary: replicas 2 → 3']);
  });

  it('adds a shadow and an A/B candidate from a full variant list, keeping what is not said', () => {
    const next = deploymentSpecSchema.parse(
      mergeSpec(spec, {
        variants: [
          { name: 'primary', weight: 70 },
          { name: 'b', version: { digest: digest('b'), label: 2 }, weight: 30 },
          { name: 'shadow', role: 'shadow', version: { digest: digest('c'), label: 3 }, mirrorPercent: 20 },
        ],
      }),
    );
    expect(next.variants.map((v) => [v.name, v.role, v.weight, v.mirrorPercent, v.replicas])).toEqual([
      ['primary', 'primary', 70, 0, 2],
      ['b', 'candidate', 30, 0, 1],
      ['shadow', 'shadow', 0, 20, 1],
    ]);
    expect(diffSpecs(spec, next)).toEqual([
      'primary: weight 100% → 70%',
      'b: added (v2 on cpu-small, weight 30%)',
      'shadow: added (v3 on cpu-small, mirror 20%)',
    ]);
  });
});
