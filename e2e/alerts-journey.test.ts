import { randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AlertEventView, AlertHistoryPage, AlertRuleView } from '@slipway/core';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from './api-client';
import { launchChromium, newConsolePage, signIn } from './browser';
import { startStack } from './stack';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** A real local webhook receiver that answers every post with `status` and keeps the bodies. */
async function webhookServer(status: number): Promise<{ server: Server; url: string; bodies: { text: string }[] }> {
  const bodies: { text: string }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      bodies.push(JSON.parse(body));
      res.writeHead(status).end(status === 200 ? 'ok' : 'broken');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, bodies };
}

// Alert rules managed through the API and the console, evaluated by the worker on traffic through the gateway
// (SLIPWAY_ALERT_INTERVAL_MS is 1 s in the journeys' stack), with webhooks to real HTTP servers.
describe('alerts', () => {
  let stack: Awaited<ReturnType<typeof startStack>>;
  let admin: ApiClient;
  let apiKey: string;
  let browser: Browser;
  let page: Page;
  let good: Awaited<ReturnType<typeof webhookServer>>;
  let broken: Awaited<ReturnType<typeof webhookServer>>;
  const suffix = randomUUID().slice(0, 8);
  const name = `iris-alerts-${suffix}`;
  const alerts = `/api/v1/deployments/${name}/alerts`;

  const predict = () =>
    fetch(`${stack.gatewayUrl}/models/${name}/predict`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
      body: JSON.stringify({ inputs: { features: [[5.1, 3.5, 1.4, 0.2]] } }),
    });

  const history = async () => (await admin.request('GET', `${alerts}/history`)).body as AlertHistoryPage;

  beforeAll(async () => {
    stack = await startStack();
    admin = await ApiClient.login(stack.webUrl, stack.admin.email, stack.admin.password);
    apiKey = (await admin.request('POST', '/api/v1/api-keys', { name: `alerts-${suffix}` })).body.key;
    expect((await admin.request('POST', '/api/v1/models', { name })).status).toBe(201);
    expect((await admin.uploadInspected(name, stack.demoModelPath)).status).toBe('ready');
    expect((await admin.deploySettled({ name, modelName: name, versionLabel: 1, machineType: 'cpu-small', replicas: 1 })).status).toBe('ready');
    good = await webhookServer(200);
    broken = await webhookServer(500);
    browser = await launchChromium();
    page = await newConsolePage(browser, stack.webUrl);
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    good?.server.close();
    broken?.server.close();
  });

  it('refuses invalid rules and edits with the catalogue’s 4xx, writing nothing', async () => {
    const refused = async (method: string, url: string, body: unknown) => {
      const response = await admin.request(method, url, body);
      return [response.status, response.body?.error?.code];
    };
    const invalid = [400, 'validation_error'];
    expect(await refused('POST', alerts, { kind: 'error_rate' })).toEqual(invalid);
    expect(await refused('POST', alerts, { kind: 'error_rate', threshold: 5 })).toEqual(invalid);
    expect(await refused('POST', alerts, { kind: 'no_traffic', threshold: 5 })).toEqual(invalid);
    expect(await refused('POST', alerts, { kind: 'p99_latency', threshold: 100, feature: 'sepal_length' })).toEqual(invalid);
    expect(await refused('POST', alerts, { kind: 'no_traffic', windowSeconds: 5 })).toEqual(invalid);
    expect(await refused('POST', alerts, { kind: 'no_traffic', cooldownSeconds: -1 })).toEqual(invalid);
    expect(await refused('POST', alerts, { kind: 'no_traffic', webhookUrl: 'ftp://example.com/hook' })).toEqual(invalid);
    expect(await refused('POST', alerts, { kind: 'no_traffic', webhookUrl: 'javascript:alert(1)' })).toEqual(invalid);
    expect(await refused('POST', alerts, { kind: 'no_traffic', treshold: 1 })).toEqual(invalid);
    expect(await refused('POST', alerts, { kind: 'latency' })).toEqual(invalid);
    const notJson = await admin.raw(alerts, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"kind":' });
    expect([notJson.status, (await notJson.json()).error.code]).toEqual([400, 'invalid_json']);
    expect(await refused('POST', `/api/v1/deployments/nope-${suffix}/alerts`, { kind: 'no_traffic' })).toEqual([404, 'not_found']);
    expect((await admin.request('GET', alerts)).body.rules).toEqual([]);

    const created = await admin.request('POST', alerts, { kind: 'error_rate', threshold: 0.05 });
    expect(created.status).toBe(201);
    const rule = created.body.rule;
    expect(rule).toMatchObject({ kind: 'error_rate', threshold: 0.05, feature: null, windowSeconds: 300, cooldownSeconds: 900, enabled: true, state: 'ok' });
    expect(await refused('PATCH', `${alerts}/${rule.id}`, { threshold: 2 })).toEqual(invalid);
    expect(await refused('PATCH', `${alerts}/${rule.id}`, { kind: 'p99_latency' })).toEqual(invalid);
    expect(await refused('PATCH', `${alerts}/${rule.id}`, {})).toEqual(invalid);
    expect(await refused('PATCH', `${alerts}/not-a-uuid`, { enabled: false })).toEqual([404, 'not_found']);
    expect(await refused('DELETE', `${alerts}/${randomUUID()}`, undefined)).toEqual([404, 'not_found']);
    expect((await admin.request('GET', alerts)).body.rules).toEqual([rule]);

    const edited = await admin.request('PATCH', `${alerts}/${rule.id}`, { kind: 'drift', feature: 'petal_length', enabled: false });
    expect(edited.status).toBe(200);
    expect(edited.body.rule).toMatchObject({ kind: 'drift', threshold: null, feature: 'petal_length', enabled: false });
    expect((await admin.request('DELETE', `${alerts}/${rule.id}`)).status).toBe(204);
    expect((await admin.request('GET', alerts)).body.rules).toEqual([]);

    expect(await refused('GET', `${alerts}/history?limit=0`, undefined)).toEqual(invalid);
    expect(await refused('GET', `${alerts}/history?before=${randomUUID()}`, undefined)).toEqual(invalid);
  });

  it('fires on traffic through the gateway, posts the Slack-shaped webhook, retries a failing one and shows it failed', async () => {
    // Any answered request is slower than a microsecond: traffic alone breaches these rules.
    const rule = { kind: 'p99_latency', threshold: 0.001, windowSeconds: 15, cooldownSeconds: 0 };
    const delivered = (await admin.request('POST', alerts, { ...rule, webhookUrl: good.url })).body.rule;
    const failing = (await admin.request('POST', alerts, { ...rule, webhookUrl: broken.url })).body.rule;

    let response = await predict();
    // The first request may beat the routing table to the gateway.
    for (let attempt = 0; attempt < 50 && response.status === 404; attempt++) {
      await new Promise((r) => setTimeout(r, 100));
      response = await predict();
    }
    expect(response.status).toBe(200);
    for (let i = 0; i < 9; i++) expect((await predict()).status).toBe(200);

    const firstDelivery = await admin.waitFor(
      `${alerts}/history`,
      (b: AlertHistoryPage) => b.events.some((e) => e.ruleId === delivered.id && e.delivery === 'delivered'),
      60_000,
    );
    const fired = firstDelivery.events.find((e: AlertEventView) => e.ruleId === delivered.id);
    expect(fired).toMatchObject({ kind: 'p99_latency', state: 'fired', threshold: 0.001, delivery: 'delivered', deliveryAttempts: 1, deliveryError: null });
    expect(fired.value).toBeGreaterThan(0.001);
    // Delivered while the failing webhook's retries were still under way: one does not hold up the other.
    expect(firstDelivery.events.find((e: AlertEventView) => e.ruleId === failing.id)?.delivery).not.toBe('failed');
    expect(good.bodies[0]).toEqual({
      text: `:rotating_light: [${name}] p99_latency alert fired: ${fired.message}`,
      alert: {
        deployment: name,
        ruleId: delivered.id,
        kind: 'p99_latency',
        state: 'fired',
        value: fired.value,
        threshold: 0.001,
        message: fired.message,
        at: fired.at,
      },
    });
    expect(fired.message).toMatch(/^p99 latency [\d.]+ ms over the last 15 s is above 0.001 ms$/);
    // The deployment page says so too; a request keeps the rules' window breaching meanwhile.
    expect((await predict()).status).toBe(200);
    await signIn(page, stack.admin, `/deployments/${name}`);
    await page.getByRole('link', { name: 'Alerts, 2 firing', exact: true }).waitFor();
    const rules = (await admin.request('GET', alerts)).body.rules;
    expect(rules.find((r: AlertRuleView) => r.id === delivered.id)).toMatchObject({ state: 'firing', lastFiredAt: fired.at });

    // Five attempts with backoff (0.5, 1, 2, 4 s), then the history says failed with the last error.
    const afterRetries = await admin.waitFor(
      `${alerts}/history`,
      (b: AlertHistoryPage) => b.events.some((e) => e.ruleId === failing.id && e.delivery === 'failed'),
      60_000,
    );
    expect(afterRetries.events.find((e: AlertEventView) => e.ruleId === failing.id && e.state === 'fired')).toMatchObject({
      delivery: 'failed',
      deliveryAttempts: 5,
      deliveryError: 'the webhook answered HTTP 500 Internal Server Error',
      deliveredAt: null,
    });
    expect(broken.bodies.length).toBeGreaterThanOrEqual(5);

    // Quiet for a whole window: the rule resolves, and that is posted too.
    const resolved = await admin.waitFor(
      `${alerts}/history`,
      (b: AlertHistoryPage) => b.events.some((e) => e.ruleId === delivered.id && e.state === 'resolved' && e.delivery === 'delivered'),
      60_000,
    );
    expect(resolved.events[0].state).toBe('resolved');
    expect(good.bodies.at(-1)?.text).toBe(`:white_check_mark: [${name}] p99_latency alert resolved: p99 latency back to 0.0 ms over the last 15 s`);

    // A page at a time, newest first.
    const pageOne = (await admin.request('GET', `${alerts}/history?limit=1`)).body;
    expect(pageOne.events).toHaveLength(1);
    const pageTwo = (await admin.request('GET', `${alerts}/history?limit=1&before=${pageOne.nextCursor}`)).body;
    expect(pageTwo.events).toHaveLength(1);
    expect(Date.parse(pageTwo.events[0].at)).toBeLessThanOrEqual(Date.parse(pageOne.events[0].at));
    expect(pageTwo.events[0].id).not.toBe(pageOne.events[0].id);
    expect((await history()).events.length).toBeGreaterThanOrEqual(4);
  });

  it('adds, disables and deletes a rule in the console, and shows the history with webhook delivery', async () => {
    await page.goto(`/deployments/${name}`);
    await page.getByRole('link', { name: 'Alerts', exact: true }).click();
    await page.waitForURL(`**/deployments/${name}/alerts`);
    const history = page.getByRole('region', { name: 'History' });
    await history.getByText('Failed (5 attempts)').first().waitFor();
    await history.getByText('Delivered (1 attempt)').first().waitFor();

    const form = page.getByRole('form', { name: 'Add an alert rule' });
    await form.getByLabel('Alert when').selectOption({ label: 'Error rate' });
    await form.getByLabel('Above (%)').fill('2.5');
    await form.getByLabel('Window (s)').fill('60');
    // Only the fields a kind takes are shown.
    await expect(form.getByLabel('Feature').count()).resolves.toBe(0);
    await form.getByLabel('Window (s)').press('Enter');
    const rules = page.getByRole('region', { name: 'Rules' });
    const row = rules.getByRole('row', { name: 'Alert rule: error rate > 2.5%' });
    await row.getByText('OK', { exact: true }).waitFor();
    await row.getByText('over 1 min', { exact: false }).waitFor();

    await row.getByRole('checkbox', { name: 'Enabled' }).uncheck();
    await row.getByText('Disabled', { exact: true }).waitFor();
    const stored = (await admin.request('GET', alerts)).body.rules.find((r: AlertRuleView) => r.kind === 'error_rate');
    expect(stored).toMatchObject({ threshold: 0.025, windowSeconds: 60, enabled: false });

    await mkdir(path.join(root, 'test-results'), { recursive: true });
    await page.screenshot({ path: path.join(root, 'test-results', 'alerts.png'), fullPage: true });

    await row.getByRole('button', { name: 'Delete error rate > 2.5%' }).click();
    await row.getByRole('group', { name: 'Confirm deleting the rule' }).getByRole('button', { name: 'Delete rule' }).click();
    await row.waitFor({ state: 'detached' });
    expect((await admin.request('GET', alerts)).body.rules.some((r: AlertRuleView) => r.kind === 'error_rate')).toBe(false);
  });
});
