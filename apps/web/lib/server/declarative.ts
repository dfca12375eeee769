import {
  addUsage,
  type AppliedPlan,
  checkComputeQuota,
  computeQuotaOf,
  declaredSpec,
  fieldChanges,
  hourlyCostRange,
  NO_USAGE,
  planAction,
  planSummary,
  rolloutInProgress,
  worstCaseUsage,
  type DeclaredDeployment,
  type DeploymentPlan,
  type DeploymentFile,
  type DeploymentSpec,
  type PlannedDeployment,
  type ResolvedVersion,
} from '@slipway/core';
import { deploy, stop, targetSpec, update } from '@slipway/controller';
import type { Deployment, Model, TeamRole } from '@slipway/db';
import { requireTeamRole, visibleTeamIds, type SessionUser } from './auth';
import { assertComputeQuota, worstCaseByDeployment } from './compute-quota';
import { serverContext } from './context';
import { ApiError } from './errors';
import { applyGraphs, planGraphs } from './graphs';

interface Step {
  planned: PlannedDeployment;
  model: Pick<Model, 'id' | 'teamId'>;
  existing: Deployment | null;
  desired: DeploymentSpec | null;
}

const RELEASED = ['stopped', 'failed'];
const holdsCompute = (d: Deployment | null): d is Deployment => d !== null && !RELEASED.includes(d.status);

const where = (d: { name: string }, i: number) => `deployments.${i} (${d.name})`;

async function resolveVersions(d: DeclaredDeployment, i: number, model: Model): Promise<ResolvedVersion[]> {
  const { db } = serverContext();
  return Promise.all(
    d.variants.map(async (v) => {
      const version = v.versionDigest
        ? await db.modelVersion.findUnique({ where: { modelId_digest: { modelId: model.id, digest: v.versionDigest } } })
        : await db.modelVersion.findUnique({ where: { modelId_label: { modelId: model.id, label: v.versionLabel! } } });
      const ref = v.versionDigest ? `sha256:${v.versionDigest}` : `v${v.versionLabel}`;
      if (!version) throw new ApiError('not_found', `${where(d, i)}: variant '${v.name}': version ${ref} of '${model.name}' not found`);
      if (version.status !== 'ready') {
        throw new ApiError(
          'conflict',
          `${where(d, i)}: variant '${v.name}': version v${version.label} is ${version.status}; only ready versions can be deployed`,
        );
      }
      return { digest: version.digest, label: version.label };
    }),
  );
}

/**
 * What applying `file` would change, deployment by deployment, with cost and quota. With `prune`,
 * running deployments the caller can see that the file does not name are destroyed (stopped).
 * Throws (4xx) for what no apply could do: unknown models, versions or machine types, invalid specs.
 */
async function planSteps(user: SessionUser, file: DeploymentFile, options: { prune: boolean; minimum: TeamRole }): Promise<Step[]> {
  const { db, transitions } = serverContext();
  const catalog = (await db.machineType.findMany()).map((m) => ({ ...m, hourlyCost: Number(m.hourlyCost) }));
  const known = new Set(catalog.map((m) => m.name));
  const steps: Step[] = [];
  for (const [i, d] of file.deployments.entries()) {
    const model = await db.model.findUnique({ where: { name: d.model } });
    if (!model) throw new ApiError('not_found', `${where(d, i)}: model '${d.model}' not found`);
    requireTeamRole(user, model.teamId, options.minimum, `model '${d.model}'`);
    const found = await db.deployment.findUnique({ where: { name: d.name } });
    if (found) requireTeamRole(user, found.teamId, options.minimum, `deployment '${d.name}'`);
    const existing = holdsCompute(found) ? found : null;
    if (existing && existing.modelId !== model.id) {
      throw new ApiError('validation_error', `${where(d, i)}: the running deployment serves another model than '${d.model}'; stop it or pick another name`);
    }
    for (const v of d.variants) {
      if (!known.has(v.machineType)) throw new ApiError('validation_error', `${where(d, i)}: variant '${v.name}': unknown machine type '${v.machineType}'`);
    }
    const current = existing ? await targetSpec(transitions, existing.id, existing.targetRevision) : null;
    const resolved = declaredSpec(d, await resolveVersions(d, i, model), current);
    if (!resolved.ok) throw new ApiError('validation_error', `${where(d, i)}: ${resolved.problems.join('; ')}`);
    steps.push({ planned: planned(d.name, d.model, current, resolved.spec, catalog), model, existing: found, desired: resolved.spec });
  }
  if (options.prune) {
    const named = new Set(file.deployments.map((d) => d.name));
    const teamIds = visibleTeamIds(user);
    const others = await db.deployment.findMany({
      where: {
        status: { notIn: RELEASED as Deployment['status'][] },
        deletedAt: null,
        name: { notIn: [...named] },
        ...(teamIds && { teamId: { in: teamIds } }),
      },
      include: { model: true },
      orderBy: { name: 'asc' },
    });
    for (const { model, ...d } of others) {
      requireTeamRole(user, d.teamId, options.minimum, `deployment '${d.name}'`);
      const current = await targetSpec(transitions, d.id, d.targetRevision);
      steps.push({ planned: planned(d.name, model.name, current, null, catalog), model, existing: d, desired: null });
    }
  }
  await checkQuotas(steps, catalog);
  return steps;
}

