import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { buildFailingModel } from '@slipway/onnx-builder';
import { beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from './api-client';
import { platformPid, replicaPid, runningReplicaIds } from './processes';
import { startStack } from './stack';

const SETOSA = [5.1, 3.5, 1.4, 0.2];

/** Updates, strategies and healing of live deployments, through the REST API and the gateway, under load. */
describe('deployments that live', () => {
  let stack: Awaited<ReturnType<typeof startStack>>;
  let admin: ApiClient;
  let apiKey: string;
  const suffix = randomUUID().slice(0, 8);
  const modelName = `iris-live-${suffix}`;

  const predict = (name: string, headers: Record<string, string> = {}) =>
    fetch(`${stack.gatewayUrl}/models/${name}/predict`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}`, ...headers },
      body: JSON.stringify({ inputs: { features: [SETOSA] } }),
    });

  /**
   * Steady load: `callers` concurrent loops, each sending one request after another until `stop()`.
   * Every answer is kept (status, version that answered, variant header) for the assertions.
   */
  function load(name: string, callers = 6) {
    const answers: { status: number; version?: string; variant?: string | null; at: number }[] = [];
    let running = true;
    const loops = Array.from({ length: callers }, async () => {
      while (running) {
        try {
          const response = await predict(name);
          const body = response.status === 200 ? await response.json() : await response.text();
          answers.push({
            status: response.status,
            version: typeof body === 'object' ? body.version : undefined,
            variant: response.headers.get('x-slipway-variant'),
            at: Date.now(),
          });
        } catch {
          answers.push({ status: 0, at: Date.now() });
        }
      }
    });
    return {
      answers,
      failed: () => answers.filter((a) => a.status !== 200),
      stop: async () => {
        running = false;
        await Promise.all(loops);
        return answers;
      },
    };
  }

  const deployment = async (name: string) => (await admin.request('GET', `/api/v1/deployments/${name}`)).body.deployment;
  const ready = (revision: number) => (b: any) => b.deployment.status === 'ready' && b.deployment.stableRevision === revision;

  async function deployV1(name: string, replicas = 2) {
    const created = await admin.request('POST', '/api/v1/deployments', { name, modelName, versionLabel: 1, machineType: 'cpu-small', replicas });
    expect(created.status).toBe(201);
    await admin.waitFor(`/api/v1/deployments/${name}`, ready(1));
    // The gateway has the routing table once a request is answered.
    for (let i = 0; i < 50 && (await predict(name)).status !== 200; i++) await new Promise((r) => setTimeout(r, 100));
  }

  beforeAll(async () => {
    stack = await startStack();
    admin = await ApiClient.login(stack.webUrl, stack.admin.email, stack.admin.password);
    apiKey = (await admin.request('POST', '/api/v1/api-keys', { name: `live-${suffix}` })).body.key;
    expect((await admin.request('POST', '/api/v1/models', { name: modelName })).status).toBe(201);
    // v1: the iris model; v2: the same classifier packed with its manifest (other bytes, same answers); v3: fails every run.
    await admin.upload(modelName, stack.demoModelPath);
    await admin.upload(modelName, path.join(path.dirname(stack.demoModelPath), 'iris.tar.gz'));
    await admin.upload(modelName, { name: 'broken.onnx', bytes: buildFailingModel() });
    for (const label of [1, 2, 3]) await admin.waitFor(`/api/v1/models/${modelName}/versions/${label}`, (b) => b.version.status === 'ready');
  });

  it('updates the version blue-green under steady load without failing a request', async () => {
    const name = `bg-${suffix}`;
    await deployV1(name);
    const old = (await deployment(name)).variants[0].replicaList.map((r: { address: string }) => r.address);
    const traffic = load(name);
    const patched = await admin.request('PATCH', `/api/v1/deployments/${name}`, { versionLabel: 2 });
    expect(patched.status).toBe(202);
    expect(patched.body).toMatchObject({ revision: 2, changes: ['primary: v1 → v2'] });
    await admin.waitFor(`/api/v1/deployments/${name}`, ready(2));
    const answers = await traffic.stop();

    expect(answers.length).toBeGreaterThan(100);
    expect(traffic.failed()).toEqual([]);
    expect(answers.at(-1)?.version).toBe('2');
    const live = await deployment(name);
    expect(live.variants.map((v: any) => [v.version.label, v.trafficWeight, v.replicaList.length])).toEqual([[2, 100, 2]]);
    for (const address of old) await expect(fetch(`${address}/v2/health/live`)).rejects.toThrow();
    const steps = (await admin.request('GET', `/api/v1/deployments/${name}/events`)).body.events.map((e: { step: string }) => e.step);
    expect(steps).toEqual(expect.arrayContaining(['revision', 'accepted', 'replica-ready', 'switched', 'draining', 'stopped', 'routed']));

    // A second update while none is in progress is fine; history lists both with their diffs.
    const { revisions } = (await admin.request('GET', `/api/v1/deployments/${name}/revisions`)).body;
    expect(revisions.map((r: any) => [r.number, r.changes])).toEqual([
      [2, ['primary: v1 → v2']],
      [1, ['primary: added (v1 on cpu-small, weight 100%)']],
    ]);
  });

  it('rolls a canary whose candidate fails every request back at its first step, and callers under load never see a failure', async () => {
    const name = `canary-bad-${suffix}`;
    await deployV1(name, 1);
    const traffic = load(name, 16);
    // Default guardrails (50 requests); retrying the candidate's failures on the primary is the canary default.
    const strategy = {
      type: 'canary',
      steps: [
        { weight: 10, bakeSeconds: 120 },
        { weight: 50, bakeSeconds: 120 },
      ],
    };
    expect((await admin.request('PATCH', `/api/v1/deployments/${name}`, { versionLabel: 3, strategy })).status).toBe(202);
    const { deployment: after } = await admin.waitFor(`/api/v1/deployments/${name}`, ready(3));
    const answers = await traffic.stop();
    // The candidate failed requests (the guardrail counted them), yet every caller got the primary's answer.
    expect(after.statusReason).toMatch(
      /^Revision 2 was rolled back: guardrail breached at 10%: \d+ of \d+ requests failed on the candidate vs 0\.0% on the primary/,
    );
    expect(answers.length).toBeGreaterThan(50);
    expect(traffic.failed()).toEqual([]);
    expect(new Set(answers.map((a) => a.version))).toEqual(new Set(['1']));
    expect(after.variants.map((v: any) => [v.version.label, v.trafficWeight])).toEqual([[1, 100]]);
    const messages = (await admin.request('GET', `/api/v1/deployments/${name}/events`)).body.events.map((e: { message: string }) => e.message);
    expect(messages.some((m: string) => /passed its guardrails|waiting for traffic/.test(m))).toBe(false);
    const { revisions } = (await admin.request('GET', `/api/v1/deployments/${name}/revisions`)).body;
    expect(revisions[0]).toMatchObject({ number: 3, author: 'controller', changes: ['primary: v3 → v1', expect.stringMatching(/^strategy: canary/)] });
    // After the rollback every caller is answered by v1 again.
    const response = await predict(name);
    expect(response.status).toBe(200);
    expect((await response.json()).version).toBe('1');
  });

  it('promotes a healthy canary through every step, and refuses a second update while it runs', async () => {
    const name = `canary-good-${suffix}`;
    await deployV1(name, 1);
    const traffic = load(name, 4);
    const strategy = {
      type: 'canary',
      steps: [
        { weight: 25, bakeSeconds: 1 },
        { weight: 50, bakeSeconds: 1 },
      ],
      guardrails: { minRequests: 10, maxP99Ratio: 20 },
    };
    expect((await admin.request('PATCH', `/api/v1/deployments/${name}`, { versionLabel: 2, strategy })).status).toBe(202);
    const refused = await admin.request('PATCH', `/api/v1/deployments/${name}`, { replicas: 2 });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toEqual({ code: 'conflict', message: expect.stringContaining('"supersede": true') });
    await admin.waitFor(`/api/v1/deployments/${name}`, ready(2));
    await traffic.stop();
    expect(traffic.failed()).toEqual([]);
    const messages = (await admin.request('GET', `/api/v1/deployments/${name}/events`)).body.events.map((e: { message: string }) => e.message);
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^Canary step 1\/2: 25%/),
        expect.stringMatching(/^Step 25% passed its guardrails/),
        'Step 50% passed its guardrails: promoted to 100%',
      ]),
    );
    expect((await admin.request('POST', `/api/v1/deployments/${name}/promote`)).status).toBe(409);
  });

  it('splits A/B traffic by weight, keeps sticky callers on their variant and never lets a pin reach a shadow', async () => {
    const name = `ab-${suffix}`;
    await deployV1(name, 1);
    const variants = [
      { name: 'primary', weight: 70 },
      { name: 'b', versionLabel: 2, weight: 30 },
      { name: 'shadow', role: 'shadow', versionLabel: 2, mirrorPercent: 100 },
    ];
    expect((await admin.request('PATCH', `/api/v1/deployments/${name}`, { variants })).status).toBe(202);
    await admin.waitFor(`/api/v1/deployments/${name}`, ready(2));
    for (let i = 0; i < 50 && (await predict(name, { 'x-slipway-variant': 'b' })).status !== 200; i++) await new Promise((r) => setTimeout(r, 100));

    const counts = new Map<string, number>();
    for (let batch = 0; batch < 5_000 / 50; batch++) {
      const responses = await Promise.all(Array.from({ length: 50 }, () => predict(name)));
      for (const r of responses) {
        expect(r.status).toBe(200);
        counts.set(r.headers.get('x-slipway-variant')!, (counts.get(r.headers.get('x-slipway-variant')!) ?? 0) + 1);
        await r.arrayBuffer();
      }
    }
    expect(Math.abs((counts.get('primary') ?? 0) / 5_000 - 0.7)).toBeLessThanOrEqual(0.03);
    expect(Math.abs((counts.get('b') ?? 0) / 5_000 - 0.3)).toBeLessThanOrEqual(0.03);
    expect(counts.has('shadow')).toBe(false);

    const sticky = await Promise.all(Array.from({ length: 20 }, () => predict(name, { 'x-slipway-key': 'customer-42' })));
    expect(new Set(sticky.map((r) => r.headers.get('x-slipway-variant'))).size).toBe(1);
    const pinned = await predict(name, { 'x-slipway-variant': 'shadow' });
    expect(pinned.status).toBe(404);
  });

  it('replaces a replica killed with SIGKILL under load within seconds, failing no request', async () => {
    const name = `heal-${suffix}`;
    await deployV1(name, 2);
    const [victim] = (await deployment(name)).variants[0].replicaList;
    const pid = replicaPid(victim.id);
    const traffic = load(name, 4);
    process.kill(pid, 'SIGKILL');
    const { deployment: healed } = await admin.waitFor(
      `/api/v1/deployments/${name}`,
      (b) => {
        const list = b.deployment.variants[0].replicaList;
        return list.filter((r: any) => r.state === 'ready').length === 2 && !list.some((r: any) => r.id === victim.id && r.state === 'ready');
      },
      5_000,
    );
    await traffic.stop();
    expect(traffic.failed()).toEqual([]);
    const victimNow = healed.variants[0].replicaList.find((r: any) => r.id === victim.id);
    expect(victimNow).toMatchObject({ state: 'failed', reason: 'exited (signal SIGKILL)' });
    const messages = (await admin.request('GET', `/api/v1/deployments/${name}/events`)).body.events.map((e: { message: string }) => e.message);
    expect(messages).toContain(`Replica ${victim.id.slice(0, 8)} of primary exited (signal SIGKILL): replacing it`);
  });

  it('finishes a rollout after the worker is killed in the middle of it, with the spec’s replica count exactly', async () => {
    const name = `worker-crash-${suffix}`;
    await deployV1(name, 1);
    expect((await admin.request('PATCH', `/api/v1/deployments/${name}`, { versionLabel: 2, replicas: 4 })).status).toBe(202);
    await admin.waitFor(
      `/api/v1/deployments/${name}`,
      (b) => b.deployment.variants.some((v: any) => v.version.label === 2 && v.replicaList.length > 0),
      20_000,
    );
    process.kill(platformPid('worker'), 'SIGKILL');
    const { deployment: done } = await admin.waitFor(`/api/v1/deployments/${name}`, ready(2), 60_000);
    expect(done.variants.map((v: any) => [v.version.label, v.replicaList.filter((r: any) => r.state === 'ready').length])).toEqual([[2, 4]]);
    expect(runningReplicaIds().filter((id) => done.variants[0].replicaList.some((r: any) => r.id === id))).toHaveLength(4);
    const response = await predict(name);
    expect(response.status).toBe(200);
  });
});
