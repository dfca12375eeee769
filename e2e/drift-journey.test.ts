import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from './api-client';
import { launchChromium, newConsolePage, signIn } from './browser';
import { startStack } from './stack';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const irisArchive = path.join(root, 'models', 'iris', 'iris.tar.gz');

/** The iris archive's own reference rows (150, ordered by species): traffic that should show no drift. */
function referenceRows(): number[][] {
  const csv = execFileSync('tar', ['xzf', irisArchive, '-O', 'iris/reference.csv'], { encoding: 'utf8' });
  return csv
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split(',').slice(0, 4).map(Number));
}

// Data drift, end to end: requests through the gateway are sketched by the replica, merged by the worker and
// compared with the version's reference data on the deployment's Drift page.
describe('drift monitoring', () => {
  let stack: Awaited<ReturnType<typeof startStack>>;
  let admin: ApiClient;
  let apiKey: string;
  let browser: Browser;
  let page: Page;
  const suffix = randomUUID().slice(0, 8);

  const predict = (name: string, features: number[][]) =>
    fetch(`${stack.gatewayUrl}/models/${name}/predict`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
      body: JSON.stringify({ inputs: { features } }),
    });

  /** Sends rows in batches of ten; the first request may beat the routing table to the gateway. */
  async function sendRows(name: string, rows: number[][]) {
    for (let i = 0; i < rows.length; i += 10) {
      let response = await predict(name, rows.slice(i, i + 10));
      for (let attempt = 0; attempt < 50 && response.status === 404; attempt++) {
        await new Promise((r) => setTimeout(r, 100));
        response = await predict(name, rows.slice(i, i + 10));
      }
      expect(response.status).toBe(200);
    }
  }

  const countOf = (body: any, feature: string) => body.features.find((f: { name: string }) => f.name === feature)?.count ?? 0;

  beforeAll(async () => {
    stack = await startStack();
    admin = await ApiClient.login(stack.webUrl, stack.admin.email, stack.admin.password);
    apiKey = (await admin.request('POST', '/api/v1/api-keys', { name: `drift-${suffix}` })).body.key;
    browser = await launchChromium();
    page = await newConsolePage(browser, stack.webUrl);
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('shows requests sent through the gateway on the Drift page, compared with the reference data', async () => {
    const name = `iris-drift-${suffix}`;
    expect((await admin.request('POST', '/api/v1/models', { name })).status).toBe(201);
    const version = await admin.uploadInspected(name, irisArchive);
    expect(version.status).toBe('ready');
    expect((await admin.deploySettled({ name, modelName: name, versionLabel: 1, machineType: 'cpu-small', replicas: 1 })).status).toBe('ready');

    const rows = referenceRows();
    await sendRows(name, rows);
    const drift = await admin.waitFor(
      `/api/v1/deployments/${name}/drift?minutes=15`,
      (b) => countOf(b, 'petal_width') >= 150 && countOf(b, 'label') >= 150,
      30_000,
    );
    expect(drift.baseline).toEqual({ source: 'reference_data', rows: 150 });
    expect(drift.features.map((f: { name: string }) => f.name).sort()).toEqual(
      ['label', 'petal_length', 'petal_width', 'probabilities[0]', 'probabilities[1]', 'probabilities[2]', 'sepal_length', 'sepal_width'].sort(),
    );
    // The reference itself, replayed: nothing drifted, every input column judged.
    expect(drift.summary).toEqual({ features: 8, monitored: 4, drifted: 0 });
    const petal = drift.features.find((f: { name: string }) => f.name === 'petal_length');
    expect(petal).toMatchObject({ kind: 'numeric', role: 'input', status: 'ok', count: 150, outOfRange: 0 });
    expect(petal.score).toBeLessThan(petal.threshold);
    // The label's shares are the model's predictions: roughly a third per class on this balanced set.
    const label = drift.features.find((f: { name: string }) => f.name === 'label');
    expect(label).toMatchObject({ kind: 'categorical', role: 'output', status: 'no_reference' });
    expect(label.histogram.bins.sort()).toEqual(['0', '1', '2']);

    await signIn(page, stack.admin, `/deployments/${name}`);
    await page.getByRole('link', { name: 'Drift', exact: true }).click();
    await page.waitForURL(`**/deployments/${name}/drift`);
    await page.getByRole('heading', { name: '0 of 4 features drifted' }).waitFor();
    const table = page.getByRole('table');
    for (const feature of ['sepal_length', 'petal_width', 'label']) await table.getByRole('button', { name: feature, exact: true }).waitFor();
    // Beside each score, PSI and the share outside the reference's range: the reference's own rows never leave it.
    for (const feature of ['sepal_length', 'sepal_width', 'petal_length', 'petal_width']) {
      await table
        .getByRole('row', { name: new RegExp(feature) })
        .getByText(/^PSI \d\.\d\d · 0\.0 % out of range$/)
        .waitFor();
    }
    await table.getByRole('button', { name: 'petal_length', exact: true }).click();
    await page.getByRole('heading', { name: 'petal_length over time' }).waitFor();
    // The traffic fell into one window so far: one point of the score line, drawn as a dot.
    await page.getByRole('figure', { name: 'Drift over time: petal_length' }).locator('.recharts-line-dots circle').first().waitFor();
    await page.getByLabel('Window').selectOption({ label: 'Last 6 hours' });
    await page.getByRole('heading', { name: '0 of 4 features drifted' }).waitFor();

    await mkdir(path.join(root, 'test-results'), { recursive: true });
    await page.screenshot({ path: path.join(root, 'test-results', 'drift.png'), fullPage: true });
  });

  it('offers to freeze a baseline from traffic when the version has no reference data', async () => {
    const name = `iris-nobaseline-${suffix}`;
    expect((await admin.request('POST', '/api/v1/models', { name })).status).toBe(201);
    expect((await admin.uploadInspected(name, stack.demoModelPath)).status).toBe('ready');
    expect((await admin.deploySettled({ name, modelName: name, versionLabel: 1, machineType: 'cpu-small', replicas: 1 })).status).toBe('ready');
    const started = new Date(Math.floor(Date.now() / 60_000) * 60_000);
    await sendRows(name, referenceRows());
    const before = await admin.waitFor(`/api/v1/deployments/${name}/drift?minutes=15`, (b) => countOf(b, 'features[0]') >= 150, 30_000);
    expect(before.baseline).toEqual({ source: 'none' });
    expect(before.summary).toMatchObject({ features: 8, monitored: 0, drifted: 0 });

    const baselinePath = `/api/v1/deployments/${name}/drift/baseline`;
    const backwards = await admin.request('POST', baselinePath, { from: new Date().toISOString(), to: started.toISOString() });
    expect(backwards.status).toBe(400);
    expect(backwards.body.error.code).toBe('validation_error');
    const quiet = await admin.request('POST', baselinePath, { from: '2020-01-01T00:00:00Z', to: '2020-01-02T00:00:00Z' });
    expect(quiet.status).toBe(400);
    expect(quiet.body.error.message).toContain('no traffic was recorded');
    const withReference = await admin.request('POST', `/api/v1/deployments/iris-drift-${suffix}/drift/baseline`, {
      from: started.toISOString(),
      to: new Date().toISOString(),
    });
    expect(withReference.status).toBe(409);

    await signIn(page, stack.admin, `/deployments/${name}/drift`);
    await page.getByRole('heading', { name: 'No reference data' }).waitFor();
    const form = page.getByRole('form', { name: 'Freeze a baseline from traffic' });
    await form.getByRole('button', { name: 'Freeze baseline' }).click();
    // The frozen baseline covers every input column and output the replica saw.
    await page.getByRole('heading', { name: '0 of 8 features drifted' }).waitFor({ timeout: 15_000 });
    const after = (await admin.request('GET', `/api/v1/deployments/${name}/drift?minutes=15`)).body;
    expect(after.baseline).toMatchObject({ source: 'traffic', createdBy: stack.admin.email });
    expect(after.features.find((f: { name: string }) => f.name === 'features[0]').status).toBe('ok');
  });
});
