import { describeStrategy, diffSpecs, errorStatus, ROLLING_OUT_STATUSES, rolloutInProgress, type DeploymentSpec, type ErrorCode } from '@slipway/core';
import { type Db, type Prisma, recordAudit } from '@slipway/db';
import type { JobProducer } from '@slipway/queue';
import { recordEvent } from './events';
import { appendRevision, loadRevision, lockDeployment } from './revisions';

/**
 * What people (and the controller's automatic rollback) can do to a deployment. Each one writes
 * desired state only, never starts or stops anything itself, and wakes the controller.
 */
export interface Transitions {
  db: Db;
  producer: Pick<JobProducer, 'enqueue'>;
}

/** The codes a transition refuses with; their statuses come from the core error catalogue. */
export type TransitionErrorCode = Extract<ErrorCode, 'conflict' | 'not_found'>;

export class TransitionError extends Error {
  constructor(
    readonly code: TransitionErrorCode,
    message: string,
  ) {
    super(message);
  }
  get status(): number {
    return errorStatus(this.code);
  }
}

interface DeploymentState {
  id: string;
  name: string;
  teamId: string;
  status: string;
  targetRevision: number;
  stableRevision: number | null;
}

/**
 * A check that must hold when the revision is written (the team's compute quota): it runs inside the
 * transaction that writes it, under a lock per team, so two changes cannot both fit into the room left for one.
 */
export type Admission = (tx: Prisma.TransactionClient, spec: DeploymentSpec) => Promise<void>;

