import { randomUUID } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from './api-client';
import { launchChromium, newConsolePage, signIn } from './browser';
import { startStack } from './stack';

// What only platform admins do: the machine catalog over REST, and quotas and the catalog in the console.
describe('admin: machine catalog and storage quotas', () => {
  let stack: Awaited<ReturnType<typeof startStack>>;
  let admin: ApiClient;
  let browser: Browser | undefined;
  const suffix = randomUUID().slice(0, 8);
  const machineName = `cpu-e2e-${suffix}`;
  const spec = { vcpu: 1, memoryMb: 1024, gpuType: null, gpuCount: 0, hourlyCost: 0.02 };

  beforeAll(async () => {
    stack = await startStack();
    admin = await ApiClient.login(stack.webUrl, stack.admin.email, stack.admin.password);
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('adds a machine type, refusing a taken name and a GPU count without a GPU model (or the reverse)', async () => {
    const created = await admin.request('POST', '/api/v1/machine-types', { name: machineName, ...spec });
    expect(created.status).toBe(201);
    expect(created.body.machineType).toMatchObject({ name: machineName, ...spec });
    const { machineTypes } = (await admin.request('GET', '/api/v1/machine-types')).body;
    expect(machineTypes.map((m: { name: string }) => m.name)).toContain(machineName);

    const duplicate = await admin.request('POST', '/api/v1/machine-types', { name: machineName, ...spec });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.error.code).toBe('conflict');

    const gpusWithoutModel = await admin.request('POST', '/api/v1/machine-types', { ...spec, name: `gpu-${suffix}`, gpuCount: 1 });
    expect(gpusWithoutModel.status).toBe(400);
    expect(gpusWithoutModel.body.error).toEqual({
      code: 'validation_error',
      message: expect.stringMatching(/^gpuType: /),
      fields: [{ field: 'gpuType', message: 'Name the GPU model, e.g. nvidia-l4, or set the GPU count to 0.' }],
    });
    const modelWithoutGpus = await admin.request('POST', '/api/v1/machine-types', { ...spec, name: `gpu-${suffix}`, gpuType: 'nvidia-t4' });
    expect(modelWithoutGpus.status).toBe(400);
    expect(modelWithoutGpus.body.error.fields).toEqual([{ field: 'gpuCount', message: expect.stringMatching(/needs at least 1 GPU/) }]);

    const outOfRange = await admin.request('POST', '/api/v1/machine-types', { ...spec, name: `big-${suffix}`, vcpu: 512 });
    expect(outOfRange.status).toBe(400);
    expect(outOfRange.body.error.message).toMatch(/^vcpu:/);
  });

  it('lets signed-in users read the catalog but only admins change it', async () => {
    const email = `member-${suffix}@example.com`;
    expect((await admin.request('POST', '/api/v1/users', { email, name: 'Member', password: 'member-pass' })).status).toBe(201);
    const member = await ApiClient.login(stack.webUrl, email, 'member-pass');
    expect((await member.request('GET', '/api/v1/machine-types')).status).toBe(200);
    const create = await member.request('POST', '/api/v1/machine-types', { ...spec, name: `mine-${suffix}` });
    expect(create.status).toBe(403);
    expect(create.body.error.code).toBe('forbidden');
    expect((await member.request('PATCH', `/api/v1/machine-types/${machineName}`, { hourlyCost: 0 })).status).toBe(403);
    expect((await member.request('DELETE', `/api/v1/machine-types/${machineName}`)).status).toBe(403);
  });

  it('changes a machine type in place, keeping its name', async () => {
    const changed = await admin.request('PATCH', `/api/v1/machine-types/${machineName}`, { hourlyCost: 0.035 });
    expect(changed.status).toBe(200);
    expect(changed.body.machineType).toMatchObject({ ...spec, name: machineName, hourlyCost: 0.035 });

    const renamed = await admin.request('PATCH', `/api/v1/machine-types/${machineName}`, { name: 'other' });
    expect(renamed.status).toBe(400);
    expect(renamed.body.error.message).toMatch(/can be changed/);
    // The GPU rule holds for the machine as it would be after the change.
    expect((await admin.request('PATCH', `/api/v1/machine-types/${machineName}`, { gpuCount: 2 })).status).toBe(400);
    expect((await admin.request('PATCH', '/api/v1/machine-types/no-such-machine', { vcpu: 2 })).status).toBe(404);
  });

  it('deletes a machine type nothing uses', async () => {
    const name = `unused-${suffix}`;
    expect((await admin.request('POST', '/api/v1/machine-types', { ...spec, name })).status).toBe(201);
    const deleted = await admin.request('DELETE', `/api/v1/machine-types/${name}`);
    expect(deleted.status).toBe(204);
    const { machineTypes } = (await admin.request('GET', '/api/v1/machine-types')).body;
    expect(machineTypes.map((m: { name: string }) => m.name)).not.toContain(name);
    expect((await admin.request('DELETE', `/api/v1/machine-types/${name}`)).status).toBe(404);
  });

  it('refuses to delete a machine type a deployment uses, naming the deployment, even once it stopped', async () => {
    const modelName = `iris-admin-${suffix}`;
    const deploymentName = `iris-admin-svc-${suffix}`;
    expect((await admin.request('POST', '/api/v1/models', { name: modelName })).status).toBe(201);
    expect((await admin.upload(modelName, stack.demoModelPath)).status).toBe(202);
    await admin.waitFor(`/api/v1/models/${modelName}/versions/1`, (b) => b.version.status === 'ready' || b.version.status === 'failed');
    const deploy = { name: deploymentName, modelName, versionLabel: 1, machineType: machineName, replicas: 1 };
    expect((await admin.request('POST', '/api/v1/deployments', deploy)).status).toBe(201);
    const { deployment } = await admin.waitFor(`/api/v1/deployments/${deploymentName}`, (b) => ['ready', 'failed'].includes(b.deployment.status));
    expect(deployment.status).toBe('ready');

    const inUse = await admin.request('DELETE', `/api/v1/machine-types/${machineName}`);
    expect(inUse.status).toBe(409);
    expect(inUse.body.error).toEqual({ code: 'conflict', message: expect.stringContaining(`${deploymentName} (ready)`) });

    expect((await admin.request('POST', `/api/v1/deployments/${deploymentName}/stop`)).status).toBe(202);
    await admin.waitFor(`/api/v1/deployments/${deploymentName}`, (b) => b.deployment.status === 'stopped');
    const stillReferenced = await admin.request('DELETE', `/api/v1/machine-types/${machineName}`);
    expect(stillReferenced.status).toBe(409);
    expect(stillReferenced.body.error.message).toContain(`${deploymentName} (stopped)`);
  });

  it('sets a team quota and adds, edits and deletes a machine type in the console', async () => {
    const teamName = `quota-${suffix}`;
    expect((await admin.request('POST', '/api/v1/teams', { name: teamName })).status).toBe(201);
    const consoleMachine = `console-${suffix}`;

    browser = await launchChromium();
    const page = await newConsolePage(browser, stack.webUrl);
    await signIn(page, stack.admin, '/admin');
    await page.waitForURL('**/admin');

    const team = page.getByRole('region', { name: teamName, exact: true });
    await team.getByText('no quota').waitFor();
    const quota = team.getByLabel('Storage quota (GB)');
    await quota.fill('1');
    await quota.press('Enter');
    await team.getByText('0 B of 1.0 GB').waitFor();
    expect(await team.getByRole('progressbar', { name: `Storage used by ${teamName}` }).getAttribute('aria-valuenow')).toBe('0');

    const add = page.getByRole('form', { name: 'Add a machine type' });
    await add.getByLabel('Name').fill(consoleMachine);
    await add.getByLabel('vCPU').fill('2');
    await add.getByLabel('Memory (MB)').fill('4096');
    await add.getByLabel('GPUs').fill('1');
    await add.getByLabel('Cost ($/h)').fill('0.25');
    await add.getByLabel('Cost ($/h)').press('Enter');
    // The refusal is a plain sentence on the field it concerns, and the form points at it.
    const gpuModelProblem = add.getByText('Name the GPU model, e.g. nvidia-l4, or set the GPU count to 0.', { exact: true });
    await gpuModelProblem.waitFor();
    expect(await add.getByRole('alert').textContent()).toBe('Fix the marked field.');
    expect(await add.getByLabel('GPU model').getAttribute('aria-describedby')).toBe(await gpuModelProblem.getAttribute('id'));
    await add.getByLabel('GPUs').fill('0');
    await add.getByLabel('Cost ($/h)').press('Enter');

    const table = page.getByRole('table', { name: 'Machine types' });
    const row = table.getByRole('row').filter({ has: page.getByRole('cell', { name: consoleMachine, exact: true }) });
    await row.getByRole('cell', { name: '$0.250/h' }).waitFor();
    expect(await add.getByLabel('Name').inputValue()).toBe('');

    // Escape leaves the edit without saving; Enter saves.
    await row.getByRole('button', { name: `Edit ${consoleMachine}` }).click();
    const cost = row.getByLabel(`Cost ($/h) of ${consoleMachine}`);
    await cost.fill('9');
    await cost.press('Escape');
    await row.getByRole('cell', { name: '$0.250/h' }).waitFor();
    await row.getByRole('button', { name: `Edit ${consoleMachine}` }).click();
    await cost.fill('0.5');
    await cost.press('Enter');
    await row.getByRole('cell', { name: '$0.500/h' }).waitFor();

    await row.getByRole('button', { name: `Delete ${consoleMachine}` }).click();
    await row.getByRole('button', { name: `Delete ${consoleMachine}` }).click();
    await row.waitFor({ state: 'detached' });
  });
});
