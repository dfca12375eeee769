import { stat, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { formatBytes } from '@slipway/core';
import { parse } from 'yaml';
import type { z } from 'zod';
import { normalizeEntryPath } from './entry-path';
import { ArtifactError } from './errors';
import type { ArtifactFile } from './staging-dir';

const MAX_MANIFEST_BYTES = 1024 ** 2;

export function invalidManifest(message: string): ArtifactError {
  return new ArtifactError('invalid_manifest', message);
}

/** Parses a small YAML file of the artifact (slipway.yaml, MLmodel) into `schema`; every failure is invalid_manifest. */
export async function readYamlFile<T>(dir: string, path: string, schema: z.ZodType<T>): Promise<T> {
  const absolute = join(dir, path);
  const { size } = await stat(absolute);
  if (size > MAX_MANIFEST_BYTES) throw invalidManifest(`${path} is ${formatBytes(size)}; it may be at most ${formatBytes(MAX_MANIFEST_BYTES)}.`);
  let document: unknown;
  try {
    document = parse(await readFile(absolute, 'utf8'));
  } catch (error) {
    throw invalidManifest(`${path} is not valid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  if (document === null || typeof document !== 'object' || Array.isArray(document)) {
    throw invalidManifest(`${path} must be a YAML mapping of keys to values.`);
  }
  const result = schema.safeParse(document);
  if (!result.success) {
    const problems = result.error.issues.map((issue) =>
      issue.code === 'unrecognized_keys'
        ? `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `'${k}'`).join(', ')}`
        : `${issue.path.length > 0 ? `${issue.path.join('.')}: ` : ''}${issue.message}`,
    );
    throw invalidManifest(`${path} is invalid: ${problems.join('; ')}.`);
  }
  return result.data;
}

/** A path named by a manifest, normalised, checked to be one of the extracted files. */
export function existingArtifactPath(path: string, files: readonly ArtifactFile[], referrer: string): string {
  let normalized: string;
  try {
    normalized = normalizeEntryPath(path);
  } catch {
    throw invalidManifest(`${referrer} points at '${path}', which is outside the artifact.`);
  }
  if (!files.some((f) => f.path === normalized)) throw invalidManifest(`${referrer} points at '${path}', which is not in the artifact.`);
  return normalized;
}

/** The requirements file a manifest names, else `requirements.txt` at the artifact root when present, else null (Python models and services alike). */
export function requirementsFileOf(named: string | undefined, files: readonly ArtifactFile[], manifestPath: string): string | null {
  if (named !== undefined) return existingArtifactPath(named, files, `${manifestPath} 'requirements'`);
  return files.some((f) => f.path === 'requirements.txt') ? 'requirements.txt' : null;
}
