import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from './api-client';
import { launchChromium, openDeploymentTab, signIn } from './browser';
import { startStack } from './stack';

const PHONE = { width: 390, height: 844 };

/** How far the page is wider than the viewport, and the widest elements that stick out (for the failure message). */
async function overflow(page: Page): Promise<{ excess: number; culprits: string[] }> {
  return page.evaluate(() => {
    const width = window.innerWidth;
    // Content that scrolls inside a box of its own (a table, the deployment page's tab bar) does not widen the page.
    const scrollsInside = (el: Element) => {
      for (let box = el.parentElement; box; box = box.parentElement) {
        if (['auto', 'scroll'].includes(getComputedStyle(box).overflowX)) return true;
      }
      return false;
    };
    const culprits = [...document.querySelectorAll('body *')]
      // Fixed-position layers (a renderer's toast container) do not widen the page; only what scrolls with it is listed.
      .filter((el) => el.getBoundingClientRect().right > width + 1 && !el.closest('.table-wrap, .sr-only, .visually-hidden'))
      .filter((el) => getComputedStyle(el).position !== 'fixed' && !el.closest('[style*="position: fixed"]'))
      .filter((el) => !scrollsInside(el))
      .slice(0, 5)
      .map((el) => `${el.tagName.toLowerCase()}.${String(el.className).split(' ').join('.')} → ${Math.round(el.getBoundingClientRect().right)}px`);
    return { excess: document.documentElement.scrollWidth - width, culprits };
  });
}

/** Waits for the page's main heading, then holds the page to the viewport's width. */
async function expectFits(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.getByRole('heading', { level: 1 }).first().waitFor();
  await page.waitForLoadState('networkidle');
  const { excess, culprits } = await overflow(page);
  expect({ url, excess, culprits }).toEqual({ url, excess: 0, culprits: [] });
}

/** The element is on screen horizontally: a thumb can reach it without scrolling sideways. */
async function expectReachable(what: ReturnType<Page['getByRole']>): Promise<void> {
  await what.scrollIntoViewIfNeeded();
  const box = await what.boundingBox();
  expect(box).not.toBeNull();
  expect(box!.x).toBeGreaterThanOrEqual(0);
  expect(box!.x + box!.width).toBeLessThanOrEqual(PHONE.width);
}

