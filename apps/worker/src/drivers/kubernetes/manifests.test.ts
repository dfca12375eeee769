import type { V1Deployment, V1EndpointSlice, V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { podEndpoints } from './endpoints';
import {
  buildTeamResourceQuota,
  buildVariantDeployment,
  buildVariantService,
  type ClusterOptions,
  variantObjectName,
  type VariantPlacement,
} from './manifests';
import { describeRolloutProblem } from './rollout-status';
import { validateKubernetesObject } from './test/validate-kubernetes-object';

const options: ClusterOptions = {
  owner: 'slipway',
  namespace: { mode: 'single', name: 'slipway-models' },
  image: 'ghcr.io/slipway/slipway:1.0',
  gpuImage: 'ghcr.io/slipway/slipway:1.0-cuda',
  imagePullPolicy: 'IfNotPresent',
  storageSecret: 'slipway-storage',
  driftSecret: 'slipway-drift',
  gpuScheduling: {
    'nvidia-a100': {
      nodeSelector: { 'cloud.google.com/gke-accelerator': 'nvidia-tesla-a100' },
      tolerations: [{ key: 'gpu', operator: 'Equal', value: 'a100', effect: 'NoSchedule' }],
    },
  },
  drainSeconds: 10,
  progressDeadlineSeconds: 600,
  hostEnv: {},
};

const cpu: VariantPlacement = {
  deploymentName: 'iris',
  variantId: '5f0c1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b',
  variantName: 'primary',
  teamId: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
  revision: 4,
  versionLabel: 2,
  versionDigest: 'ab'.repeat(32),
  artifactFilename: 'iris.tar.gz',
  modelFile: 'models/iris.onnx',
  featureNames: ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'],
  token: 'replica-set-token-0123456789abcdef',
  vcpu: 2,
  memoryMb: 4096,
  gpuType: null,
  gpuCount: 0,
};
const t4: VariantPlacement = { ...cpu, variantName: 'gpu', vcpu: 4, memoryMb: 16384, gpuType: 'nvidia-t4', gpuCount: 1 };

const env = (d: V1Deployment) => Object.fromEntries(d.spec!.template.spec!.containers[0]!.env!.map((e) => [e.name, e.value]));

describe('variant manifests', () => {
  it('runs a Python version on the Python runtime image, its predictor on the image’s python3 in the fetched model folder', async () => {
    const signature = {
      inputs: [{ name: 'input', dtype: 'float32' as const, shape: [null, 4] }],
      outputs: [{ name: 'predictions', dtype: 'int64' as const, shape: [null] }],
    };
    const python = {
      ...cpu,
      modelFile: 'model/model.pkl',
      python: { predictor: 'slipway_mlflow:SklearnModel', signature, modelDir: 'model', predictTimeoutMs: 5000 },
    };
    const deployment = buildVariantDeployment(python, 1, { ...options, pythonImage: 'ghcr.io/slipway/slipway-python:1.0' });
    await validateKubernetesObject(deployment);
    expect(deployment.spec!.template.spec!.containers[0]!.image).toBe('ghcr.io/slipway/slipway-python:1.0');
    expect(env(deployment)).toMatchObject({
      SLIPWAY_RUNTIME_KIND: 'python',
      SLIPWAY_MODEL_PATH: `/var/cache/slipway/artifacts/${cpu.versionDigest}/model`,
      SLIPWAY_PREDICTOR: 'slipway_mlflow:SklearnModel',
      SLIPWAY_SIGNATURE: JSON.stringify(signature),
      SLIPWAY_PYTHON: '/usr/bin/python3',
      SLIPWAY_PREDICT_TIMEOUT_MS: '5000',
    });
    // An ONNX version beside it keeps the ONNX image.
    expect(buildVariantDeployment(cpu, 1, { ...options, pythonImage: 'ghcr.io/slipway/slipway-python:1.0' }).spec!.template.spec!.containers[0]!.image).toBe(
      'ghcr.io/slipway/slipway:1.0',
    );
  });

  it('sizes a CPU variant from its machine type and serves the artifact fetched by digest', async () => {
    const deployment = buildVariantDeployment(cpu, 3, options);
    await validateKubernetesObject(deployment);
    const pod = deployment.spec!.template.spec!;
    const runtime = pod.containers[0]!;
    expect(deployment.spec!.replicas).toBe(3);
    expect(runtime.resources).toEqual({ requests: { cpu: '2', memory: '4096Mi' }, limits: { cpu: '2', memory: '4096Mi' } });
    expect(runtime.image).toBe('ghcr.io/slipway/slipway:1.0');
    expect(runtime.readinessProbe!.httpGet!.path).toBe('/v2/health/ready');
    expect(runtime.livenessProbe!.httpGet!.path).toBe('/v2/health/live');
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(options.drainSeconds);
    expect(env(deployment)).toMatchObject({
      SLIPWAY_MODEL_PATH: `/var/cache/slipway/artifacts/${cpu.versionDigest}/models/iris.onnx`,
      SLIPWAY_MODEL_NAME: 'iris',
      SLIPWAY_MODEL_VERSION: '2',
      SLIPWAY_EXECUTION_PROVIDER: 'cpu',
      SLIPWAY_DRAIN_TIMEOUT_MS: '10000',
      SLIPWAY_FEATURE_NAMES: JSON.stringify(cpu.featureNames),
    });
    const fetcher = pod.initContainers![0]!;
    expect(fetcher.env).toContainEqual({ name: 'SLIPWAY_ARTIFACT_DIGEST', value: cpu.versionDigest });
    expect(fetcher.envFrom).toEqual([{ secretRef: { name: 'slipway-storage' } }]);
    expect(pod.nodeSelector).toBeUndefined();
    expect(pod.tolerations).toBeUndefined();
    expect(deployment.metadata!.labels).toMatchObject({
      'slipway.dev/team': cpu.teamId,
      'slipway.dev/deployment': 'iris',
      'slipway.dev/variant': cpu.variantId,
      'slipway.dev/revision': '4',
    });
    // The revision labels the Deployment, not its pods: a new revision of an unchanged variant restarts nothing.
    expect(deployment.spec!.template.metadata!.labels).not.toHaveProperty('slipway.dev/revision');
  });

  it('hands the pods what they need to send drift windows, or switches collection off without a Redis secret', async () => {
    const runtime = buildVariantDeployment(cpu, 1, options).spec!.template.spec!.containers[0]!;
    expect(runtime.env).toEqual(
      expect.arrayContaining([
        { name: 'SLIPWAY_VARIANT_ID', value: cpu.variantId },
        { name: 'SLIPWAY_PREFIX', value: 'slipway' },
        { name: 'SLIPWAY_REPLICA_ID', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
        { name: 'REDIS_URL', valueFrom: { secretKeyRef: { name: 'slipway-drift', key: 'REDIS_URL' } } },
      ]),
    );
    const without = buildVariantDeployment(cpu, 1, { ...options, driftSecret: null });
    await validateKubernetesObject(without);
    expect(env(without)).toMatchObject({ SLIPWAY_DRIFT_WINDOW_MS: '0' });
    expect(env(without)).not.toHaveProperty('REDIS_URL');
  });

  it('asks for GPUs, the CUDA image and GPU nodes for GPU sizes', async () => {
    const deployment = buildVariantDeployment(t4, 1, options);
    await validateKubernetesObject(deployment);
    const pod = deployment.spec!.template.spec!;
    expect(pod.containers[0]!.resources!.limits).toEqual({ cpu: '4', memory: '16384Mi', 'nvidia.com/gpu': '1' });
    expect(pod.containers[0]!.image).toBe('ghcr.io/slipway/slipway:1.0-cuda');
    expect(env(deployment).SLIPWAY_EXECUTION_PROVIDER).toBe('cuda');
    // Not configured: the NVIDIA device plugin's taint and GPU feature discovery's product label.
    expect(pod.nodeSelector).toEqual({ 'nvidia.com/gpu.product': 'nvidia-t4' });
    expect(pod.tolerations).toEqual([{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }]);

    const a100 = buildVariantDeployment({ ...t4, gpuType: 'nvidia-a100' }, 1, options).spec!.template.spec!;
    expect(a100.nodeSelector).toEqual({ 'cloud.google.com/gke-accelerator': 'nvidia-tesla-a100' });
    expect(a100.tolerations).toEqual(options.gpuScheduling['nvidia-a100']!.tolerations);
  });

  it('selects the variant pods with a headless Service whose EndpointSlices the gateway balances over', async () => {
    const service = buildVariantService(cpu, options);
    await validateKubernetesObject(service);
    expect(service.spec!.clusterIP).toBe('None');
    expect(service.spec!.selector).toEqual(buildVariantDeployment(cpu, 1, options).spec!.selector.matchLabels);
  });

  it('is checked by a schema validation that catches malformed objects', async () => {
    const broken = buildVariantDeployment(cpu, 1, options) as unknown as { spec: { replicas: unknown } };
    broken.spec.replicas = 'three';
    await expect(validateKubernetesObject(broken as never)).rejects.toThrow(/replicas must be integer/);
  });

  it('names objects with DNS-1035 labels people can read, however long the names', () => {
    const name = variantObjectName({ deploymentName: 'a'.repeat(63), variantName: 'canary-with-a-long-name', variantId: cpu.variantId });
    expect(name.length).toBeLessThanOrEqual(63);
    expect(name).toMatch(/^[a-z]([-a-z0-9]*[a-z0-9])?$/);
    expect(variantObjectName(cpu)).toBe('slw-iris-primary-5f0c1a2b');
  });

  it('puts each team in its namespace when namespaces are per team', () => {
    const perTeam: ClusterOptions = { ...options, namespace: { mode: 'per-team', prefix: 'slipway-team-' } };
    expect(buildVariantDeployment(cpu, 1, perTeam).metadata!.namespace).toBe(`slipway-team-${cpu.teamId}`);
  });
});

describe('team ResourceQuota', () => {
  it('mirrors the team quota with room for a blue-green switch', async () => {
    const quota = buildTeamResourceQuota(
      { teamId: cpu.teamId, vcpu: 8, memoryMb: 16384, replicas: 4, gpus: { 'nvidia-t4': 2, 'nvidia-a100': 1 } },
      ['nvidia-t4', 'nvidia-a100'],
      options,
    )!;
    await validateKubernetesObject(quota);
    expect(quota.spec!.hard).toEqual({ 'limits.cpu': '16', 'limits.memory': '32768Mi', pods: '8', 'requests.nvidia.com/gpu': '6' });
  });

  it('leaves GPUs uncapped when a GPU type of the catalog is not limited, and builds nothing for an unlimited team', () => {
    const partial = buildTeamResourceQuota(
      { teamId: cpu.teamId, vcpu: 8, memoryMb: null, replicas: null, gpus: { 'nvidia-t4': 2 } },
      ['nvidia-t4', 'nvidia-a100'],
      options,
    )!;
    expect(partial.spec!.hard).toEqual({ 'limits.cpu': '16' });
    expect(buildTeamResourceQuota({ teamId: cpu.teamId, vcpu: null, memoryMb: null, replicas: null, gpus: {} }, [], options)).toBeNull();
  });
});

describe('rollout status', () => {
  const deployment = (conditions: object[]): V1Deployment => ({
    metadata: { name: 'slw-iris', namespace: 'models' },
    spec: { progressDeadlineSeconds: 300 } as never,
    status: { conditions } as never,
  });
  const pod = (status: object): V1Pod => ({ metadata: { name: 'p' }, status: status as never });

  it('says a ResourceQuota refused the pods, with what was asked and what is left', () => {
    const problem = describeRolloutProblem(
      deployment([
        {
          type: 'ReplicaFailure',
          status: 'True',
          reason: 'FailedCreate',
          message: 'pods "slw-iris-x" is forbidden: exceeded quota: compute, requested: limits.cpu=2, used: limits.cpu=7, limited: limits.cpu=8',
        },
      ]),
      [],
    );
    expect(problem).toEqual({
      terminal: true,
      message:
        "the cluster's compute quota 'compute' in namespace models is exhausted (asked for limits.cpu=2, limits.cpu=7 already in use, limit limits.cpu=8); stop or scale down other deployments of the team, or ask an admin to raise the quota",
    });
  });

  it('reports a rollout past its progress deadline with the stuck pod’s reason', () => {
    const stuck = pod({
      conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/3 nodes are available: 3 Insufficient nvidia.com/gpu.' }],
    });
    expect(describeRolloutProblem(deployment([{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }]), [stuck])).toEqual({
      terminal: true,
      message: 'replicas did not become ready within 300 s: no node can take the replica yet: 0/3 nodes are available: 3 Insufficient nvidia.com/gpu.',
    });
    // Before the deadline the same pod is only worth mentioning.
    expect(describeRolloutProblem(deployment([{ type: 'Progressing', status: 'True' }]), [stuck])?.terminal).toBe(false);
  });

  it('gives up at once on an image that cannot be pulled', () => {
    const problem = describeRolloutProblem(deployment([]), [
      pod({
        initContainerStatuses: [
          { name: 'fetch-artifact', image: 'ghcr.io/slipway/slipway:nope', state: { waiting: { reason: 'ImagePullBackOff', message: 'manifest unknown' } } },
        ],
      }),
    ]);
    expect(problem).toEqual({ terminal: true, message: 'the image ghcr.io/slipway/slipway:nope cannot be pulled (ImagePullBackOff): manifest unknown' });
  });

  it('has nothing to say about a healthy rollout', () => {
    expect(
      describeRolloutProblem(deployment([{ type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable' }]), [pod({ phase: 'Running' })]),
    ).toBeNull();
  });
});

describe('EndpointSlices', () => {
  it('maps each pod to its address and readiness; terminating endpoints are never ready', () => {
    const slices: V1EndpointSlice[] = [
      {
        addressType: 'IPv4',
        ports: [{ name: 'http', port: 8080 }],
        endpoints: [
          { addresses: ['10.0.0.5'], conditions: { ready: true }, targetRef: { kind: 'Pod', name: 'a' } },
          { addresses: ['10.0.0.6'], conditions: { ready: false }, targetRef: { kind: 'Pod', name: 'b' } },
          { addresses: ['10.0.0.7'], conditions: { ready: true, terminating: true }, targetRef: { kind: 'Pod', name: 'c' } },
        ],
      },
      { addressType: 'IPv6', ports: [{ name: 'http', port: 8080 }], endpoints: [{ addresses: ['fd00::9'], targetRef: { kind: 'Pod', name: 'd' } }] },
    ];
    expect(Object.fromEntries(podEndpoints(slices))).toEqual({
      a: { address: 'http://10.0.0.5:8080', ready: true },
      b: { address: 'http://10.0.0.6:8080', ready: false },
      c: { address: 'http://10.0.0.7:8080', ready: false },
      d: { address: 'http://[fd00::9]:8080', ready: true },
    });
  });
});
