import { randomBytes } from 'node:crypto';
import { ArtifactError, slipwayManifestSchema } from '@slipway/artifacts';
import { recordEvent } from '@slipway/controller';
import { EnvironmentBuildError } from '@slipway/environments';
import type { Replica, ReplicaState } from '@slipway/db';
import { modelFile } from '../artifact-cache';
import { DriverError, type PythonReplicaSpec, ReadyTimeoutError } from '../drivers/driver';
import type { Controller, VariantRow } from './context';
import type { RoutingUpdate } from './routing';
import { readyPathOfVersion, serviceLaunchOf } from './service-spec';

/** A replica set that cannot come up however often it is tried (the version cannot load, no GPU here). */
export class TerminalStartError extends Error {
  constructor(
    readonly templateKey: string,
    message: string,
  ) {
    super(message);
  }
}

type Row = VariantRow;
type DeploymentRef = { id: string; name: string; teamId: string; targetRevision: number };

/** Failed starts of one replica set within this window before it counts as unable to start. */
const START_FAILURE_LIMIT = 3;
const START_FAILURE_WINDOW_MS = 10 * 60 * 1000;
const START_FAILED = 'start failed: ';

/**
 * Brings each replica set to its wanted count: adopts replicas an interrupted pass left starting,
 * starts the missing ones (in parallel) and waits until they are ready, and takes surplus ones out of
 * routing to drain. A start that times out is retried by the next pass; a terminal one throws. Replicas that
 * become ready are marked in `routing` for the pass to publish.
 */
export async function startReplicas(c: Controller, deployment: DeploymentRef, rows: Row[], wanted: Map<string, number>, routing: RoutingUpdate): Promise<void> {
  const { db } = c;
  const deploymentId = deployment.id;
  const work: Promise<void>[] = [];
  let surplus: Replica[] = [];
  for (const row of rows) {
    const want = wanted.get(row.templateKey) ?? 0;
    const live = row.replicaList.filter((r) => r.state === 'starting' || r.state === 'ready');
    for (const orphan of live.filter((r) => r.state === 'starting')) work.push(adopt(c, deploymentId, row, orphan, routing));
    // Scaling down never takes a replica that is still starting.
    const excess = live.length - want;
    if (excess > 0) surplus = surplus.concat(live.filter((r) => r.state === 'ready').slice(-excess));
    const missing = want - live.length;
    if (missing <= 0) continue;
    const recentFailures = await db.replica.findMany({
      where: { variantId: row.id, state: 'failed', reason: { startsWith: START_FAILED }, createdAt: { gte: new Date(c.clock() - START_FAILURE_WINDOW_MS) } },
      orderBy: { createdAt: 'desc' },
    });
    if (recentFailures.length >= START_FAILURE_LIMIT) {
      throw new TerminalStartError(
        row.templateKey,
        `${recentFailures.length} replicas of ${row.name} failed to start, the last with: ${recentFailures[0]!.reason!.slice(START_FAILED.length)}`,
      );
    }
    for (let i = 0; i < missing; i++) work.push(startOne(c, deployment, row, live.length + i + 1, want, routing));
  }
  if (surplus.length > 0) {
    await db.replica.updateMany({ where: { id: { in: surplus.map((r) => r.id) } }, data: { state: 'draining' } });
    // Their drain time runs from now: out of the gateways' table now, not after the starts below (which may take minutes).
    routing.markDirty();
    await routing.flush();
    await recordEvent(db, deploymentId, { step: 'scaled', message: `Draining ${surplus.length} surplus replica(s)`, progress: 1 });
  }
  const results = await Promise.allSettled(work);
  const terminal = results.find((r): r is PromiseRejectedResult => r.status === 'rejected' && r.reason instanceof TerminalStartError);
  if (terminal) throw terminal.reason;
  const other = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (other) throw other.reason;
}

/**
 * One secret per replica set, made by whichever start comes first: replicas started side by side agree on it, and
 * a driver that stamps one template for the whole set (Kubernetes) can give every pod the same.
 */
async function variantToken({ db }: Controller, variantId: string): Promise<string> {
  await db.variant.updateMany({ where: { id: variantId, replicaToken: null }, data: { replicaToken: randomBytes(24).toString('base64url') } });
  return (await db.variant.findUniqueOrThrow({ where: { id: variantId }, select: { replicaToken: true } })).replicaToken!;
}

