import type { RuntimeEnv } from '../env';
import type { Log, ModelRunner } from '../runner';
import { type OnnxLoadOptions, OnnxSessionRunner } from './onnx/session-runner';
import { OnnxThreadRunner } from './onnx/thread-runner';

/** How a replica runs its model. A Python runner joins as another kind, with its loader below. */
export type RunnerKind = 'onnx';

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
};

/**
 * The kind of runner a launch config asks for. Every model served today is ONNX; when the launch contract
 * (`runtimeEnvSchema` in core) gains the replica's runtime kind, this is the one place that reads it.
 */
export function runnerKind(_launch: RuntimeEnv): RunnerKind {
  return 'onnx';
}

/** The one place a replica's model runner is chosen and loaded. */
export function loadRunner(launch: RuntimeEnv, log: Log): Promise<ModelRunner> {
  return LOADERS[runnerKind(launch)](launch, log);
}
