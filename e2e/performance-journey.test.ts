import { randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SlipwayClient } from '@slipway/client';
import type { PerformanceReport } from '@slipway/core';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from './api-client';
import { launchChromium, newConsolePage, signIn } from './browser';
import { replicaPid } from './processes';
import { startStack } from './stack';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

// The Performance page, end to end: requests through the gateway (good ones and callers' mistakes) become rollups,
// the worker samples the replica process it runs, and the console charts both.
describe('performance page', () => {
  let stack: Awaited<ReturnType<typeof startStack>>;
  let admin: ApiClient;
  let apiKey: string;
  let browser: Browser;
  let page: Page;
  const name = `iris-perf-${randomUUID().slice(0, 8)}`;

  const predict = (features: number[][]) =>
    fetch(`${stack.gatewayUrl}/models/${name}/predict`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
      body: JSON.stringify({ inputs: { features } }),
    });

  beforeAll(async () => {
    stack = await startStack();
    admin = await ApiClient.login(stack.webUrl, stack.admin.email, stack.admin.password);
    apiKey = (await admin.request('POST', '/api/v1/api-keys', { name: `perf-${name}` })).body.key;
    browser = await launchChromium();
    page = await newConsolePage(browser, stack.webUrl);
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('charts requests per second, the 4xx error rate and CPU and memory of the replica', async () => {
    expect((await admin.request('POST', '/api/v1/models', { name })).status).toBe(201);
    expect((await admin.uploadInspected(name, stack.demoModelPath)).status).toBe('ready');
    expect((await admin.deploySettled({ name, modelName: name, versionLabel: 1, machineType: 'cpu-small', replicas: 1 })).status).toBe('ready');

    // The first request may beat the routing table to the gateway.
    await expect.poll(async () => (await predict([[5.1, 3.5, 1.4, 0.2]])).status, { timeout: 10_000 }).toBe(200);
    for (let i = 0; i < 19; i++) expect((await predict([[5.1, 3.5, 1.4, 0.2]])).status).toBe(200);
    // Two features where the model takes four: the replica answers 400, the caller's mistake.
    for (let i = 0; i < 5; i++) expect((await predict([[1, 2]])).status).toBe(400);

    const sampled = (b: PerformanceReport) => b.resources.some((r) => r.points.some((p) => p.rssBytes !== null));
    const report: PerformanceReport = await admin.waitFor(
      `/api/v1/deployments/${name}/performance?window=15m`,
      (b) => b.summary.requests >= 25 && sampled(b),
      30_000,
    );
    expect(report.summary).toMatchObject({ requests: 25, clientErrorRate: 0.2, serverErrorRate: 0, restarts: 0 });
    expect(report.byVariant).toHaveLength(1);
    expect(report.replicas.at(-1)?.total).toBe(1);
    const latest = report.resources[0]?.points.findLast((p) => p.rssBytes !== null);
    expect(latest?.rssBytes).toBeGreaterThan(20 * 1024 * 1024);

    // Scripts read the same with an API key.
    const viaClient = await new SlipwayClient({ url: stack.webUrl, key: apiKey }).performance(name, '15m');
    expect(viaClient.summary).toEqual(report.summary);

    const wrongWindow = await admin.request('GET', `/api/v1/deployments/${name}/performance?window=2d`);
    expect(wrongWindow.status).toBe(400);
    expect(wrongWindow.body.error.code).toBe('validation_error');
    const wrongVariant = await admin.request('GET', `/api/v1/deployments/${name}/performance?variant=nope`);
    expect(wrongVariant.status).toBe(404);

    await signIn(page, stack.admin, `/deployments/${name}`);
    await page.getByRole('link', { name: 'Performance', exact: true }).click();
    await page.waitForURL(`**/deployments/${name}/performance`);
    const summary = page.getByLabel('Summary of the window');
    const summaryValue = (term: string) =>
      summary
        .locator('div', { has: page.getByText(term, { exact: true }) })
        .locator('dd')
        .textContent();
    await expect.poll(() => summaryValue('Requests'), { timeout: 15_000 }).toBe('25');
    expect(await summaryValue('4xx error rate')).toBe('20.0 %');
    expect(await summaryValue('5xx error rate')).toBe('0.0 %');
    await page.getByRole('figure', { name: 'Requests per second' }).locator('.recharts-line-dots circle').first().waitFor();
    await page.getByRole('figure', { name: 'Error rate' }).locator('.recharts-line-dots circle').first().waitFor();
    await page.getByRole('figure', { name: `Latency percentiles of primary v1` }).locator('.recharts-line-dots circle').first().waitFor();
    await page.getByRole('figure', { name: 'Replicas over time' }).locator('.recharts-line-dots circle').first().waitFor();
    await page.getByRole('figure', { name: 'CPU per replica' }).locator('.recharts-line-dots circle').first().waitFor({ timeout: 30_000 });
    await page.getByRole('figure', { name: 'Memory per replica' }).locator('.recharts-line-dots circle').first().waitFor();
    await expect.poll(() => page.getByRole('table').locator('tbody td').nth(2).textContent()).toMatch(/\d+ MB$/);

    await page.getByLabel('Window', { exact: true }).selectOption({ label: 'Last 6 hours' });
    await expect.poll(() => summaryValue('Requests')).toBe('25');

    await mkdir(path.join(root, 'test-results'), { recursive: true });
    await page.screenshot({ path: path.join(root, 'test-results', 'performance.png'), fullPage: true });
  });

  it('marks a replica that died and was replaced, and samples its replacement', async () => {
    const [victim] = (await admin.request('GET', `/api/v1/deployments/${name}`)).body.deployment.variants[0].replicaList;
    process.kill(replicaPid(victim.id), 'SIGKILL');
    await admin.waitFor(
      `/api/v1/deployments/${name}/performance?window=15m`,
      (b: PerformanceReport) => b.summary.restarts === 1 && b.resources.length === 2,
      30_000,
    );
    // The page is still open on the 6-hour window and refreshes by itself.
    const restarts = page.getByRole('list', { name: 'Replica restarts' });
    await restarts.getByText(`replica ${victim.id.slice(0, 8)} exited (signal SIGKILL)`).waitFor({ timeout: 15_000 });
    await page.getByRole('figure', { name: 'Replicas over time' }).getByText('restart', { exact: true }).waitFor();
    // The replacement is sampled among the running replicas; the one that died is listed apart, behind a count.
    const running = page.getByRole('table', { name: 'Latest CPU and memory per running replica' });
    await expect.poll(() => running.locator('tbody tr').count(), { timeout: 15_000 }).toBe(1);
    await expect.poll(() => running.textContent()).not.toContain(victim.id.slice(0, 8));
    await page.getByText('1 replica ended in this window').click();
    const ended = page.getByRole('table', { name: 'Latest CPU and memory of replicas that ended' });
    await expect.poll(() => ended.textContent(), { timeout: 15_000 }).toContain(victim.id.slice(0, 8));
  });
});
