/** What a driver needs to place one replica of one model version. */
export interface ReplicaSpec {
  replicaId: string;
  /** The variant it serves: the replica labels its drift windows with it. */
  variantId: string;
  deploymentName: string;
  versionLabel: number;
  /** The ONNX file in this host's artifact cache. */
  modelPath: string;
  /** From the version's manifest: lets callers send named features. */
  featureNames?: string[];
  vcpu: number;
  memoryMb: number;
  gpuCount: number;
}

export interface PlacedReplica {
  address: string;
  pid: number | null;
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
  /** Stops every replica this driver started. */
  close(): Promise<void>;
}

export interface ReplicaRef {
  id: string;
  pid: number | null;
}

export type ReplicaExitListener = (replicaId: string, detail: { code: number | null; signal: string | null }) => void;

export class DriverError extends Error {}

/** The replica did not become ready in time: unlike other DriverErrors, worth retrying. */
export class ReadyTimeoutError extends DriverError {}