function planned(
  name: string,
  model: string,
  before: DeploymentSpec | null,
  after: DeploymentSpec | null,
  catalog: Parameters<typeof worstCaseUsage>[1] & Parameters<typeof hourlyCostRange>[1],
): PlannedDeployment {
  const changes = fieldChanges(before, after);
  return {
    name,
    model,
    action: planAction(before, after, changes),
    changes,
    hourlyCost: { before: before && hourlyCostRange(before, catalog), after: after && hourlyCostRange(after, catalog) },
    usage: { before: before && worstCaseUsage(before, catalog), after: after && worstCaseUsage(after, catalog) },
    quota: { ok: true },
  };
}

/**
 * Each created or changed deployment against its team's quota, beside the team's other deployments and
 * the file's earlier deployments as they will be (they are written first), so that a file is admitted or
 * refused as a whole.
 */
async function checkQuotas(steps: Step[], catalog: Parameters<typeof worstCaseUsage>[1]): Promise<void> {
  const { db } = serverContext();
  for (const [k, step] of steps.entries()) {
    if (!step.desired || step.planned.action === 'none') continue;
    const team = await db.team.findUniqueOrThrow({ where: { id: step.model.teamId } });
    const running = await worstCaseByDeployment(db, catalog, [team.id]);
    const id = holdsCompute(step.existing) ? step.existing.id : null;
    const earlier = steps.slice(0, k).filter((s) => s.desired && s.planned.action !== 'none' && s.model.teamId === team.id);
    const replaced = new Set(earlier.flatMap((s) => (holdsCompute(s.existing) ? [s.existing.id] : [])));
    const others = [
      ...running.filter((d) => d.id !== id && !replaced.has(d.id)).map((d) => d.usage),
      ...earlier.map((s) => worstCaseUsage(s.desired!, catalog)),
    ].reduce(addUsage, NO_USAGE);
    step.planned.quota = checkComputeQuota({ ...computeQuotaOf(team), teamName: team.name }, others, {
      spec: step.desired,
      machineTypes: catalog,
      replacing: running.find((d) => d.id === id)?.usage,
    });
  }
}

function summarize(steps: Step[]): DeploymentPlan {
  const total = (pick: (p: PlannedDeployment) => { min: number; max: number } | null) =>
    steps.reduce(
      (sum, s) => {
        const cost = pick(s.planned);
        return cost ? { min: sum.min + cost.min, max: sum.max + cost.max } : sum;
      },
      { min: 0, max: 0 },
    );
  return {
    deployments: steps.map((s) => s.planned),
    summary: planSummary(steps.map((s) => s.planned.action)),
    hourlyCost: { before: total((p) => p.hourlyCost.before), after: total((p) => p.hourlyCost.after) },
  };
}

export async function planFile(user: SessionUser, file: DeploymentFile, options: { prune: boolean }) {
  return summarize(await planSteps(user, file, { prune: options.prune, minimum: 'viewer' }));
}

/**
 * Applies a file: every deployment is checked first (names, versions, quota, rollouts in progress),
 * then each change is written as a revision (or a deploy, or a stop) for the controller to roll out.
 */
export async function applyFile(user: SessionUser, file: DeploymentFile, options: { prune: boolean; supersede: boolean }): Promise<AppliedPlan> {
  const { db, transitions } = serverContext();
  const steps = await planSteps(user, file, { prune: options.prune, minimum: 'member' });
  // Graphs are checked with everything else, before anything is written.
  const graphs = await planGraphs(db, user, file.graphs ?? []);
  for (const { planned: p, existing } of steps) {
    if (!p.quota.ok) throw new ApiError('compute_quota_exceeded', `${p.name}: ${p.quota.message}`);
    if (p.action === 'update' && existing && !options.supersede && rolloutInProgress(existing)) {
      throw new ApiError(
        'conflict',
        `a rollout of '${p.name}' to revision ${existing.targetRevision} is in progress; wait for it, or apply with --supersede to replace it`,
      );
    }
  }
  const applied: AppliedPlan['applied'] = [];
  for (const { planned: p, model, existing, desired } of steps) {
    const admit = (tx: Parameters<typeof assertComputeQuota>[0]) =>
      assertComputeQuota(tx, { teamId: model.teamId, deploymentId: holdsCompute(existing) ? existing.id : null, spec: desired! });
    if (p.action === 'create') {
      const id = await deploy(transitions, { name: p.name, modelId: model.id, teamId: model.teamId, spec: desired!, author: user.email, admit });
      applied.push({ name: p.name, action: p.action, revision: (await db.deployment.findUniqueOrThrow({ where: { id } })).targetRevision });
    } else if (p.action === 'update') {
      const { revision } = await update(transitions, existing!, desired!, {
        author: user.email,
        supersede: options.supersede,
        reason: 'applied from a file',
        admit,
      });
      applied.push({ name: p.name, action: p.action, revision });
    } else if (p.action === 'destroy') {
      await stop(transitions, existing!, user.email);
      applied.push({ name: p.name, action: p.action, revision: null });
    } else {
      applied.push({ name: p.name, action: p.action, revision: existing!.targetRevision });
    }
  }
  return { ...summarize(steps), applied, graphs: await applyGraphs(db, user.email, graphs) };
}
