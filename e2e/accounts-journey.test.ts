import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from './api-client';
import { launchChromium, newConsolePage, signIn } from './browser';
import { startStack } from './stack';

// Accounts in the console: delete and clone a deployment, move a model alias that a deployment follows (it rolls
// out), and an API key scoped to one deployment that the gateway refuses on another; the overview, spend and the
// audit log say what happened.
describe('accounts: delete and clone, aliases, scoped keys', () => {
  let stack: Awaited<ReturnType<typeof startStack>>;
  let admin: ApiClient;
  let browser: Browser;
  let page: Page;
  const suffix = randomUUID().slice(0, 8);
  const modelName = `iris-acc-${suffix}`;
  const first = `acc-a-${suffix}`;
  const second = `acc-b-${suffix}`;
  const copy = `acc-copy-${suffix}`;

  const predict = (name: string, key: string) =>
    fetch(`${stack.gatewayUrl}/models/${name}/predict`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ inputs: { features: [[5.1, 3.5, 1.4, 0.2]] } }),
    });

  beforeAll(async () => {
    stack = await startStack();
    admin = await ApiClient.login(stack.webUrl, stack.admin.email, stack.admin.password);
    expect((await admin.request('POST', '/api/v1/models', { name: modelName })).status).toBe(201);
    // v2 must be other bytes than v1: the demo archive wraps the same model.
    for (const [label, file] of [
      [1, stack.demoModelPath],
      [2, path.join(path.dirname(stack.demoModelPath), 'iris.tar.gz')],
    ] as const) {
      expect(await admin.uploadInspected(modelName, file)).toMatchObject({ label, status: 'ready' });
    }
    for (const name of [first, second]) {
      expect((await admin.deploySettled({ name, modelName, versionLabel: 1, machineType: 'cpu-small', replicas: 1 })).status).toBe('ready');
    }
    browser = await launchChromium();
    page = await newConsolePage(browser, stack.webUrl);
    await signIn(page, stack.admin, `/deployments/${first}`);
    await page.waitForURL(`**/deployments/${first}`);
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('clones a deployment, deletes the clone after a confirmation, frees its name and keeps its trail', async () => {
    await page.getByRole('button', { name: 'Clone', exact: true }).click();
    const form = page.getByRole('form', { name: 'Clone deployment' });
    await form.getByLabel('Name of the copy').fill(copy);
    await form.getByRole('button', { name: 'Clone deployment' }).click();
    await page.waitForURL(`**/deployments/${copy}`);
    const cloned = await admin.waitFor(`/api/v1/deployments/${copy}`, (b) => b.deployment.status === 'ready', 90_000);
    expect(cloned.deployment.model.name).toBe(modelName);
    expect(cloned.deployment.spec.variants.map((v: { versionLabel: number; machineType: string }) => [v.versionLabel, v.machineType])).toEqual([
      [1, 'cpu-small'],
    ]);

    // Delete asks first; Cancel keeps it.
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    await page.getByRole('group', { name: 'Confirm delete' }).getByRole('button', { name: 'Cancel' }).click();
    expect((await admin.request('GET', `/api/v1/deployments/${copy}`)).status).toBe(200);
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    await page.getByRole('group', { name: 'Confirm delete' }).getByRole('button', { name: 'Delete deployment' }).click();
    await page.waitForURL('**/deployments');
    expect((await admin.request('GET', `/api/v1/deployments/${copy}`)).status).toBe(404);
    const listed = (await admin.request('GET', '/api/v1/deployments')).body.deployments.map((d: { name: string }) => d.name);
    expect(listed).not.toContain(copy);

    // The controller stops its replicas: spend to date keeps the deleted deployment, with nothing running any more.
    type SpendRow = { name: string; deleted: boolean; runningReplicas: number; cost: number };
    const deletedCopy = (b: { deployments: SpendRow[] }) => b.deployments.find((d) => d.name === copy && d.deleted);
    const spend = await admin.waitFor('/api/v1/spend', (b) => deletedCopy(b)?.runningReplicas === 0, 60_000);
    expect(deletedCopy(spend)!.cost).toBeGreaterThan(0);
    // The name is free again.
    expect((await admin.request('POST', '/api/v1/deployments', { name: copy, modelName, versionLabel: 1, machineType: 'cpu-small', replicas: 1 })).status).toBe(
      201,
    );

    // The audit log says who cloned and deleted it.
    await page.goto('/admin/audit');
    const deleted = page.locator('tr[data-action="deployment.delete"]').filter({ hasText: copy });
    await deleted.waitFor();
    expect(await deleted.textContent()).toContain(stack.admin.email);
    await page
      .locator('tr[data-action="deployment.create"]')
      .filter({ hasText: `clonedFrom ${first}` })
      .waitFor();

    // The overview lists what runs with its truthful status and spend.
    await page.goto('/');
    const row = page.locator(`tr[data-deployment="${first}"]`);
    await row.waitFor();
    expect(await row.getByRole('cell').nth(1).textContent()).toBe('Ready');
    const machines = (await admin.request('GET', '/api/v1/machine-types')).body.machineTypes;
    const price = machines.find((m: { name: string }) => m.name === 'cpu-small').hourlyCost as number;
    expect(await row.getByRole('cell').nth(4).textContent()).toBe(`$${price.toFixed(price < 0.01 ? 4 : 2)}/h`);
  });

  it('rolls a deployment that follows an alias out when the alias moves', async () => {
    await page.goto(`/models/${modelName}`);
    const move = page.getByRole('form', { name: 'Move an alias' });
    await move.getByLabel('Alias').fill('production');
    await move.getByLabel('Points at').selectOption('1');
    await move.getByRole('button', { name: 'Move alias' }).click();
    await page.locator('li[data-alias="production"]').filter({ hasText: 'v1' }).waitFor();

    const follow = page.getByRole('form', { name: 'Follow an alias' });
    await follow.getByLabel('Deployment').selectOption(second);
    await follow.getByLabel('Follows').selectOption('production');
    await follow.getByRole('button', { name: 'Save' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: `${second} follows production.` })
      .waitFor();

    await move.getByLabel('Points at').selectOption('2');
    await move.getByRole('button', { name: 'Move alias' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: `Rolling out: ${second} (revision 2)` })
      .waitFor();
    const rolled = await admin.waitFor(`/api/v1/deployments/${second}`, (b) => b.deployment.stableRevision === 2, 90_000);
    expect(rolled.deployment.variants.map((v: { version: { label: number } }) => v.version.label)).toEqual([2]);
    expect(rolled.deployment.followsAlias).toBe('production');
    // The other deployment of the model does not follow it: untouched.
    expect((await admin.request('GET', `/api/v1/deployments/${first}`)).body.deployment.revision).toBe(1);
  });

  it('refuses a key scoped to one deployment on another at the gateway, and counts its use', async () => {
    await page.goto('/api-keys');
    await page.getByLabel('Key name').fill('only-first');
    await page.getByLabel('Deployments', { exact: true }).selectOption([first]);
    await page.getByRole('button', { name: 'Create key' }).click();
    const key = (await page.getByLabel('New API key').textContent())!.trim();

    expect((await predict(first, key)).status).toBe(200);
    const refused = await predict(second, key);
    expect(refused.status).toBe(403);
    expect((await refused.json()).error.code).toBe('forbidden');

    // A read-only key reads the docs but may not call.
    const readOnly = (await admin.request('POST', '/api/v1/api-keys', { name: 'docs-only', scope: 'read-only' })).body.key;
    expect((await predict(first, readOnly)).status).toBe(403);
    const docs = await fetch(`${stack.gatewayUrl}/models/${first}/openapi.json`, { headers: { authorization: `Bearer ${readOnly}` } });
    expect(docs.status).toBe(200);

    // An expiring key stops working when it expires (401).
    const expiresAt = new Date(Date.now() + 2_000).toISOString();
    const shortLived = (await admin.request('POST', '/api/v1/api-keys', { name: 'short', expiresAt })).body.key;
    expect((await predict(first, shortLived)).status).toBe(200);
    await expect.poll(async () => (await predict(first, shortLived)).status, { timeout: 10_000, interval: 500 }).toBe(401);

    // Usage: the gateway's counts reach the key's row, and the keys page shows them.
    type KeyRow = { name: string; requestCount: number; deployments: string[] };
    const onlyFirst = (b: { apiKeys: KeyRow[] }) => b.apiKeys.find((k) => k.name === 'only-first');
    const keys = await admin.waitFor('/api/v1/api-keys', (b) => onlyFirst(b)?.requestCount === 1, 30_000);
    expect(onlyFirst(keys)!.deployments).toEqual([first]);
    await page.reload();
    const row = page.getByRole('row').filter({ hasText: 'only-first' });
    await expect.poll(() => row.getByRole('cell').nth(3).textContent(), { timeout: 10_000 }).toBe('1');
  });
});
