import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from './api-client';
import { launchChromium, newConsolePage, openDeploymentTab, signIn } from './browser';
import { startStack } from './stack';

// The deployment page says what is true: what serves (or why nothing does), asleep at zero replicas, and during a
// rollout what answers callers now against what the new revision asks for. Escape closes inline confirmations.
describe('console truth: the deployment page says what is true', () => {
  let stack: Awaited<ReturnType<typeof startStack>>;
  let admin: ApiClient;
  let browser: Browser;
  let page: Page;
  const suffix = randomUUID().slice(0, 8);
  const modelName = `iris-truth-${suffix}`;
  const rolling = `truth-${suffix}`;
  const sleepy = `sleepy-${suffix}`;
  const broken = `broken-${suffix}`;

  const header = () => page.locator('header.page-header');
  const status = () => page.getByRole('status', { name: 'Deployment status' });

  beforeAll(async () => {
    stack = await startStack();
    admin = await ApiClient.login(stack.webUrl, stack.admin.email, stack.admin.password);
    expect((await admin.request('POST', '/api/v1/models', { name: modelName })).status).toBe(201);
    // v2 must be other bytes than v1 (the same bytes deduplicate into v1): the demo archive wraps the same model.
    for (const [label, file] of [
      [1, stack.demoModelPath],
      [2, path.join(path.dirname(stack.demoModelPath), 'iris.tar.gz')],
    ] as const) {
      expect(await admin.uploadInspected(modelName, file)).toMatchObject({ label, status: 'ready' });
    }
    for (const name of [rolling, sleepy]) {
      const deployment = await admin.deploySettled({ name, modelName, versionLabel: 1, machineType: 'cpu-small', replicas: 1 });
      expect(deployment.status).toBe('ready');
    }
    // Asleep: autoscaled down to zero replicas after 2 s without requests.
    const autoscaling = { minReplicas: 0, maxReplicas: 1, scaleToZeroDelaySeconds: 2, lookBackSeconds: 1 };
    expect((await admin.request('PATCH', `/api/v1/deployments/${sleepy}`, { autoscaling })).status).toBe(202);
    // Failed: a GPU machine type on a host without GPUs.
    await admin.request('POST', '/api/v1/deployments', { name: broken, modelName, versionLabel: 1, machineType: 'gpu-t4', replicas: 1 });
    await admin.waitFor(`/api/v1/deployments/${broken}`, (b) => ['ready', 'failed'].includes(b.deployment.status));

    browser = await launchChromium();
    page = await newConsolePage(browser, stack.webUrl);
    await signIn(page, stack.admin, `/deployments/${rolling}`);
    await page.waitForURL(`**/deployments/${rolling}`);
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('shows desired against actual while a rollout runs, and says nothing serves once stopped', async () => {
    await expect.poll(() => status().textContent(), { timeout: 15_000 }).toBe('Ready');
    await page.getByText(/Serving .+ v1 · revision 1 ·/).waitFor();

    // A canary whose first step bakes for 10 minutes: the rollout is still running while the page is read.
    const update = page.getByRole('form', { name: 'Update the deployment' });
    await update.getByLabel('Version', { exact: true }).selectOption('2');
    await update.getByLabel('Canary', { exact: true }).check();
    await update.getByRole('button', { name: 'Remove step 4' }).click();
    await update.getByRole('button', { name: 'Remove step 3' }).click();
    await update.getByLabel('Step 1 traffic (%)').fill('50');
    await update.getByLabel('Step 1 bake time (seconds)').fill('600');
    await update.getByLabel('Step 2 traffic (%)').fill('100');
    await update.getByLabel('Step 2 bake time (seconds)').fill('600');
    await update.getByRole('button', { name: 'Roll out', exact: true }).click();
    await update.getByRole('status').filter({ hasText: 'Revision 2 is rolling out' }).waitFor();

    // The Update card does not claim v2 runs: v1 still answers callers.
    const hint = update.locator('#update-version-hint');
    await expect
      .poll(() => hint.textContent(), { timeout: 15_000 })
      .toMatch(/^primary: v1 answers (100|50) % of its traffic now, v2 (0|50) %; rolling out to v2\./);
    expect(await hint.textContent()).not.toContain('primary runs v2');
    // The Traffic card (Traffic tab) says its table is the target, and where requests go now.
    await openDeploymentTab(page, 'Traffic');
    const trafficNow = page.getByRole('form', { name: 'Traffic split' }).getByRole('note', { name: 'Traffic now' });
    await expect
      .poll(() => trafficNow.textContent(), { timeout: 15_000 })
      .toMatch(/^Revision 2 is rolling out: the table shows the split it moves to\. Now: primary v1 (100|50) %, primary v2 (0|50) %\.$/);

    // Stop asks first; Escape takes the question back and the focus returns to Stop.
    const stop = page.getByRole('button', { name: 'Stop', exact: true });
    await stop.click();
    const confirm = page.getByRole('group', { name: 'Confirm stop' });
    await confirm.waitFor();
    await page.keyboard.press('Escape');
    await confirm.waitFor({ state: 'detached' });
    await expect.poll(() => stop.evaluate((el) => el === document.activeElement)).toBe(true);

    await stop.click();
    await confirm.getByRole('button', { name: 'Stop deployment' }).click();
    await expect.poll(() => status().textContent(), { timeout: 60_000 }).toBe('Stopped');
    await page.getByText(/^Stopped — nothing serving · revision \d+ ·/).waitFor();
    expect(await header().textContent()).not.toMatch(/Serving/);

    // Its Performance page says why no traffic arrives, instead of inviting a call to a placeholder gateway.
    await page.goto(`/deployments/${rolling}/performance`);
    await page.getByRole('heading', { name: /^Stopped: nothing serves, so no traffic arrives/ }).waitFor({ timeout: 15_000 });
    expect(await page.getByText('$SLIPWAY_GATEWAY').count()).toBe(0);
  }, 180_000);

  it('says a deployment scaled to zero is asleep, and a failed one why it failed', async () => {
    await page.goto(`/deployments/${sleepy}`);
    await expect.poll(() => status().textContent(), { timeout: 60_000 }).toBe('Asleep — wakes on the next request');
    // The autoscaler's decision is on the timeline, but not under the rollout's progress bar.
    const rollout = page.getByRole('region', { name: 'Rollout', exact: true });
    await rollout
      .getByRole('list', { name: 'Rollout events' })
      .getByText(/primary: scaled 1 → 0/)
      .waitFor({ timeout: 15_000 });
    const caption = rollout.locator('.progress-caption').first();
    await caption.waitFor();
    expect(await caption.textContent()).not.toMatch(/scaled|surplus/);

    await page.goto(`/deployments/${broken}`);
    await expect.poll(() => status().textContent(), { timeout: 15_000 }).toBe('Failed');
    await page.getByText(/^Failed: .*GPU.* · revision 1 ·/).waitFor();
    expect(await header().textContent()).not.toMatch(/Serving/);
  }, 120_000);

  it('keeps relative times true as they age', async () => {
    const keyName = `truth-${suffix}`;
    expect((await admin.request('POST', '/api/v1/api-keys', { name: keyName })).status).toBe(201);
    await page.goto('/api-keys');
    const created = page.getByRole('row').filter({ hasText: keyName }).locator('time').first();
    const first = await created.textContent();
    // The key's creation time does not change; only the clock does.
    await expect.poll(() => created.textContent(), { timeout: 10_000 }).not.toBe(first);
    expect(await created.textContent()).toMatch(/ago$|^now$/);
  });
});
