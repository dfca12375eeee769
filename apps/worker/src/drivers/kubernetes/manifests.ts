import path from 'node:path';
import { type ComputeQuota, type ModelSignature, replicaRuntimeEnv } from '@slipway/core';
import type { V1Deployment, V1EnvVar, V1ResourceQuota, V1Service, V1Toleration } from '@kubernetes/client-node';

/**
 * Pure builders for the objects the kubernetes driver applies: one Deployment and one headless Service
 * per variant, and a team's ResourceQuota. No I/O; the driver applies what these return.
 */

/** Where and how replicas run in the cluster: from the worker's env (see env.ts). */
export interface ClusterOptions {
  /** Distinguishes one platform's objects from another's in the same cluster (the worker's key prefix). */
  owner: string;
  namespace: { mode: 'single'; name: string } | { mode: 'per-team'; prefix: string };
  /** The Slipway image (runtime and artifact fetcher); GPU sizes use `gpuImage`, built on onnxruntime's CUDA build. */
  image: string;
  gpuImage: string | null;
  /** The Python runtime image (deploy/python-runtime.Dockerfile: the Slipway image with Debian's python3, numpy, scikit-learn) for Python versions. */
  pythonImage?: string | null;
  imagePullPolicy: 'Always' | 'IfNotPresent' | 'Never';
  /** Secret holding the blob store's settings (SLIPWAY_STORAGE, SLIPWAY_S3_*, AWS_*), read by the artifact fetcher. */
  storageSecret: string;
  /**
   * Secret in the replicas' namespace whose REDIS_URL the runtime hands its drift windows to (the only platform
   * service a replica talks to). Null: the pods collect no drift.
   */
  driftSecret: string | null;
  /** Per GPU type of the machine catalog: which nodes carry it. Types not listed get the NVIDIA device plugin's defaults. */
  gpuScheduling: Record<string, GpuScheduling>;
  /** How long a stopping replica finishes requests it has accepted (the runtime's SLIPWAY_DRAIN_TIMEOUT_MS). */
  drainSeconds: number;
  /** A rollout of a variant's pods that makes no progress for this long is reported as failed. */
  progressDeadlineSeconds: number;
  /**
   * The worker's environment: the runtime tunables an operator set there (SLIPWAY_BATCHING, SLIPWAY_MAX_BATCH_SIZE …,
   * see RUNTIME_TUNABLES) reach every pod, as they reach local replicas. Nothing else of it is read.
   */
  hostEnv: Readonly<Record<string, string | undefined>>;
}

export interface GpuScheduling {
  nodeSelector: Record<string, string>;
  tolerations: V1Toleration[];
}

/** One variant of one deployment, as the controller describes it to the driver. */
export interface VariantPlacement {
  deploymentName: string;
  variantId: string;
  variantName: string;
  teamId: string;
  revision: number;
  versionLabel: number;
  /** sha256 of the artifact in the blob store. */
  versionDigest: string;
  /** The uploaded file name (tells the fetcher how to unpack it). */
  artifactFilename: string;
  /** The ONNX file inside the unpacked artifact. */
  modelFile: string;
  featureNames?: string[];
  /** The replica set's secret: the runtime answers only callers that send it (the gateway). */
  token: string;
  vcpu: number;
  memoryMb: number;
  gpuType: string | null;
  gpuCount: number;
  /** A Python version: its predictor runs on the Python image's python3 (the pod is its sandbox). */
  python?: { predictor: string; signature: ModelSignature; modelDir: string; predictTimeoutMs?: number; concurrency?: number };
}

/** The Python image's interpreter: Debian's, with its numpy and scikit-learn. */
export const POD_PYTHON = '/usr/bin/python3';

export const RUNTIME_PORT = 8080;
/** The runtime's framed listener, which only the gateway speaks (one persistent connection per pod). */
export const FRAMED_PORT = 8081;
export const CACHE_MOUNT = '/var/cache/slipway';
export const FIELD_MANAGER = 'slipway-worker';

