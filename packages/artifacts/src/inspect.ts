import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import type { UnpackLimits } from './limits';
import { pythonArtifactSchema } from './python-model';
import { unpackArtifact, type UnpackedArtifact } from './unpack';

/** Prefix of the os.tmpdir() folders `inspectArtifact` works in. */
export const INSPECT_TMP_PREFIX = 'slipway-inspect-';

export interface InspectOptions {
  archivePath: string;
  filename: string;
  limits?: Partial<UnpackLimits>;
}

/**
 * Runs every check of `unpackArtifact` on a staged upload without keeping the files; entries are read and
 * verified in full but only their first bytes are written, so a multi-gigabyte upload is not copied again.
 */
export async function inspectArtifact({ archivePath, filename, limits }: InspectOptions): Promise<Omit<UnpackedArtifact, 'root'>> {
  const workDir = await mkdtemp(join(tmpdir(), INSPECT_TMP_PREFIX));
  try {
    const { root: _root, ...artifact } = await unpackArtifact({ archivePath, filename, destDir: join(workDir, 'artifact'), limits, previewOnly: true });
    return artifact;
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

/** What a version records about its artifact at upload (`ModelVersion.details`; inspection adds opsets and operators). */
export function uploadDetails(artifact: Omit<UnpackedArtifact, 'root'>) {
  return {
    modelFile: artifact.modelFile,
    referenceDataFile: artifact.referenceDataFile,
    files: artifact.files,
    mlflow: artifact.mlflow,
    python: artifact.python,
    service: artifact.service,
  };
}

/** The part of `uploadDetails` that later readers (the worker) rely on, read back from the database. */
export const uploadDetailsSchema = z.object({
  modelFile: z.string(),
  referenceDataFile: z.string().nullable().optional(),
  /** A Python model (slipway.yaml `runtime: python`, or an MLflow sklearn / python_function model). */
  python: pythonArtifactSchema.nullable().optional(),
});
