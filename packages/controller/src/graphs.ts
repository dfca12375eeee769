import {
  checkGraph,
  type GraphSpec,
  type GraphTypeError,
  graphDeployments,
  graphSpecSchema,
  type ModelSignature,
  modelSignatureSchema,
  type TensorSpec,
  withExplicitInputs,
} from '@slipway/core';
import type { Db } from '@slipway/db';
import type { RoutingTable } from '@slipway/queue';

type Tx = Parameters<Parameters<Db['$transaction']>[0]>[0];
type Reader = Pick<Db, 'deployment' | 'graphDeployment' | 'graphRevision'> | Tx;

/**
 * The signatures each named deployment serves now: one per live variant's version (a node mid-canary serves
 * two). Deployments not serving, or serving no tensor signature (a service), have none.
 */
export async function servedSignatures(db: Reader, names: readonly string[]): Promise<Map<string, ModelSignature[]>> {
  const deployments = await db.deployment.findMany({
    where: { name: { in: [...names] }, status: { in: ['pending', 'deploying', 'ready'] } },
    select: { name: true, variants: { where: { retiredAt: null }, select: { version: { select: { signature: true } } } } },
  });
  const served = new Map<string, ModelSignature[]>();
  for (const d of deployments) {
    const signatures = d.variants.flatMap((v) => {
      const parsed = modelSignatureSchema.safeParse(v.version.signature);
      return parsed.success ? [parsed.data] : [];
    });
    const distinct = [...new Map(signatures.map((s) => [JSON.stringify(s), s])).values()];
    if (distinct.length > 0) served.set(d.name, distinct);
  }
  return served;
}

/**
 * The type-check against what is served: once per live signature of each node (the i-th of each, so a node's
 * canary is checked as well as its stable version). Returns the errors (none: sound), the graph's outputs and
 * the spec with every input mapping explicit, as stored.
 */
export async function typeCheckServed(db: Reader, spec: GraphSpec): Promise<{ errors: GraphTypeError[]; outputs: TensorSpec[]; explicit: GraphSpec }> {
  const served = await servedSignatures(db, graphDeployments(spec));
  const rounds = Math.max(1, ...[...served.values()].map((s) => s.length));
  const errors = new Map<string, GraphTypeError>();
  let outputs: TensorSpec[] = [];
  for (let i = 0; i < rounds; i++) {
    const signatureOf = (name: string) => {
      const list = served.get(name);
      return list?.[Math.min(i, list.length - 1)];
    };
    const checked = checkGraph(spec, signatureOf);
    for (const e of checked.errors) errors.set(`${e.edge}|${e.message}`, e);
    if (i === 0) outputs = checked.outputs;
  }
  const explicit = withExplicitInputs(spec, (name) => served.get(name)?.[0]);
  return { errors: [...errors.values()], outputs, explicit };
}

/** Every graph's current revision, for the routing table (a broken graph still serves: its reason is shown in the console). */
export async function graphRoutes(
  db: Pick<Db, 'graphDeployment' | 'graphRevision'>,
  /** Given, each graph's output signature is type-checked against what its nodes serve (for its API docs). */
  withOutputs?: Reader,
): Promise<NonNullable<RoutingTable['graphs']>> {
  const graphs = await db.graphDeployment.findMany({ select: { id: true, name: true, teamId: true, currentRevision: true } });
  if (graphs.length === 0) return {};
  const revisions = await db.graphRevision.findMany({
    where: { OR: graphs.map((g) => ({ graphId: g.id, number: g.currentRevision })) },
    select: { graphId: true, number: true, spec: true },
  });
  const specOf = new Map(revisions.map((r) => [r.graphId, r.spec]));
  return Object.fromEntries(
    graphs.flatMap((g) =>
      specOf.has(g.id) ? [[g.name, { id: g.id, name: g.name, teamId: g.teamId, revision: g.currentRevision, spec: specOf.get(g.id) }]] : [],
    ),
  );
}

/**
 * After nodes changed (a new version served, a deployment stopped): every graph re-checked against what is
 * served, and marked broken with the reason (or unmarked) when that changed. Returns the graphs now broken.
 */
export async function recheckGraphs(db: Db): Promise<string[]> {
  const routes = await graphRoutes(db);
  const marked = new Map((await db.graphDeployment.findMany({ select: { id: true, brokenReason: true } })).map((g) => [g.id, g.brokenReason]));
  const broken: string[] = [];
  for (const graph of Object.values(routes)) {
    const parsed = graphSpecSchema.safeParse(graph.spec);
    const reason = parsed.success ? describeErrors((await typeCheckServed(db, parsed.data)).errors) : 'the stored spec no longer parses';
    if (reason) broken.push(graph.name);
    if (marked.get(graph.id) !== reason) await db.graphDeployment.update({ where: { id: graph.id }, data: { brokenReason: reason } });
  }
  return broken;
}

/** One line per refused edge; null when there is none. */
export function describeErrors(errors: readonly GraphTypeError[]): string | null {
  return errors.length === 0 ? null : errors.map((e) => `${e.edge}: ${e.message}`).join('; ');
}
