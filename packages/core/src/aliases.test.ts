import { describe, expect, it } from 'vitest';
import { aliasNameSchema, modelTagsSchema, specFollowingAlias } from './aliases';
import { deploymentSpecSchema } from './deployment-spec';

const digest = (n: number) => String(n).repeat(64);
const spec = deploymentSpecSchema.parse({
  variants: [
    { name: 'main', role: 'primary', versionLabel: 1, versionDigest: digest(1), machineType: 'cpu-small', replicas: 2, weight: 100 },
    { name: 'shadow', role: 'shadow', versionLabel: 3, versionDigest: digest(3), machineType: 'cpu-small', replicas: 1, mirrorPercent: 10 },
  ],
  strategy: { type: 'canary', steps: [{ weight: 10, bakeSeconds: 60 }] },
});

describe('specFollowingAlias', () => {
  it('moves only the primary to the aliased version and keeps the strategy, machines and other variants', () => {
    const next = specFollowingAlias(spec, { label: 2, digest: digest(2) })!;
    expect(next.variants.map((v) => [v.name, v.versionLabel, v.versionDigest, v.replicas])).toEqual([
      ['main', 2, digest(2), 2],
      ['shadow', 3, digest(3), 1],
    ]);
    expect(next.strategy).toEqual(spec.strategy);
  });

  it('has nothing to roll out when the primary already serves that version', () => {
    expect(specFollowingAlias(spec, { label: 1, digest: digest(1) })).toBeNull();
  });
});

describe('alias names and tags', () => {
  it('accepts production and staging, refuses what could not be a name', () => {
    expect(aliasNameSchema.safeParse('production').success).toBe(true);
    expect(aliasNameSchema.safeParse('Prod').success).toBe(false);
    expect(aliasNameSchema.safeParse('1st').success).toBe(false);
  });

  it('keeps each tag once', () => {
    expect(modelTagsSchema.parse(['vision', 'team: fraud', 'vision'])).toEqual(['vision', 'team: fraud']);
    expect(modelTagsSchema.safeParse(['<script>']).success).toBe(false);
  });
});