export const LABELS = {
  name: 'app.kubernetes.io/name',
  managedBy: 'app.kubernetes.io/managed-by',
  owner: 'slipway.dev/owner',
  team: 'slipway.dev/team',
  deployment: 'slipway.dev/deployment',
  variant: 'slipway.dev/variant',
  variantName: 'slipway.dev/variant-name',
  revision: 'slipway.dev/revision',
  /** Set on a pod once a replica record has claimed it: pods and replica records map one to one. */
  replica: 'slipway.dev/replica',
} as const;

/** The ReplicaSet removes pods with the lowest cost first: a replica being stopped goes, not a busy one. */
export const DELETION_COST_ANNOTATION = 'controller.kubernetes.io/pod-deletion-cost';

/** A label value: at most 63 of [A-Za-z0-9._-], starting and ending alphanumeric. */
export function labelValue(raw: string): string {
  return raw
    .replace(/[^A-Za-z0-9._-]/g, '-')
    .slice(0, 63)
    .replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
}

/** Selects every object of this platform (what the driver lists and watches). */
export function ownerSelector(options: Pick<ClusterOptions, 'owner'>): string {
  return `${LABELS.managedBy}=slipway,${LABELS.owner}=${labelValue(options.owner)}`;
}

export function namespaceFor(options: Pick<ClusterOptions, 'namespace'>, teamId: string): string {
  const ns = options.namespace;
  return ns.mode === 'single' ? ns.name : `${ns.prefix}${teamId}`.toLowerCase().slice(0, 63).replace(/-+$/, '');
}

/**
 * The Deployment and Service name of a variant: a DNS-1035 label (Services need one) that people can read in
 * `kubectl get`, unique through the variant id.
 */
export function variantObjectName(p: Pick<VariantPlacement, 'deploymentName' | 'variantName' | 'variantId'>): string {
  const readable = `${p.deploymentName}-${p.variantName}`.toLowerCase().replace(/[^a-z0-9-]/g, '-');
  const suffix = p.variantId
    .replace(/[^a-z0-9]/gi, '')
    .slice(0, 8)
    .toLowerCase();
  return `slw-${readable.slice(0, 63 - 'slw-'.length - suffix.length - 1).replace(/-+$/, '')}-${suffix}`;
}

function variantLabels(p: VariantPlacement, options: ClusterOptions): Record<string, string> {
  return {
    [LABELS.name]: 'slipway-runtime',
    [LABELS.managedBy]: 'slipway',
    [LABELS.owner]: labelValue(options.owner),
    [LABELS.team]: labelValue(p.teamId),
    [LABELS.deployment]: labelValue(p.deploymentName),
    [LABELS.variant]: labelValue(p.variantId),
    [LABELS.variantName]: labelValue(p.variantName),
  };
}

function selectorOf(p: VariantPlacement, options: ClusterOptions): Record<string, string> {
  return { [LABELS.owner]: labelValue(options.owner), [LABELS.variant]: labelValue(p.variantId) };
}

/** Kubernetes quantities from the machine catalog: vCPUs as cores, memory in MiB. */
function resourcesOf(p: VariantPlacement): { requests: Record<string, string>; limits: Record<string, string> } {
  const amounts = { cpu: String(p.vcpu), memory: `${p.memoryMb}Mi` };
  // Requests equal limits: the catalog sells a machine size, so the pod is sized and billed as one (Guaranteed QoS).
  if (p.gpuCount === 0) return { requests: { ...amounts }, limits: { ...amounts } };
  const gpus = { 'nvidia.com/gpu': String(p.gpuCount) };
  return { requests: { ...amounts, ...gpus }, limits: { ...amounts, ...gpus } };
}

function gpuSchedulingOf(p: VariantPlacement, options: ClusterOptions): Partial<GpuScheduling> {
  if (p.gpuCount === 0) return {};
  const configured = p.gpuType ? options.gpuScheduling[p.gpuType] : undefined;
  if (configured) return configured;
  // The NVIDIA device plugin's usual setup: GPU nodes tainted nvidia.com/gpu, labelled by GPU feature discovery.
  return {
    nodeSelector: p.gpuType ? { 'nvidia.com/gpu.product': labelValue(p.gpuType) } : {},
    tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }],
  };
}

