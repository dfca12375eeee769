import { DTYPES, type DType, fromOipDatatype, type ModelSignature, modelSignatureSchema } from '@slipway/core';
import { z } from 'zod';
import { invalidManifest, requirementsFileOf } from './manifest-file';
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
 *   predict_timeout_ms: 5000           # optional: a predict stuck past it gets its replica replaced (default 60 s)
 *   concurrency: 2                     # optional: Python processes per replica, each running one batch at a time (default 1)
 *   example:                           # optional: inputs inspection runs predict on (zeros shaped by the signature otherwise)
 *     features: [[5.1, 3.5, 1.4, 0.2]]
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
  /** How long one predict may take before the replica's Python process is killed and the replica replaced (default 60 s). */
  predict_timeout_ms: z.number().int().min(100).max(600_000).optional(),
  /** How many Python processes a replica runs, each taking one batch at a time (default 1): for predictors that release the GIL rarely. */
  concurrency: z.number().int().min(1).max(16).optional(),
  /** The inputs inspection runs the predictor on (and the API docs show), as nested arrays by input name. */
  example: z.record(z.string(), z.unknown()).optional(),
};

/** What a Python model's environment and runtime need from its artifact. */
export interface PythonArtifact {
  predictor: string;
  signature: ModelSignature;
  /** The module file the predictor's module resolves to (an MLflow model: its pickled model), relative to the artifact root. */
  moduleFile: string;
  /** The directory `load` is given, relative to the artifact root ('.' for the root; an MLflow model's folder). */
  modelDir: string;
  /** An MLflow model served by a built-in predictor (its flavor), or null for the user's own predictor. */
  mlflowFlavor: 'sklearn' | 'python_function' | null;
  pythonVersion: string | null;
  /** Relative to the artifact root. */
  requirementsFile: string | null;
  /** The `wheels/*.whl` files, for offline installs. */
  wheels: string[];
  /** slipway.yaml's predict_timeout_ms, or null for the host's default. */
  predictTimeoutMs?: number | null;
  /** slipway.yaml's concurrency (Python processes per replica), or null for the host's default. */
  concurrency?: number | null;
}

/** A PythonArtifact as stored in a version's upload details (read back by the worker). */
export const pythonArtifactSchema = z.object({
  predictor: z.string(),
  signature: modelSignatureSchema,
  moduleFile: z.string(),
  modelDir: z.string().default('.'),
  mlflowFlavor: z.enum(['sklearn', 'python_function']).nullable().default(null),
  pythonVersion: z.string().nullable(),
  requirementsFile: z.string().nullable(),
  wheels: z.array(z.string()),
  predictTimeoutMs: z.number().int().positive().nullable().optional(),
  concurrency: z.number().int().positive().nullable().optional(),
}) satisfies z.ZodType<PythonArtifact, unknown>;

type PythonManifest = { [K in keyof typeof pythonManifestKeys]?: z.infer<(typeof pythonManifestKeys)[K]> } & { model?: string | undefined };

/** The Python model a manifest declares, checked against the artifact's files; null for an ONNX model. */
export function readPythonModel(manifest: PythonManifest, files: readonly ArtifactFile[], manifestPath: string): PythonArtifact | null {
  if (manifest.runtime === 'service') return null; // service.ts reads it; requirements and signature are shared.
  if (manifest.runtime !== 'python') {
    const stray = (['predictor', 'signature', 'python', 'requirements', 'example', 'predict_timeout_ms', 'concurrency'] as const).filter(
      (key) => manifest[key] !== undefined,
    );
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
  const requirementsFile = requirementsFileOf(manifest.requirements, files, manifestPath);
  return {
    predictor: manifest.predictor,
    signature: manifest.signature,
    moduleFile,
    modelDir: '.',
    mlflowFlavor: null,
    pythonVersion: manifest.python ?? null,
    requirementsFile,
    wheels: files.filter((f) => f.path.startsWith('wheels/') && f.path.endsWith('.whl')).map((f) => f.path),
    predictTimeoutMs: manifest.predict_timeout_ms ?? null,
    concurrency: manifest.concurrency ?? null,
  };
}