async function startOne(c: Controller, deployment: DeploymentRef, row: Row, index: number, total: number, routing: RoutingUpdate): Promise<void> {
  const { db, driver } = c;
  const deploymentId = deployment.id;
  const version = await db.modelVersion.findUniqueOrThrow({ where: { id: row.versionId } });
  const machineType = await db.machineType.findUniqueOrThrow({ where: { id: row.machineTypeId } });
  const manifest = slipwayManifestSchema.safeParse(version.manifest);
  // The replica answers only callers that send its variant's secret, which the routing table gives the gateway.
  const replica = await db.replica.create({ data: { variantId: row.id, token: await variantToken(c, row.id) } });
  const label = `Replica ${index}/${total} of ${row.name} (v${version.label})`;
  try {
    const service = await serviceLaunchOf(c, version, deployment.teamId, row.templateKey);
    const placed = await driver.start({
      replicaId: replica.id,
      deploymentName: deployment.name,
      teamId: deployment.teamId,
      revision: deployment.targetRevision,
      variantId: row.id,
      variantName: row.name,
      versionLabel: version.label,
      versionDigest: version.digest,
      artifactFilename: version.filename,
      modelFile: modelFile(version),
      localModelPath: async () => (await c.artifacts.modelPath(version)).modelPath,
      python: pythonReplica(c, version),
      token: replica.token!,
      featureNames: manifest.success ? manifest.data.features : undefined,
      ...(service && { service }),
      vcpu: machineType.vcpu,
      memoryMb: machineType.memoryMb,
      gpuType: machineType.gpuType,
      gpuCount: machineType.gpuCount,
    });
    await db.replica.update({ where: { id: replica.id }, data: { address: placed.address, framedAddress: placed.framedAddress ?? null, pid: placed.pid } });
    await recordEvent(db, deploymentId, { step: 'replica-started', message: `${label} started at ${placed.address}`, progress: 0.2 });
    await driver.waitReady(placed, service?.startupTimeoutMs ?? c.readyTimeoutMs);
  } catch (error) {
    if (error instanceof TerminalStartError) {
      await db.replica.update({ where: { id: replica.id }, data: { state: 'failed', reason: `${START_FAILED}${error.message}` } });
      await recordEvent(db, deploymentId, { step: 'replica-failed', level: 'error', message: `${label} cannot start: ${error.message}`, progress: 0.2 });
      throw error;
    }
    const reason = error instanceof Error ? error.message : String(error);
    await driver.stop({ id: replica.id, pid: (await db.replica.findUnique({ where: { id: replica.id } }))?.pid ?? null }).catch(() => undefined);
    await db.replica.update({ where: { id: replica.id }, data: { state: 'failed', reason: `${START_FAILED}${reason}` } });
    const terminal = (error instanceof DriverError && !(error instanceof ReadyTimeoutError)) || error instanceof ArtifactError;
    await recordEvent(db, deploymentId, {
      step: 'replica-failed',
      level: terminal ? 'error' : 'warn',
      message: `${label} failed to start: ${reason}`,
      progress: 0.2,
    });
    if (terminal) throw new TerminalStartError(row.templateKey, reason);
    return;
  }
  await markReady(c, deploymentId, replica.id, `${label} is ready`, routing);
}

/** How a Python version's replicas run (null for ONNX): its environment is built on a host that runs one, once. */
function pythonReplica(c: Controller, version: { digest: string; filename: string; details: unknown }): PythonReplicaSpec | undefined {
  const source = c.artifacts.pythonModel(version);
  if (!source) return undefined;
  const { predictor, signature, modelDir, predictTimeoutMs, concurrency, requirementsFile, wheels } = source.python;
  return {
    predictor,
    signature,
    modelDir,
    installsPackages: requirementsFile !== null || wheels.length > 0,
    ...(predictTimeoutMs && { predictTimeoutMs }),
    ...(concurrency && { concurrency }),
    localPrepare: async () => {
      const prepared = await source.prepare().catch((error: unknown) => {
        if (error instanceof EnvironmentBuildError) throw new DriverError(`the Python environment could not be built: ${error.message}`);
        throw error;
      });
      return { modelDir: prepared.modelDir, interpreter: prepared.environment.python };
    },
  };
}

/** A replica an interrupted pass (or a killed worker) left starting: wait for it, or replace it. */
async function adopt(c: Controller, deploymentId: string, row: Row, replica: Replica, routing: RoutingUpdate): Promise<void> {
  if (replica.address) {
    try {
      const version = await c.db.modelVersion.findUniqueOrThrow({ where: { id: row.versionId }, select: { details: true } });
      const readyPath = readyPathOfVersion(version.details);
      await c.driver.waitReady({ address: replica.address, pid: replica.pid, ...(readyPath && { readyPath }) }, c.readyTimeoutMs);
      return markReady(c, deploymentId, replica.id, `Replica of ${row.name} started by an earlier pass is ready`, routing);
    } catch {
      // Fall through: not coming up.
    }
  }
  await c.driver.stop({ id: replica.id, pid: replica.pid }).catch(() => undefined);
  await c.db.replica.update({ where: { id: replica.id }, data: { state: 'failed', reason: 'lost while starting (the worker stopped)' } });
}

async function markReady(c: Controller, deploymentId: string, replicaId: string, message: string, routing: RoutingUpdate): Promise<void> {
  // Only a replica still starting: a probe or exit may have failed it meanwhile.
  const { count } = await c.db.replica.updateMany({ where: { id: replicaId, state: 'starting' }, data: { state: 'ready' } });
  if (count === 0) return;
  routing.markDirty();
  await recordEvent(c.db, deploymentId, { step: 'replica-ready', message, progress: 0.4 });
}

/** Stops replicas through the driver (process groups, identity checked) and records their end state. */
export async function stopReplicas(c: Controller, replicas: Pick<Replica, 'id' | 'pid'>[], finalState: ReplicaState): Promise<void> {
  await Promise.all(replicas.map((r) => c.driver.stop({ id: r.id, pid: r.pid })));
  if (replicas.length > 0) await c.db.replica.updateMany({ where: { id: { in: replicas.map((r) => r.id) } }, data: { state: finalState } });
}
