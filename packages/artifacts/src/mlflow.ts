import { posix } from 'node:path';
import { z } from 'zod';
import { readPythonFlavor } from './mlflow-python';
import type { PythonArtifact } from './python-model';
import { existingArtifactPath, invalidManifest, readYamlFile } from './manifest-file';
import type { ArtifactFile } from './staging-dir';

const MLMODEL = 'MLmodel';

const mlmodelSchema = z.object({
  flavors: z.record(z.string(), z.unknown()),
  signature: z.unknown().optional(),
});

const onnxFlavorSchema = z.object({ data: z.string().min(1) });

export interface MlflowModel {
  /** onnx: served by onnxruntime; sklearn and python_function: by the Python runtime's built-in predictors. */
  flavor: 'onnx' | 'sklearn' | 'python_function';
  /** Relative to the artifact root: the ONNX file, or the pickled model / pyfunc data. */
  modelFile: string;
  /** The MLmodel `signature` as written (MLflow stores inputs/outputs as JSON strings). */
  signature?: unknown;
  /** A sklearn or python_function model: how the Python runtime serves it. */
  python?: PythonArtifact;
}

function findMlmodel(files: readonly ArtifactFile[]): string | null {
  const candidates = files.map((f) => f.path).filter((path) => posix.basename(path) === MLMODEL);
  if (candidates.length <= 1) return candidates[0] ?? null;
  if (candidates.includes(MLMODEL)) return MLMODEL;
  throw invalidManifest(`The artifact has several MLmodel files (${candidates.join(', ')}) and none at its root.`);
}

/**
 * Reads an MLflow model's MLmodel: an onnx flavor is served by onnxruntime, else a sklearn flavor (or a python_function
 * one with its own loader module) by the Python runtime; null when the artifact isn't an MLflow model.
 */
export async function readMlflowModel(dir: string, files: readonly ArtifactFile[]): Promise<MlflowModel | null> {
  const path = findMlmodel(files);
  if (path === null) return null;
  const mlmodel = await readYamlFile(dir, path, mlmodelSchema);
  if (!('onnx' in mlmodel.flavors)) return readPythonFlavor(path, mlmodel, files);
  const flavor = onnxFlavorSchema.safeParse(mlmodel.flavors.onnx);
  if (!flavor.success) throw invalidManifest(`${path}: flavors.onnx.data must name the model file.`);
  const folder = posix.dirname(path);
  const modelFile = existingArtifactPath(folder === '.' ? flavor.data.data : `${folder}/${flavor.data.data}`, files, `${path} flavors.onnx.data`);
  return { flavor: 'onnx', modelFile, ...(mlmodel.signature === undefined ? {} : { signature: mlmodel.signature }) };
}
