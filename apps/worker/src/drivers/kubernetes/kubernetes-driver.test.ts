import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DriverError, ReadyTimeoutError, type ReplicaSpec } from '../driver';
import { KubernetesDriver } from './kubernetes-driver';
import { type ClusterOptions, LABELS, variantObjectName } from './manifests';
import { FakeKubernetesApi } from './test/fake-kubernetes-api';
import { validateKubernetesObject } from './test/validate-kubernetes-object';

// Kubernetes cannot run here: the driver talks through the real @kubernetes/client-node to a FAKE API server
// (test/fake-kubernetes-api.ts) that also plays the cluster's controllers in the simplest way.

const NS = 'slipway-models';
/** How long vi.waitFor polls for what the watches deliver (its default second is short on a loaded machine). */
const WAIT = { timeout: 15_000 };
const TEAM = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';
const VARIANT = '5f0c1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b';
const cluster: ClusterOptions = {
  owner: 'driver-test',
  namespace: { mode: 'single', name: NS },
  image: 'registry.example.com/slipway:test',
  gpuImage: null,
  imagePullPolicy: 'IfNotPresent',
  storageSecret: 'slipway-storage',
  driftSecret: 'slipway-drift',
  gpuScheduling: {},
  drainSeconds: 10,
  progressDeadlineSeconds: 600,
  hostEnv: {},
};

let fake: FakeKubernetesApi;
const drivers: KubernetesDriver[] = [];

async function connect(
  overrides: Partial<ClusterOptions> & { teamQuota?: Parameters<typeof KubernetesDriver.connect>[0]['teamQuota'] } = {},
): Promise<KubernetesDriver> {
  const driver = await KubernetesDriver.connect({ ...cluster, ...overrides, kubeConfig: fake.kubeConfig(NS), placeTimeoutMs: 10_000 });
  drivers.push(driver);
  return driver;
}

function spec(overrides: Partial<ReplicaSpec> = {}): ReplicaSpec {
  return {
    replicaId: randomUUID(),
    deploymentName: 'iris',
    teamId: TEAM,
    revision: 3,
    variantId: VARIANT,
    variantName: 'primary',
    versionLabel: 2,
    versionDigest: 'ab'.repeat(32),
    artifactFilename: 'iris.tar.gz',
    modelFile: 'models/iris.onnx',
    localModelPath: () => Promise.reject(new Error('pods fetch the artifact themselves: the worker never unpacks it')),
    token: 'replica-set-token-0123456789abcdef',
    vcpu: 2,
    memoryMb: 4096,
    gpuType: null,
    gpuCount: 0,
    ...overrides,
  };
}

const deploymentName = variantObjectName({ deploymentName: 'iris', variantName: 'primary', variantId: VARIANT });
const podsOf = (replicaId: string) => fake.list('pods', NS).filter((p) => p.metadata.labels?.[LABELS.replica] === replicaId);
const replicasWanted = () => fake.get('deployments', NS, deploymentName)?.spec.replicas;

beforeEach(async () => {
  fake = new FakeKubernetesApi();
  await fake.start();
});

afterEach(async () => {
  await Promise.all(drivers.splice(0).map((d) => d.close()));
  await fake.stop();
});

