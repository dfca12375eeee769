import { publishRoutingTable, typeCheckServed } from '@slipway/controller';
import type { GraphSpec, GraphTypeError } from '@slipway/core';
import type { Db, TeamRole } from '@slipway/db';
import { hasTeamRole, requireTeamRole, type SessionUser } from './auth';
import { serverContext } from './context';
import { webEnv } from './env';
import { ApiError, notFound } from './errors';

const graphInclude = { revisions: { orderBy: { number: 'desc' }, take: 20 } } as const;

/** The graph of this name, if the user may see it with at least `minimum`. */
export async function findGraph(user: SessionUser, name: string, minimum: TeamRole) {
  const graph = await serverContext().db.graphDeployment.findUnique({ where: { name }, include: graphInclude });
  if (!graph) throw notFound(`graph '${name}'`);
  requireTeamRole(user, graph.teamId, minimum, `graph '${name}'`);
  return graph;
}

type GraphRow = Awaited<ReturnType<typeof findGraph>>;

export function serializeGraph(graph: GraphRow) {
  const current = graph.revisions.find((r) => r.number === graph.currentRevision);
  return {
    id: graph.id,
    name: graph.name,
    kind: 'graph' as const,
    teamId: graph.teamId,
    currentRevision: graph.currentRevision,
    /** Why the served revision no longer type-checks against what its nodes serve; null when sound. */
    brokenReason: graph.brokenReason,
    spec: current?.spec ?? null,
    endpoints: { predict: `/models/${graph.name}/predict`, oipInfer: `/v2/models/${graph.name}/infer` },
    revisions: graph.revisions.map((r) => ({ number: r.number, reason: r.reason, author: r.author, createdAt: r.createdAt.toISOString() })),
    createdAt: graph.createdAt.toISOString(),
  };
}

/** The 400 of a graph that does not type-check: every refused edge, with both signatures, for the console to mark. */
export function typeCheckRefusal(errors: readonly GraphTypeError[]): Response {
  const message = `the graph does not type-check: ${errors.map((e) => `${e.edge}: ${e.message}`).join('; ')}`;
  return Response.json({ error: { code: 'validation_error', message }, typeErrors: errors }, { status: 400 });
}

/** The spec checked against the nodes' served signatures: the stored (explicit) spec, or the errors. */
export async function typeCheck(db: Db, spec: GraphSpec) {
  return typeCheckServed(db, spec);
}

/** Names are one namespace with model deployments: a graph endpoint must not shadow a model's. */
export async function assertNameFree(db: Db, user: SessionUser, name: string): Promise<void> {
  const [deployment, graph] = await Promise.all([db.deployment.findUnique({ where: { name } }), db.graphDeployment.findUnique({ where: { name } })]);
  const taken = deployment ?? graph;
  if (!taken) return;
  const visible = hasTeamRole(user, taken.teamId, 'viewer');
  throw new ApiError('conflict', visible ? `a deployment named '${name}' already exists` : `the name '${name}' is not available; choose another`);
}

/** The team a new graph goes to: the one named, or the user's first team where they may create things. */
export function teamForNewGraph(user: SessionUser, teamId: string | undefined): string {
  const team = teamId ?? [...user.roles].find(([, role]) => role !== 'viewer')?.[0];
  if (!team) throw new ApiError('forbidden', 'you are not a member of any team that can create deployments');
  requireTeamRole(user, team, 'member', 'team');
  return team;
}

/** Tells the gateways: the routing table carries the graph's current revision. */
export async function publishGraphs(): Promise<void> {
  const { db, redis } = serverContext();
  await publishRoutingTable(db, redis, webEnv().SLIPWAY_PREFIX);
}

/**
 * Makes `spec` the graph's current revision in one transaction: a new numbered revision (or, for a
 * rollback, an existing one made current again). False when the spec equals the current one.
 */
export async function serveRevision(db: Db, graphId: string, spec: GraphSpec, reason: string, author: string): Promise<boolean> {
  return db.$transaction(async (tx) => {
    const graph = await tx.graphDeployment.findUniqueOrThrow({ where: { id: graphId } });
    const current = await tx.graphRevision.findUnique({ where: { graphId_number: { graphId, number: graph.currentRevision } } });
    if (current && canonicalJson(current.spec) === canonicalJson(spec)) return false;
    const last = await tx.graphRevision.findFirst({ where: { graphId }, orderBy: { number: 'desc' }, select: { number: true } });
    const number = (last?.number ?? 0) + 1;
    await tx.graphRevision.create({ data: { graphId, number, spec: spec as object, reason, author } });
    await tx.graphDeployment.update({ where: { id: graphId }, data: { currentRevision: number, brokenReason: null } });
    return true;
  });
}

/** JSON with object keys sorted (Postgres' jsonb does not keep key order), to compare specs. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v,
  );
}

/** A declared graph checked and ready to write: its explicit spec, and the existing graph if any. */
export interface PlannedGraph {
  name: string;
  teamId: string;
  spec: GraphSpec;
  existingId: string | null;
}

/**
 * The graphs of a deployment file, each type-checked against what its nodes serve now and the caller's rights
 * checked, before anything of the file is written: a refusal names the graph and its edges.
 */
export async function planGraphs(db: Db, user: SessionUser, declared: readonly { name: string; spec: GraphSpec }[]): Promise<PlannedGraph[]> {
  const planned: PlannedGraph[] = [];
  for (const [i, g] of declared.entries()) {
    const existing = await db.graphDeployment.findUnique({ where: { name: g.name } });
    if (existing) requireTeamRole(user, existing.teamId, 'member', `graph '${g.name}'`);
    else await assertNameFree(db, user, g.name);
    const { errors, explicit } = await typeCheck(db, g.spec);
    if (errors.length > 0)
      throw new ApiError('validation_error', `graphs.${i} (${g.name}) does not type-check: ${errors.map((e) => `${e.edge}: ${e.message}`).join('; ')}`);
    planned.push({ name: g.name, teamId: existing?.teamId ?? teamForNewGraph(user, undefined), spec: explicit, existingId: existing?.id ?? null });
  }
  return planned;
}

/** Writes planned graphs: created at revision 1, or a new revision when the spec changed; then one routing publish. */
export async function applyGraphs(db: Db, author: string, planned: readonly PlannedGraph[]) {
  const applied: { name: string; action: 'create' | 'update' | 'unchanged'; revision: number }[] = [];
  for (const g of planned) {
    if (!g.existingId) {
      await db.graphDeployment.create({
        data: {
          name: g.name,
          teamId: g.teamId,
          currentRevision: 1,
          revisions: { create: { number: 1, spec: g.spec as object, reason: 'applied from a file', author } },
        },
      });
      applied.push({ name: g.name, action: 'create', revision: 1 });
      continue;
    }
    const changed = await serveRevision(db, g.existingId, g.spec, 'applied from a file', author);
    const { currentRevision } = await db.graphDeployment.findUniqueOrThrow({ where: { id: g.existingId } });
    applied.push({ name: g.name, action: changed ? 'update' : 'unchanged', revision: currentRevision });
  }
  if (planned.length > 0) await publishGraphs();
  return applied;
}
