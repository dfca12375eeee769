import { DTYPES, type DType, fromOipDatatype, type ModelSignature } from '@slipway/core';
import { z } from 'zod';
import { existingArtifactPath, invalidManifest } from './manifest-file';
import type { ArtifactFile } from './staging-dir';

/*
 * The slipway.yaml keys of a Python model (`runtime: python`):
 *
 *   runtime: python
 *   predictor: my_model:Model          # a class with load(self, model_dir) and predict(self, inputs) -> outputs
 *   python: "3.11"                     # optional: the Python version it needs
 *   requirements: requirements.txt     # optional: requirements.txt at the root is used when present
 *   signature:
 *     inputs:  [{name: features, datatype: FP32, shape: [-1, 4]}]
 *     outputs: [{name: probabilities, datatype: FP64, shape: [-1, 3]}]
 *
 * Wheels for offline installs go in `wheels/`. A datatype is an OIP name (FP32) or Slipway's (float32); -1 or null
 * marks a dynamic dimension.
 */

const datatypeSchema = z.string().transform((value, ctx): DType => {
  const dtype = fromOipDatatype(value.toUpperCase()) ?? DTYPES.find((d) => d === value);
  if (dtype !== undefined) return dtype;
  ctx.addIssue({ code: 'custom', message: `unknown datatype '${value}' (use an OIP datatype such as FP32, INT64, BYTES)` });
  return z.NEVER;
});

const declaredTensorSchema = z.strictObject({
  name: z.string().min(1),
  datatype: datatypeSchema,
  shape: z.array(
    z
      .number()
      .int()
      .min(-1)
      .nullable()
      .transform((d) => (d === null || d === -1 ? null : d)),
  ),
});

export const declaredSignatureSchema = z
  .strictObject({ inputs: z.array(declaredTensorSchema).min(1), outputs: z.array(declaredTensorSchema).min(1) })
  .transform(
    (declared): ModelSignature => ({
      inputs: declared.inputs.map(({ name, datatype, shape }) => ({ name, dtype: datatype, shape })),
      outputs: declared.outputs.map(({ name, datatype, shape }) => ({ name, dtype: datatype, shape })),
    }),
  );

/** The manifest keys only a Python model has. */
export const pythonManifestKeys = {
  /** `onnx` (the default), `python`, or `service` (any HTTP server: see service.ts). */
  runtime: z.enum(['onnx', 'python', 'service']).optional(),
  /** `module:Class`, the module importable from the artifact's root. */
  predictor: z
    .string()
    .regex(/^[A-Za-z_][\w.]*:[A-Za-z_]\w*$/, "expected 'module:Class', e.g. my_model:Model")
    .optional(),
  signature: declaredSignatureSchema.optional(),
  /** The Python version the predictor needs, e.g. "3.11". */
  python: z
    .string()
    .regex(/^3\.\d+$/, "expected a Python 3 version such as '3.11'")
    .optional(),
  requirements: z.string().min(1).optional(),
};

/** What a Python model's environment and runtime need from its artifact. */
export interface PythonArtifact {
  predictor: string;
  signature: ModelSignature;
  /** The module file the predictor's module resolves to, relative to the artifact root. */
  moduleFile: string;
  pythonVersion: string | null;
  /** Relative to the artifact root. */
  requirementsFile: string | null;
  /** The `wheels/*.whl` files, for offline installs. */
  wheels: string[];
}

type PythonManifest = { [K in keyof typeof pythonManifestKeys]?: z.infer<(typeof pythonManifestKeys)[K]> } & { model?: string | undefined };

/** The Python model a manifest declares, checked against the artifact's files; null for an ONNX model. */
export function readPythonModel(manifest: PythonManifest, files: readonly ArtifactFile[], manifestPath: string): PythonArtifact | null {
  if (manifest.runtime === 'service') return null; // service.ts reads it; requirements and signature are shared.
  if (manifest.runtime !== 'python') {
    const stray = (['predictor', 'signature', 'python', 'requirements'] as const).filter((key) => manifest[key] !== undefined);
    if (stray.length > 0) throw invalidManifest(`${manifestPath}: ${stray.map((k) => `'${k}'`).join(', ')} need 'runtime: python'.`);
    return null;
  }
  if (manifest.model !== undefined) throw invalidManifest(`${manifestPath}: a Python model names its 'predictor', not an ONNX 'model'.`);
  if (manifest.predictor === undefined || manifest.signature === undefined) {
    throw invalidManifest(`${manifestPath}: 'runtime: python' needs 'predictor' (module:Class) and 'signature' (inputs and outputs).`);
  }
  const [moduleName] = manifest.predictor.split(':') as [string];
  const modulePath = moduleName.replaceAll('.', '/');
  const moduleFile = [`${modulePath}.py`, `${modulePath}/__init__.py`].find((candidate) => files.some((f) => f.path === candidate));
  if (moduleFile === undefined) {
    throw invalidManifest(
      `${manifestPath}: the predictor's module '${moduleName}' is not in the artifact (expected ${modulePath}.py or ${modulePath}/__init__.py).`,
    );
  }
  const requirementsFile =
    manifest.requirements !== undefined
      ? existingArtifactPath(manifest.requirements, files, `${manifestPath} 'requirements'`)
      : files.some((f) => f.path === 'requirements.txt')
        ? 'requirements.txt'
        : null;
  return {
    predictor: manifest.predictor,
    signature: manifest.signature,
    moduleFile,
    pythonVersion: manifest.python ?? null,
    requirementsFile,
    wheels: files.filter((f) => f.path.startsWith('wheels/') && f.path.endsWith('.whl')).map((f) => f.path),
  };
}
