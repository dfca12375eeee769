import type { PythonArtifact } from '@slipway/artifacts';
import { exampleInputs, type ModelExample, type ModelSignature, nestedToTensorValue, nestValues, tensorDataToJson } from '@slipway/core';
import { type BuiltEnvironment, type CheckTensor, checkPredictor, EnvironmentBuildError } from '@slipway/environments';
import type { PythonModelSource } from './artifact-cache';
import { InspectionFailure } from './inspection-failure';

/** How much of an environment build's log a version keeps (its end, where pip's errors are). */
const LOG_CHARS = 16_000;
/** How long inspection gives the predictor to load and answer once. */
const CHECK_TIMEOUT_MS = 120_000;

/** What a version records about its Python environment (shown on the version page). */
export function environmentDetails(environment: BuiltEnvironment) {
  return { key: environment.key, pythonVersion: environment.pythonVersion, reused: environment.reused, log: environment.log.slice(-LOG_CHARS) };
}

/**
 * A Python version's inspection: its environment built (or reused), then its predictor loaded in it under the sandbox
 * and run once on the declared example (or zeros shaped by the signature), its outputs held to the declared signature.
 * A failure is the version's: pip's error lines, or the last frames of the predictor's traceback.
 */
export async function inspectPython(source: PythonModelSource, manifest: { example?: Record<string, unknown>; features?: string[] } | null) {
  const prepared = await source.prepare().catch((error: unknown) => {
    if (!(error instanceof EnvironmentBuildError)) throw error;
    throw new InspectionFailure(`the Python environment could not be built:\n${error.message}`, {
      environment: { failed: true, log: error.log.slice(-LOG_CHARS) },
    });
  });
  const { python } = prepared;
  const inputs = manifest?.example ?? exampleInputs(python.signature, { features: manifest?.features });
  const result = await checkPredictor({
    python: prepared.environment.python,
    modelDir: prepared.modelDir,
    predictor: python.predictor,
    signature: python.signature,
    inputs: checkTensors(python.signature, inputs),
    bwrap: source.bwrap,
    timeoutMs: CHECK_TIMEOUT_MS,
  });
  const environment = environmentDetails(prepared.environment);
  if (!result.ok) {
    const what = { load: 'failed to load', predict: 'failed on the example', outputs: 'answered outputs that do not fit the signature' }[result.stage];
    throw new InspectionFailure(`the predictor ${describe(python)} ${what}:\n${result.traceback}`, { environment });
  }
  const outputs = Object.fromEntries(
    python.signature.outputs.map((spec) => {
      const output = result.outputs[spec.name]!;
      return [spec.name, nestValues(output.data, output.shape)];
    }),
  );
  const example: ModelExample = { source: 'recorded', inputs, outputs };
  return { signature: python.signature, example, details: { environment } };
}

function describe(python: PythonArtifact): string {
  return python.mlflowFlavor ? `of the MLflow ${python.mlflowFlavor} model` : python.predictor;
}

/** The example as the check's flat tensors, each checked against its declared spec. */
function checkTensors(signature: ModelSignature, inputs: Record<string, unknown>): Record<string, CheckTensor> {
  const tensors: Record<string, CheckTensor> = {};
  for (const spec of signature.inputs) {
    if (inputs[spec.name] === undefined) throw new InspectionFailure(`slipway.yaml's example has no input '${spec.name}'`);
    try {
      const value = nestedToTensorValue(spec, inputs[spec.name]);
      tensors[spec.name] = { dtype: spec.dtype, shape: [...value.shape], data: tensorDataToJson(spec.dtype, value.data) };
    } catch (error) {
      throw new InspectionFailure(`slipway.yaml's example does not fit the signature: ${(error as Error).message}`);
    }
  }
  return tensors;
}
