import { randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from './api-client';
import { startStack } from './stack';
import { must } from '@slipway/core';

/**
 * Who may call what, for every route of the control plane. The routes come from the route files
 * themselves: a new route (or method) fails this test until it is added to ACCESS below.
 */
type Access = 'public' | 'signed-in' | 'platform-admin' | 'team-viewer' | 'team-member' | 'own';

interface Rule {
  access: Access;
  /** A body that passes validation, so the refusal seen is the authorization's, not the schema's. */
  body?: unknown;
  /** Raw (non-JSON) request headers, for uploads. */
  headers?: Record<string, string>;
  /** A query that passes validation. */
  query?: string;
  /**
   * The fixture has no such resource (a capture is written only by gateway traffic with capture on): a caller who may
   * read it is told 404 not found, never 403.
   */
  absent?: true;
}

const deployBody = (name: string, model: string) => ({ name, modelName: model, versionLabel: 1, machineType: 'cpu-small', replicas: 1 });

const deploymentFile = (f: Fixture) => ({
  deployments: [{ name: f.deployment, model: f.model, variants: [{ name: 'primary', versionLabel: 1, machineType: 'cpu-small', replicas: 1 }] }],
});

/** One step through the fixture's deployment (the demo iris classifier): the smallest graph that type-checks. */
const graphSpec = (f: Fixture) => ({
  inputs: [{ name: 'features', dtype: 'float32', shape: [null, 4] }],
  steps: [{ kind: 'model', name: 'iris', deployment: f.deployment }],
});

const ACCESS = (f: Fixture): Record<string, Rule> => ({
  'POST /api/v1/auth/login': { access: 'public' },
  'POST /api/v1/auth/logout': { access: 'public' },
  'GET /api/v1/me': { access: 'signed-in' },
  'GET /api/v1/usage': { access: 'signed-in' },
  'GET /api/v1/spend': { access: 'signed-in' },
  'GET /api/v1/overview': { access: 'signed-in' },
  'GET /api/v1/audit': { access: 'platform-admin' },
  'GET /api/v1/api-keys': { access: 'signed-in' },
  'POST /api/v1/api-keys': { access: 'signed-in', body: { name: 'matrix' } },
  'DELETE /api/v1/api-keys/{id}': { access: 'own' },
  'GET /api/v1/machine-types': { access: 'signed-in' },
  'POST /api/v1/machine-types': {
    access: 'platform-admin',
    body: { name: `m-${f.suffix}`, vcpu: 1, memoryMb: 512, gpuType: null, gpuCount: 0, hourlyCost: 0 },
  },
  'PATCH /api/v1/machine-types/{name}': { access: 'platform-admin', body: { hourlyCost: 0.01 } },
  'DELETE /api/v1/machine-types/{name}': { access: 'platform-admin' },
  'GET /api/v1/users': { access: 'platform-admin' },
  'POST /api/v1/users': { access: 'platform-admin', body: { email: `x-${f.suffix}@example.com`, name: 'x', password: 'password-1' } },
  'GET /api/v1/teams': { access: 'platform-admin' },
  'POST /api/v1/teams': { access: 'platform-admin', body: { name: `t-${f.suffix}` } },
  'PATCH /api/v1/teams/{id}': { access: 'platform-admin', body: { storageQuotaBytes: null } },
  'POST /api/v1/teams/{id}/members': { access: 'platform-admin', body: { email: 'someone@example.com', role: 'viewer' } },
  'GET /api/v1/models': { access: 'signed-in' },
  'POST /api/v1/models': { access: 'team-member', body: { name: `new-${f.suffix}`, teamId: f.teamId } },
  'GET /api/v1/models/{name}': { access: 'team-viewer' },
  'PATCH /api/v1/models/{name}': { access: 'team-member', body: { tags: ['matrix'] } },
  'PUT /api/v1/models/{name}/aliases/{alias}': { access: 'team-member', body: { versionLabel: 1 } },
  'DELETE /api/v1/models/{name}/aliases/{alias}': { access: 'team-member' },
  'GET /api/v1/models/{name}/versions': { access: 'team-viewer' },
  'POST /api/v1/models/{name}/versions': { access: 'team-member', headers: { 'content-type': 'application/octet-stream' } },
  'PUT /api/v1/models/{name}/versions': { access: 'team-member', headers: { 'content-type': 'application/octet-stream' } },
  'GET /api/v1/models/{name}/versions/{label}': { access: 'team-viewer' },
  'DELETE /api/v1/models/{name}/versions/{label}': { access: 'team-member' },
  'GET /api/v1/models/{name}/versions/{label}/artifact': { access: 'team-viewer' },
  'GET /api/v1/deployments': { access: 'signed-in' },
  'POST /api/v1/deployments': { access: 'team-member', body: deployBody(`new-${f.suffix}`, f.model) },
  'GET /api/v1/deployments/{name}': { access: 'team-viewer' },
  'PATCH /api/v1/deployments/{name}': { access: 'team-member', body: { replicas: 1 } },
  'GET /api/v1/deployments/{name}/events': { access: 'team-viewer' },
  'GET /api/v1/deployments/{name}/latency': { access: 'team-viewer' },
  'GET /api/v1/deployments/{name}/performance': { access: 'team-viewer' },
  'GET /api/v1/deployments/{name}/comparison': { access: 'team-viewer' },
  'GET /api/v1/deployments/{name}/scaling': { access: 'team-viewer' },
  'GET /api/v1/deployments/{name}/revisions': { access: 'team-viewer' },
  'GET /api/v1/deployments/{name}/drift': { access: 'team-viewer' },
  'POST /api/v1/deployments/{name}/drift/baseline': { access: 'team-member', body: { from: '2026-01-01T00:00:00Z', to: '2026-01-01T01:00:00Z' } },
  'GET /api/v1/deployments/{name}/alerts': { access: 'team-viewer' },
  'POST /api/v1/deployments/{name}/alerts': { access: 'team-member', body: { kind: 'no_traffic' } },
  'PATCH /api/v1/deployments/{name}/alerts/{id}': { access: 'team-member', body: { enabled: false } },
  'DELETE /api/v1/deployments/{name}/alerts/{id}': { access: 'team-member' },
  'GET /api/v1/deployments/{name}/alerts/history': { access: 'team-viewer' },
  'GET /api/v1/deployments/{name}/docs': { access: 'team-viewer' },
  'GET /api/v1/deployments/{name}/openapi.json': { access: 'team-viewer' },
  'POST /api/v1/deployments/{name}/alerts/{id}/test': { access: 'team-member' },
  'GET /api/v1/deployments/{name}/logs': { access: 'team-viewer' },
  'GET /api/v1/deployments/{name}/quality': { access: 'team-viewer' },
  'GET /api/v1/deployments/{name}/quality/settings': { access: 'team-viewer' },
  'PUT /api/v1/deployments/{name}/quality/settings': { access: 'team-member', body: { capturePercent: 0 } },
  'GET /api/v1/deployments/{name}/captures': { access: 'team-viewer' },
  'GET /api/v1/deployments/{name}/captures/download': { access: 'team-viewer', query: 'from=2026-01-01T00:00:00Z&to=2026-01-01T01:00:00Z' },
  'GET /api/v1/deployments/{name}/captures/{requestId}': { access: 'team-viewer', query: 'at=2026-01-01T00:00:00Z', absent: true },
  'GET /api/v1/teams/{id}/secrets': { access: 'team-viewer' },
  'PUT /api/v1/teams/{id}/secrets': { access: 'team-member', body: { name: 'MATRIX_SECRET', value: 'matrix-value-1' } },
  'DELETE /api/v1/teams/{id}/secrets/{name}': { access: 'team-member' },
  'GET /api/v1/graphs': { access: 'signed-in' },
  'POST /api/v1/graphs': { access: 'team-member', body: { name: `g-${f.suffix}`, teamId: f.teamId, spec: graphSpec(f) } },
  'POST /api/v1/graphs/check': { access: 'signed-in', body: { spec: graphSpec(f) } },
  'GET /api/v1/graphs/{name}': { access: 'team-viewer' },
  'PUT /api/v1/graphs/{name}': { access: 'team-member', body: { spec: graphSpec(f) } },
  'POST /api/v1/graphs/{name}/rollback': { access: 'team-member', body: { revision: 1 } },
  'GET /api/v1/graphs/{name}/traces': { access: 'team-viewer' },
  // A deployment file names its models: planning one needs to see them, applying it a member's role.
  'POST /api/v1/plan': { access: 'team-viewer', body: deploymentFile(f) },
  'POST /api/v1/apply': { access: 'team-member', body: deploymentFile(f) },
  'GET /api/v1/openapi.json': { access: 'public' },
  'GET /api/v1/schemas/deploy': { access: 'public' },
  'POST /api/v1/deployments/{name}/rollback': { access: 'team-member', body: { revision: 1 } },
  'PUT /api/v1/deployments/{name}/scale': { access: 'team-member', body: { replicas: 1 } },
  'POST /api/v1/deployments/{name}/try': { access: 'team-viewer', body: { inputs: { features: [[5.1, 3.5, 1.4, 0.2]] } } },
  'POST /api/v1/deployments/{name}/stop': { access: 'team-member' },
  'DELETE /api/v1/deployments/{name}': { access: 'team-member' },
  'PUT /api/v1/deployments/{name}/follow': { access: 'team-member', body: { alias: null } },
  'POST /api/v1/deployments/{name}/clone': { access: 'team-member', body: { name: `clone-${f.suffix}` } },
  'POST /api/v1/deployments/{name}/promote': { access: 'team-member' },
  'POST /api/v1/deployments/{name}/pause': { access: 'team-member' },
  'POST /api/v1/deployments/{name}/resume': { access: 'team-member' },
  'POST /api/v1/deployments/{name}/abort': { access: 'team-member' },
  // tus: creation names the model in its metadata; an existing upload answers only its uploader.
  'POST /api/v1/uploads/{id}': {
    access: 'team-member',
    headers: { 'tus-resumable': '1.0.0', 'upload-length': '10', 'upload-metadata': `filename ${btoa('m.onnx')},model ${btoa(f.model)}` },
  },
  'HEAD /api/v1/uploads/{id}': { access: 'own', headers: { 'tus-resumable': '1.0.0' } },
  'PATCH /api/v1/uploads/{id}': {
    access: 'own',
    headers: { 'tus-resumable': '1.0.0', 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' },
  },
  'DELETE /api/v1/uploads/{id}': { access: 'own', headers: { 'tus-resumable': '1.0.0' } },
  'GET /api/v1/uploads/{id}': { access: 'own', headers: { 'tus-resumable': '1.0.0' } },
  'OPTIONS /api/v1/uploads/{id}': { access: 'public', headers: { 'tus-resumable': '1.0.0' } },
});

interface Fixture {
  suffix: string;
  teamId: string;
  model: string;
  deployment: string;
  graph: string;
}

/** `METHOD /api/v1/...` for every handler a route file exports; `[name]` and `[[...id]]` become `{name}`, `{id}`. */
async function routeTable(root: string): Promise<string[]> {
  const apiDir = path.join(root, 'apps', 'web', 'app');
  const files = (await readdir(path.join(apiDir, 'api'), { recursive: true })).filter((f) => f.endsWith('route.ts'));
  const routes: string[] = [];
  for (const file of files) {
    const source = await readFile(path.join(apiDir, 'api', file), 'utf8');
    const urlPath = `/api/${path.dirname(file)}`.replace(/\[\[?\.{0,3}(\w+)\]\]?/g, '{$1}');
    const methods = [...source.matchAll(/export const (GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS)\b|as (GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS)\b/g)].map(
      (m) => m[1] ?? m[2],
    );
    routes.push(...methods.map((m) => `${m} ${urlPath}`));
  }
  return routes.sort();
}

describe('authorization matrix: every route × role × own and other team', () => {
  let stack: Awaited<ReturnType<typeof startStack>>;
  let admin: ApiClient;
  const callers = {} as Record<'member' | 'viewer' | 'outsider', ApiClient>;
  const suffix = randomUUID().slice(0, 8);
  let fixture: Fixture;
  let rules: Record<string, Rule>;
  /** Values for path parameters: team A's resources, which only its members and viewers may see. */
  let params: Record<string, string>;
  let memberKeyId: string;
  let memberUploadId: string;
  let alertRuleId: string;

  beforeAll(async () => {
    stack = await startStack();
    admin = await ApiClient.login(stack.webUrl, stack.admin.email, stack.admin.password);
    const team = async (name: string) => (await admin.request('POST', '/api/v1/teams', { name })).body.team.id as string;
    const [teamA, teamB] = [await team(`mx-a-${suffix}`), await team(`mx-b-${suffix}`)];
    const password = 'matrix-pass-1';
    for (const [who, teamId, role] of [
      ['member', teamA, 'member'],
      ['viewer', teamA, 'viewer'],
      ['outsider', teamB, 'member'],
    ] as const) {
      const email = `mx-${who}-${suffix}@example.com`;
      expect((await admin.request('POST', '/api/v1/users', { email, name: who, password })).status).toBe(201);
      expect((await admin.request('POST', `/api/v1/teams/${teamId}/members`, { email, role })).status).toBe(201);
      callers[who] = await ApiClient.login(stack.webUrl, email, password);
    }
    const model = `mx-${suffix}`;
    expect((await callers.member.request('POST', '/api/v1/models', { name: model, teamId: teamA })).status).toBe(201);
    expect((await callers.member.uploadInspected(model, stack.demoModelPath)).status).toBe('ready');
    const deployment = `mx-svc-${suffix}`;
    expect((await callers.member.request('POST', '/api/v1/deployments', deployBody(deployment, model))).status).toBe(201);
    memberKeyId = (await callers.member.request('POST', '/api/v1/api-keys', { name: 'mine' })).body.apiKey.id;
    alertRuleId = (await callers.member.request('POST', `/api/v1/deployments/${deployment}/alerts`, { kind: 'no_traffic' })).body.rule.id;
    const upload = await callers.member.raw('/api/v1/uploads', {
      method: 'POST',
      headers: { 'tus-resumable': '1.0.0', 'upload-length': '10', 'upload-metadata': `filename ${btoa('m.onnx')},model ${btoa(model)}` },
    });
    expect(upload.status).toBe(201);
    memberUploadId = upload.headers.get('location')!.split('/').at(-1)!;
    const graph = `mx-graph-${suffix}`;
    const graphFixture = { suffix, teamId: teamA, model, deployment, graph };
    const created = await callers.member.request('POST', '/api/v1/graphs', { name: graph, teamId: teamA, spec: graphSpec(graphFixture) });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    fixture = graphFixture;
    rules = ACCESS(fixture);
    params = { '{name}': model, '{label}': '1', '{id}': teamA };
  });

  /** The concrete URL of a route for the fixture's resources. */
  const urlFor = (route: string) => {
    const template = route.slice(route.indexOf(' ') + 1);
    const id = template.startsWith('/api/v1/api-keys')
      ? memberKeyId
      : template.startsWith('/api/v1/uploads')
        ? memberUploadId
        : template.includes('/alerts/')
          ? alertRuleId
          : must(params['{id}'], '{id}');
    const name = template.startsWith('/api/v1/deployments')
      ? fixture.deployment
      : template.startsWith('/api/v1/machine-types')
        ? 'cpu-small'
        : template.startsWith('/api/v1/graphs')
          ? fixture.graph
          : template.includes('/secrets/')
            ? 'MATRIX_SECRET'
            : must(params['{name}'], '{name}');
    const url = template
      .replace('{id}', id)
      .replace('{name}', name)
      .replace('{label}', must(params['{label}'], '{label}'))
      .replace('{requestId}', randomUUID());
    const query = rules[route]?.query;
    if (query) return `${url}?${query}`;
    return url.endsWith('/versions') ? `${url}?filename=m.onnx` : url;
  };

  const call = async (client: ApiClient, route: string) => {
    const [method] = route.split(' ');
    const rule = must(rules[route], route);
    let url = urlFor(route);
    // Creating a tus upload goes to the collection.
    if (route === 'POST /api/v1/uploads/{id}') url = '/api/v1/uploads';
    const headers = rule.headers ?? (rule.body === undefined ? {} : { 'content-type': 'application/json' });
    const body =
      rule.body === undefined ? (rule.headers?.['content-type'] === 'application/octet-stream' ? 'not a model' : undefined) : JSON.stringify(rule.body);
    const response = await client.raw(url, { method, headers, body });
    return response.status;
  };

  it('knows every route the web app serves, and only those', async () => {
    const served = await routeTable(stack.env.root);
    expect(served).toEqual(Object.keys(rules).sort());
  });

  it('answers 401 to anonymous callers everywhere but sign-in', async () => {
    const anonymous = new ApiClient(stack.webUrl);
    const refusals: Record<string, number> = {};
    for (const route of Object.keys(rules)) {
      if (rules[route]?.access === 'public') continue;
      refusals[route] = await call(anonymous, route);
    }
    expect(
      Object.values(refusals).every((s) => s === 401),
      JSON.stringify(refusals),
    ).toBe(true);
  });

  it("hides another team's resources (404), and keys and uploads of another user", async () => {
    const statuses: Record<string, number> = {};
    for (const [route, rule] of Object.entries(rules)) {
      if (rule.access === 'team-viewer' || rule.access === 'team-member' || rule.access === 'own') statuses[route] = await call(callers.outsider, route);
    }
    // Creating in another team's name (model, deployment, upload) is refused as if the team's model did not exist.
    expect(statuses).toEqual(Object.fromEntries(Object.keys(statuses).map((route) => [route, 404])));
    // Lists leave them out.
    const models = (await callers.outsider.request('GET', '/api/v1/models')).body.models.map((m: { name: string }) => m.name);
    const deployments = (await callers.outsider.request('GET', '/api/v1/deployments')).body.deployments.map((d: { name: string }) => d.name);
    const usage = (await callers.outsider.request('GET', '/api/v1/usage')).body.teams.map((t: { id: string }) => t.id);
    expect([models.includes(fixture.model), deployments.includes(fixture.deployment), usage.includes(fixture.teamId)]).toEqual([false, false, false]);
    // The member's key still works: the outsider's DELETE changed nothing.
    expect((await callers.member.request('GET', '/api/v1/api-keys')).body.apiKeys.map((k: { id: string }) => k.id)).toContain(memberKeyId);
  });

  it('refuses team viewers what needs a member (403), and members what needs a platform admin (403)', async () => {
    const statuses: Record<string, number> = {};
    const expected: Record<string, number> = {};
    for (const [route, rule] of Object.entries(rules)) {
      if (rule.access === 'team-member') {
        statuses[`viewer ${route}`] = await call(callers.viewer, route);
        expected[`viewer ${route}`] = 403;
      }
      if (rule.access === 'platform-admin') {
        statuses[`member ${route}`] = await call(callers.member, route);
        expected[`member ${route}`] = 403;
      }
    }
    expect(statuses).toEqual(expected);
  });

  it("lets team viewers read everything of their team's", async () => {
    const statuses: Record<string, number> = {};
    for (const [route, rule] of Object.entries(rules)) {
      if (rule.access === 'team-viewer' && route.startsWith('GET ')) statuses[route] = await call(callers.viewer, route);
    }
    // What the fixture has answers 200; what it cannot have (a capture) answers 404, never 403.
    const expected = Object.fromEntries(Object.keys(statuses).map((route) => [route, rules[route]?.absent ? 404 : 200]));
    expect(statuses).toEqual(expected);
  });
});
