import { randomUUID } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { AppsV1Api, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { trainIrisClassifier } from '@slipway/onnx-builder';
import { blobStoreConfigFromEnv, createBlobStore } from '@slipway/storage';
import { afterAll, describe, expect, it } from 'vitest';
import type { ReplicaSpec } from '../driver';
import { KubernetesDriver } from './kubernetes-driver';
import { LABELS, variantObjectName } from './manifests';

// Opt-in: runs only when SLIPWAY_E2E_KUBECONFIG is set (vitest.config.ts leaves this file out otherwise), against a
// real cluster. Needs SLIPWAY_E2E_IMAGE (the Slipway image, pullable by the cluster), the namespace
// SLIPWAY_E2E_NAMESPACE (default slipway-e2e) holding the `slipway-storage` Secret, and this process's
// SLIPWAY_STORAGE=s3 / SLIPWAY_S3_* / AWS_* naming the same bucket. See README, "On Kubernetes".

const kubeconfig = process.env.SLIPWAY_E2E_KUBECONFIG!;
const image = process.env.SLIPWAY_E2E_IMAGE;
const namespace = process.env.SLIPWAY_E2E_NAMESPACE ?? 'slipway-e2e';
const READY_MS = 5 * 60_000;

const kc = new KubeConfig();
kc.loadFromFile(kubeconfig);
const core = kc.makeApiClient(CoreV1Api);
const apps = kc.makeApiClient(AppsV1Api);
let driver: KubernetesDriver | undefined;

afterAll(() => driver?.close());

describe('the kubernetes driver on a real cluster', () => {
  it('fetches an artifact by digest into two pods that serve it, then scales the variant to zero', async () => {
    if (!image) throw new Error('set SLIPWAY_E2E_IMAGE to the Slipway image the cluster can pull');
    const store = createBlobStore(blobStoreConfigFromEnv(process.env, { dataDir: await mkdtemp(path.join(tmpdir(), 'slipway-k8s-e2e-')) }));
    const staged = await store.stage(Readable.from([Buffer.from(trainIrisClassifier({ seed: 1 }).model)]));
    await staged.commit();

    driver = await KubernetesDriver.connect({
      kubeConfig: kc,
      owner: `e2e-${process.pid}`,
      namespace: { mode: 'single', name: namespace },
      image,
      gpuImage: null,
      imagePullPolicy: 'IfNotPresent',
      storageSecret: 'slipway-storage',
      driftSecret: 'slipway-drift',
      gpuScheduling: {},
      drainSeconds: 5,
      progressDeadlineSeconds: 300,
      hostEnv: {},
      placeTimeoutMs: READY_MS,
    });
    const variantId = randomUUID();
    const spec = (): ReplicaSpec => ({
      replicaId: randomUUID(),
      deploymentName: 'iris',
      teamId: randomUUID(),
      revision: 1,
      variantId,
      variantName: 'primary',
      token: 'real-cluster-test-token-0123456789',
      versionLabel: 1,
      versionDigest: staged.digest,
      artifactFilename: 'iris.onnx',
      modelFile: 'model.onnx',
      localModelPath: () => Promise.reject(new Error('pods fetch the artifact themselves')),
      vcpu: 1,
      memoryMb: 512,
      gpuType: null,
      gpuCount: 0,
    });
    const replicas = [spec(), spec()];
    const placed = await Promise.all(replicas.map((r) => driver!.start(r)));
    await Promise.all(placed.map((p) => driver!.waitReady(p, READY_MS)));

    // Each replica is its own pod serving the model; reached through the API server's proxy (pod IPs may not be routable from here).
    for (const replica of replicas) {
      const pods = await core.listNamespacedPod({ namespace, labelSelector: `${LABELS.replica}=${replica.replicaId}` });
      expect(pods.items).toHaveLength(1);
      const metadata = JSON.parse(
        await core.connectGetNamespacedPodProxyWithPath({ name: `${pods.items[0]!.metadata!.name}:8080`, namespace, path: 'v2/models/iris' }),
      );
      expect(metadata).toMatchObject({ name: 'iris', versions: ['1'] });
    }

    for (const replica of replicas) await driver.stop({ id: replica.replicaId, pid: null });
    const name = variantObjectName({ deploymentName: 'iris', variantName: 'primary', variantId });
    await expect(apps.readNamespacedDeployment({ name, namespace })).rejects.toMatchObject({ code: 404 });
  });
});
