import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  declarationOf,
  declaredDeploymentSchema,
  declaredSpec,
  deploymentFileJsonSchema,
  deploymentFileSchema,
  planAction,
  planSummary,
  type DeclaredDeployment,
} from './declarative';
import type { DeploymentSpec } from './deployment-spec';
import { diffSpecs } from './spec-fields';
import { fieldChanges, formatFieldChange } from './spec-fields';

const V1 = { digest: 'a'.repeat(64), label: 1 };
const V2 = { digest: 'b'.repeat(64), label: 2 };

const declare = (input: unknown): DeclaredDeployment => declaredDeploymentSchema.parse(input);

function specOf(input: unknown, versions = [V1], current: DeploymentSpec | null = null): DeploymentSpec {
  const result = declaredSpec(declare(input), versions, current);
  if (!result.ok) throw new Error(result.problems.join('; '));
  return result.spec;
}

const simple = { name: 'iris', model: 'iris', variants: [{ name: 'primary', versionLabel: 1, machineType: 'cpu-small', replicas: 2 }] };

describe('declared deployments', () => {
  it('fills what a single-variant file leaves out: the primary takes all traffic, blue-green', () => {
    expect(specOf(simple)).toEqual({
      variants: [
        { name: 'primary', role: 'primary', versionDigest: V1.digest, versionLabel: 1, machineType: 'cpu-small', replicas: 2, weight: 100, mirrorPercent: 0 },
      ],
      strategy: { type: 'blue-green' },
    });
  });

  it('refuses a variant with both or neither of versionDigest and versionLabel, and unknown keys', () => {
    const bad = deploymentFileSchema.safeParse({
      deployments: [
        { name: 'iris', model: 'iris', variants: [{ name: 'primary', versionLabel: 1, versionDigest: `sha256:${V1.digest}`, machineType: 'cpu-small' }] },
        { name: 'iris-b', model: 'iris', variants: [{ name: 'primary', machineType: 'cpu-small', replica: 2 }] },
        { name: 'iris', model: 'iris', variants: [{ name: 'primary', versionLabel: 1, machineType: 'cpu-small' }] },
      ],
    });
    expect(bad.success).toBe(false);
    const messages = bad.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(messages).toContain('deployments.0.variants.0.versionDigest: give exactly one of versionDigest and versionLabel');
    expect(messages.some((m) => m.startsWith('deployments.1.variants.0: Unrecognized key') && m.includes('"replica"'))).toBe(true);
    expect(messages).toContain("deployments.2.name: deployment 'iris' is declared twice");
  });

  it('says which rule a spec breaks, e.g. weights that do not sum to 100', () => {
    const result = declaredSpec(
      declare({
        ...simple,
        variants: [
          { ...simple.variants[0], weight: 70 },
          { name: 'b', versionLabel: 2, machineType: 'cpu-small', weight: 20 },
        ],
      }),
      [V1, V2],
      null,
    );
    expect(result).toEqual({ ok: false, problems: ['variants: weights of the serving variants must sum to 100, not 90 (primary 70, b 20)'] });
  });

  it('keeps an autoscaled variant at its current count within the bounds, so applying again changes nothing', () => {
    const autoscaled = {
      ...simple,
      variants: [{ name: 'primary', versionLabel: 1, machineType: 'cpu-small', autoscaling: { minReplicas: 1, maxReplicas: 4 } }],
    };
    const first = specOf(autoscaled);
    expect(first.variants[0]!.replicas).toBe(1);
    const running = { ...first, variants: [{ ...first.variants[0]!, replicas: 3 }] };
    expect(fieldChanges(running, specOf(autoscaled, [V1], running))).toEqual([]);
    const narrower = { ...autoscaled, variants: [{ ...autoscaled.variants[0]!, autoscaling: { minReplicas: 1, maxReplicas: 2 } }] };
    expect(specOf(narrower, [V1], running).variants[0]!.replicas).toBe(2);
  });

  it('round-trips: the declaration of a running spec resolves to the same spec', () => {
    const spec = specOf(
      {
        ...simple,
        variants: [
          { name: 'primary', versionLabel: 1, machineType: 'cpu-small', weight: 80, autoscaling: { minReplicas: 0, maxReplicas: 3 } },
          { name: 'b', versionLabel: 2, machineType: 'cpu-medium', weight: 20 },
          { name: 'shadow', role: 'shadow', versionLabel: 2, machineType: 'cpu-small', mirrorPercent: 25 },
        ],
        strategy: { type: 'canary', steps: [{ weight: 50, bakeSeconds: 60 }] },
      },
      [V1, V2, V2],
    );
    const declared = declaredDeploymentSchema.parse(declarationOf('iris', 'iris', spec));
    expect(declaredSpec(declared, [V1, V2, V2], spec)).toEqual({ ok: true, spec });
  });
});

describe('plans', () => {
  const before = specOf(simple);

  it('lists each changed, added and removed field with both values', () => {
    const after = specOf(
      {
        ...simple,
        variants: [
          { name: 'primary', versionLabel: 2, machineType: 'cpu-small', replicas: 3 },
          { name: 'shadow', role: 'shadow', versionLabel: 1, machineType: 'cpu-small', replicas: 1, mirrorPercent: 10 },
        ],
      },
      [V2, V1],
    );
    expect(fieldChanges(before, after).map(formatFieldChange)).toEqual([
      `~ variants.primary.version: v1 (sha256:${'a'.repeat(12)}) → v2 (sha256:${'b'.repeat(12)})`,
      '~ variants.primary.replicas: 2 → 3',
      `+ variants.shadow.version: v1 (sha256:${'a'.repeat(12)})`,
      '+ variants.shadow.role: shadow',
      '+ variants.shadow.machineType: cpu-small',
      '+ variants.shadow.replicas: 1',
      '+ variants.shadow.weight: 0',
      '+ variants.shadow.mirrorPercent: 10',
    ]);
    expect(
      fieldChanges(after, before)
        .filter((c) => c.op === '-')
        .map((c) => c.field),
    ).toContain('variants.shadow.mirrorPercent');
  });

  it('classifies deployments and counts them like Terraform', () => {
    expect(planAction(null, before, fieldChanges(null, before))).toBe('create');
    expect(planAction(before, null, fieldChanges(before, null))).toBe('destroy');
    expect(planAction(before, before, fieldChanges(before, before))).toBe('none');
    expect(planSummary(['create', 'update', 'update', 'none', 'destroy']).line).toBe('Plan: 1 to add, 2 to change, 1 to destroy.');
    expect(planSummary(['none']).line).toBe('No changes. What runs matches the file.');
  });

  it('makes a revision of a knob the readable summary leaves out', () => {
    const a = specOf({ ...simple, variants: [{ ...simple.variants[0], autoscaling: { minReplicas: 1, maxReplicas: 4, upscaleDelaySeconds: 3 } }] });
    const b = specOf({ ...simple, variants: [{ ...simple.variants[0], autoscaling: { minReplicas: 1, maxReplicas: 4, upscaleDelaySeconds: 10 } }] });
    expect(diffSpecs(a, b)).toEqual(['~ variants.primary.autoscaling.upscaleDelaySeconds: 3 → 10']);
  });
});

describe('the JSON Schema for editors', () => {
  it('is committed as generated from the zod schema', () => {
    const committed = JSON.parse(readFileSync(new URL('../slipway.deploy.schema.json', import.meta.url), 'utf8'));
    // Regenerate with: npx tsx scripts/write-deploy-schema.ts
    expect(committed).toEqual(deploymentFileJsonSchema());
  });
});
