import path from 'node:path';
import { computeQuotaOf, type DriverCapacity } from '@slipway/core';
import type { Db } from '@slipway/db';
import type { ReplicaDriver } from './driver';
import { KubernetesDriver, loadKubeConfig } from './kubernetes/kubernetes-driver';
import { LocalDriver } from './local-driver';
import { resolveBwrap } from '@slipway/environments';
import type { WorkerEnv } from '../env';

/** What the driver the env selects can place: published for the console to mark machine types it cannot. */
export function driverCapacity(env: WorkerEnv): DriverCapacity {
  if (env.SLIPWAY_DRIVER === 'local') return { driver: 'local', hostGpus: env.SLIPWAY_HOST_GPUS };
  // A GPU model without a scheduling entry still gets the default node selector: no model is refused for it.
  return { driver: 'kubernetes', gpuImage: Boolean(env.SLIPWAY_K8S_RUNTIME_GPU_IMAGE), gpuTypes: null };
}

/** The driver the worker's env selects (SLIPWAY_DRIVER). */
export async function createDriver(env: WorkerEnv, db: Db, log: (line: string) => void): Promise<ReplicaDriver> {
  if (env.SLIPWAY_DRIVER === 'local') {
    return new LocalDriver({
      hostGpus: env.SLIPWAY_HOST_GPUS,
      bindHost: env.SLIPWAY_REPLICA_BIND_HOST,
      advertiseHost: env.SLIPWAY_REPLICA_ADVERTISE_HOST ?? env.SLIPWAY_REPLICA_BIND_HOST,
      owner: env.SLIPWAY_PREFIX,
      dataDir: path.resolve(env.SLIPWAY_DATA_DIR),
      log,
      bwrap: resolveBwrap(env.SLIPWAY_SANDBOX),
    });
  }
  return KubernetesDriver.connect({
    kubeConfig: loadKubeConfig(),
    owner: env.SLIPWAY_PREFIX,
    namespace: env.SLIPWAY_K8S_NAMESPACE_PREFIX
      ? { mode: 'per-team', prefix: env.SLIPWAY_K8S_NAMESPACE_PREFIX }
      : { mode: 'single', name: env.SLIPWAY_K8S_NAMESPACE },
    image: env.SLIPWAY_K8S_RUNTIME_IMAGE!,
    gpuImage: env.SLIPWAY_K8S_RUNTIME_GPU_IMAGE ?? null,
    pythonImage: env.SLIPWAY_K8S_PYTHON_RUNTIME_IMAGE ?? null,
    imagePullPolicy: env.SLIPWAY_K8S_IMAGE_PULL_POLICY,
    storageSecret: env.SLIPWAY_K8S_STORAGE_SECRET,
    driftSecret: env.SLIPWAY_K8S_DRIFT_SECRET ?? null,
    gpuScheduling: env.SLIPWAY_K8S_GPU_SCHEDULING,
    drainSeconds: env.SLIPWAY_K8S_DRAIN_SECONDS,
    progressDeadlineSeconds: env.SLIPWAY_K8S_PROGRESS_DEADLINE_SECONDS,
    // The runtime tunables set on the worker reach pods as they reach local replicas (only those are read).
    hostEnv: process.env,
    placeTimeoutMs: env.SLIPWAY_K8S_PLACE_TIMEOUT_MS,
    teamQuota: async (teamId) => {
      const team = await db.team.findUniqueOrThrow({ where: { id: teamId } });
      const gpuTypes = await db.machineType.findMany({ where: { gpuType: { not: null } }, select: { gpuType: true }, distinct: ['gpuType'] });
      return {
        quota: { teamId, ...computeQuotaOf(team) },
        catalogGpuTypes: gpuTypes.map((m) => m.gpuType!),
      };
    },
    log,
  });
}
