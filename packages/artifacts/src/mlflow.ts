import { posix } from 'node:path';
import { z } from 'zod';
import { existingArtifactPath, invalidManifest, readYamlFile } from './manifest-file';
import type { ArtifactFile } from './staging-dir';

const MLMODEL = 'MLmodel';

const mlmodelSchema = z.object({
  flavors: z.record(z.string(), z.unknown()),
  signature: z.unknown().optional(),
});

const onnxFlavorSchema = z.object({ data: z.string().min(1) });

export interface MlflowModel {
  flavor: 'onnx';
  /** Relative to the artifact root. */
  modelFile: string;
  /** The MLmodel `signature` as written (MLflow stores inputs/outputs as JSON strings). */
  signature?: unknown;
}

function findMlmodel(files: readonly ArtifactFile[]): string | null {
  const candidates = files.map((f) => f.path).filter((path) => posix.basename(path) === MLMODEL);
  if (candidates.length <= 1) return candidates[0] ?? null;
  if (candidates.includes(MLMODEL)) return MLMODEL;
  throw invalidManifest(`The artifact has several MLmodel files (${candidates.join(', ')}) and none at its root.`);
}

/** Reads an MLflow model's MLmodel, which must have an onnx flavor; null when the artifact isn't an MLflow model. */
export async function readMlflowModel(dir: string, files: readonly ArtifactFile[]): Promise<MlflowModel | null> {
  const path = findMlmodel(files);
  if (path === null) return null;
  const mlmodel = await readYamlFile(dir, path, mlmodelSchema);
  if (!('onnx' in mlmodel.flavors)) {
    const flavors = Object.keys(mlmodel.flavors);
    throw invalidManifest(`${path} has no onnx flavor (it has ${flavors.length > 0 ? flavors.join(', ') : 'none'}); log the model with mlflow.onnx.`);
  }
  const flavor = onnxFlavorSchema.safeParse(mlmodel.flavors.onnx);
  if (!flavor.success) throw invalidManifest(`${path}: flavors.onnx.data must name the model file.`);
  const folder = posix.dirname(path);
  const modelFile = existingArtifactPath(folder === '.' ? flavor.data.data : `${folder}/${flavor.data.data}`, files, `${path} flavors.onnx.data`);
  return { flavor: 'onnx', modelFile, ...(mlmodel.signature === undefined ? {} : { signature: mlmodel.signature }) };
}