/**
 * A variant's pods: an init container fetches the artifact by digest from the blob store into a cache volume
 * (the blob store verifies the sha256 and the fetcher unpacks it as the worker does), then the runtime serves it.
 * `replicas` is the controller's count for the variant; the ReplicaSet keeps that many pods.
 */
export function buildVariantDeployment(p: VariantPlacement, replicas: number, options: ClusterOptions): V1Deployment {
  const labels = variantLabels(p, options);
  const image = p.python ? options.pythonImage || options.image : (p.gpuCount > 0 && options.gpuImage) || options.image;
  const storageEnv = [{ secretRef: { name: options.storageSecret } }];
  const { nodeSelector, tolerations } = gpuSchedulingOf(p, options);
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: variantObjectName(p),
      namespace: namespaceFor(options, p.teamId),
      labels: { ...labels, [LABELS.revision]: String(p.revision) },
      annotations: { 'slipway.dev/version': `v${p.versionLabel} sha256:${p.versionDigest}` },
    },
    spec: {
      replicas,
      selector: { matchLabels: selectorOf(p, options) },
      progressDeadlineSeconds: options.progressDeadlineSeconds,
      // The controller does blue-green and canary between variants; within one, replacing pods one by one is enough.
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      template: {
        metadata: { labels },
        spec: {
          terminationGracePeriodSeconds: options.drainSeconds + 5,
          automountServiceAccountToken: false,
          ...(nodeSelector && Object.keys(nodeSelector).length > 0 && { nodeSelector }),
          ...(tolerations && { tolerations }),
          volumes: [{ name: 'artifact-cache', emptyDir: { sizeLimit: '20Gi' } }],
          initContainers: [
            {
              name: 'fetch-artifact',
              image,
              imagePullPolicy: options.imagePullPolicy,
              command: ['node', 'apps/worker/dist/fetch-artifact.js'],
              envFrom: storageEnv,
              env: [
                { name: 'SLIPWAY_ARTIFACT_DIGEST', value: p.versionDigest },
                { name: 'SLIPWAY_ARTIFACT_FILENAME', value: p.artifactFilename },
                { name: 'SLIPWAY_ARTIFACT_CACHE', value: `${CACHE_MOUNT}/artifacts` },
                { name: 'SLIPWAY_DATA_DIR', value: `${CACHE_MOUNT}/blobs` },
              ],
              volumeMounts: [{ name: 'artifact-cache', mountPath: CACHE_MOUNT }],
              resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '1', memory: '512Mi' } },
            },
          ],
          containers: [
            {
              name: 'runtime',
              image,
              imagePullPolicy: options.imagePullPolicy,
              command: ['node', 'apps/runtime/dist/main.js'],
              ports: [
                { name: 'http', containerPort: RUNTIME_PORT },
                { name: 'framed', containerPort: FRAMED_PORT },
              ],
              env: runtimeEnv(p, options),
              resources: resourcesOf(p),
              volumeMounts: [{ name: 'artifact-cache', mountPath: CACHE_MOUNT, readOnly: true }],
              // The runtime loads and warms the model before it listens: a large model may take minutes.
              startupProbe: { httpGet: { path: '/v2/health/live', port: 'http' }, periodSeconds: 2, failureThreshold: 300 },
              readinessProbe: { httpGet: { path: '/v2/health/ready', port: 'http' }, periodSeconds: 1, failureThreshold: 2 },
              livenessProbe: { httpGet: { path: '/v2/health/live', port: 'http' }, periodSeconds: 5, failureThreshold: 3, timeoutSeconds: 2 },
            },
          ],
        },
      },
    },
  };
}

/**
 * The runtime container's env: the replica's runtime settings as every driver builds them (replicaRuntimeEnv, with
 * the worker's tunables), placed for a pod. What differs from a local replica, and why:
 * - it listens on every interface at fixed ports, on the threads its machine type buys, and drains within the pod's
 *   termination grace period;
 * - drift windows go to the Redis of the drift secret (never the worker's own URL, which would sit in plain text in
 *   the Deployment), under the platform's prefix, labelled by the pod's name; without that secret, collection is off.
 */
