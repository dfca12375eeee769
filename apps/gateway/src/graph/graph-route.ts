import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { DTYPES, fromOipDatatype, InvalidInputError, modelOpenApi, nestValues, type TensorSpec, toOipDatatype } from '@slipway/core';
import type { Admit } from '../admission';
import { sendError } from '../errors';
import type { GatewayMetrics } from '../metrics';
import { failRequest } from '../response';
import { INFERENCE_ROUTES, type MatchedRoute, type RouteKind } from '../routes';
import type { RoutingState, ServingGraph } from '../routing-state';
import { type ExecuteDeps, executeGraph, type GraphRun } from './execute';
import type { GraphStepMetrics } from './graph-metrics';
import type { GraphTraces } from './traces';
import { graphAnswer, parseGraphRequest } from './wire';

export const TRACE_HEADER = 'x-slipway-trace-id';

export interface GraphRouteDeps {
  routing: Pick<RoutingState, 'graph'>;
  /** Admission as for a model (API key, rate limit, team), the graph standing for a deployment. */
  admit: Admit;
  execute: Omit<ExecuteDeps, 'now'>;
  metrics: Pick<GatewayMetrics, 'observe'>;
  steps: Pick<GraphStepMetrics, 'observe'>;
  traces: Pick<GraphTraces, 'offer'>;
  /** The first answered request of each graph revision: its docs' example, recorded from a real run. */
  examples: Map<string, GraphExample>;
}

const STATUS: Record<NonNullable<GraphRun['failure']>['code'], number> = { bad_request: 400, no_matching_case: 422, step_failed: 502, step_timeout: 504 };

/**
 * A graph's endpoint speaks the protocols of a model's (`/models/<graph>/predict`, OIP infer and metadata):
 * the same paths, taken by this kind when the name is a serving graph's. Placed before the inference kinds.
 */
export function graphRouteKinds(deps: GraphRouteDeps): RouteKind<MatchedRoute>[] {
  return INFERENCE_ROUTES.filter((k) => k.name === 'predict' || k.name === 'oip-infer' || k.name === 'oip-metadata').map((kind) => ({
    name: `graph-${kind.name}`,
    match: (method, path) => {
      const matched = kind.match(method, path);
      return matched && deps.routing.graph(matched.deploymentName) ? matched : undefined;
    },
    handle: (req, res, route) => (kind.name === 'oip-metadata' ? serveMetadata(deps, res, route) : void serveInference(deps, req, res, route)),
  }));
}

/** A recorded request and answer, and the answer's tensor types (what the docs show when the routing table has none). */
export interface GraphExample {
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown>;
  outputSpecs: TensorSpec[];
}

const GRAPH_DOCS = /^\/models\/([a-z0-9-]+)\/openapi\.json$/;

/** `GET /models/<graph>/openapi.json`: the graph's API docs (its inputs, its outputs as type-checked, an example from a real run). */
export function graphDocsKind(deps: GraphRouteDeps): RouteKind<MatchedRoute> {
  return {
    name: 'graph-docs',
    match: (method, path) => {
      const name = method === 'GET' ? GRAPH_DOCS.exec(path)?.[1] : undefined;
      return name && deps.routing.graph(name) ? { deploymentName: name, upstreamPath: path, protocol: 'slipway' } : undefined;
    },
    handle: (req, res, route) =>
      void deps
        .admit(req, res, route, noAccounting)
        .then((call) => {
          const graph = call && deps.routing.graph(route.deploymentName);
          if (!graph) return;
          const payload = JSON.stringify(
            graphOpenApi(graph, deps.examples.get(`${graph.name}@${graph.revision}`), `http://${req.headers.host ?? 'localhost'}`),
          );
          res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }).end(payload);
        })
        .catch((error) => failRequest(res, 'slipway', error)),
  };
}

function graphOpenApi(graph: ServingGraph, example: GraphExample | undefined, gatewayUrl: string) {
  const typed: TensorSpec[] = (graph.outputs ?? []).flatMap((o) => {
    const dtype = DTYPES.find((d) => d === o.dtype);
    return dtype ? [{ name: o.name, dtype, shape: o.shape }] : [];
  });
  const outputs = typed.length > 0 ? typed : (example?.outputSpecs ?? []);
  if (outputs.length === 0) return undefined;
  const signature = { inputs: graph.parsed.inputs, outputs };
  const steps = graph.parsed.steps.map((s) => `${s.name} (${s.kind})`).join(' → ');
  return modelOpenApi({
    deploymentName: graph.name,
    gatewayUrl,
    modelName: graph.name,
    version: {
      label: graph.revision,
      digest: `graph revision ${graph.revision}`,
      signature,
      manifest: { description: `Graph deployment: ${steps}. Answers carry x-slipway-trace-id.` },
      example: example ? { source: 'recorded', inputs: example.inputs, outputs: example.outputs } : { source: 'generated', inputs: {}, outputs: null },
    },
  });
}

