import { randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, newConsolePage, openDeploymentTab } from './browser';
import { startStack } from './stack';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

// A data scientist's first day in the console, in a real browser, with role and label
// locators only: if a control cannot be found by its name, it is not accessible either.
describe('journey: from an ONNX file to a served, measured endpoint in the console', () => {
  let stack: Awaited<ReturnType<typeof startStack>>;
  let browser: Browser;
  let page: Page;
  const modelName = `iris-e2e-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    stack = await startStack();
    browser = await launchChromium();
    page = await newConsolePage(browser, stack.webUrl);
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('logs in, uploads a model, deploys it, tries it and sees its latency', async () => {
    await page.goto('/models');
    await page.waitForURL(/\/login\?next=%2Fmodels$/);
    const email = page.getByLabel('Email', { exact: true });
    const password = page.getByLabel('Password', { exact: true });
    await email.fill(stack.admin.email);
    await password.fill('not-the-password');
    await password.press('Enter');
    await page.getByRole('alert').filter({ hasText: 'wrong email or password' }).waitFor();
    await password.fill(stack.admin.password);
    await password.press('Enter');
    await page.waitForURL('**/models');

    await page.getByRole('link', { name: 'Upload model', exact: true }).click();
    await page.getByLabel('Model file').setInputFiles(stack.demoModelPath);
    await page.getByLabel('Model name').fill(modelName);
    await page.getByRole('button', { name: 'Upload', exact: true }).click();
    const progress = page.getByRole('progressbar', { name: 'Upload progress' });
    await expect.poll(() => progress.getAttribute('aria-valuenow'), { timeout: 15_000, interval: 50 }).toBe('100');

    await page.waitForURL(`**/models/${modelName}`);
    const versionStatus = page.getByRole('status', { name: 'Status of v1' });
    await expect.poll(() => versionStatus.textContent(), { timeout: 30_000, interval: 250 }).toBe('Ready');
    await page.getByRole('table', { name: 'Inputs' }).getByRole('cell', { name: 'features', exact: true }).waitFor();

    await page.getByRole('link', { name: 'Deploy v1' }).click();
    await page.waitForURL(/\/deployments\/new\?model=/);
    expect(await page.getByLabel('Deployment name').inputValue()).toBe(modelName);
    expect(await page.getByLabel('Version', { exact: true }).inputValue()).toBe('1');
    await page.getByLabel('Machine type').selectOption('cpu-small');
    const replicas = page.getByLabel('Replicas', { exact: true });
    await replicas.fill('1');
    await replicas.press('Enter');

    await page.waitForURL(`**/deployments/${modelName}`);
    const deploymentStatus = page.getByRole('status', { name: 'Deployment status' });
    await expect.poll(() => deploymentStatus.textContent(), { timeout: 60_000, interval: 500 }).toBe('Ready');
    const events = page.getByRole('list', { name: 'Rollout events' });
    await expect.poll(() => events.textContent(), { timeout: 10_000 }).toContain('routed');
    expect(await events.getByRole('listitem').count()).toBeGreaterThanOrEqual(3);
    expect(await page.getByRole('progressbar', { name: 'Rollout progress' }).getAttribute('aria-valuenow')).toBe('100');

    // Calling it (its tab): the gateway learns new routes over Redis pub/sub, so the first request may still find none.
    await openDeploymentTab(page, 'Call it');
    const send = page.getByRole('button', { name: 'Send', exact: true });
    let tried = 0;
    for (let attempt = 0; attempt < 20 && tried !== 200; attempt++) {
      const [answer] = await Promise.all([page.waitForResponse((r) => r.url().endsWith(`/deployments/${modelName}/try`)), send.click()]);
      tried = answer.status();
      if (tried !== 200) await page.waitForTimeout(250);
    }
    expect(tried).toBe(200);
    const response = page.getByRole('region', { name: 'Response' });
    await expect.poll(() => response.textContent(), { timeout: 5_000 }).toContain('"label"');

    // A line needs two points: with the 5-minute window a point is one 5 s rollup of the
    // gateway, so keep a little traffic going until a second window has been flushed.
    await page.getByRole('region', { name: 'Latency' }).getByLabel('Window').selectOption({ label: 'Last 5 minutes' });
    const line = page.getByRole('figure', { name: 'Latency chart' }).locator('path.recharts-line-curve').first();
    const deadline = Date.now() + 30_000;
    while (!(await line.isVisible()) && Date.now() < deadline) {
      await send.click();
      await page.waitForTimeout(1_500);
    }
    expect(await line.isVisible()).toBe(true);

    await mkdir(path.join(root, 'test-results'), { recursive: true });
    await page.screenshot({ path: path.join(root, 'test-results', 'journey.png'), fullPage: true });
  });
});
