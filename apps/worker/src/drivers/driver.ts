/** What a driver needs to place one replica of one model version. */
export interface ReplicaSpec {
  replicaId: string;
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
  /** Resolves once the replica answers its readiness probe; throws after the timeout. */
  waitReady(replica: PlacedReplica, timeoutMs: number): Promise<void>;
  stop(replica: { id: string; pid: number | null }): Promise<void>;
  close(): Promise<void>;
}

export class DriverError extends Error {}
