import { peakReplicas, templateOf, type DeploymentSpec, type RolloutState, type VariantSpec } from '@slipway/core';
import { recordEvent } from '@slipway/controller';
import { type Controller, LIVE, type VariantRow } from './context';
import type { Observed } from './observe';
import { startReplicas, TerminalStartError } from './replicas';
import type { RoutingUpdate } from './routing';

const HEAL_RETRY_MS = 30_000;

/** The replica sets of a pass, by template key, with the count each should run. */
export interface Placed {
  kind: 'placed';
  rows: Map<string, VariantRow>;
  wanted: Map<string, number>;
}

export type Placement = Placed | { kind: 'fail-rollout'; reason: string } | { kind: 'retry'; afterMs: number };

/**
 * Place and scale: a replica set for every variant of the target (and of the stable revision still serving),
 * each brought to the count it should run. A set that cannot come up fails a rollout that needs it; a serving
 * revision keeps serving with what it has and healing tries again later.
 */
export async function placeReplicas(c: Controller, seen: Observed, routing: RoutingUpdate): Promise<Placement> {
  const { deployment, target, stable, converged, state } = seen;
  let rows: Map<string, VariantRow>;
  try {
    rows = await ensureReplicaSets(c, deployment, target.spec, stable?.spec ?? null);
  } catch (error) {
    if (error instanceof TerminalStartError) return { kind: 'fail-rollout', reason: error.message };
    throw error;
  }
  const wanted = await setWantedCounts(c, rows, wantedReplicas([...rows.values()], target.spec, stable?.spec ?? null, state.phase), routing);
  try {
    await startReplicas(c, deployment, [...rows.values()], wanted, routing);
  } catch (error) {
    if (!(error instanceof TerminalStartError)) throw error;
    if (startFailureFailsRollout(converged, target.spec, error.templateKey)) return { kind: 'fail-rollout', reason: error.message };
    await recordEvent(c.db, deployment.id, {
      step: 'healing',
      level: 'error',
      message: `Cannot replace replicas: ${error.message}; trying again in 30 s`,
      progress: 1,
    });
    return { kind: 'retry', afterMs: HEAL_RETRY_MS };
  }
  return { kind: 'placed', rows, wanted };
}

/** A replica set that cannot start fails the rollout only when the target needs it; otherwise healing retries. */
export function startFailureFailsRollout(converged: boolean, target: DeploymentSpec, templateKey: string): boolean {
  return !converged && target.variants.some((v) => templateOf(v) === templateKey);
}

/**
 * The spec each replica set follows and the replicas it should run: the target's variants, and until the switch
 * (phase draining) the stable revision's; a set in neither runs none. An autoscaled set runs what the autoscaler
 * last decided (it owns the bounds, schedules included), capped by its peak.
 */
export function wantedReplicas(
  rows: Pick<VariantRow, 'templateKey' | 'replicas'>[],
  target: DeploymentSpec,
  stable: DeploymentSpec | null,
  phase: RolloutState['phase'],
): Map<string, { spec: VariantSpec | undefined; count: number }> {
  const stableSpecs = new Map((stable?.variants ?? []).map((v) => [templateOf(v), v]));
  const wanted = new Map<string, { spec: VariantSpec | undefined; count: number }>();
  for (const row of rows) {
    const spec = target.variants.find((v) => templateOf(v) === row.templateKey) ?? (phase !== 'draining' ? stableSpecs.get(row.templateKey) : undefined);
    const count = !spec ? 0 : spec.autoscaling ? Math.min(peakReplicas(spec.autoscaling), row.replicas) : spec.replicas;
    wanted.set(row.templateKey, { spec, count });
  }
  return wanted;
}

/** Stores each followed set's count (the routing table tells gateways how many replicas are coming). */
async function setWantedCounts(
  c: Controller,
  rows: Map<string, VariantRow>,
  wanted: Map<string, { spec: VariantSpec | undefined; count: number }>,
  routing: RoutingUpdate,
): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const [key, row] of rows) {
    const { spec, count } = wanted.get(key) ?? { spec: undefined, count: 0 };
    counts.set(key, count);
    if (!spec || row.replicas === count) continue;
    await c.db.variant.update({ where: { id: row.id }, data: { replicas: count } });
    row.replicas = count;
    routing.markDirty();
  }
  return counts;
}

/** Upserts one replica-set row per variant of the target and stable specs (un-retiring a returning one). */
async function ensureReplicaSets(
  c: Controller,
  deployment: { id: string; modelId: string },
  target: DeploymentSpec,
  stable: DeploymentSpec | null,
): Promise<Map<string, VariantRow>> {
  const deploymentId = deployment.id;
  const specs = new Map<string, VariantSpec>();
  for (const v of stable?.variants ?? []) specs.set(templateOf(v), v);
  for (const v of target.variants) specs.set(templateOf(v), v);
  for (const [templateKey, spec] of specs) {
    const version = await c.db.modelVersion.findUnique({ where: { modelId_digest: { modelId: deployment.modelId, digest: spec.versionDigest } } });
    if (!version || version.status !== 'ready') {
      throw new TerminalStartError(
        templateKey,
        `version v${spec.versionLabel} (sha256:${spec.versionDigest.slice(0, 12)}) is ${version ? version.status : 'deleted'}, not ready`,
      );
    }
    const machineType = await c.db.machineType.findUnique({ where: { name: spec.machineType } });
    if (!machineType) throw new TerminalStartError(templateKey, `machine type '${spec.machineType}' no longer exists`);
    await c.db.variant.upsert({
      where: { deploymentId_templateKey: { deploymentId, templateKey } },
      create: {
        deploymentId,
        templateKey,
        name: spec.name,
        role: spec.role,
        versionId: version.id,
        machineTypeId: machineType.id,
        replicas: spec.replicas,
        trafficWeight: 0,
      },
      update: { retiredAt: null, role: spec.role },
    });
  }
  const rows = await c.db.variant.findMany({
    where: { deploymentId, retiredAt: null },
    include: { replicaList: { where: { state: { in: [...LIVE, 'draining'] } } } },
    orderBy: { createdAt: 'asc' },
  });
  return new Map(rows.map((row) => [row.templateKey, row]));
}
