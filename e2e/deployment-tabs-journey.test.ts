import { randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from './api-client';
import { launchChromium, newConsolePage, signIn } from './browser';
import { startStack } from './stack';

// The deployment page in tabs, each one an address (back and forward move between them, arrow keys too), and the
// Logs tab following real replicas: the lines each runtime prints as it starts, listens and drains arrive live, a
// stopped replica's last lines stay, and a deployment that never ran a replica says what to do.
describe('deployment page: linkable tabs and live replica logs', () => {
  let stack: Awaited<ReturnType<typeof startStack>>;
  let admin: ApiClient;
  let browser: Browser;
  let page: Page;
  const suffix = randomUUID().slice(0, 8);
  const modelName = `iris-tabs-${suffix}`;
  const name = `tabs-${suffix}`;
  const broken = `tabs-gpu-${suffix}`;

  const tab = (label: string) => page.getByRole('tablist', { name: 'Deployment sections' }).getByRole('tab', { name: label, exact: true });
  const selectedTab = () => page.getByRole('tab', { selected: true }).textContent();
  const logLines = () => page.getByRole('list', { name: 'Log lines' }).getByRole('listitem');
  const logTexts = () => logLines().allTextContents();

  beforeAll(async () => {
    stack = await startStack();
    admin = await ApiClient.login(stack.webUrl, stack.admin.email, stack.admin.password);
    expect((await admin.request('POST', '/api/v1/models', { name: modelName })).status).toBe(201);
    expect(await admin.uploadInspected(modelName, stack.demoModelPath)).toMatchObject({ label: 1, status: 'ready' });
    expect((await admin.deploySettled({ name, modelName, versionLabel: 1, machineType: 'cpu-small', replicas: 1 })).status).toBe('ready');
    browser = await launchChromium();
    page = await newConsolePage(browser, stack.webUrl);
    await signIn(page, stack.admin, `/deployments/${name}`);
    await page.waitForURL(`**/deployments/${name}`);
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('opens on the overview with the endpoint and its copy button first, and each tab is an address', async () => {
    expect(await selectedTab()).toBe('Overview');
    const endpoint = page.getByRole('region', { name: 'Endpoint' });
    expect(await endpoint.locator('code').textContent()).toMatch(new RegExp(`/v1/deployments/${name}/predict$|/${name}`));
    await endpoint.getByRole('button', { name: 'Copy endpoint URL' }).waitFor();
    // The endpoint comes before every tab: it is the first thing under the header.
    const endpointTop = (await endpoint.boundingBox())!.y;
    expect(endpointTop).toBeLessThan((await page.getByRole('tablist').boundingBox())!.y);
    await page.getByRole('heading', { name: 'Rollout', exact: true }).waitFor();

    await tab('Revisions').click();
    await page.waitForURL(`**/deployments/${name}?tab=revisions`);
    await page.getByRole('tabpanel', { name: 'Revisions' }).getByRole('heading', { name: 'Revisions' }).waitFor();
    expect(await page.getByRole('heading', { name: 'Rollout', exact: true }).count()).toBe(0);

    // Keyboard: arrows move and select (the address follows), Home goes to the first tab.
    await tab('Revisions').focus();
    await page.keyboard.press('ArrowRight');
    await page.waitForURL(`**/deployments/${name}?tab=events`);
    await page.getByRole('tabpanel', { name: 'Events' }).getByRole('list', { name: 'Rollout events' }).waitFor();
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Events');
    await page.keyboard.press('Home');
    await page.waitForURL(`**/deployments/${name}`);
    expect(await selectedTab()).toBe('Overview');

    // Back and forward walk the tabs visited.
    await page.goBack();
    await page.waitForURL(`**/deployments/${name}?tab=events`);
    expect(await selectedTab()).toBe('Events');
    await page.goBack();
    await page.waitForURL(`**/deployments/${name}?tab=revisions`);
    expect(await selectedTab()).toBe('Revisions');
    await page.goForward();
    await page.waitForURL(`**/deployments/${name}?tab=events`);
    expect(await selectedTab()).toBe('Events');

    // A link straight to a tab opens it.
    await page.goto(`/deployments/${name}?tab=scaling`);
    await page.getByRole('tabpanel', { name: 'Scaling' }).getByRole('heading', { name: 'Scaling', exact: true }).waitFor();
    expect(await selectedTab()).toBe('Scaling');
    await page.goto(`/deployments/${name}?tab=call`);
    await page.getByRole('heading', { name: 'Try it' }).waitFor();
  });

  it('follows the replicas live: a replica that starts, lines filtered by text and replica, and a stopped one keeps its last lines', async () => {
    await page.goto(`/deployments/${name}?tab=logs`);
    await expect.poll(() => page.getByRole('status', { name: 'Following' }).textContent(), { timeout: 15_000 }).toBe('Live');
    // The running replica's own lines, as the runtime printed them when it started.
    await expect.poll(logTexts, { timeout: 15_000 }).toContainEqual(expect.stringMatching(/listening port=\d+/));
    const replicaSelect = page.getByLabel('Replica', { exact: true });
    expect(await replicaSelect.locator('option').count()).toBe(2); // All, and the one replica.

    // A second replica starts while the page follows: its lines arrive without reloading.
    expect((await admin.request('PUT', `/api/v1/deployments/${name}/scale`, { replicas: 2 })).status).toBe(202);
    await expect.poll(() => replicaSelect.locator('option').count(), { timeout: 60_000 }).toBe(3);
    await expect.poll(async () => (await logTexts()).filter((t) => /listening port=\d+/.test(t)).length, { timeout: 60_000 }).toBe(2);

    // Search: only the matching lines stay.
    await page.getByLabel('Search', { exact: true }).fill('listening');
    await expect.poll(async () => (await logTexts()).every((t) => t.includes('listening')) && (await logTexts()).length === 2, { timeout: 10_000 }).toBe(true);
    // One replica: its lines only.
    const second = await replicaSelect.locator('option').nth(2).getAttribute('value');
    await replicaSelect.selectOption(second!);
    await expect.poll(async () => (await logTexts()).length, { timeout: 10_000 }).toBe(1);
    expect((await logLines().first().locator('.log-replica').getAttribute('title')) ?? '').toBe(second);
    await page.getByLabel('Search', { exact: true }).fill('');
    await replicaSelect.selectOption('');

    // Stopping: each replica's drain line arrives live, and the stopped replicas' last lines stay readable.
    expect((await admin.request('POST', `/api/v1/deployments/${name}/stop`)).status).toBe(202);
    await expect.poll(async () => (await logTexts()).filter((t) => /draining signal=SIGTERM/.test(t)).length, { timeout: 60_000 }).toBe(2);
    await admin.waitFor(`/api/v1/deployments/${name}`, (b) => b.deployment.status === 'stopped');
    await page.reload();
    await page.getByRole('list', { name: 'Log lines' }).waitFor();
    await expect.poll(async () => (await logTexts()).some((t) => /draining signal=SIGTERM/.test(t)), { timeout: 15_000 }).toBe(true);
    const labels = await page.getByLabel('Replica', { exact: true }).locator('option').allTextContents();
    expect(labels.filter((l) => / stopped at /.test(l))).toHaveLength(2);
  });

  it('says why there are no lines when the only replica failed before printing', async () => {
    // A GPU machine type on a host without GPUs: the replica fails before its process starts.
    await admin.request('POST', '/api/v1/deployments', { name: broken, modelName, versionLabel: 1, machineType: 'gpu-t4', replicas: 1 });
    await admin.waitFor(`/api/v1/deployments/${broken}`, (b) => ['ready', 'failed'].includes(b.deployment.status));
    await page.goto(`/deployments/${broken}?tab=logs`);
    await page.getByRole('heading', { name: 'Its replicas printed nothing' }).waitFor();
    await page.getByText(/failed before it printed a line: .*GPU/).waitFor();
    const { body } = await admin.request('GET', `/api/v1/deployments/${broken}/logs`);
    expect(body.lines).toEqual([]);
    expect(body.replicas[0]).toMatchObject({ state: 'failed', reason: expect.stringMatching(/GPU/) });
  });
});