function serveMetadata(deps: GraphRouteDeps, res: ServerResponse, route: MatchedRoute): void {
  const graph = deps.routing.graph(route.deploymentName);
  if (!graph) return void sendError(res, 'oip', 'not_found', `no deployment named '${route.deploymentName}' is serving`);
  const tensor = (t: { name: string; dtype: Parameters<typeof toOipDatatype>[0]; shape: (number | null)[] }) => ({
    name: t.name,
    datatype: toOipDatatype(t.dtype),
    shape: t.shape.map((d) => d ?? -1),
  });
  const body = JSON.stringify({ name: graph.name, versions: [`r${graph.revision}`], platform: 'slipway_graph', inputs: graph.parsed.inputs.map(tensor) });
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
}

async function serveInference(deps: GraphRouteDeps, req: IncomingMessage, res: ServerResponse, route: MatchedRoute): Promise<void> {
  const started = performance.now();
  const traceId = randomBytes(16).toString('hex');
  res.setHeader(TRACE_HEADER, traceId);
  const graph = deps.routing.graph(route.deploymentName);
  res.once('close', () => graph && deps.metrics.observe(graph.name, `graph-r${graph.revision}`, res.statusCode, performance.now() - started));
  try {
    const call = await deps.admit(req, res, route, noAccounting);
    if (!call || !graph) return;
    const request = parseGraphRequest(route.protocol, graph.parsed.inputs, call.body);
    const run = await executeGraph(graph.parsed, request.tensors, { ...deps.execute, now: () => performance.now() });
    answer(res, route, graph, run, run.failure ? undefined : graphAnswer(route.protocol, graph, request, run, traceId));
    recordExample(deps, graph, request.tensors, run);
    record(deps, graph, run, traceId, res.statusCode, performance.now() - started);
  } catch (error) {
    if (error instanceof InvalidInputError) return sendError(res, route.protocol, 'bad_request', error.message);
    failRequest(res, route.protocol, error);
  }
}

function answer(res: ServerResponse, route: MatchedRoute, graph: ServingGraph, run: GraphRun, body: unknown): void {
  if (run.failure) return void sendError(res, route.protocol, run.failure.code, run.failure.message);
  const payload = JSON.stringify(body);
  res
    .writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), 'x-slipway-variant': `r${graph.revision}` })
    .end(payload);
}

function recordExample(deps: GraphRouteDeps, graph: ServingGraph, inputs: GraphRun['outputs'], run: GraphRun): void {
  const key = `${graph.name}@${graph.revision}`;
  if (run.failure || run.skipped.length > 0 || deps.examples.has(key)) return;
  if (deps.examples.size > 1_000) deps.examples.clear();
  const nested = (tensors: GraphRun['outputs']) => Object.fromEntries(tensors.map((t) => [t.name, nestValues(t.data, t.shape)]));
  const outputSpecs = run.outputs.flatMap((t) => {
    const dtype = fromOipDatatype(t.datatype);
    return dtype ? [{ name: t.name, dtype, shape: t.shape.map((d, i) => (i === 0 ? null : d)) }] : [];
  });
  deps.examples.set(key, { inputs: nested(inputs), outputs: nested(run.outputs), outputSpecs });
}

function record(deps: GraphRouteDeps, graph: ServingGraph, run: GraphRun, traceId: string, status: number, durationMs: number): void {
  deps.steps.observe(graph.name, run.steps);
  const failed = run.failure !== undefined || run.skipped.length > 0;
  deps.traces.offer(
    {
      traceId,
      graphId: graph.id,
      graph: graph.name,
      revision: graph.revision,
      status: run.failure ? STATUS[run.failure.code] : status,
      durationMs,
      failed,
      steps: run.steps,
      at: new Date(),
    },
    graph.parsed.traceSampleRate,
  );
}

/** A graph's own latency is observed on the response's close; node calls are accounted per node by the step caller. */
const noAccounting = { assign: () => undefined, restartClock: () => undefined, answered: () => undefined } as unknown as Parameters<Admit>[3];
