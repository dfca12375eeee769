import type { ModelSignature } from '@slipway/core';
import { z } from 'zod';
import { existingArtifactPath, invalidManifest, readYamlFile } from './manifest-file';
import { type PythonArtifact, pythonManifestKeys, readPythonModel } from './python-model';
import { readService, type ServiceArtifact, serviceManifestKeys } from './service';
import type { ArtifactFile } from './staging-dir';

export const MANIFEST_FILENAMES = ['slipway.yaml', 'slipway.yml'] as const;

export const slipwayManifestSchema = z.strictObject({
  description: z.string().optional(),
  /** Path of the ONNX model to load, relative to the artifact root. */
  model: z.string().min(1).optional(),
  /** Input feature names, in column order of the first input's last dimension. */
  features: z.array(z.string().min(1)).optional(),
  /** Output class names, in the order of the probabilities output. */
  labels: z.array(z.string().min(1)).optional(),
  /** A .csv or .jsonl sample of training data, the baseline for drift monitoring. */
  reference_data: z
    .string()
    .regex(/\.(csv|jsonl|ndjson)$/i, 'must be a .csv, .jsonl or .ndjson file')
    .optional(),
  /** Free-form: git commit, training run URL, metrics… */
  metadata: z.record(z.string(), z.unknown()).optional(),
  /** A Python model: `runtime: python`, its predictor, signature, Python version and requirements (see python-model.ts). */
  ...pythonManifestKeys,
  /** A service: `runtime: service`, its command, health path, timeouts, env and secrets (see service.ts). */
  ...serviceManifestKeys,
});
export type SlipwayManifest = z.infer<typeof slipwayManifestSchema>;

export interface LoadedManifest {
  manifest: SlipwayManifest;
  /** Normalised, and checked to exist, when the manifest names them. */
  modelFile: string | null;
  referenceDataFile: string | null;
  /** When the manifest says `runtime: python`. */
  python: PythonArtifact | null;
  /** When the manifest says `runtime: service`. */
  service: ServiceArtifact | null;
}

/** Reads slipway.yaml (or slipway.yml) from the artifact root; null when there is none. */
export async function readSlipwayManifest(dir: string, files: readonly ArtifactFile[]): Promise<LoadedManifest | null> {
  const present = MANIFEST_FILENAMES.filter((name) => files.some((f) => f.path === name));
  if (present.length > 1) throw invalidManifest('The artifact has both slipway.yaml and slipway.yml; keep only one.');
  const [path] = present;
  if (path === undefined) return null;
  const manifest = await readYamlFile(dir, path, slipwayManifestSchema);
  return {
    manifest,
    modelFile: manifest.model === undefined ? null : existingArtifactPath(manifest.model, files, `${path} 'model'`),
    referenceDataFile: manifest.reference_data === undefined ? null : existingArtifactPath(manifest.reference_data, files, `${path} 'reference_data'`),
    python: readPythonModel(manifest, files, path),
    service: readService(manifest, files, path),
  };
}

const FLOAT_DTYPES = new Set(['float16', 'float32', 'float64']);

/** Why the manifest's features/labels contradict the model's signature, or null when they agree. */
export function checkManifestAgainstSignature(manifest: SlipwayManifest, signature: ModelSignature): string | null {
  const reasons: string[] = [];
  const input = signature.inputs[0];
  if (manifest.features && input) {
    const columns = input.shape.at(-1);
    if (typeof columns === 'number' && columns !== manifest.features.length) {
      reasons.push(`slipway.yaml lists ${manifest.features.length} features, but input '${input.name}' has ${columns} columns`);
    }
  }
  const scores = signature.outputs.find((o) => FLOAT_DTYPES.has(o.dtype) && o.shape.length === 2);
  if (manifest.labels && scores) {
    const classes = scores.shape[1];
    if (typeof classes === 'number' && classes !== manifest.labels.length) {
      reasons.push(`slipway.yaml lists ${manifest.labels.length} labels, but output '${scores.name}' has ${classes} classes`);
    }
  }
  return reasons.length > 0 ? reasons.join('; ') : null;
}
