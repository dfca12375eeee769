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
