import { describe, expect, it } from 'vitest';
import { parseWorkerEnv } from './env';

const base = { DATABASE_URL: 'postgresql://localhost/slipway' };

describe('worker env: the replica driver', () => {
  it('runs replicas as local processes unless told otherwise', () => {
    expect(parseWorkerEnv(base).SLIPWAY_DRIVER).toBe('local');
  });

  it('needs the runtime image for the kubernetes driver', () => {
    expect(() => parseWorkerEnv({ ...base, SLIPWAY_DRIVER: 'kubernetes' })).toThrow(/SLIPWAY_K8S_RUNTIME_IMAGE/);
    const env = parseWorkerEnv({ ...base, SLIPWAY_DRIVER: 'kubernetes', SLIPWAY_K8S_RUNTIME_IMAGE: 'registry.example.com/slipway:1' });
    expect(env).toMatchObject({ SLIPWAY_K8S_NAMESPACE: 'slipway-models', SLIPWAY_K8S_GPU_SCHEDULING: {} });
  });

  it('reads per-GPU-type scheduling as JSON and says what is wrong with it', () => {
    const scheduling = { 'nvidia-a100': { nodeSelector: { pool: 'a100' }, tolerations: [{ key: 'gpu', operator: 'Exists', effect: 'NoSchedule' }] } };
    expect(parseWorkerEnv({ ...base, SLIPWAY_K8S_GPU_SCHEDULING: JSON.stringify(scheduling) }).SLIPWAY_K8S_GPU_SCHEDULING).toEqual(scheduling);
    expect(() => parseWorkerEnv({ ...base, SLIPWAY_K8S_GPU_SCHEDULING: '{"nvidia-a100": {"tolerations": [{"effect": "Sometimes"}]}}' })).toThrow(
      /not a valid GPU scheduling map/,
    );
    expect(() => parseWorkerEnv({ ...base, SLIPWAY_K8S_NAMESPACE: 'Not_A_Namespace' })).toThrow(/SLIPWAY_K8S_NAMESPACE/);
  });
});
