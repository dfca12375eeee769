import { readFile } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from './api-client';
import { startStack } from './stack';

// The whole platform through its public interfaces: the REST API and the gateway.
describe('control plane and data plane', () => {
  let stack: Awaited<ReturnType<typeof startStack>>;
  let admin: ApiClient;
  const suffix = randomUUID().slice(0, 8);
  const modelName = `iris-api-${suffix}`;
  const deploymentName = `iris-svc-${suffix}`;
  let apiKey: string;

  const predict = (body: unknown, key: string | null = apiKey, name = deploymentName) =>
    fetch(`${stack.gatewayUrl}/models/${name}/predict`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
      body: JSON.stringify(body),
    });

  beforeAll(async () => {
    stack = await startStack();
    admin = await ApiClient.login(stack.webUrl, stack.admin.email, stack.admin.password);
    const created = await admin.request('POST', '/api/v1/api-keys', { name: 'journey' });
    apiKey = created.body.key;
  });

  it('refuses API calls without a session and wrong passwords, in the stable error shape', async () => {
    const anonymous = new ApiClient(stack.webUrl);
    const models = await anonymous.request('GET', '/api/v1/models');
    expect(models.status).toBe(401);
    expect(models.body.error).toEqual({ code: 'unauthorized', message: expect.any(String) });
    const login = await anonymous.request('POST', '/api/v1/auth/login', { email: stack.admin.email, password: 'nope' });
    expect(login.status).toBe(401);
    expect(login.body.error.code).toBe('invalid_credentials');
    const invalid = await anonymous.request('POST', '/api/v1/auth/login', { email: 'not-an-email' });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.code).toBe('validation_error');
  });

  it('turns an uploaded ONNX file into a ready version with its signature', async () => {
    expect((await admin.request('POST', '/api/v1/models', { name: modelName })).status).toBe(201);
    const upload = await admin.upload(modelName, stack.demoModelPath);
    expect(upload.status).toBe(202);
    expect(upload.body.version).toMatchObject({ label: 1, status: 'uploaded', format: 'onnx' });
    expect(upload.body.version.digest).toMatch(/^[a-f0-9]{64}$/);
    const { version } = await admin.waitFor(
      `/api/v1/models/${modelName}/versions/1`,
      (b) => b.version.status !== 'uploaded' && b.version.status !== 'validating',
    );
    expect(version.status).toBe('ready');
    expect(version.signature.inputs).toEqual([{ name: 'features', dtype: 'float32', shape: [null, 4] }]);
    expect(version.signature.outputs.map((o: { name: string }) => o.name).sort()).toEqual(['label', 'probabilities']);

    const again = await admin.upload(modelName, stack.demoModelPath);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ deduplicated: true, version: { label: 1, digest: version.digest } });
  });

  it('refuses a file that is not ONNX at upload, storing nothing', async () => {
    const before = (await admin.request('GET', `/api/v1/models/${modelName}`)).body.model.versions.length;
    const upload = await admin.upload(modelName, { name: 'notes.onnx', bytes: new TextEncoder().encode('this is not a model') });
    expect(upload.status).toBe(422);
    expect(upload.body.error.code).toBe('not_onnx');
    expect((await admin.request('GET', `/api/v1/models/${modelName}`)).body.model.versions.length).toBe(before);
  });

  it('ends an ONNX file onnxruntime cannot load as a failed version with the reason', async () => {
    const bytes = await readFile(stack.demoModelPath);
    const upload = await admin.upload(modelName, { name: 'truncated.onnx', bytes: bytes.subarray(0, Math.floor(bytes.length * 0.6)) });
    expect(upload.status).toBe(202);
    const { version } = await admin.waitFor(
      `/api/v1/models/${modelName}/versions/${upload.body.version.label}`,
      (b) => b.version.status === 'failed' || b.version.status === 'ready',
    );
    expect(version.status).toBe('failed');
    expect(version.statusReason).toMatch(/not a loadable ONNX model/);
  });

  it('refuses an unsupported file type without storing anything', async () => {
    const before = (await admin.request('GET', `/api/v1/models/${modelName}`)).body.model.versions.length;
    const upload = await admin.upload(modelName, { name: 'weights.pkl', bytes: new Uint8Array([1, 2, 3]) });
    expect(upload.status).toBe(415);
    expect(upload.body.error.code).toBe('unsupported_media_type');
    expect((await admin.request('GET', `/api/v1/models/${modelName}`)).body.model.versions.length).toBe(before);
  });

  it('deploys a version, serves it through the gateway and rolls latency up', async () => {
    const created = await admin.request('POST', '/api/v1/deployments', {
      name: deploymentName,
      modelName,
      versionLabel: 1,
      machineType: 'cpu-small',
      replicas: 2,
    });
    expect(created.status).toBe(201);
    const { deployment } = await admin.waitFor(`/api/v1/deployments/${deploymentName}`, (b) => ['ready', 'failed'].includes(b.deployment.status));
    expect(deployment.status).toBe('ready');
    expect(deployment.variants[0].replicaList).toHaveLength(2);
    const { events } = (await admin.request('GET', `/api/v1/deployments/${deploymentName}/events`)).body;
    expect(events.map((e: { step: string }) => e.step)).toEqual(expect.arrayContaining(['accepted', 'replica-ready', 'routed']));
    expect(events.at(-1).progress).toBe(1);

    // The gateway learns the new routing table through Redis pub/sub.
    let response = await predict({
      inputs: {
        features: [
          [5.1, 3.5, 1.4, 0.2],
          [6.7, 3.0, 5.2, 2.3],
        ],
      },
    });
    for (let i = 0; i < 50 && response.status === 404; i++) {
      await new Promise((r) => setTimeout(r, 100));
      response = await predict({
        inputs: {
          features: [
            [5.1, 3.5, 1.4, 0.2],
            [6.7, 3.0, 5.2, 2.3],
          ],
        },
      });
    }
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.outputs.label).toEqual([0, 2]);
    expect(body.outputs.probabilities).toHaveLength(2);

    const oip = await fetch(`${stack.gatewayUrl}/v2/models/${deploymentName}/infer`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
      body: JSON.stringify({ id: 'r1', inputs: [{ name: 'features', datatype: 'FP32', shape: [1, 4], data: [5.1, 3.5, 1.4, 0.2] }] }),
    });
    expect(oip.status).toBe(200);
    const oipBody = await oip.json();
    expect(oipBody.id).toBe('r1');
    expect(oipBody.outputs.find((o: { name: string }) => o.name === 'label').data).toEqual([0]);

    type Point = { count: number; p50: number | null };
    const { points } = await admin.waitFor(`/api/v1/deployments/${deploymentName}/latency?minutes=5`, (b) => b.points.some((p: Point) => p.count > 0), 20_000);
    expect(points.reduce((n: number, p: Point) => n + p.count, 0)).toBeGreaterThanOrEqual(2);
    expect(points.find((p: Point) => p.count > 0).p50).toBeGreaterThan(0);
    // Every slot of the window is there, the quiet ones with no percentiles: a chart shows gaps, not made-up lines.
    expect(points.length).toBeGreaterThanOrEqual(60);
    expect(points.filter((p: Point) => p.count === 0).every((p: Point) => p.p50 === null)).toBe(true);
  });

  it('answers a wrong shape with a 400 that names the input and both shapes', async () => {
    const response = await predict({ inputs: { features: [[5.1, 3.5, 1.4]] } });
    expect(response.status).toBe(400);
    const { error } = await response.json();
    expect(error.code).toBe('invalid_input');
    expect(error.message).toContain('features');
    expect(error.message).toMatch(/4/);
    expect(error.message).toMatch(/3/);
  });

  it('requires a valid API key at the gateway and checks its team', async () => {
    const missing = await predict({ inputs: { features: [[1, 2, 3, 4]] } }, null);
    expect(missing.status).toBe(401);
    expect((await missing.json()).error.code).toBe('unauthorized');
    expect((await predict({ inputs: { features: [[1, 2, 3, 4]] } }, 'sk_not-a-real-key')).status).toBe(401);

    const email = `outsider-${suffix}@example.com`;
    expect((await admin.request('POST', '/api/v1/users', { email, name: 'Outsider', password: 'outsider-pass' })).status).toBe(201);
    const outsider = await ApiClient.login(stack.webUrl, email, 'outsider-pass');
    const { key } = (await outsider.request('POST', '/api/v1/api-keys', { name: 'mine' })).body;
    const unlimited = await outsider.request('POST', '/api/v1/api-keys', { name: 'greedy', rateLimitPerSecond: 1_000_000 });
    expect(unlimited.status).toBe(403);
    expect(unlimited.body.error.code).toBe('forbidden');
    const forbidden = await predict({ inputs: { features: [[1, 2, 3, 4]] } }, key);
    expect(forbidden.status).toBe(403);
    expect((await forbidden.json()).error.code).toBe('forbidden');
  });

  it('gives a viewer read access but a 403 on changes', async () => {
    const email = `viewer-${suffix}@example.com`;
    await admin.request('POST', '/api/v1/users', { email, name: 'Viewer', password: 'viewer-pass' });
    const team = (await admin.request('GET', '/api/v1/teams')).body.teams.find((t: { name: string }) => t.name === 'default');
    expect((await admin.request('POST', `/api/v1/teams/${team.id}/members`, { email, role: 'viewer' })).status).toBe(201);
    const viewer = await ApiClient.login(stack.webUrl, email, 'viewer-pass');
    expect((await viewer.request('GET', `/api/v1/models/${modelName}`)).status).toBe(200);
    const deploy = await viewer.request('POST', '/api/v1/deployments', {
      name: `viewer-${suffix}`,
      modelName,
      versionLabel: 1,
      machineType: 'cpu-small',
      replicas: 1,
    });
    expect(deploy.status).toBe(403);
    expect(deploy.body.error.code).toBe('forbidden');
    expect((await viewer.request('POST', `/api/v1/deployments/${deploymentName}/stop`)).status).toBe(403);
    expect((await viewer.request('GET', '/api/v1/users')).status).toBe(403);
  });

  it('fails a GPU deployment on a host without GPUs with a clear event', async () => {
    const name = `gpu-${suffix}`;
    await admin.request('POST', '/api/v1/deployments', { name, modelName, versionLabel: 1, machineType: 'gpu-t4', replicas: 1 });
    const { deployment } = await admin.waitFor(`/api/v1/deployments/${name}`, (b) => ['ready', 'failed'].includes(b.deployment.status));
    expect(deployment.status).toBe('failed');
    expect(deployment.statusReason).toMatch(/GPU/);
    const { events } = (await admin.request('GET', `/api/v1/deployments/${name}/events`)).body;
    expect(events.at(-1)).toMatchObject({ level: 'error', step: 'failed' });
  });

  it('stops a deployment: its replicas exit and the gateway stops routing to it', async () => {
    const { deployment } = (await admin.request('GET', `/api/v1/deployments/${deploymentName}`)).body;
    const addresses: string[] = deployment.variants[0].replicaList.map((r: { address: string }) => r.address);
    expect((await admin.request('POST', `/api/v1/deployments/${deploymentName}/stop`)).status).toBe(202);
    await admin.waitFor(`/api/v1/deployments/${deploymentName}`, (b) => b.deployment.status === 'stopped');
    for (const address of addresses) {
      await expect(fetch(`${address}/v2/health/live`)).rejects.toThrow();
    }
    const after = await predict({ inputs: { features: [[5.1, 3.5, 1.4, 0.2]] } });
    expect(after.status).toBe(404);
  });
});
