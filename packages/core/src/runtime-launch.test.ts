import { describe, expect, it } from 'vitest';
import { replicaRuntimeEnv, runtimeLaunchEnv } from './runtime-launch';

const launch = { port: 8080, host: '0.0.0.0', modelPath: '/m/model.onnx', modelName: 'iris', modelVersion: '2', drainTimeoutMs: 15_000 };
const host = {
  SLIPWAY_BATCHING: 'off',
  SLIPWAY_MAX_BATCH_SIZE: '8',
  SLIPWAY_DRAIN_TIMEOUT_MS: '3000',
  PORT: '3000',
  PATH: '/usr/bin',
  DATABASE_URL: 'postgresql://secret@db/slipway',
};

describe('a replica’s runtime settings', () => {
  it('are the host’s runtime tunables under the launch values, and nothing else of the host', () => {
    expect(replicaRuntimeEnv(launch, host)).toEqual({
      SLIPWAY_BATCHING: 'off',
      SLIPWAY_MAX_BATCH_SIZE: '8',
      SLIPWAY_DRAIN_TIMEOUT_MS: '15000',
      PORT: '8080',
      HOST: '0.0.0.0',
      SLIPWAY_MODEL_PATH: '/m/model.onnx',
      SLIPWAY_MODEL_NAME: 'iris',
      SLIPWAY_MODEL_VERSION: '2',
    });
  });

  it('are what a process on this host gets, with the basics it needs to run and never the host’s secrets', () => {
    const env = runtimeLaunchEnv(launch, host, { SLIPWAY_REPLICA_ID: 'r1' });
    expect(env).toEqual({ ...replicaRuntimeEnv(launch, host), PATH: '/usr/bin', SLIPWAY_REPLICA_ID: 'r1' });
    expect(env).not.toHaveProperty('DATABASE_URL');
  });
});
