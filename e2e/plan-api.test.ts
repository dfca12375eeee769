import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from './api-client';
import { startStack } from './stack';

/** POST /api/v1/plan and /apply as the REST contract: validation, resolution, quota for the file as a whole, roles. */
describe('plan and apply API', () => {
  let admin: ApiClient;
  let viewer: ApiClient;
  const suffix = randomUUID().slice(0, 8);
  const model = `iris-plan-${suffix}`;
  const [first, second] = [`plan-a-${suffix}`, `plan-b-${suffix}`];

  const declared = (name: string, replicas: number) => ({
    name,
    model,
    variants: [{ name: 'primary', versionLabel: 1, machineType: 'cpu-small', replicas }],
  });

  beforeAll(async () => {
    const stack = await startStack();
    admin = await ApiClient.login(stack.webUrl, stack.admin.email, stack.admin.password);
    const team = (await admin.request('POST', '/api/v1/teams', { name: `plan-${suffix}` })).body.team;
    expect((await admin.request('PATCH', `/api/v1/teams/${team.id}`, { replicaQuota: 2 })).status).toBe(200);
    expect((await admin.request('POST', '/api/v1/models', { name: model, teamId: team.id })).status).toBe(201);
    expect((await admin.uploadInspected(model, stack.demoModelPath)).status).toBe('ready');
    const email = `plan-viewer-${suffix}@example.com`;
    expect((await admin.request('POST', '/api/v1/users', { email, name: 'Plan viewer', password: 'viewer-pass' })).status).toBe(201);
    expect((await admin.request('POST', `/api/v1/teams/${team.id}/members`, { email, role: 'viewer' })).status).toBe(201);
    viewer = await ApiClient.login(stack.webUrl, email, 'viewer-pass');
  });

  it('refuses a whole file whose deployments together exceed the team quota, writing nothing', async () => {
    const file = { deployments: [declared(first, 1), declared(second, 2)] };
    const plan = await admin.request('POST', '/api/v1/plan', file);
    expect(plan.status).toBe(200);
    expect(plan.body.summary).toEqual({ add: 2, change: 0, destroy: 0, line: 'Plan: 2 to add, 0 to change, 0 to destroy.' });
    expect(plan.body.deployments.map((d: any) => d.quota.ok)).toEqual([true, false]);
    expect(plan.body.deployments[1].quota.message).toBe(
      `this deployment would hold up to 2 replicas (2 × cpu-small), but team 'plan-${suffix}' may use 2 replicas and its other deployments hold 1: 1 remains for this one`,
    );
    expect(plan.body.deployments[0].usage.after).toMatchObject({ replicas: 1 });

    const applied = await admin.request('POST', '/api/v1/apply', file);
    expect(applied.status).toBe(403);
    expect(applied.body.error).toEqual({ code: 'compute_quota_exceeded', message: `${second}: ${plan.body.deployments[1].quota.message}` });
    expect((await admin.request('GET', `/api/v1/deployments/${first}`)).status).toBe(404);
  });

  it('answers 400 for an invalid file and 404 for a model or version that does not exist', async () => {
    const invalid = await admin.request('POST', '/api/v1/plan', { deployments: [{ ...declared(first, 1), variants: [] }] });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error).toMatchObject({ code: 'validation_error', message: 'deployments.0.variants: Too small: expected array to have >=1 items' });

    const weights = await admin.request('POST', '/api/v1/plan', {
      deployments: [{ ...declared(first, 1), variants: [{ name: 'primary', versionLabel: 1, machineType: 'cpu-small', weight: 60 }] }],
    });
    expect(weights.status).toBe(400);
    expect(weights.body.error.message).toBe(`deployments.0 (${first}): variants: weights of the serving variants must sum to 100, not 60 (primary 60)`);

    const unknown = await admin.request('POST', '/api/v1/plan', { deployments: [{ ...declared(first, 1), model: `missing-${suffix}` }] });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.message).toBe(`deployments.0 (${first}): model 'missing-${suffix}' not found`);

    const version = await admin.request('POST', '/api/v1/plan', {
      deployments: [{ ...declared(first, 1), variants: [{ name: 'primary', versionLabel: 9, machineType: 'cpu-small' }] }],
    });
    expect(version.status).toBe(404);
    expect(version.body.error.message).toBe(`deployments.0 (${first}): variant 'primary': version v9 of '${model}' not found`);
  });

  it('lets a team viewer see the plan but not apply it', async () => {
    const file = { deployments: [declared(first, 1)] };
    expect((await viewer.request('POST', '/api/v1/plan', file)).status).toBe(200);
    const refused = await viewer.request('POST', '/api/v1/apply', file);
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('forbidden');
    expect((await admin.request('GET', `/api/v1/deployments/${first}`)).status).toBe(404);
  });
});
