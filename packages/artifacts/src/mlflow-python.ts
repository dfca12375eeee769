import { posix } from 'node:path';
import type { DType, ModelSignature, TensorSpec } from '@slipway/core';
import { z } from 'zod';
import { existingArtifactPath, invalidManifest } from './manifest-file';
import type { MlflowModel } from './mlflow';
import type { PythonArtifact } from './python-model';
import type { ArtifactFile } from './staging-dir';

/*
 * MLflow models without an onnx flavor, served by the Python runtime's built-in predictors
 * (packages/environments/python/slipway_mlflow.py): the `sklearn` flavor (pickle or cloudpickle, as
 * mlflow.sklearn.save_model writes it), or `python_function` with its own loader module, importable in the version's
 * environment. The signature comes from the MLmodel: tensor-based specs keep their names (or `input`/`predictions`);
 * column-based inputs become one `input` tensor of one column per named column, outputs one `predictions` tensor.
 */

/** The built-in predictors, `module:Class` in the runner's directory. */
export const MLFLOW_PREDICTORS = { sklearn: 'slipway_mlflow:SklearnModel', python_function: 'slipway_mlflow:PyfuncModel' } as const;

const sklearnFlavorSchema = z.object({ pickled_model: z.string().min(1), serialization_format: z.enum(['pickle', 'cloudpickle']).default('pickle') });
const pyfuncFlavorSchema = z.object({ loader_module: z.string().min(1), data: z.string().optional(), model_path: z.string().optional() });

/** MLflow's type names (tensor-spec numpy dtypes and column types) as Slipway datatypes. */
const MLFLOW_DTYPES: Record<string, DType> = {
  float64: 'float64',
  float32: 'float32',
  float16: 'float16',
  int64: 'int64',
  int32: 'int32',
  int16: 'int16',
  int8: 'int8',
  uint8: 'uint8',
  bool: 'bool',
  object: 'string',
  str: 'string',
  double: 'float64',
  float: 'float32',
  long: 'int64',
  integer: 'int32',
  boolean: 'bool',
  string: 'string',
};

const specSchema = z.union([
  z.object({ type: z.literal('tensor'), name: z.string().optional(), 'tensor-spec': z.object({ dtype: z.string(), shape: z.array(z.number().int()) }) }),
  z.object({ type: z.string(), name: z.string().optional() }),
]);

function dtypeOf(name: string, where: string): DType {
  const dtype = MLFLOW_DTYPES[name.replace(/^<|^>/, '')];
  if (dtype === undefined) throw invalidManifest(`${where}: the MLmodel signature's type '${name}' cannot be served.`);
  return dtype;
}

/** One side of the MLmodel signature (a JSON string of specs) as tensors. */
function tensorsOf(raw: unknown, fallback: string, where: string): TensorSpec[] {
  let parsed: z.infer<typeof specSchema>[];
  try {
    parsed = z
      .array(specSchema)
      .min(1)
      .parse(typeof raw === 'string' ? JSON.parse(raw) : raw);
  } catch {
    throw invalidManifest(`${where}: the MLmodel signature is not one MLflow writes.`);
  }
  if (parsed.every((spec) => spec.type === 'tensor' && 'tensor-spec' in spec)) {
    return parsed.map((spec, i) => {
      const tensor = (spec as { 'tensor-spec': { dtype: string; shape: number[] } })['tensor-spec'];
      const name = spec.name ?? (parsed.length === 1 ? fallback : `${fallback}_${i}`);
      return { name, dtype: dtypeOf(tensor.dtype, where), shape: tensor.shape.map((d) => (d < 0 ? null : d)) };
    });
  }
  // Columns: one tensor of one column each; mixed numeric columns travel as float64.
  const dtypes = new Set(parsed.map((spec) => dtypeOf(spec.type, where)));
  const dtype: DType = dtypes.size === 1 ? [...dtypes][0]! : dtypes.has('string') ? 'string' : 'float64';
  return [{ name: fallback, dtype, shape: parsed.length === 1 && fallback === 'predictions' ? [null] : [null, parsed.length] }];
}

/** The MLmodel's signature as Slipway's, or a clear refusal when it has none. */
export function mlflowSignature(raw: unknown, where: string): ModelSignature {
  const signature = z.object({ inputs: z.unknown(), outputs: z.unknown() }).safeParse(raw);
  if (!signature.success || signature.data.inputs == null || signature.data.outputs == null) {
    throw invalidManifest(`${where} has no signature (inputs and outputs); log the model with one (mlflow.models.infer_signature).`);
  }
  return { inputs: tensorsOf(signature.data.inputs, 'input', where), outputs: tensorsOf(signature.data.outputs, 'predictions', where) };
}

type Mlmodel = { flavors: Record<string, unknown>; signature?: unknown };

/** An MLmodel with a sklearn or python_function flavor, as the Python runtime serves it. */
export function readPythonFlavor(path: string, mlmodel: Mlmodel, files: readonly ArtifactFile[]): MlflowModel {
  const folder = posix.dirname(path);
  const inFolder = (file: string) => (folder === '.' ? file : `${folder}/${file}`);
  const flavor = 'sklearn' in mlmodel.flavors ? 'sklearn' : 'python_function' in mlmodel.flavors ? 'python_function' : null;
  if (flavor === null) {
    const flavors = Object.keys(mlmodel.flavors);
    throw invalidManifest(
      `${path} has no onnx, sklearn or python_function flavor (it has ${flavors.length > 0 ? flavors.join(', ') : 'none'}); log the model with mlflow.sklearn or mlflow.onnx.`,
    );
  }
  let modelFile: string;
  if (flavor === 'sklearn') {
    const sklearn = sklearnFlavorSchema.safeParse(mlmodel.flavors.sklearn);
    if (!sklearn.success) throw invalidManifest(`${path}: flavors.sklearn needs pickled_model (and serialization_format pickle or cloudpickle).`);
    modelFile = existingArtifactPath(inFolder(sklearn.data.pickled_model), files, `${path} flavors.sklearn.pickled_model`);
  } else {
    const pyfunc = pyfuncFlavorSchema.safeParse(mlmodel.flavors.python_function);
    if (!pyfunc.success) throw invalidManifest(`${path}: flavors.python_function needs loader_module.`);
    const data = pyfunc.data.data ?? pyfunc.data.model_path;
    modelFile = data ? inFolder(data) : path;
  }
  const signature = mlflowSignature(mlmodel.signature, path);
  const python: PythonArtifact = {
    predictor: MLFLOW_PREDICTORS[flavor],
    signature,
    moduleFile: modelFile,
    modelDir: folder,
    mlflowFlavor: flavor,
    // MLflow's own requirements.txt names mlflow itself, which the built-in predictor replaces: the environment is the
    // host's Python with its numpy and scikit-learn.
    pythonVersion: null,
    requirementsFile: null,
    wheels: [],
  };
  return { flavor, modelFile, ...(mlmodel.signature === undefined ? {} : { signature: mlmodel.signature }), python };
}