describe('KubernetesDriver against a fake API server', () => {
  it('places a replica as a claimed pod of its variant Deployment, server-side applied, ready once its EndpointSlice says so', async () => {
    fake.podsBecomeReady = false;
    const driver = await connect();
    const replica = spec();
    const placed = await driver.start(replica);

    const [pod] = podsOf(replica.replicaId);
    expect(placed).toEqual({ address: `http://${pod!.status.podIP}:8080`, framedAddress: `tcp://${pod!.status.podIP}:8081`, pid: null });
    const deployment = fake.get('deployments', NS, deploymentName)!;
    expect(deployment.spec.replicas).toBe(1);
    expect(deployment.spec.template.spec.containers[0].resources.limits).toEqual({ cpu: '2', memory: '4096Mi' });
    await validateKubernetesObject(deployment);
    await validateKubernetesObject(fake.get('services', NS, deploymentName)!);
    const applies = fake.requests.filter((r) => r.method === 'PATCH' && r.contentType === 'application/apply-patch+yaml');
    expect(applies.map((r) => r.path)).toEqual([
      `/api/v1/namespaces/${NS}/services/${deploymentName}`,
      `/apis/apps/v1/namespaces/${NS}/deployments/${deploymentName}`,
    ]);
    expect(applies.every((r) => r.query.get('fieldManager') === 'slipway-worker' && r.query.get('force') === 'true')).toBe(true);

    // Not ready while its endpoint is not.
    await expect(driver.waitReady(placed, 300)).rejects.toThrow(new ReadyTimeoutError(`pod ${pod!.metadata.name} was not ready within 0 s`));
    const ready = driver.waitReady(placed, 10_000);
    fake.setPodReady(NS, pod!.metadata.name, true);
    await ready;
    expect(driver.isAlive({ id: replica.replicaId, pid: null })).toBe(true);
    expect(driver.running()).toEqual([{ id: replica.replicaId, pid: null }]);
  });

  it('scales a variant one replica at a time, stops exactly the replica asked for, and removes the Deployment at zero', async () => {
    const driver = await connect();
    const [a, b] = [spec(), spec()];
    const [placedA, placedB] = await Promise.all([driver.start(a), driver.start(b)]);
    expect(placedA.address).not.toBe(placedB.address);
    expect(replicasWanted()).toBe(2);
    await Promise.all([driver.waitReady(placedA, 10_000), driver.waitReady(placedB, 10_000)]);
    const podOfB = podsOf(b.replicaId)[0]!.metadata.name;

    await driver.stop({ id: a.replicaId, pid: null });
    expect(replicasWanted()).toBe(1);
    expect(podsOf(a.replicaId)).toEqual([]);
    expect(podsOf(b.replicaId).map((p) => p.metadata.name)).toEqual([podOfB]);
    expect(driver.isAlive({ id: a.replicaId, pid: null })).toBe(false);

    // Scale to zero: nothing of the variant is left in the cluster; the next start applies it again.
    await driver.stop({ id: b.replicaId, pid: null });
    expect(fake.get('deployments', NS, deploymentName)).toBeUndefined();
    expect(fake.get('services', NS, deploymentName)).toBeUndefined();
    const c = spec();
    await driver.waitReady(await driver.start(c), 10_000);
    expect(replicasWanted()).toBe(1);
  });

  it('claims again when the pod changed under its claim (409 Conflict)', async () => {
    const driver = await connect();
    let raced = false;
    // The kubelet updates the pod between the driver's read and its claim, as it does when a pod starts.
    fake.beforeRequest = (request) => {
      if (raced || request.method !== 'PATCH' || request.contentType !== 'application/merge-patch+json' || !request.path.includes('/pods/')) return;
      raced = true;
      fake.touchPod(NS, request.path.split('/').pop()!);
    };
    const replica = spec();
    await driver.start(replica);
    const claims = fake.requests.filter((r) => r.method === 'PATCH' && r.path.includes('/pods/'));
    expect(claims).toHaveLength(2);
    expect(podsOf(replica.replicaId)).toHaveLength(1);
  });

  it('relists after its watch expired (410 Gone) and reports a pod deleted behind its back as exited', async () => {
    const driver = await connect();
    const exits: { id: string; reason?: string }[] = [];
    driver.onExit((id, detail) => exits.push({ id, reason: detail.reason }));
    const replica = spec();
    await driver.waitReady(await driver.start(replica), 10_000);
    const podLists = () => fake.requests.filter((r) => r.method === 'GET' && r.path === `/api/v1/namespaces/${NS}/pods` && !r.query.has('watch')).length;
    const listsBefore = podLists();

    fake.compact();
    fake.dropWatches();
    await vi.waitFor(() => expect(podLists()).toBe(listsBefore + 1), WAIT);
    await vi.waitFor(() => expect(fake.watchCount('pods')).toBe(1), WAIT);

    const pod = podsOf(replica.replicaId)[0]!.metadata.name;
    fake.deletePod(NS, pod);
    await vi.waitFor(() => expect(exits).toEqual([{ id: replica.replicaId, reason: `its pod ${pod} was deleted` }]), WAIT);
    expect(driver.isAlive({ id: replica.replicaId, pid: null })).toBe(false);

    // The controller replaces it as after an exit: it stops the lost replica (giving its count back), then starts another.
    await driver.stop({ id: replica.replicaId, pid: null });
    expect(replicasWanted() ?? 0).toBe(0);
    const replacement = spec();
    await driver.waitReady(await driver.start(replacement), 10_000);
    expect(replicasWanted()).toBe(1);
    expect(fake.list('pods', NS).map((p) => p.metadata.labels?.[LABELS.replica])).toEqual([replacement.replicaId]);
  });

  it('fails a start in the user’s words when a ResourceQuota refuses the pods (FailedCreate), and gives the count back', async () => {
    fake.podQuota = 0;
    const driver = await connect();
    const start = driver.start(spec());
    await expect(start).rejects.toBeInstanceOf(DriverError);
    await expect(start).rejects.not.toBeInstanceOf(ReadyTimeoutError);
    await expect(start).rejects.toThrow(
      `the cluster's compute quota 'slipway-compute' in namespace ${NS} is exhausted (asked for pods=1, pods=0 already in use, limit pods=0)`,
    );
    expect(fake.get('deployments', NS, deploymentName)).toBeUndefined();
  });

  it('fails a start when the API server refuses an object outright (403 from an object-count quota)', async () => {
    fake.forbiddenWrites.set(
      'services',
      'services "slw-iris" is forbidden: exceeded quota: objects, requested: count/services=1, used: count/services=10, limited: count/services=10',
    );
    const driver = await connect();
    await expect(driver.start(spec())).rejects.toThrow(
      new DriverError(
        `the cluster's compute quota 'objects' in namespace ${NS} is exhausted (asked for count/services=1, count/services=10 already in use, limit count/services=10); stop or scale down other deployments of the team, or ask an admin to raise the quota`,
      ),
    );
  });

  it('ends the wait for readiness when the Deployment exceeds its progress deadline', async () => {
    fake.podsBecomeReady = false;
    const driver = await connect();
    const placed = await driver.start(spec());
    const ready = driver.waitReady(placed, 20_000);
    fake.exceedProgressDeadline(NS, deploymentName);
    await expect(ready).rejects.toThrow(new DriverError('replicas did not become ready within 600 s'));
  });

  it('treats a pod deleted before it was ready as worth another start, not as a version that cannot start', async () => {
    fake.podsBecomeReady = false;
    const driver = await connect();
    const replica = spec();
    const placed = await driver.start(replica);
    const ready = driver.waitReady(placed, 20_000);
    fake.deletePod(NS, podsOf(replica.replicaId)[0]!.metadata.name);
    await expect(ready).rejects.toBeInstanceOf(ReadyTimeoutError);
  });

  it('lets a restarted worker adopt the pods an earlier one placed, and stop them', async () => {
    const first = await connect();
    const replica = spec();
    await first.waitReady(await first.start(replica), 10_000);
    await first.close();

    const second = await connect();
    expect(second.running()).toEqual([{ id: replica.replicaId, pid: null }]);
    expect(second.isAlive({ id: replica.replicaId, pid: null })).toBe(true);
    await second.stop({ id: replica.replicaId, pid: null });
    expect(fake.list('pods', NS)).toEqual([]);
  });

  it('refuses GPU sizes without a GPU image, and mirrors the team quota in per-team namespaces', async () => {
    const driver = await connect({
      namespace: { mode: 'per-team', prefix: 'slipway-team-' },
      teamQuota: async (teamId) => ({ quota: { teamId, vcpu: 8, memoryMb: null, replicas: 4, gpus: {} }, catalogGpuTypes: [] }),
    });
    await expect(driver.start(spec({ gpuType: 'nvidia-t4', gpuCount: 1 }))).rejects.toThrow(/no GPU runtime image is configured/);
    await driver.start(spec());
    const quota = fake.get('resourcequotas', `slipway-team-${TEAM}`, 'slipway-compute')!;
    await validateKubernetesObject(quota);
    expect(quota.spec.hard).toEqual({ 'limits.cpu': '16', pods: '8' });
    expect(fake.get('deployments', `slipway-team-${TEAM}`, deploymentName)!.spec.replicas).toBe(1);
  });
});
