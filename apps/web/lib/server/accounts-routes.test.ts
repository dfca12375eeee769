import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverContext } from './context';
import { type CallOptions, callRoute, closeServerContext, type Handler, routeHandlers, seedRouteFixture } from './route-harness';

/** Delete, aliases, scoped keys and the audit log through the route handlers, against the test database. */
describe('accounts routes', () => {
  let handlers: Map<string, Handler>;
  let fixture: Awaited<ReturnType<typeof seedRouteFixture>>;
  let other: Awaited<ReturnType<typeof seedRouteFixture>>;

  beforeAll(async () => {
    handlers = await routeHandlers();
    fixture = await seedRouteFixture();
    other = await seedRouteFixture();
  });
  afterAll(closeServerContext);

  // biome-ignore lint/suspicious/noExplicitAny: answers of many shapes, read field by field
  const call = async (key: string, options: Omit<CallOptions, 'method' | 'path'>): Promise<{ status: number; body: any }> => {
    const [method, path] = key.split(' ') as [string, string];
    const response = await callRoute(handlers.get(key)!, { method, path, ...options });
    return { status: response.status, body: response.status === 204 ? null : await response.json() };
  };
  const auditOf = (action: string, targetName: string) => serverContext().db.auditEntry.findMany({ where: { action, targetName } });

  it('deletes a deployment: 404 under its name at once, stopping, the name free, the audit entry written', async () => {
    const { db } = serverContext();
    const deleted = await call('DELETE /deployments/{name}', { params: { name: fixture.name }, headers: fixture.callers.member });
    expect(deleted).toEqual({ status: 202, body: { deleted: fixture.name } });
    expect((await call('GET /deployments/{name}', { params: { name: fixture.name }, headers: fixture.callers.member })).status).toBe(404);
    const row = await db.deployment.findUniqueOrThrow({ where: { id: fixture.deploymentId } });
    expect(row).toMatchObject({ deletedName: fixture.name, status: 'stopping' });
    expect(row.name).not.toBe(fixture.name);
    const listed = await call('GET /deployments', { headers: fixture.callers.member });
    expect(listed.body.deployments.map((d: { name: string }) => d.name)).not.toContain(fixture.name);
    expect(await auditOf('deployment.delete', fixture.name)).toHaveLength(1);
    // Deleting again: there is nothing of that name any more.
    expect((await call('DELETE /deployments/{name}', { params: { name: fixture.name }, headers: fixture.callers.member })).status).toBe(404);
    // The name is free: a deployment of that name is a new row.
    const again = await call('POST /deployments', {
      headers: fixture.callers.member,
      body: { name: fixture.name, modelName: fixture.name, versionLabel: 1, machineType: 'cpu-small', replicas: 1 },
    });
    expect(again.status).toBe(201);
    expect(again.body.deployment.id).not.toBe(fixture.deploymentId);
  });

  it('points an alias at a ready version, shows it on the model, and refuses bad names and unknown versions', async () => {
    const params = { name: other.name, alias: 'production' };
    const moved = await call('PUT /models/{name}/aliases/{alias}', { params, headers: other.callers.member, body: { versionLabel: 1 } });
    expect(moved).toEqual({ status: 200, body: { alias: { name: 'production', versionLabel: 1 }, rollouts: [] } });
    const model = await call('GET /models/{name}', { params: { name: other.name }, headers: other.callers.member });
    expect(model.body.model.aliases).toMatchObject([{ name: 'production', versionLabel: 1 }]);
    expect((await call('PUT /models/{name}/aliases/{alias}', { params, headers: other.callers.member, body: { versionLabel: 9 } })).status).toBe(404);
    const badName = await call('PUT /models/{name}/aliases/{alias}', {
      params: { name: other.name, alias: 'Not An Alias' },
      headers: other.callers.member,
      body: { versionLabel: 1 },
    });
    expect([badName.status, badName.body.error.code]).toEqual([400, 'validation_error']);
    expect(await auditOf('model.alias', `${other.name}@production`)).toHaveLength(1);
    expect((await call('DELETE /models/{name}/aliases/{alias}', { params, headers: other.callers.member })).status).toBe(204);
  });

  it('creates keys scoped to deployments the user can see, never to another team’s, nor already expired', async () => {
    const scoped = await call('POST /api-keys', { headers: other.callers.member, body: { name: 'scoped', deployments: [other.name], scope: 'read-only' } });
    expect(scoped.status).toBe(201);
    expect(scoped.body.apiKey).toMatchObject({ scope: 'read-only', deployments: [other.name], expiresAt: null, requestCount: 0 });
    const foreign = await call('POST /api-keys', { headers: other.callers.member, body: { name: 'foreign', deployments: [fixture.name] } });
    expect([foreign.status, foreign.body.error.code]).toEqual([400, 'validation_error']);
    const past = await call('POST /api-keys', { headers: other.callers.member, body: { name: 'past', expiresAt: '2020-01-01T00:00:00Z' } });
    expect(past.status).toBe(400);
    expect(await auditOf('api_key.create', `scoped (${scoped.body.apiKey.prefix}…)`)).toHaveLength(1);
  });

  it('answers spend and the overview for the caller’s teams only, and the audit log to platform admins only', async () => {
    const spend = await call('GET /spend', { headers: other.callers.member });
    expect(spend.body.teams.map((t: { id: string }) => t.id)).toEqual([other.teamId]);
    const overview = await call('GET /overview', { headers: other.callers.member });
    expect(overview.body.deployments.map((d: { deployment: { name: string } }) => d.deployment.name)).toEqual([other.name]);
    expect((await call('GET /audit', { headers: other.callers.member })).status).toBe(403);
    const audit = await call('GET /audit', { headers: other.callers.admin, query: { kind: 'deployment', limit: '5' } });
    expect(audit.status).toBe(200);
    expect(audit.body.entries.every((e: { targetKind: string }) => e.targetKind === 'deployment')).toBe(true);
  });
});
