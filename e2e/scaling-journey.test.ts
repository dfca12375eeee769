import { randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from './api-client';
import { launchChromium, newConsolePage, openDeploymentTab, signIn } from './browser';
import { startStack } from './stack';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SETOSA = [5.1, 3.5, 1.4, 0.2];

// A data scientist making a deployment cheap when idle from its page: autoscaling with scale to zero and
// a schedule, set with labelled fields and the keyboard; then a caller's request wakes it.
describe('scaling journey: autoscaling down to zero in the console, woken by a request', () => {
  let stack: Awaited<ReturnType<typeof startStack>>;
  let admin: ApiClient;
  let browser: Browser;
  let page: Page;
  let apiKey: string;
  const suffix = randomUUID().slice(0, 8);
  const modelName = `iris-scaling-${suffix}`;
  const deploymentName = `scaling-${suffix}`;

  const predict = () =>
    fetch(`${stack.gatewayUrl}/models/${deploymentName}/predict`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
      body: JSON.stringify({ inputs: { features: [SETOSA] } }),
    }).then(async (r) => ({ status: r.status, body: await r.json() }));

  beforeAll(async () => {
    stack = await startStack();
    admin = await ApiClient.login(stack.webUrl, stack.admin.email, stack.admin.password);
    expect((await admin.request('POST', '/api/v1/models', { name: modelName })).status).toBe(201);
    expect(await admin.uploadInspected(modelName, stack.demoModelPath)).toMatchObject({ label: 1, status: 'ready' });
    apiKey = (await admin.request('POST', '/api/v1/api-keys', { name: `scaling-${suffix}` })).body.key;
    const deployment = await admin.deploySettled({ name: deploymentName, modelName, versionLabel: 1, machineType: 'cpu-small', replicas: 1 });
    expect(deployment.status).toBe('ready');

    browser = await launchChromium();
    page = await newConsolePage(browser, stack.webUrl);
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('turns on autoscaling with a schedule, sleeps at zero replicas and wakes for one prediction', async () => {
    await signIn(page, stack.admin, `/deployments/${deploymentName}`);
    await page.waitForURL(`**/deployments/${deploymentName}`);
    const status = page.getByRole('status', { name: 'Deployment status' });
    await expect.poll(() => status.textContent(), { timeout: 15_000 }).toBe('Ready');
    const rollout = page.getByRole('region', { name: 'Rollout', exact: true });
    await rollout.getByText('Revision 1 is live.').waitFor();

    // Before (Scaling tab): a fixed count, and a chart that says how to get one.
    await openDeploymentTab(page, 'Scaling');
    const scaling = page.getByRole('region', { name: 'Scaling', exact: true });
    const primary = scaling.getByRole('row', { name: 'Scaling of primary v1', exact: true });
    await primary.getByText('fixed', { exact: true }).waitFor();
    await primary.getByText('1 of 1 ready').waitFor({ timeout: 15_000 });
    const overTime = page.getByRole('region', { name: 'Replicas over time', exact: true });
    await overTime.getByText('Turn on autoscaling to see replicas follow the load').waitFor();

    // The form, by keyboard where it matters: arrow keys pick the mode, labelled fields, Enter adds and submits.
    const form = scaling.getByRole('form', { name: 'Scale a variant' });
    const fixed = form.getByLabel('Fixed count', { exact: true });
    expect(await fixed.isChecked()).toBe(true);
    await fixed.focus();
    await page.keyboard.press('ArrowRight');
    expect(await form.getByLabel('Autoscale', { exact: true }).isChecked()).toBe(true);
    // The server's defaults are filled in, each knob with a line of help.
    expect(await form.getByLabel('Target ongoing requests', { exact: true }).inputValue()).toBe('32');
    expect(await form.getByLabel('Upscale delay (s)', { exact: true }).inputValue()).toBe('3');
    expect(await form.getByLabel('Downscale delay (s)', { exact: true }).inputValue()).toBe('60');
    expect(await form.getByLabel('Scale-to-zero delay (s)', { exact: true }).inputValue()).toBe('300');
    await form.getByText('The window over which the average number of ongoing requests is calculated.').waitFor();

    await form.getByLabel('Min replicas', { exact: true }).fill('0');
    await form.getByLabel('Max replicas', { exact: true }).fill('2');
    await form.getByLabel('Scale-to-zero delay (s)', { exact: true }).fill('2');
    await form.getByLabel('Look-back period (s)', { exact: true }).fill('1');

    const addSchedule = form.getByRole('button', { name: 'Add schedule', exact: true });
    await addSchedule.focus();
    await page.keyboard.press('Enter');
    // The new row's cron field takes the focus.
    const cron = form.getByLabel('Schedule 1 cron', { exact: true });
    await expect.poll(() => cron.evaluate((el) => el === document.activeElement)).toBe(true);
    await cron.fill('0 8 * * 1-5');
    // The time zone is picked from the list of every zone the browser knows, not typed.
    const zone = form.getByLabel('Schedule 1 time zone', { exact: true });
    expect(await zone.inputValue()).toBe(await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone));
    expect(await zone.locator('optgroup[label="Europe"] option').count()).toBeGreaterThan(30);
    await zone.selectOption('Europe/Ljubljana');
    // Min 0 at office hours too: the journey wants to see it sleep now, whatever the day.
    await form.getByLabel('Schedule 1 min replicas', { exact: true }).fill('0');
    await form.getByLabel('Schedule 1 max replicas', { exact: true }).fill('2');
    expect(await form.getByRole('list', { name: 'Problems with the scaling' }).count()).toBe(0);
    const preview = form.getByRole('list', { name: 'Next transitions of the drafted schedules' });
    await preview.getByRole('listitem').first().waitFor();
    expect(await preview.getByRole('listitem').first().textContent()).toMatch(/^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d\d:00 → min 0$/);

    // What it takes from the team's quota and what it costs, from no replicas to two.
    const impact = form.getByRole('status').filter({ hasText: /Costs \$/ });
    await expect.poll(() => impact.textContent(), { timeout: 10_000 }).toMatch(/Costs \$0\.000–\$\d+\.\d+\/hour\./);

    await form.getByLabel('Schedule 1 max replicas', { exact: true }).press('Enter');
    const outcome = form.getByRole('status').filter({ hasText: 'Revision 2 is rolling out' });
    await outcome.waitFor();
    expect(await outcome.textContent()).toContain('primary: autoscaling off → 0..2 at 32 in flight per replica, 1 schedule(s)');
    await openDeploymentTab(page, 'Overview');
    await rollout.getByText('Revision 2 is live.').waitFor({ timeout: 60_000 });
    await expect.poll(() => status.textContent(), { timeout: 10_000 }).toBe('Ready');
    await openDeploymentTab(page, 'Scaling');

    // The card now says what the autoscaler works with: its bounds (set by the schedule) and what comes next.
    await primary.getByText('autoscaled', { exact: true }).waitFor({ timeout: 10_000 });
    expect(await primary.textContent()).toContain('0–2 replicas, 32 ongoing requests per replica');
    await primary.getByText('0–2 (schedule 1)').waitFor();
    const next = primary.getByRole('list', { name: 'Next scheduled transitions of primary' });
    expect(await next.getByRole('listitem').first().textContent()).toMatch(/^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d\d:00 → min 0$/);

    // Idle for 2 s: it goes to sleep, and both cards say so.
    await primary.getByText('Asleep (scaled to zero)').waitFor({ timeout: 30_000 });
    await scaling.getByRole('list', { name: 'Autoscaler decisions' }).getByText('primary: scaled 1 → 0: idle for 2 s').waitFor({ timeout: 10_000 });
    await overTime.getByText(/Asleep \(scaled to zero\)/).waitFor({ timeout: 10_000 });
    await overTime.getByLabel('Scaling window').selectOption({ label: 'Last 5 minutes' });
    await overTime.getByRole('figure', { name: 'Replicas and load of primary v1 over time' }).waitFor({ timeout: 15_000 });

    // One prediction, as a client sends it: held by the gateway while a replica starts, then answered.
    const answer = await predict();
    expect(answer.status).toBe(200);
    expect(answer.body.outputs.label[0]).toBe(0);
    // A caller that keeps calling keeps it awake (the card polls every few seconds, longer than the 2 s it
    // would otherwise stay up), until the card shows the woken replica.
    const awake = primary.getByText('1 of 1 ready').waitFor({ timeout: 30_000 });
    let seen = false;
    void awake.then(
      () => (seen = true),
      () => (seen = true),
    );
    for (let call = 0; !seen && call < 300; call++) {
      expect((await predict()).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await awake;
    await scaling.getByRole('list', { name: 'Autoscaler decisions' }).getByText('primary: woken by a request, scaling 0 → 1').waitFor({ timeout: 10_000 });

    // The chart has drawn its lines by now; the page as the user sees it.
    await overTime.locator('path.recharts-line-curve').first().waitFor({ timeout: 15_000 });
    await mkdir(path.join(root, 'test-results'), { recursive: true });
    for (const file of [path.join(root, 'test-results', 'scaling-journey.png'), path.join(tmpdir(), 'slipway-scaling.png')]) {
      await page.screenshot({ path: file, fullPage: true });
    }
    await openDeploymentTab(page, 'Events');
    await page.getByRole('list', { name: 'Rollout events' }).getByText('primary: woken by a request, scaling 0 → 1').waitFor();
    await openDeploymentTab(page, 'Scaling');
    // With nobody calling, it sleeps again after its 2 s.
    await primary.getByText('Asleep (scaled to zero)').waitFor({ timeout: 30_000 });

    // What the team uses, on the list of deployments: this one counts at its worst case, 2 replicas.
    await page.goto('/deployments');
    const usage = page.getByRole('region', { name: 'Team usage', exact: true });
    await usage
      .getByRole('region', { name: /^Usage of / })
      .first()
      .getByText(/replicas/)
      .first()
      .waitFor({ timeout: 15_000 });
    await page.getByRole('link', { name: deploymentName, exact: true }).waitFor();
    await page.screenshot({ path: path.join(tmpdir(), 'slipway-scaling-usage.png'), fullPage: true });

    // And what a new deployment would take from it and cost, before deploying.
    await page.goto(`/deployments/new?model=${modelName}`);
    await page.getByLabel('Machine type').selectOption('cpu-small');
    await page.getByLabel('Replicas', { exact: true }).fill('2');
    await page
      .getByRole('status')
      .filter({ hasText: /2 (of the remaining \d+ )?replicas/ })
      .getByText(/^Costs \$\d+\.\d+\/hour\.$/)
      .waitFor();
    await page.screenshot({ path: path.join(tmpdir(), 'slipway-scaling-deploy-form.png'), fullPage: true });
  }, 240_000);
});
