import { publishRoutingTable } from '@slipway/controller';
import { channels, routingTableSchema } from '@slipway/queue';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverContext } from './context';
import { webEnv } from './env';
import { type CallOptions, callRoute, closeServerContext, type Handler, routeHandlers, seedRouteFixture } from './route-harness';

const SIGNATURE = {
  inputs: [{ name: 'x', dtype: 'float32', shape: [null, 4] }],
  outputs: [{ name: 'y', dtype: 'float32', shape: [null, 4] }],
};

/** Graph deployments through the control plane, against the test database and Redis. */
describe('graph deployments API', () => {
  let handlers: Map<string, Handler>;
  let fixture: Awaited<ReturnType<typeof seedRouteFixture>>;
  const graphName = () => `g-${fixture.name}`;

  beforeAll(async () => {
    handlers = await routeHandlers();
    fixture = await seedRouteFixture();
    await serverContext().db.modelVersion.updateMany({ where: { model: { name: fixture.name } }, data: { signature: SIGNATURE } });
  });
  afterAll(closeServerContext);

  const call = async (key: string, options: Omit<CallOptions, 'method' | 'path'>) => {
    const [method, path] = key.split(' ') as [string, string];
    const response = await callRoute(handlers.get(key)!, { method, path, headers: fixture.callers.member, ...options });
    return { status: response.status, body: (await response.json()) as Record<string, any> };
  };
  /** Two steps through the fixture's deployment: `first.y` feeds the second step's `x`. */
  const spec = (second: Record<string, string> = { x: 'first.y' }, dtype = 'float32') => ({
    inputs: [{ name: 'x', dtype, shape: [null, 4] }],
    steps: [
      { kind: 'model', name: 'first', deployment: fixture.name },
      { kind: 'model', name: 'second', deployment: fixture.name, inputs: second },
    ],
  });

  it('creates a graph that type-checks, stores its inputs mapped explicitly and publishes it to the gateways', async () => {
    const created = await call('POST /graphs', { body: { name: graphName(), spec: spec() } });
    expect(created.status).toBe(201);
    expect(created.body.graph).toMatchObject({ name: graphName(), kind: 'graph', currentRevision: 1, brokenReason: null });
    expect(created.body.graph.spec.steps[0].inputs).toEqual({ x: 'inputs.x' });
    const stored = await serverContext().redis.get(channels(webEnv().SLIPWAY_PREFIX).routingKey);
    const table = routingTableSchema.parse(JSON.parse(stored!));
    expect(table.graphs?.[graphName()]).toMatchObject({ revision: 1, teamId: fixture.teamId });
  });

  it('refuses a missing tensor and a datatype mismatch with 400, naming the edge and both signatures', async () => {
    const missing = await call('POST /graphs', { body: { name: `${graphName()}-m`, spec: spec({ x: 'first.z' }) } });
    expect(missing.status).toBe(400);
    expect(missing.body.error.code).toBe('validation_error');
    expect(missing.body.typeErrors).toEqual([
      expect.objectContaining({ edge: 'first.z -> second.x', step: 'second', message: "'first' has no output 'z' (it has: 'y')" }),
    ]);
    const mismatch = await call('POST /graphs', { body: { name: `${graphName()}-d`, spec: spec({ x: 'first.y' }, 'int64') } });
    expect(mismatch.status).toBe(400);
    expect(mismatch.body.error.message).toBe(
      'the graph does not type-check: inputs.x -> first.x: datatypes differ: inputs.x is INT64 [-1, 4], first.x expects FP32 [-1, 4]',
    );
    expect(mismatch.body.typeErrors[0]).toMatchObject({ from: { dtype: 'int64' }, to: { dtype: 'float32' } });
    expect(await serverContext().db.graphDeployment.count({ where: { name: { in: [`${graphName()}-m`, `${graphName()}-d`] } } })).toBe(0);
  });

  it('refuses a name a model deployment already has', async () => {
    const clash = await call('POST /graphs', { body: { name: fixture.name, spec: spec() } });
    expect(clash.status).toBe(409);
  });

  it('updates as a new revision and rolls back to an earlier one', async () => {
    const single = { inputs: spec().inputs, steps: [spec().steps[0]] };
    const updated = await call('PUT /graphs/{name}', { params: { name: graphName() }, body: { spec: single } });
    expect(updated.status).toBe(200);
    expect(updated.body.graph.currentRevision).toBe(2);
    const same = await call('PUT /graphs/{name}', { params: { name: graphName() }, body: { spec: single } });
    expect(same.body.changed).toBe(false);
    const refused = await call('PUT /graphs/{name}', { params: { name: graphName() }, body: { spec: spec({ x: 'inputs.nothing' }) } });
    expect(refused.status).toBe(400);
    const rolledBack = await call('POST /graphs/{name}/rollback', { params: { name: graphName() }, body: { revision: 1 } });
    expect(rolledBack.status).toBe(200);
    expect(rolledBack.body.graph.currentRevision).toBe(3);
    expect(rolledBack.body.graph.spec.steps).toHaveLength(2);
    expect(rolledBack.body.graph.revisions[0]).toMatchObject({ number: 3, reason: 'rollback to revision 1' });
  });

  it('a node that starts serving an incompatible signature marks the graph broken, naming the edge; fixed, it is sound again', async () => {
    const { db, redis } = serverContext();
    const changed = { inputs: SIGNATURE.inputs, outputs: [{ name: 'y', dtype: 'int64', shape: [null, 4] }] };
    await db.modelVersion.updateMany({ where: { model: { name: fixture.name } }, data: { signature: changed } });
    await publishRoutingTable(db, redis, webEnv().SLIPWAY_PREFIX);
    const broken = await call('GET /graphs/{name}', { params: { name: graphName() } });
    expect(broken.body.graph.brokenReason).toBe('first.y -> second.x: datatypes differ: first.y is INT64 [-1, 4], second.x expects FP32 [-1, 4]');
    await db.modelVersion.updateMany({ where: { model: { name: fixture.name } }, data: { signature: SIGNATURE } });
    await publishRoutingTable(db, redis, webEnv().SLIPWAY_PREFIX);
    expect((await call('GET /graphs/{name}', { params: { name: graphName() } })).body.graph.brokenReason).toBeNull();
  });

  it('GitOps: a deployment file declares graphs; apply creates, then leaves unchanged, and refuses one that does not type-check before writing', async () => {
    const file = (graphSpec: unknown) => ({ deployments: [], graphs: [{ name: `${graphName()}-file`, spec: graphSpec }] });
    const created = await call('POST /apply', { body: file(spec()) });
    expect(created.status).toBe(200);
    expect(created.body.graphs).toEqual([{ name: `${graphName()}-file`, action: 'create', revision: 1 }]);
    const again = await call('POST /apply', { body: file(spec()) });
    expect(again.body.graphs).toEqual([{ name: `${graphName()}-file`, action: 'unchanged', revision: 1 }]);
    const refused = await call('POST /apply', { body: file(spec({ x: 'first.z' })) });
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toContain(`graphs.0 (${graphName()}-file) does not type-check: first.z -> second.x`);
  });

  it('checks a spec without storing it, and lists stored traces with their steps', async () => {
    const checked = await call('POST /graphs/check', { body: { spec: spec() } });
    expect(checked.body).toEqual({ ok: true, outputs: [{ name: 'y', dtype: 'float32', shape: [null, 4] }] });
    const graph = await serverContext().db.graphDeployment.findUniqueOrThrow({ where: { name: graphName() } });
    const steps = [{ step: 'first', deployment: fixture.name, startMs: 0, durationMs: 1.5, outcome: 'ok', attempts: 1 }];
    await serverContext().db.graphTrace.create({ data: { graphId: graph.id, traceId: 'abc', revision: 3, status: 200, durationMs: 2, failed: false, steps } });
    const traces = await call('GET /graphs/{name}/traces', { params: { name: graphName() } });
    expect(traces.body.traces).toEqual([expect.objectContaining({ traceId: 'abc', status: 200, steps })]);
    const other = await call('GET /graphs/{name}', { params: { name: graphName() }, headers: {} });
    expect(other.status).toBe(401);
  });
});
