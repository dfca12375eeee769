import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from './api-client';
import { startStack } from './stack';

const SETOSA = [5.1, 3.5, 1.4, 0.2];

/** Scaling through the REST API with an API key, the autoscaler, and scale to zero that loses no request. */
describe('scaling', () => {
  let stack: Awaited<ReturnType<typeof startStack>>;
  let admin: ApiClient;
  let apiKey: string;
  const suffix = randomUUID().slice(0, 8);
  const modelName = `iris-scale-${suffix}`;

  const predict = (name: string) =>
    fetch(`${stack.gatewayUrl}/models/${name}/predict`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
      body: JSON.stringify({ inputs: { features: [SETOSA] } }),
    });

  /** The REST API as a script calls it: an API key, no session. */
  const withKey = (method: string, path: string, body?: unknown) =>
    fetch(`${stack.webUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${apiKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    }).then(async (r) => ({ status: r.status, body: await r.json() }));

  const live = (revision: number) => (b: any) => b.deployment.status === 'ready' && b.deployment.stableRevision === revision;
  const readyReplicas = (d: any) => d.variants.flatMap((v: any) => v.replicaList).filter((r: any) => r.state === 'ready').length;

  async function deploy(name: string, replicas = 1) {
    expect((await admin.request('POST', '/api/v1/deployments', { name, modelName, versionLabel: 1, machineType: 'cpu-small', replicas })).status).toBe(201);
    await admin.waitFor(`/api/v1/deployments/${name}`, live(1));
    for (let i = 0; i < 50 && (await predict(name)).status !== 200; i++) await new Promise((r) => setTimeout(r, 100));
  }

  beforeAll(async () => {
    stack = await startStack();
    admin = await ApiClient.login(stack.webUrl, stack.admin.email, stack.admin.password);
    apiKey = (await admin.request('POST', '/api/v1/api-keys', { name: `scale-${suffix}` })).body.key;
    expect((await admin.request('POST', '/api/v1/models', { name: modelName })).status).toBe(201);
    await admin.upload(modelName, stack.demoModelPath);
    await admin.waitFor(`/api/v1/models/${modelName}/versions/1`, (b) => b.version.status === 'ready');
  });

  it('scales a deployment to a fixed count and sets autoscaler bounds through the API with an API key', async () => {
    const name = `scale-api-${suffix}`;
    await deploy(name);
    const fixed = await withKey('PUT', `/api/v1/deployments/${name}/scale`, { replicas: 3 });
    expect(fixed.status).toBe(202);
    expect(fixed.body.changes).toEqual(['primary: replicas 1 → 3']);
    const { deployment } = await admin.waitFor(`/api/v1/deployments/${name}`, (b) => live(2)(b) && readyReplicas(b.deployment) === 3);
    expect(deployment.spec.variants[0]).toMatchObject({ replicas: 3 });

    const bounds = await withKey('PUT', `/api/v1/deployments/${name}/scale`, { minReplicas: 1, maxReplicas: 2 });
    expect(bounds.status).toBe(202);
    expect(bounds.body.changes).toEqual(['primary: replicas 3 → 2', 'primary: autoscaling off → 1..2 at 32 in flight per replica']);
    await admin.waitFor(`/api/v1/deployments/${name}`, (b) => live(3)(b) && readyReplicas(b.deployment) <= 2);

    const invalid = await withKey('PUT', `/api/v1/deployments/${name}/scale`, { minReplicas: 3, maxReplicas: 2 });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error).toMatchObject({ code: 'validation_error', message: 'minReplicas: minReplicas must not exceed maxReplicas' });
    const both = await withKey('PUT', `/api/v1/deployments/${name}/scale`, { replicas: 2, maxReplicas: 4 });
    expect(both.status).toBe(400);
  });

  it('autoscales up under a step load and says why', async () => {
    const name = `autoscale-${suffix}`;
    await deploy(name);
    const autoscaling = { minReplicas: 1, maxReplicas: 3, targetOngoingRequests: 2, upscaleDelaySeconds: 1, downscaleDelaySeconds: 600, lookBackSeconds: 2 };
    expect((await admin.request('PATCH', `/api/v1/deployments/${name}`, { autoscaling })).status).toBe(202);
    await admin.waitFor(`/api/v1/deployments/${name}`, live(2));
    let running = true;
    const callers = Array.from({ length: 16 }, async () => {
      while (running) await (await predict(name)).arrayBuffer();
    });
    try {
      const { deployment } = await admin.waitFor(`/api/v1/deployments/${name}`, (b) => readyReplicas(b.deployment) >= 2, 30_000);
      expect(readyReplicas(deployment)).toBeLessThanOrEqual(3);
    } finally {
      running = false;
      await Promise.all(callers);
    }
    const messages = (await admin.request('GET', `/api/v1/deployments/${name}/events`)).body.events.map((e: { message: string }) => e.message);
    expect(messages).toContainEqual(expect.stringMatching(/^primary: scaled 1 → [23]: \d+(\.\d)? request\(s\) in flight, target 2 per replica$/));
  });

  it('sleeps at zero replicas and answers every request of a burst that wakes it', async () => {
    const name = `sleepy-${suffix}`;
    await deploy(name);
    const autoscaling = { minReplicas: 0, maxReplicas: 2, scaleToZeroDelaySeconds: 2, lookBackSeconds: 1 };
    expect((await admin.request('PATCH', `/api/v1/deployments/${name}`, { autoscaling })).status).toBe(202);
    await admin.waitFor(
      `/api/v1/deployments/${name}`,
      (b) => live(2)(b) && b.deployment.variants[0].replicas === 0 && readyReplicas(b.deployment) === 0,
      30_000,
    );

    const burst = await Promise.all(Array.from({ length: 50 }, () => predict(name).then(async (r) => ({ status: r.status, body: await r.json() }))));
    expect(burst.filter((r) => r.status !== 200)).toEqual([]);
    expect(burst.every((r) => r.body.outputs.label[0] === 0)).toBe(true);
    const messages = (await admin.request('GET', `/api/v1/deployments/${name}/events`)).body.events.map((e: { message: string }) => e.message);
    expect(messages).toEqual(expect.arrayContaining(['primary: scaled 1 → 0: idle for 2 s', 'primary: woken by a request, scaling 0 → 1']));
  });
});