export function runtimeEnv(p: VariantPlacement, options: ClusterOptions): V1EnvVar[] {
  const drift = options.driftSecret !== null;
  const { REDIS_URL: _workersRedis, ...values } = replicaRuntimeEnv(
    {
      port: RUNTIME_PORT,
      host: '0.0.0.0',
      framedPort: FRAMED_PORT,
      modelPath: p.python
        ? path.posix.join(CACHE_MOUNT, 'artifacts', p.versionDigest, p.python.modelDir)
        : `${CACHE_MOUNT}/artifacts/${p.versionDigest}/${p.modelFile}`,
      modelName: p.deploymentName,
      modelVersion: String(p.versionLabel),
      token: p.token,
      ...(drift && { variantId: p.variantId }),
      featureNames: p.featureNames,
      intraOpThreads: Math.max(1, p.vcpu),
      executionProvider: p.gpuCount > 0 ? 'cuda' : 'cpu',
      drainTimeoutMs: options.drainSeconds * 1000,
      ...(p.python && {
        python: {
          predictor: p.python.predictor,
          signature: p.python.signature,
          interpreter: POD_PYTHON,
          predictTimeoutMs: p.python.predictTimeoutMs,
          concurrency: p.python.concurrency,
        },
      }),
    },
    options.hostEnv,
  );
  const env: V1EnvVar[] = Object.entries({ ...values, SLIPWAY_PREFIX: options.owner, ...(!drift && { SLIPWAY_DRIFT_WINDOW_MS: '0' }) }).map(
    ([name, value]) => ({ name, value }),
  );
  // Windows are deduplicated per replica: the pod's name, since every pod's process is pid 1.
  env.push({ name: 'SLIPWAY_REPLICA_ID', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } });
  if (drift) env.push({ name: 'REDIS_URL', valueFrom: { secretKeyRef: { name: options.driftSecret!, key: 'REDIS_URL' } } });
  return env;
}

/**
 * Headless: no virtual IP, kube-proxy stays out of the way. It exists so the EndpointSlice controller publishes
 * the variant's pods and their readiness, which the driver watches and the gateway balances over per pod.
 */
export function buildVariantService(p: VariantPlacement, options: ClusterOptions): V1Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: variantObjectName(p), namespace: namespaceFor(options, p.teamId), labels: variantLabels(p, options) },
    spec: {
      clusterIP: 'None',
      selector: selectorOf(p, options),
      ports: [{ name: 'http', port: RUNTIME_PORT, targetPort: 'http' }],
      publishNotReadyAddresses: false,
    },
  };
}

/** A team's compute quota, as the platform keeps it (null: not limited; a GPU type missing: not limited). */
export type TeamQuota = ComputeQuota & { teamId: string };

/**
 * The team's namespace ResourceQuota: a backstop behind Slipway's own admission check, for per-team namespaces.
 * Twice the quota, because blue-green runs the new replicas beside the old ones until the switch (Slipway admits
 * a revision by its own size). GPUs are capped in total only when every GPU type of the catalog is limited:
 * Kubernetes counts `nvidia.com/gpu` without types. Null when nothing is limited.
 */
export function buildTeamResourceQuota(quota: TeamQuota, catalogGpuTypes: string[], options: ClusterOptions): V1ResourceQuota | null {
  const hard: Record<string, string> = {};
  if (quota.vcpu !== null) hard['limits.cpu'] = String(quota.vcpu * 2);
  if (quota.memoryMb !== null) hard['limits.memory'] = `${quota.memoryMb * 2}Mi`;
  if (quota.replicas !== null) hard.pods = String(quota.replicas * 2);
  if (catalogGpuTypes.length > 0 && catalogGpuTypes.every((t) => t in quota.gpus)) {
    hard['requests.nvidia.com/gpu'] = String(catalogGpuTypes.reduce((n, t) => n + quota.gpus[t]!, 0) * 2);
  }
  if (Object.keys(hard).length === 0) return null;
  return {
    apiVersion: 'v1',
    kind: 'ResourceQuota',
    metadata: {
      name: 'slipway-compute',
      namespace: namespaceFor(options, quota.teamId),
      labels: { [LABELS.managedBy]: 'slipway', [LABELS.owner]: labelValue(options.owner), [LABELS.team]: labelValue(quota.teamId) },
    },
    spec: { hard },
  };
}
