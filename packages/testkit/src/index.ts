export { startRuntime, type RunningRuntime } from './runtime-process';
export { requireTestEnv } from './test-env';
export { seedDeployment } from './seed-deployment';