// A phone at 390 px: deploy from a model's page (autoscaled, to zero), update to v2, and every console page fits the
// screen, with Stop, the docs link and the traffic inputs reachable. Real stack, real Chromium.
describe('phone: the console at 390 px', () => {
  let stack: Awaited<ReturnType<typeof startStack>>;
  let admin: ApiClient;
  let browser: Browser;
  let page: Page;
  const suffix = randomUUID().slice(0, 8);
  const modelName = `iris-phone-${suffix}`;
  const otherModel = `other-phone-${suffix}`;

  beforeAll(async () => {
    stack = await startStack();
    admin = await ApiClient.login(stack.webUrl, stack.admin.email, stack.admin.password);
    for (const name of [modelName, otherModel]) expect((await admin.request('POST', '/api/v1/models', { name })).status).toBe(201);
    expect(await admin.uploadInspected(modelName, stack.demoModelPath)).toMatchObject({ label: 1, status: 'ready' });
    expect(await admin.uploadInspected(modelName, path.join(path.dirname(stack.demoModelPath), 'iris.tar.gz'))).toMatchObject({ label: 2, status: 'ready' });
    // Another model, newer than the one the user comes from: it must not be preselected.
    expect(await admin.uploadInspected(otherModel, stack.demoModelPath)).toMatchObject({ label: 1, status: 'ready' });
    browser = await launchChromium();
    page = await browser.newPage({ baseURL: stack.webUrl, viewport: PHONE, isMobile: true, hasTouch: true });
    await signIn(page, stack.admin, `/models/${modelName}`);
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('deploys autoscaled to zero from the model page, with GPU machine types marked unavailable before the click', async () => {
    await page.waitForURL(`**/models/${modelName}`);
    await page.getByRole('link', { name: 'Deploy v2' }).click();
    await page.waitForURL(/\/deployments\/new\?model=/);
    expect(await page.getByLabel('Model', { exact: true }).inputValue()).toBe(modelName);

    // The search narrows the list; the model the user came from stays chosen.
    await page.getByLabel('Find a model').fill('other-phone');
    await page.getByText(/^1 of \d+ models match/).waitFor();
    expect(await page.getByLabel('Model', { exact: true }).inputValue()).toBe(modelName);
    await page.getByLabel('Find a model').fill('');

    const machine = page.getByLabel('Machine type');
    expect(await machine.locator('option', { hasText: 'gpu-t4' }).isDisabled()).toBe(true);
    await page.getByText(/^Unavailable here: .*gpu-t4.*this host has no GPU for replicas\./).waitFor();
    expect(await machine.inputValue()).not.toBe('gpu-t4');
    await machine.selectOption('cpu-small');

    await page.getByLabel('Autoscale with traffic').check();
    await page.getByLabel('Max replicas', { exact: true }).fill('2');
    await page.getByLabel('Scale to zero when idle').check();
    expect(await page.getByLabel('Min replicas', { exact: true }).inputValue()).toBe('0');
    await page.getByText(/nothing while it sleeps\.$/).waitFor();
    const { excess, culprits } = await overflow(page);
    expect({ excess, culprits }).toEqual({ excess: 0, culprits: [] });
    await page.getByRole('button', { name: 'Deploy', exact: true }).click();

    await page.waitForURL(`**/deployments/${modelName}`);
    const { deployment } = await admin.waitFor(`/api/v1/deployments/${modelName}`, (b) => b.deployment.status === 'ready');
    expect(deployment.spec.variants[0]).toMatchObject({ versionLabel: 2, machineType: 'cpu-small', autoscaling: { minReplicas: 0, maxReplicas: 2 } });
  }, 120_000);

  it('tries it with one field per named feature, and says the label and which variant answered', async () => {
    await page.goto(`/deployments/${modelName}`);
    await openDeploymentTab(page, 'Call it');
    const tryIt = page.getByRole('region', { name: 'Try it' });
    await tryIt.getByText('Prefilled with the example recorded when this version was inspected.').waitFor();
    const petal = tryIt.getByLabel('petal_length', { exact: true });
    expect(Number(await petal.inputValue())).toBeGreaterThan(0);
    await petal.fill('6');
    const send = tryIt.getByRole('button', { name: 'Send', exact: true });
    let status = 0;
    for (let attempt = 0; attempt < 20 && status !== 200; attempt++) {
      const [answer] = await Promise.all([page.waitForResponse((r) => r.url().endsWith(`/deployments/${modelName}/try`)), send.click()]);
      status = answer.status();
      if (status !== 200) await page.waitForTimeout(250);
    }
    expect(status).toBe(200);
    const response = tryIt.getByRole('region', { name: 'Response' });
    await response.getByText(/^Answered by primary \(v2\)$/).waitFor();
    const prediction = response.getByRole('list', { name: 'Prediction' });
    await prediction
      .getByRole('listitem')
      .filter({ hasText: /^label: (setosa|versicolor|virginica)$/ })
      .waitFor();
    await prediction
      .getByRole('listitem')
      .filter({ hasText: /^probabilities: (setosa|versicolor|virginica) \d+\.\d %$/ })
      .waitFor();
  }, 60_000);

  it('updates to v1 from the phone and keeps Stop, the docs link and the traffic inputs on screen', async () => {
    await page.goto(`/deployments/${modelName}`);
    const update = page.getByRole('form', { name: 'Update the deployment' });
    await update.getByLabel('Version', { exact: true }).selectOption('1');
    await update.getByRole('button', { name: 'Roll out', exact: true }).click();
    await update
      .getByRole('status')
      .filter({ hasText: /Revision 2 is rolling out|rolled out/ })
      .waitFor();
    await admin.waitFor(`/api/v1/deployments/${modelName}`, (b) => b.deployment.status === 'ready' && b.deployment.revision === 2, 90_000);

    await expectFits(page, `/deployments/${modelName}`);
    await expectReachable(page.getByRole('button', { name: 'Stop', exact: true }));
    await expectReachable(page.getByRole('link', { name: /API docs/ }).first());
    const traffic = page.getByRole('spinbutton', { name: /traffic|weight/i }).first();
    if (await traffic.count()) await expectReachable(traffic);
  }, 150_000);

  it('fits every console page into 390 px', async () => {
    for (const url of [
      '/',
      '/models',
      `/models/${modelName}`,
      '/models/new',
      '/deployments',
      '/deployments/new',
      `/deployments/${modelName}/performance`,
      `/deployments/${modelName}/drift`,
      `/deployments/${modelName}/alerts`,
      `/deployments/${modelName}/docs`,
      '/docs',
      '/api-keys',
      '/admin',
    ]) {
      await expectFits(page, url);
    }
  }, 180_000);
});
