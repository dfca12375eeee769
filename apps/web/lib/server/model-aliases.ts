import { rolloutInProgress, specFollowingAlias } from '@slipway/core';
import { targetSpec, update } from '@slipway/controller';
import { type Model, recordAudit } from '@slipway/db';
import type { SessionUser } from './auth';
import { assertComputeQuota } from './compute-quota';
import { serverContext } from './context';
import { ApiError, notFound } from './errors';

type Follower = { id: string; name: string; teamId: string; status: string; targetRevision: number; stableRevision: number | null };

/** A ready version of the model by label: what an alias may point at. */
async function readyVersion(model: Model, label: number) {
  const version = await serverContext().db.modelVersion.findUnique({ where: { modelId_label: { modelId: model.id, label } } });
  if (!version) throw notFound(`version ${label} of model '${model.name}'`);
  if (version.status !== 'ready')
    throw new ApiError('conflict', `version ${label} of '${model.name}' is ${version.status}; an alias points at ready versions only`);
  return version;
}

/** Deployments that follow the alias and run (a stopped one follows again when deployed). */
async function followersOf(model: Model, alias: string): Promise<Follower[]> {
  return serverContext().db.deployment.findMany({
    where: { modelId: model.id, followsAlias: alias, deletedAt: null, status: { notIn: ['stopped', 'stopping'] } },
    select: { id: true, name: true, teamId: true, status: true, targetRevision: true, stableRevision: true },
  });
}

/** Rolls a follower to the version with its own strategy, through the controller's update (quota checked as for any update). */
async function rollFollower(user: SessionUser, f: Follower, version: { label: number; digest: string }, reason: string) {
  const { transitions } = serverContext();
  const current = await targetSpec(transitions, f.id, f.targetRevision);
  const next = current && specFollowingAlias(current, version);
  if (!next) return { deployment: f.name, revision: f.targetRevision, changes: [] as string[] };
  const result = await update(transitions, f, next, {
    author: user.email,
    reason,
    admit: (tx) => assertComputeQuota(tx, { teamId: f.teamId, deploymentId: f.id, spec: next }),
  });
  return { deployment: f.name, ...result };
}

/**
 * Points the alias at a ready version; every running deployment that follows it rolls out that version with its own
 * strategy. Same rule as an update: while one of them is still rolling out, the move is refused (409) and nothing changes.
 */
export async function moveAlias(user: SessionUser, model: Model, alias: string, label: number) {
  const { db } = serverContext();
  const version = await readyVersion(model, label);
  const followers = await followersOf(model, alias);
  const busy = followers.filter((f) => rolloutInProgress(f));
  if (busy.length > 0) {
    throw new ApiError(
      'conflict',
      `${busy.map((f) => `'${f.name}'`).join(', ')} follow${busy.length === 1 ? 's' : ''} '${alias}' and ${busy.length === 1 ? 'is' : 'are'} still rolling out; promote or abort first`,
    );
  }
  await db.$transaction(async (tx) => {
    await tx.modelAlias.upsert({
      where: { modelId_name: { modelId: model.id, name: alias } },
      create: { modelId: model.id, name: alias, versionId: version.id, updatedBy: user.email },
      update: { versionId: version.id, updatedBy: user.email },
    });
    await recordAudit(tx, {
      actor: user.email,
      action: 'model.alias',
      targetKind: 'model',
      targetName: `${model.name}@${alias}`,
      teamId: model.teamId,
      details: { version: label },
    });
  });
  const reason = `alias '${alias}' moved to v${label}`;
  const rollouts = [];
  for (const f of followers) rollouts.push(await rollFollower(user, f, { label, digest: version.digest }, reason));
  return { alias: { name: alias, versionLabel: label }, rollouts };
}

/** Removes an alias no running deployment follows (409 otherwise: they would follow nothing). */
export async function deleteAlias(user: SessionUser, model: Model, alias: string) {
  const { db } = serverContext();
  const followers = await followersOf(model, alias);
  if (followers.length > 0)
    throw new ApiError('conflict', `${followers.map((f) => `'${f.name}'`).join(', ')} follow '${alias}'; make them stop following it first`);
  await db.$transaction(async (tx) => {
    const { count } = await tx.modelAlias.deleteMany({ where: { modelId: model.id, name: alias } });
    if (count === 0) throw notFound(`alias '${alias}' of model '${model.name}'`);
    await recordAudit(tx, { actor: user.email, action: 'model.alias_delete', targetKind: 'model', targetName: `${model.name}@${alias}`, teamId: model.teamId });
  });
}

/**
 * Makes a deployment follow an alias of its model (null: stop following). When the alias points elsewhere than
 * the primary serves, the deployment rolls out that version now, with its strategy (409 while a rollout runs).
 */
export async function followAlias(user: SessionUser, deployment: Follower & { modelId: string }, alias: string | null) {
  const { db } = serverContext();
  const target = alias
    ? await db.modelAlias.findUnique({ where: { modelId_name: { modelId: deployment.modelId, name: alias } }, include: { version: true } })
    : null;
  if (alias && !target) throw notFound(`alias '${alias}' of the deployment's model`);
  if (target && rolloutInProgress(deployment)) {
    throw new ApiError('conflict', `a rollout of '${deployment.name}' is in progress; promote or abort it before following '${alias}'`);
  }
  await db.$transaction(async (tx) => {
    await tx.deployment.update({ where: { id: deployment.id }, data: { followsAlias: alias } });
    await recordAudit(tx, {
      actor: user.email,
      action: alias ? 'deployment.follow' : 'deployment.unfollow',
      targetKind: 'deployment',
      targetName: deployment.name,
      teamId: deployment.teamId,
      details: { alias },
    });
  });
  if (!target || deployment.status === 'stopped' || deployment.status === 'stopping') return { followsAlias: alias, rollout: null };
  const rollout = await rollFollower(
    user,
    deployment,
    { label: target.version.label, digest: target.version.digest },
    `follows alias '${alias}' (v${target.version.label})`,
  );
  return { followsAlias: alias, rollout };
}
