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

// A data scientist updating a live deployment from its page: a canary to a new version that waits
// for traffic at each step, a promote, and a rollback from the history, with role and label locators only.
describe('rollout journey: canary to v2, promote, roll back to v1 in the console', () => {
  let stack: Awaited<ReturnType<typeof startStack>>;
  let admin: ApiClient;
  let browser: Browser;
  let page: Page;
  let apiKey: string;
  const suffix = randomUUID().slice(0, 8);
  const modelName = `iris-rollout-${suffix}`;
  const deploymentName = `rollout-${suffix}`;

  /** Predictions through the gateway as a client would send them, until stopped; answers do not matter here. */
  const keepSendingTraffic = () => {
    let sending = true;
    let sent = 0;
    const loop = (async () => {
      while (sending) {
        try {
          const response = await fetch(`${stack.gatewayUrl}/models/${deploymentName}/predict`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
            body: JSON.stringify({ inputs: { features: [[5.1, 3.5, 1.4, 0.2]] } }),
          });
          await response.arrayBuffer();
          sent++;
        } catch {
          // A dropped connection is the gateway's business; keep sending.
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    return async () => {
      sending = false;
      await loop;
      return sent;
    };
  };

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
    apiKey = (await admin.request('POST', '/api/v1/api-keys', { name: `rollout-${suffix}` })).body.key;
    const deployment = await admin.deploySettled({ name: deploymentName, modelName, versionLabel: 1, machineType: 'cpu-small', replicas: 1 });
    expect(deployment.status).toBe('ready');

    browser = await launchChromium();
    page = await newConsolePage(browser, stack.webUrl);
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('rolls out a canary step by step, promotes it, and rolls back to revision 1 from the history', async () => {
    await signIn(page, stack.admin, `/deployments/${deploymentName}`);
    await page.waitForURL(`**/deployments/${deploymentName}`);
    const status = page.getByRole('status', { name: 'Deployment status' });
    await expect.poll(() => status.textContent(), { timeout: 15_000 }).toBe('Ready');
    await page.getByText(/Serving .+ v1 · revision 1 ·/).waitFor();
    const rollout = page.getByRole('region', { name: 'Rollout', exact: true });
    await rollout.getByText('Revision 1 is live.').waitFor();

    // The Update form, by keyboard where it matters: labelled fields, Enter submits.
    const update = page.getByRole('form', { name: 'Update the deployment' });
    await update.getByLabel('Version', { exact: true }).selectOption('2');
    await update.getByLabel('Canary', { exact: true }).check();
    await update.getByRole('button', { name: 'Remove step 4' }).click();
    await update.getByRole('button', { name: 'Remove step 3' }).click();
    await update.getByLabel('Step 1 traffic (%)').fill('50');
    await update.getByLabel('Step 1 bake time (seconds)').fill('1');
    await update.getByLabel('Step 2 traffic (%)').fill('100');
    // Long enough that step 2 never passes on its own: it is promoted by hand.
    await update.getByLabel('Step 2 bake time (seconds)').fill('600');
    await update.getByLabel('Minimum requests per step').fill('1');
    // A fresh replica's first answers are slow; the journey is about the controls, not the latency gate.
    const p99 = update.getByLabel('Max p99 ratio');
    await p99.fill('100');
    await p99.press('Enter');
    const outcome = update.getByRole('status').filter({ hasText: 'Revision 2 is rolling out' });
    await outcome.waitFor();
    expect(await outcome.textContent()).toContain('primary: v1 → v2');

    // The rollout card: strategy, stepper, traffic on the new revision.
    const steps = rollout.getByRole('list', { name: 'Canary steps' });
    const currentStep = steps.locator('li[aria-current="step"]');
    await currentStep.filter({ hasText: 'Step 1: 50%' }).waitFor({ timeout: 60_000 });
    expect(await rollout.getByRole('definition').filter({ hasText: 'Canary' }).count()).toBe(1);
    const traffic = rollout.getByRole('progressbar', { name: 'Traffic on the new revision' });
    expect(await traffic.getAttribute('aria-valuenow')).toBe('50');

    // The step has baked but waits for the requests its guardrails judge: send some, as a client would.
    const stopTraffic = keepSendingTraffic();
    try {
      await currentStep.filter({ hasText: 'Step 2: 100%' }).waitFor({ timeout: 60_000 });
    } finally {
      expect(await stopTraffic()).toBeGreaterThan(0);
    }
    await steps.locator('li[data-state="done"]').filter({ hasText: 'Step 1: 50%' }).waitFor();
    await currentStep.filter({ hasText: 'left in its bake' }).waitFor();
    await expect.poll(() => traffic.getAttribute('aria-valuenow'), { timeout: 10_000 }).toBe('100');
    const events = rollout.getByRole('list', { name: 'Rollout events' });
    await events.getByText(/Step 50% passed its guardrails/).waitFor({ timeout: 10_000 });
    await mkdir(path.join(root, 'test-results'), { recursive: true });
    for (const file of [path.join(root, 'test-results', 'rollout-canary.png'), path.join(tmpdir(), 'slipway-rollout-canary.png')]) {
      await page.screenshot({ path: file, fullPage: true });
    }

    // Promote asks first, then skips the rest of the bake: Ready on revision 2.
    await rollout.getByRole('button', { name: 'Promote', exact: true }).click();
    await rollout.getByRole('group', { name: 'Confirm promote' }).getByRole('button', { name: 'Promote to 100%' }).click();
    await rollout.getByText('Revision 2 is live.').waitFor({ timeout: 60_000 });
    await expect.poll(() => status.textContent(), { timeout: 10_000 }).toBe('Ready');
    await page.getByText(/Serving .+ v2 · revision 2 ·/).waitFor();
    await events.getByText('Promoted: all traffic switched to the new revision').waitFor();

    // The history (Revisions tab): newest first, the live one marked; roll back to revision 1 (confirmed).
    await openDeploymentTab(page, 'Revisions');
    const revisions = page.getByRole('region', { name: 'Revisions', exact: true });
    const rowNames = () => revisions.getByRole('row').evaluateAll((rows) => rows.map((r) => r.getAttribute('aria-label')).filter(Boolean));
    await expect.poll(rowNames).toEqual(['Revision 2', 'Revision 1']);
    const revision2 = revisions.getByRole('row', { name: 'Revision 2', exact: true });
    await revision2.getByText('Live', { exact: true }).waitFor();
    expect(await revision2.textContent()).toContain('primary: v1 → v2');
    await revisions.getByRole('row', { name: 'Revision 1', exact: true }).getByRole('button', { name: 'Roll back to revision 1' }).click();
    await revisions.getByRole('group', { name: 'Confirm rolling back to revision 1' }).getByRole('button', { name: 'Roll back to revision 1' }).click();

    const revision3 = revisions.getByRole('row', { name: 'Revision 3', exact: true });
    await revision3.waitFor();
    expect(await rowNames()).toEqual(['Revision 3', 'Revision 2', 'Revision 1']);
    expect(await revision3.textContent()).toContain('rollback to revision 1');
    expect(await revision3.textContent()).toContain('primary: v2 → v1');
    await revision3.getByText('Live', { exact: true }).waitFor({ timeout: 60_000 });
    await openDeploymentTab(page, 'Overview');
    await rollout.getByText('Revision 3 is live.').waitFor();
    await expect.poll(() => status.textContent(), { timeout: 10_000 }).toBe('Ready');
    await page.getByText(/Serving .+ v1 · revision 3 ·/).waitFor();
    await openDeploymentTab(page, 'Scaling');
    await page.getByRole('list', { name: 'Replicas of primary v1', exact: true }).getByText('Ready', { exact: true }).waitFor();
    await expect.poll(() => page.getByRole('list', { name: 'Replicas of primary v2', exact: true }).count(), { timeout: 15_000 }).toBe(0);
    for (const file of [path.join(root, 'test-results', 'rollout-rolled-back.png'), path.join(tmpdir(), 'slipway-rollout-rolled-back.png')]) {
      await page.screenshot({ path: file, fullPage: true });
    }
  }, 240_000);
});