/** The team's lock, taken before any deployment row's (always in this order, so two changes cannot deadlock). */
async function lockTeam(tx: Prisma.TransactionClient, teamId: string): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${teamId}))`;
}

async function admit(tx: Prisma.TransactionClient, teamId: string, spec: DeploymentSpec, admission: Admission | undefined): Promise<void> {
  if (!admission) return;
  await lockTeam(tx, teamId);
  await admission(tx, spec);
}

/**
 * Concurrent changes of one deployment queue on its row lock (and on the pool for a connection): they wait
 * their turn rather than fail after Prisma's default 2 s, and the refusal they then get is the 409.
 */
const QUEUED_BEHIND_LOCK = { maxWait: 10_000, timeout: 15_000 };

async function wake(t: Transitions, deploymentId: string): Promise<void> {
  await t.producer.enqueue('reconcileDeployment', { deploymentId }, { promoteDelayed: true });
}

async function reload(t: Transitions, id: string): Promise<DeploymentState> {
  return t.db.deployment.findUniqueOrThrow({ where: { id } });
}

function refuseWhileRollingOut(d: DeploymentState, supersede: boolean | undefined, what: string): void {
  if (supersede || !rolloutInProgress(d)) return;
  throw new TransitionError(
    'conflict',
    `a rollout of '${d.name}' to revision ${d.targetRevision} is in progress; promote or abort it, or ${what} with "supersede": true to replace it`,
  );
}

function refuseWhenNotRunning(d: DeploymentState): void {
  if (d.status === 'stopped' || d.status === 'stopping') {
    throw new TransitionError('conflict', `deployment '${d.name}' is ${d.status}; deploy it again (POST /api/v1/deployments) to start it`);
  }
  if (d.status === 'failed' && d.stableRevision === null) {
    throw new TransitionError('conflict', `deployment '${d.name}' failed and serves nothing; deploy it again (POST /api/v1/deployments)`);
  }
}

/** The refusal for a name another team holds: that it is taken is all the caller learns. */
export const nameNotAvailable = (name: string) => new TransitionError('conflict', `the name '${name}' is not available; choose another`);

/** A new deployment, or a stopped or failed one deployed again under the same name (history kept). */
export async function deploy(
  t: Transitions,
  input: {
    name: string;
    modelId: string;
    teamId: string;
    spec: DeploymentSpec;
    author: string;
    admit?: Admission;
    /** What the audit entry adds (a clone's source). */
    auditDetails?: Record<string, string | number>;
  },
): Promise<string> {
  const id = await t.db.$transaction(async (tx) => {
    const existing = await tx.deployment.findUnique({ where: { name: input.name } });
    // Names are global: another team's deployment is neither taken over nor described (status, team).
    if (existing && existing.teamId !== input.teamId) throw nameNotAvailable(input.name);
    if (existing && existing.status !== 'stopped' && existing.status !== 'failed') {
      throw new TransitionError('conflict', `a deployment named '${input.name}' is ${existing.status}; stop it or pick another name`);
    }
    await admit(tx, input.teamId, input.spec, input.admit);
    const row = existing
      ? await tx.deployment.update({ where: { id: existing.id }, data: { modelId: input.modelId, status: 'pending', stableRevision: null } })
      : await tx.deployment.create({ data: { name: input.name, modelId: input.modelId, teamId: input.teamId } });
    const number = await appendRevision(tx, row.id, input.spec, { reason: existing ? 'deployed again' : 'created', author: input.author, status: 'pending' });
    await recordEvent(tx, row.id, {
      step: 'revision',
      message: `Revision ${number} by ${input.author}: ${diffSpecs(null, input.spec).join('; ')}`,
      progress: 0,
    });
    await recordAudit(tx, {
      actor: input.author,
      action: existing ? 'deployment.redeploy' : 'deployment.create',
      targetKind: 'deployment',
      targetName: input.name,
      teamId: input.teamId,
      details: { revision: number, ...(input.auditDetails ?? {}) },
    });
    return row.id;
  });
  await wake(t, id);
  return id;
}

/** The spec the deployment is converging to (what an update starts from). */
export async function targetSpec(t: Transitions, deploymentId: string, targetRevision: number): Promise<DeploymentSpec | null> {
  return (await loadRevision(t.db, deploymentId, targetRevision))?.spec ?? null;
}

/**
 * A change of spec (version, machine type, replicas, weights, mirrors, strategy) as a new revision. The
 * deployment is judged as it stands under its row's lock, not as the caller read it: of concurrent
 * changes without `supersede`, one starts a rollout and the others find it in progress (409).
 */
export async function update(
  t: Transitions,
  deployment: DeploymentState,
  spec: DeploymentSpec,
  options: { author: string; supersede?: boolean; reason?: string; admit?: Admission },
): Promise<{ revision: number; changes: string[] }> {
  const result = await t.db.$transaction(async (tx) => {
    if (options.admit) await lockTeam(tx, deployment.teamId);
    const now = await lockDeployment(tx, deployment.id);
    refuseWhenNotRunning(now);
    refuseWhileRollingOut(now, options.supersede, 'send the update');
    const changes = diffSpecs((await loadRevision(tx, now.id, now.targetRevision))?.spec ?? null, spec);
    if (changes.length === 0) return { revision: now.targetRevision, changes };
    await options.admit?.(tx, spec);
    const number = await appendRevision(tx, now.id, spec, { reason: options.reason ?? 'update', author: options.author, status: 'pending' });
    await recordEvent(tx, now.id, {
      step: 'revision',
      message: `Revision ${number} by ${options.author} (${describeStrategy(spec.strategy)}): ${changes.join('; ')}`,
      progress: 0,
    });
    await recordAudit(tx, {
      actor: options.author,
      action: 'deployment.update',
      targetKind: 'deployment',
      targetName: now.name,
      teamId: now.teamId,
      details: { revision: number, reason: options.reason ?? 'update', changes },
    });
    return { revision: number, changes };
  }, QUEUED_BEHIND_LOCK);
  if (result.changes.length > 0) await wake(t, deployment.id);
  return result;
}

/** Makes an earlier revision's spec current again, as a new revision rolled out blue-green. */
export async function rollback(
  t: Transitions,
  deployment: DeploymentState,
  revision: number,
  options: { author: string; supersede?: boolean; reason?: string; admit?: Admission },
): Promise<{ revision: number; changes: string[] }> {
  const earlier = await loadRevision(t.db, deployment.id, revision);
  if (!earlier) throw new TransitionError('not_found', `deployment '${deployment.name}' has no revision ${revision}`);
  const spec: DeploymentSpec = { ...earlier.spec, strategy: { type: 'blue-green' } };
  return update(t, deployment, spec, { ...options, reason: options.reason ?? `rollback to revision ${revision}` });
}

function requireCanaryInProgress(d: DeploymentState, action: string): void {
  if (!rolloutInProgress(d)) throw new TransitionError('conflict', `no rollout of '${d.name}' is in progress to ${action}`);
}

/** Skips a canary's remaining steps: all traffic to the target revision. */
export async function promote(t: Transitions, deployment: DeploymentState, author: string): Promise<DeploymentState> {
  requireCanaryInProgress(deployment, 'promote');
  return setControl(t, deployment, { rolloutPromoted: true }, `Promote requested by ${author}`);
}

export async function pause(t: Transitions, deployment: DeploymentState, author: string): Promise<DeploymentState> {
  requireCanaryInProgress(deployment, 'pause');
  return setControl(t, deployment, { rolloutPaused: true }, `Paused by ${author}: the rollout holds its current step`);
}

export async function resume(t: Transitions, deployment: DeploymentState, author: string): Promise<DeploymentState> {
  requireCanaryInProgress(deployment, 'resume');
  return setControl(t, deployment, { rolloutPaused: false }, `Resumed by ${author}`);
}

async function setControl(
  t: Transitions,
  deployment: DeploymentState,
  data: { rolloutPaused?: boolean; rolloutPromoted?: boolean },
  message: string,
): Promise<DeploymentState> {
  // Only while the same rollout is still in progress: a control must not leak into the next revision.
  const { count } = await t.db.deployment.updateMany({
    where: { id: deployment.id, targetRevision: deployment.targetRevision, status: { in: [...ROLLING_OUT_STATUSES] } },
    data,
  });
  if (count === 0) throw new TransitionError('conflict', `the rollout of '${deployment.name}' changed meanwhile; look again`);
  await recordEvent(t.db, deployment.id, { step: 'control', message, progress: 0 });
  await wake(t, deployment.id);
  return reload(t, deployment.id);
}

/** Abandons a rollout in progress: the stable revision's spec becomes the target again. */
export async function abort(t: Transitions, deployment: DeploymentState, author: string, reason?: string): Promise<{ revision: number }> {
  requireCanaryInProgress(deployment, 'abort');
  if (deployment.stableRevision === null) {
    await stop(t, deployment, author);
    return { revision: deployment.targetRevision };
  }
  return rollback(t, deployment, deployment.stableRevision, {
    author,
    supersede: true,
    reason: reason ?? `aborted by ${author}: back to revision ${deployment.stableRevision}`,
  });
}

/** Takes the deployment out of routing and stops its replicas (the controller does the work). */
export async function stop(t: Transitions, deployment: DeploymentState, author: string): Promise<void> {
  if (deployment.status === 'stopped') throw new TransitionError('conflict', `deployment '${deployment.name}' is already stopped`);
  await t.db.$transaction(async (tx) => {
    await tx.deployment.update({ where: { id: deployment.id }, data: { status: 'stopping' } });
    await recordEvent(tx, deployment.id, { step: 'stopping', message: `Stop requested by ${author}`, progress: 0 });
    await recordAudit(tx, { actor: author, action: 'deployment.stop', targetKind: 'deployment', targetName: deployment.name, teamId: deployment.teamId });
  });
  await wake(t, deployment.id);
}

/** The name a deleted deployment keeps: one no caller can choose (`~` is not allowed), so the real name is free again. */
export const freedName = (name: string, id: string) => `${name}~deleted~${id}`;

/**
 * Deletes a deployment: its name is freed at once, and the controller stops its replicas as for a stop. The row
 * stays (revisions, events, spend) under a name no one can pick, never listed again; the audit entry says who.
 */
export async function remove(t: Transitions, deployment: DeploymentState, author: string): Promise<void> {
  await t.db.$transaction(async (tx) => {
    const now = await lockDeployment(tx, deployment.id);
    if (now.deletedAt) throw new TransitionError('not_found', `deployment '${deployment.name}' is already deleted`);
    await tx.deployment.update({
      where: { id: now.id },
      data: { deletedAt: new Date(), deletedName: now.name, name: freedName(now.name, now.id), ...(now.status !== 'stopped' && { status: 'stopping' }) },
    });
    await recordEvent(tx, now.id, { step: 'stopping', message: `Deleted by ${author}: the name '${now.name}' is free again`, progress: 0 });
    await recordAudit(tx, { actor: author, action: 'deployment.delete', targetKind: 'deployment', targetName: now.name, teamId: now.teamId });
  });
  await wake(t, deployment.id);
}
