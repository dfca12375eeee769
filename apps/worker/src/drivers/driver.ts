import type { ModelSignature, ServiceLaunch } from '@slipway/core';

/** What a driver needs to place one replica of one model version. */
export interface ReplicaSpec {
  replicaId: string;
  deploymentName: string;
  teamId: string;
  /** The revision being rolled out when the replica was asked for. */
  revision: number;
  /** The replica set (variant row) it belongs to: drivers that place whole sets (Kubernetes) group by it; drift windows are labelled with it. */
  variantId: string;
  variantName: string;
  versionLabel: number;
  /** The artifact in the blob store, for drivers that fetch it where the replica runs. */
  versionDigest: string;
  artifactFilename: string;
  /** The ONNX file inside the unpacked artifact. */
  modelFile: string;
  /**
   * Unpacks the artifact into this host's cache and gives the ONNX file's path there: only drivers that run the
   * model on this host call it (pods fetch the artifact themselves, by digest).
   */
  localModelPath(): Promise<string>;
  /** The replica set's secret: it answers only requests that carry it (the gateway's, from the routing table). */
  token: string;
  /** From the version's manifest: lets callers send named features. */
  featureNames?: string[];
  /** A service (`runtime: service`): the user's process is the replica; `localArtifactDir` gives its unpacked artifact. */
  service?: ServiceLaunch & { localArtifactDir(): Promise<string> };
  vcpu: number;
  memoryMb: number;
  gpuType: string | null;
  gpuCount: number;
  /** A Python model (slipway.yaml `runtime: python`, an MLflow sklearn model): served by the Python runtime. */
  python?: PythonReplicaSpec;
}

export interface PythonReplicaSpec {
  predictor: string;
  signature: ModelSignature;
  /** The directory `load` is given, relative to the unpacked artifact ('.' for its root). */
  modelDir: string;
  /** The version installs packages (requirements.txt, wheels/) into its environment, not only the host's Python. */
  installsPackages: boolean;
  /** The version's own predict timeout (slipway.yaml predict_timeout_ms), over the host's. */
  predictTimeoutMs?: number;
  /** The version's Python processes per replica (slipway.yaml concurrency), over the host's. */
  concurrency?: number;
  /**
   * Unpacks the artifact and builds (or reuses) the version's environment on this host: the model directory and the
   * environment's interpreter there. Only drivers that run the model on this host call it; no replica runs pip.
   */
  localPrepare(): Promise<{ modelDir: string; interpreter: string }>;
}

export interface PlacedReplica {
  address: string;
  /** The framed transport's address (`tcp://host:port`) when the driver can offer one; gateways prefer it. */
  framedAddress?: string;
  pid: number | null;
  /** The path that answers 200 once ready, when not the runtime's (`/v2/health/ready`): a service's health path. */
  readyPath?: string;
}

/** The path a replica answers its readiness probe on. */
export function readyPathOf(replica: Pick<PlacedReplica, 'readyPath'>): string {
  return replica.readyPath ?? '/v2/health/ready';
}

/** Places replicas somewhere (child processes, Kubernetes pods …) and removes them. */
export interface ReplicaDriver {
  readonly name: string;
  /** Throws a DriverError with a user-facing message when the spec cannot be placed. */
  start(spec: ReplicaSpec): Promise<PlacedReplica>;
  /** Resolves once the replica answers its readiness probe; throws a ReadyTimeoutError after the timeout. */
  waitReady(replica: PlacedReplica, timeoutMs: number): Promise<void>;
  /**
   * Resolves once the replica is gone. Also stops replicas an earlier worker process started (known by
   * id and pid), after checking the pid still belongs to that replica; otherwise does nothing.
   */
  stop(replica: ReplicaRef): Promise<void>;
  /** Own replica: not exited yet. Adopted one (an earlier worker's): its pid still belongs to it. */
  isAlive(replica: ReplicaRef): boolean;
  /** Replicas of this platform running where the driver places them, whoever started them: finds orphans. */
  running(): ReplicaRef[];
  /** Called when a replica this driver started (start() resolved) exits without stop() having been called for it. */
  onExit(listener: ReplicaExitListener): void;
  /** Releases the driver: the local driver stops the replicas it started; the kubernetes driver only stops watching. */
  close(): Promise<void>;
}

export interface ReplicaRef {
  id: string;
  /** The local driver's process id; null for replicas that are not processes of this host (pods). */
  pid: number | null;
}

/** `reason`: what happened when it was not an exit of a process (a pod evicted or deleted). */
export type ReplicaExitListener = (replicaId: string, detail: { code: number | null; signal: string | null; reason?: string }) => void;

export class DriverError extends Error {}

/** The replica did not become ready in time: unlike other DriverErrors, worth retrying. */
export class ReadyTimeoutError extends DriverError {}
