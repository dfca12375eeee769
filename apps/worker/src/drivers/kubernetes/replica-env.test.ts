import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { V1EnvVar } from '@kubernetes/client-node';
import { runtimeEnvSchema } from '@slipway/core';
import { buildMlp } from '@slipway/onnx-builder';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReplicaSpec } from '../driver';
import { LocalDriver } from '../local-driver';
import { KubernetesDriver } from './kubernetes-driver';
import { variantObjectName } from './manifests';
import { FakeKubernetesApi } from './test/fake-kubernetes-api';

// The same replica placed by both drivers, with the same worker environment: a real local runtime process (its
// environment read from /proc) and the pod template the kubernetes driver applies (to the fake API server).

const NS = 'slipway-models';
/** What an operator tunes on the worker for every replica; none is the runtime's default. */
const TUNED = {
  SLIPWAY_BATCHING: 'off',
  SLIPWAY_MAX_BATCH_SIZE: '8',
  SLIPWAY_MAX_QUEUE_DELAY_MS: '2',
  SLIPWAY_INFERENCE_THREAD: 'worker',
  SLIPWAY_MAX_BODY_BYTES: '1048576',
  SLIPWAY_WARM_UP: 'off',
  SLIPWAY_DRIFT_WINDOW_MS: '5000',
};
/**
 * The worker's own Redis and prefix (a local replica hands its drift windows there; a pod, to the drift secret's
 * Redis), and a drain time, which a pod takes from its grace period instead.
 */
const WORKER_ENV = { ...TUNED, REDIS_URL: 'redis://127.0.0.1:6379', SLIPWAY_PREFIX: 'replica-env-test', SLIPWAY_DRAIN_TIMEOUT_MS: '4000' };
/**
 * Settings a driver places for where the replica runs, so their values differ by design: where it listens, where
 * the model is, the threads it may use, how long it may drain (a pod's grace period), its id, and its Redis (a
 * pod's comes from the drift secret). Both drivers still set each of them.
 */
const PLACED = new Set([
  'HOST',
  'PORT',
  'SLIPWAY_FRAMED_PORT',
  'SLIPWAY_MODEL_PATH',
  'SLIPWAY_INTRA_OP_THREADS',
  'SLIPWAY_DRAIN_TIMEOUT_MS',
  'SLIPWAY_REPLICA_ID',
  'REDIS_URL',
]);
/** Left to the runtime's default by the local driver (0: a free port); a pod's is fixed, for its Service. */
const POD_ONLY = new Set(['SLIPWAY_FRAMED_PORT']);
/** Every setting the runtime reads. */
const RUNTIME_SETTINGS = new Set(Object.keys(runtimeEnvSchema.shape));

let modelPath: string;
let fake: FakeKubernetesApi;
const saved = Object.fromEntries(Object.keys(WORKER_ENV).map((k) => [k, process.env[k]]));

function replica(): ReplicaSpec {
  return {
    replicaId: randomUUID(),
    deploymentName: 'iris',
    teamId: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
    revision: 1,
    variantId: randomUUID(),
    variantName: 'primary',
    versionLabel: 3,
    versionDigest: 'ab'.repeat(32),
    artifactFilename: 'iris.onnx',
    modelFile: 'iris.onnx',
    localModelPath: async () => modelPath,
    token: 'replica-env-test-token-0123456789',
    featureNames: ['a', 'b', 'c', 'd'],
    vcpu: 1,
    memoryMb: 256,
    gpuType: null,
    gpuCount: 0,
  };
}

/** The runtime settings a local replica process was started with. */
async function localSettings(spec: ReplicaSpec): Promise<Map<string, string>> {
  const driver = new LocalDriver({ hostGpus: 0, bindHost: '127.0.0.1', advertiseHost: '127.0.0.1', owner: WORKER_ENV.SLIPWAY_PREFIX });
  try {
    const placed = await driver.start(spec);
    const environ = readFileSync(`/proc/${placed.pid}/environ`, 'utf8').split('\0').filter(Boolean);
    return new Map(
      environ.map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]).filter(([name]) => RUNTIME_SETTINGS.has(name!)) as [string, string][],
    );
  } finally {
    await driver.close();
  }
}

/** The runtime settings of the pods the kubernetes driver asks for (a value, or where the pod reads it from). */
async function podSettings(spec: ReplicaSpec): Promise<Map<string, V1EnvVar>> {
  const driver = await KubernetesDriver.connect({
    // As the worker makes it: its own prefix (see create-driver.ts).
    owner: WORKER_ENV.SLIPWAY_PREFIX,
    namespace: { mode: 'single', name: NS },
    image: 'registry.example.com/slipway:test',
    gpuImage: null,
    imagePullPolicy: 'IfNotPresent',
    storageSecret: 'slipway-storage',
    driftSecret: 'slipway-drift',
    gpuScheduling: {},
    drainSeconds: 10,
    progressDeadlineSeconds: 600,
    hostEnv: process.env,
    kubeConfig: fake.kubeConfig(NS),
    placeTimeoutMs: 10_000,
  });
  try {
    await driver.start(spec);
    const deployment = fake.get('deployments', NS, variantObjectName(spec))!;
    const env = deployment.spec.template.spec.containers[0].env as V1EnvVar[];
    return new Map(env.filter((e) => RUNTIME_SETTINGS.has(e.name)).map((e) => [e.name, e]));
  } finally {
    await driver.close();
  }
}

beforeAll(async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'slipway-replica-env-'));
  modelPath = path.join(dir, 'iris.onnx');
  await writeFile(modelPath, buildMlp({ inputs: 4, hidden: 8, outputs: 3, seed: 1 }));
  fake = new FakeKubernetesApi();
  await fake.start();
  Object.assign(process.env, WORKER_ENV);
});

afterAll(async () => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  await fake?.stop();
});

describe('a replica’s runtime settings, as a local process and as a pod', () => {
  it('are the same settings with the same values, tunables of the worker included, apart from where each runs', async () => {
    const spec = replica();
    const local = await localSettings(spec);
    const pod = await podSettings(spec);

    // The operator's tunables reach both (a pod used to get none of them).
    for (const [name, value] of Object.entries(TUNED)) {
      expect(local.get(name), `local ${name}`).toBe(value);
      expect(pod.get(name)?.value, `pod ${name}`).toBe(value);
    }
    expect([...pod.keys()].filter((name) => !POD_ONLY.has(name)).sort()).toEqual([...local.keys()].sort());
    const same = (settings: Map<string, string | undefined>) => [...settings].filter(([name]) => !PLACED.has(name)).sort();
    expect(same(new Map([...pod].map(([name, e]) => [name, e.value])))).toEqual(same(local));
    expect(pod.get('REDIS_URL')).toEqual({ name: 'REDIS_URL', valueFrom: { secretKeyRef: { name: 'slipway-drift', key: 'REDIS_URL' } } });
  });
});
