import { z } from 'zod';
import type { DeploymentSpec } from './deployment-spec';

/** A model alias: `production`, `staging`, `champion`… lowercase, like resource names. */
export const aliasNameSchema = z
  .string()
  .min(1, 'must be at least 1 character')
  .max(63, 'must be at most 63 characters')
  .regex(/^[a-z]([a-z0-9-]*[a-z0-9])?$/, 'use lowercase letters, digits and dashes, starting with a letter');

/** A model's tags: short lowercase words, each once. */
export const modelTagsSchema = z
  .array(
    z
      .string()
      .trim()
      .min(1)
      .max(40)
      .regex(/^[\p{L}\p{N}][\p{L}\p{N} ._:/-]*$/u, 'tags are letters, digits, spaces and . _ : / -'),
  )
  .max(20)
  .transform((tags) => [...new Set(tags)]);

/**
 * The spec a deployment that follows an alias moves to when the alias points at `version`: its primary serves
 * that version, everything else (machines, replicas, other variants) unchanged, and it rolls out with the
 * deployment's own strategy. Null when the primary already serves it (nothing to roll out).
 */
export function specFollowingAlias(current: DeploymentSpec, version: { label: number; digest: string }): DeploymentSpec | null {
  const primary = current.variants.find((v) => v.role === 'primary') ?? current.variants[0];
  if (!primary || primary.versionDigest === version.digest) return null;
  const moved = { ...primary, versionLabel: version.label, versionDigest: version.digest };
  return { ...current, variants: current.variants.map((v) => (v === primary ? moved : v)) };
}
