export {
  type BuildOptions,
  type BuiltEnvironment,
  buildEnvironment,
  EnvironmentBuildError,
  type EnvironmentInputs,
  environmentKey,
  errorLines,
  interpreterVersion,
  SYSTEM_PYTHON,
} from './build';
export {
  allowlistedEnv,
  type Mount,
  type MountPaths,
  type Mounts,
  PASSED_ENV,
  resolveBwrap,
  SYSTEM_DIRS,
  type SandboxCommand,
  type SandboxSetting,
  type SandboxSpec,
  sandboxCommand,
} from './sandbox';
export { PYTHON_RUNNER_DIR, PYTHON_RUNNER_SCRIPT } from './runner-script';
export {
  type CheckOptions,
  type CheckResult,
  type CheckTensor,
  checkPredictor,
  RUNNER_SANDBOX_PATHS,
  type RunnerCommand,
  type RunnerProcessOptions,
  runnerCommand,
} from './python-check';
