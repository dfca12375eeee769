import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from './api-client';
import { startStack } from './stack';

// Compute quotas over REST: a team's deployments may reach, at their worst case, only what an admin allows.
describe('compute quotas', () => {
  let stack: Awaited<ReturnType<typeof startStack>>;
  let admin: ApiClient;
  const suffix = randomUUID().slice(0, 8);
  // A team of its own: its quota and usage touch no other journey.
  const teamName = `compute-${suffix}`;
  const modelName = `iris-quota-${suffix}`;
  const fits = `iris-fits-${suffix}`;
  let teamId: string;

  beforeAll(async () => {
    stack = await startStack();
    admin = await ApiClient.login(stack.webUrl, stack.admin.email, stack.admin.password);
  });

  afterAll(async () => {
    await admin?.request('POST', `/api/v1/deployments/${fits}/stop`);
  });

  it('lets an admin set any subset of a team’s quotas, validated, null lifting a limit', async () => {
    const created = await admin.request('POST', '/api/v1/teams', { name: teamName });
    expect(created.status).toBe(201);
    teamId = created.body.team.id;
    expect(created.body.team.compute).toEqual({
      quota: { vcpu: null, memoryMb: null, replicas: null, gpus: {} },
      used: { vcpu: 0, memoryMb: 0, replicas: 0, gpus: {} },
    });

    const refusals = [
      [{ vcpuQuota: 0 }, /^vcpuQuota:/],
      [{ replicaQuota: 1.5 }, /^replicaQuota:/],
      [{ gpuQuota: { ' ': 1 } }, /GPU types \(the keys\) must be 1 to 63 characters/],
      [{ vcpu: 3 }, /can be set/],
      [{}, /give at least one of/],
    ] as const;
    // The message as before; a `fields` list names each refused field in a plain sentence for forms (field-errors.test.ts).
    for (const [body, message] of refusals) {
      const refused = await admin.request('PATCH', `/api/v1/teams/${teamId}`, body);
      expect(refused.status, JSON.stringify(body)).toBe(400);
      expect(refused.body.error).toMatchObject({ code: 'validation_error', message: expect.stringMatching(message) });
    }

    const all = await admin.request('PATCH', `/api/v1/teams/${teamId}`, {
      vcpuQuota: 8,
      memoryQuotaMb: 65_536,
      replicaQuota: 10,
      gpuQuota: { 'nvidia-t4': 2 },
    });
    expect(all.status).toBe(200);
    expect(all.body.team.compute.quota).toEqual({ vcpu: 8, memoryMb: 65_536, replicas: 10, gpus: { 'nvidia-t4': 2 } });

    // Only what is given changes; the storage quota is kept.
    expect((await admin.request('PATCH', `/api/v1/teams/${teamId}`, { storageQuotaBytes: 10 * 1024 ** 2 })).status).toBe(200);
    const lifted = await admin.request('PATCH', `/api/v1/teams/${teamId}`, { vcpuQuota: 3, memoryQuotaMb: null, replicaQuota: null, gpuQuota: null });
    expect(lifted.status).toBe(200);
    expect(lifted.body.team).toMatchObject({ storageQuotaBytes: 10 * 1024 ** 2, compute: { quota: { vcpu: 3, memoryMb: null, replicas: null, gpus: {} } } });

    const { teams } = (await admin.request('GET', '/api/v1/teams')).body;
    expect(teams.find((t: { id: string }) => t.id === teamId).compute).toEqual({
      quota: { vcpu: 3, memoryMb: null, replicas: null, gpus: {} },
      used: { vcpu: 0, memoryMb: 0, replicas: 0, gpus: {} },
    });
  });

  it('refuses a deploy past the vCPU quota with what it needs, what is used and the limit, creating nothing', async () => {
    const { machineTypes } = (await admin.request('GET', '/api/v1/machine-types')).body;
    const size = (name: string) => machineTypes.find((m: { name: string }) => m.name === name);
    expect(size('cpu-small')).toMatchObject({ vcpu: 1, memoryMb: 2048 });
    expect(size('cpu-medium')).toMatchObject({ vcpu: 2, memoryMb: 4096 });

    expect((await admin.request('POST', '/api/v1/models', { name: modelName, teamId })).status).toBe(201);
    expect((await admin.upload(modelName, stack.demoModelPath)).status).toBe(202);
    const { version } = await admin.waitFor(`/api/v1/models/${modelName}/versions/1`, (b) => ['ready', 'failed'].includes(b.version.status));
    expect(version.status).toBe('ready');

    const tooBig = `iris-too-big-${suffix}`;
    const refused = await admin.request('POST', '/api/v1/deployments', { name: tooBig, modelName, versionLabel: 1, machineType: 'cpu-medium', replicas: 2 });
    expect(refused.status).toBe(403);
    expect(refused.body.error).toEqual({
      code: 'compute_quota_exceeded',
      message: `this deployment would hold up to 4 vCPU (2 × cpu-medium), but team '${teamName}' may use 3 vCPU and its other deployments hold 0: 3 remain for this one`,
    });
    expect((await admin.request('GET', `/api/v1/deployments/${tooBig}`)).status).toBe(404);
  });

  it('accepts a deploy that fits, and counts it against the next one', async () => {
    const created = await admin.request('POST', '/api/v1/deployments', { name: fits, modelName, versionLabel: 1, machineType: 'cpu-small', replicas: 2 });
    expect(created.status).toBe(201);
    const { deployment } = await admin.waitFor(`/api/v1/deployments/${fits}`, (b) => b.deployment.status === 'failed' || b.deployment.stableRevision === 1);
    expect(deployment).toMatchObject({ status: 'ready', revision: 1, stableRevision: 1 });

    const second = `iris-second-${suffix}`;
    const refused = await admin.request('POST', '/api/v1/deployments', { name: second, modelName, versionLabel: 1, machineType: 'cpu-small', replicas: 2 });
    expect(refused.status).toBe(403);
    expect(refused.body.error).toEqual({
      code: 'compute_quota_exceeded',
      message: `this deployment would hold up to 2 vCPU (2 × cpu-small), but team '${teamName}' may use 3 vCPU and its other deployments hold 2: 1 remains for this one`,
    });
    expect((await admin.request('GET', `/api/v1/deployments/${second}`)).status).toBe(404);
  });

  it('refuses an update raising replicas past the quota; the deployment keeps running revision 1', async () => {
    const refused = await admin.request('PATCH', `/api/v1/deployments/${fits}`, { replicas: 4 });
    expect(refused.status).toBe(403);
    expect(refused.body.error).toEqual({
      code: 'compute_quota_exceeded',
      // Its own 2 vCPU are what the update replaces, not something else the team uses: said as what it holds now.
      message: `this deployment holds up to 2 vCPU now and would hold up to 4 (4 × cpu-small), but team '${teamName}' may use 3 vCPU and its other deployments hold 0: 3 remain for this one`,
    });
    const { deployment } = (await admin.request('GET', `/api/v1/deployments/${fits}`)).body;
    expect(deployment).toMatchObject({ status: 'ready', revision: 1, stableRevision: 1 });
    expect(deployment.variants.map((v: { replicas: number }) => v.replicas)).toEqual([2]);
    expect((await admin.request('GET', `/api/v1/deployments/${fits}/revisions`)).body.revisions).toHaveLength(1);

    const within = await admin.request('PATCH', `/api/v1/deployments/${fits}`, { replicas: 3 });
    expect(within.status).toBe(202);
    expect(within.body).toMatchObject({ revision: 2, changes: ['primary: replicas 2 → 3'] });
    await admin.waitFor(`/api/v1/deployments/${fits}`, (b) => b.deployment.status === 'ready' && b.deployment.stableRevision === 2);
  });

  it('shows each team’s quotas and worst-case usage to its members in /api/v1/usage', async () => {
    const email = `quota-member-${suffix}@example.com`;
    expect((await admin.request('POST', '/api/v1/users', { email, name: 'Quota member', password: 'member-pass' })).status).toBe(201);
    expect((await admin.request('POST', `/api/v1/teams/${teamId}/members`, { email, role: 'viewer' })).status).toBe(201);
    const member = await ApiClient.login(stack.webUrl, email, 'member-pass');

    const usage = await member.request('GET', '/api/v1/usage');
    expect(usage.status).toBe(200);
    const used = { vcpu: 3, memoryMb: 3 * 2048, replicas: 3, gpus: {} };
    expect(usage.body.teams).toEqual([
      {
        id: teamId,
        name: teamName,
        role: 'viewer',
        storageQuotaBytes: 10 * 1024 ** 2,
        storageUsedBytes: expect.any(Number),
        compute: {
          quota: { vcpu: 3, memoryMb: null, replicas: null, gpus: {} },
          used,
          deployments: [{ name: fits, status: 'ready', usage: used }],
        },
      },
    ]);
    expect(usage.body.teams[0].storageUsedBytes).toBeGreaterThan(0);

    // Stopped deployments hold no compute.
    expect((await admin.request('POST', `/api/v1/deployments/${fits}/stop`)).status).toBe(202);
    await admin.waitFor(`/api/v1/deployments/${fits}`, (b) => b.deployment.status === 'stopped');
    const { teams } = (await admin.request('GET', '/api/v1/usage')).body;
    expect(teams.find((t: { id: string }) => t.id === teamId)).toMatchObject({ role: null, compute: { used: { vcpu: 0, replicas: 0 }, deployments: [] } });
  });

  it('lets only one of two simultaneous deploys into room left for one', async () => {
    const names = [`iris-race-a-${suffix}`, `iris-race-b-${suffix}`];
    const answers = await Promise.all(
      names.map((name) => admin.request('POST', '/api/v1/deployments', { name, modelName, versionLabel: 1, machineType: 'cpu-small', replicas: 2 })),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([201, 403]);
    const winner = names[answers.findIndex((a) => a.status === 201)]!;
    expect((await admin.request('GET', `/api/v1/deployments/${names.find((n) => n !== winner)}`)).status).toBe(404);
    await admin.waitFor(`/api/v1/deployments/${winner}`, (b) => b.deployment.stableRevision === 1);
    expect((await admin.request('POST', `/api/v1/deployments/${winner}/stop`)).status).toBe(202);
  });
});
