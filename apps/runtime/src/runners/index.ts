import { EXITING_MSG } from '@slipway/core';
import type { RuntimeEnv } from '../env';
import type { Log, ModelRunner } from '../runner';
import { type OnnxLoadOptions, OnnxSessionRunner } from './onnx/session-runner';
import { OnnxThreadRunner } from './onnx/thread-runner';
import { RunnerPool } from './pool';
import { PythonRunner } from './python/python-runner';
import { resolveBwrap } from '@slipway/environments';

/** How a replica runs its model. */
export type RunnerKind = RuntimeEnv['SLIPWAY_RUNTIME_KIND'];

/** Loads one kind of runner from the replica's launch config (each kind reads the settings it needs). */
export type RunnerLoader = (launch: RuntimeEnv, log: Log) => Promise<ModelRunner>;

const LOADERS: Record<RunnerKind, RunnerLoader> = {
  onnx: (launch, log) => {
    const options: OnnxLoadOptions = {
      path: launch.SLIPWAY_MODEL_PATH,
      intraOpThreads: launch.SLIPWAY_INTRA_OP_THREADS,
      executionProvider: launch.SLIPWAY_EXECUTION_PROVIDER,
      log,
    };
    return launch.SLIPWAY_INFERENCE_THREAD === 'worker' ? OnnxThreadRunner.load(options) : OnnxSessionRunner.load(options);
  },
  python: (launch, log) => RunnerPool.load(launch.SLIPWAY_PYTHON_CONCURRENCY, () => loadPython(launch, log)),
};

function loadPython(launch: RuntimeEnv, log: Log): Promise<ModelRunner> {
  return PythonRunner.load({
    python: launch.SLIPWAY_PYTHON,
    modelDir: launch.SLIPWAY_MODEL_PATH,
    // The launch schema requires both for a Python model.
    predictor: launch.SLIPWAY_PREDICTOR!,
    signature: launch.SLIPWAY_SIGNATURE!,
    bwrap: resolveBwrap(launch.SLIPWAY_SANDBOX),
    predictTimeoutMs: launch.SLIPWAY_PREDICT_TIMEOUT_MS,
    log,
    // A replica whose Python process died (or was killed, stuck) cannot serve: it exits, and the controller replaces it.
    onDeath: (reason) => {
      log(EXITING_MSG, { reason: `exited because ${reason}` });
      process.exit(1);
    },
  });
}

/** The kind of runner a launch config asks for (SLIPWAY_RUNTIME_KIND, ONNX unless said otherwise). */
export function runnerKind(launch: RuntimeEnv): RunnerKind {
  return launch.SLIPWAY_RUNTIME_KIND;
}

/** The one place a replica's model runner is chosen and loaded. */
export function loadRunner(launch: RuntimeEnv, log: Log): Promise<ModelRunner> {
  return LOADERS[runnerKind(launch)](launch, log);
}
