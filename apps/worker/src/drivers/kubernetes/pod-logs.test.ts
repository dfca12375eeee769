import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ReplicaSpec } from '../driver';
import { KubernetesDriver } from './kubernetes-driver';
import { type ClusterOptions, LABELS } from './manifests';
import { PodLogSource } from './pod-logs';
import { FakeKubernetesApi } from './test/fake-kubernetes-api';

// Kubernetes cannot run here: the driver places a replica and the logs are read through the real
// @kubernetes/client-node from a FAKE API server (test/fake-kubernetes-api.ts) that serves the pod log API.

const NS = 'slipway-models';
const cluster: ClusterOptions = {
  owner: 'pod-logs-test',
  namespace: { mode: 'single', name: NS },
  image: 'registry.example.com/slipway:test',
  gpuImage: null,
  imagePullPolicy: 'IfNotPresent',
  storageSecret: 'slipway-storage',
  driftSecret: null,
  gpuScheduling: {},
  drainSeconds: 10,
  progressDeadlineSeconds: 600,
  hostEnv: {},
};

const spec = (): ReplicaSpec => ({
  replicaId: randomUUID(),
  deploymentName: 'iris',
  teamId: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
  revision: 1,
  variantId: '5f0c1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b',
  variantName: 'primary',
  versionLabel: 1,
  versionDigest: 'ab'.repeat(32),
  artifactFilename: 'iris.tar.gz',
  modelFile: 'models/iris.onnx',
  localModelPath: () => Promise.reject(new Error('pods fetch the artifact themselves')),
  token: 'replica-set-token-0123456789abcdef',
  vcpu: 1,
  memoryMb: 1024,
  gpuType: null,
  gpuCount: 0,
});

describe('replica logs on Kubernetes (pod log API of a fake API server)', () => {
  let fake: FakeKubernetesApi;
  let driver: KubernetesDriver;
  beforeEach(async () => {
    fake = new FakeKubernetesApi();
    await fake.start();
    driver = await KubernetesDriver.connect({ ...cluster, kubeConfig: fake.kubeConfig(NS), placeTimeoutMs: 10_000 });
  });
  afterEach(async () => {
    await driver.close();
    await fake.stop();
  });

  it("reads the replica's pod's lines with their times, masked, then follows only what it prints next", async () => {
    const replica = spec();
    await driver.start(replica);
    const pod = fake.list('pods', NS).find((p) => p.metadata.labels?.[LABELS.replica] === replica.replicaId)!.metadata.name;
    fake.printPodLog(NS, pod, '{"level":30,"msg":"listening","port":8080}', new Date('2026-12-07T10:00:00.000Z'));
    fake.printPodLog(NS, pod, 'connecting with password=hunter2', new Date('2026-12-07T10:00:01.000Z'));

    const source = new PodLogSource(fake.kubeConfig(NS), { namespaces: async () => [NS] });
    expect(await source.read(replica.replicaId)).toEqual([
      { t: '2026-12-07T10:00:00.000Z', s: 'stdout', l: '{"level":30,"msg":"listening","port":8080}' },
      { t: '2026-12-07T10:00:01.000Z', s: 'stdout', l: 'connecting with password=[redacted]' },
    ]);

    const followed = await source.follow(replica.replicaId);
    expect(followed.initial).toHaveLength(2);
    expect(await followed.next()).toEqual([]);
    fake.printPodLog(NS, pod, 'predicting 3 rows');
    expect((await followed.next()).map((r) => r.l)).toEqual(['predicting 3 rows']);
    expect(await followed.next()).toEqual([]);
    // Every read asked for timestamps, so lines carry the kubelet's time.
    expect(fake.requests.filter((r) => r.path.endsWith('/log')).every((r) => r.query.get('timestamps') === 'true')).toBe(true);
  });

  it('reads nothing for a replica with no pod (gone, or never placed)', async () => {
    const source = new PodLogSource(fake.kubeConfig(NS), { namespaces: async () => [NS] });
    expect(await source.read(randomUUID())).toEqual([]);
  });
});
