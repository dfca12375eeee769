import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { Validator } from '@seriousme/openapi-schema-validator';
import { buildMultiIo } from '@slipway/onnx-builder';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from './api-client';
import { launchChromium, newConsolePage, openDeploymentTab, signIn } from './browser';
import { startStack } from './stack';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const API_DIR = path.join(root, 'apps', 'web', 'app', 'api', 'v1');

const validOpenApi = async (document: unknown) => (await new Validator().validate(document as Parameters<Validator['validate']>[0])).errors;

/**
 * Every route file under app/api/v1 with the OpenAPI paths it serves (`[name]` → `{name}`; tus' optional
 * catch-all `[[...id]]` serves both `/uploads` and `/uploads/{id}`).
 */
async function routeFiles(): Promise<{ paths: string[]; methods: string[] }[]> {
  const files = (await readdir(API_DIR, { recursive: true })).filter((f) => f.endsWith('route.ts'));
  return Promise.all(
    files.map(async (file) => {
      const source = await readFile(path.join(API_DIR, file), 'utf8');
      const methods = [
        ...source.matchAll(/export const (GET|POST|PUT|PATCH|DELETE)\b|handler as (GET|HEAD|POST|PATCH|DELETE|OPTIONS)\b|export const (PUT) = POST/g),
      ].map((m) => m[1] ?? m[2] ?? m[3]!);
      const dir = path.dirname(file).split(path.sep).join('/');
      const openApiPath = `/${dir}`.replace(/\[(\w+)\]/g, '{$1}');
      const catchAll = /\/\[\[\.\.\.(\w+)\]\]$/.exec(openApiPath);
      const paths = catchAll ? [openApiPath.slice(0, catchAll.index), `${openApiPath.slice(0, catchAll.index)}/{${catchAll[1]}}`] : [openApiPath];
      return { paths, methods };
    }),
  );
}

// A backend engineer with the viewer role, who did not build the model, learns how to call it from its docs page:
// what it takes and returns, which version changed what, code to paste, and a try-it.
describe('docs journey: a viewer reads a deployment’s API docs and calls it', () => {
  let stack: Awaited<ReturnType<typeof startStack>>;
  let admin: ApiClient;
  let viewer: ApiClient;
  let browser: Browser;
  let page: Page;
  let viewerKey: string;
  const suffix = randomUUID().slice(0, 8);
  const modelName = `docs-model-${suffix}`;
  const deploymentName = `docs-${suffix}`;
  const viewerUser = { email: `viewer-${suffix}@example.com`, password: 'viewer-pass-1' };

  beforeAll(async () => {
    stack = await startStack();
    admin = await ApiClient.login(stack.webUrl, stack.admin.email, stack.admin.password);
    const team = (await admin.request('POST', '/api/v1/teams', { name: `docs-team-${suffix}` })).body.team;
    expect((await admin.request('POST', '/api/v1/users', { email: viewerUser.email, name: 'Backend Engineer', password: viewerUser.password })).status).toBe(
      201,
    );
    expect((await admin.request('POST', `/api/v1/teams/${team.id}/members`, { email: viewerUser.email, role: 'viewer' })).status).toBe(201);
    expect((await admin.request('POST', '/api/v1/models', { name: modelName, teamId: team.id })).status).toBe(201);
    // v1: the demo archive, with features, labels, metadata and reference data; v2: another signature entirely.
    expect(await admin.uploadInspected(modelName, path.join(root, 'models', 'iris', 'iris.tar.gz'))).toMatchObject({ label: 1, status: 'ready' });
    expect(await admin.uploadInspected(modelName, { name: 'multi-io.onnx', bytes: buildMultiIo() })).toMatchObject({ label: 2, status: 'ready' });
    expect((await admin.deploySettled({ name: deploymentName, modelName, versionLabel: 1, machineType: 'cpu-small', replicas: 1 })).status).toBe('ready');
    expect((await admin.request('PATCH', `/api/v1/deployments/${deploymentName}`, { versionLabel: 2 })).status).toBe(202);
    await admin.waitFor(
      `/api/v1/deployments/${deploymentName}`,
      (b) => b.deployment.status === 'ready' && b.deployment.rollout === null && b.deployment.variants.every((v: any) => v.version.label === 2),
    );

    viewer = await ApiClient.login(stack.webUrl, viewerUser.email, viewerUser.password);
    viewerKey = (await viewer.request('POST', '/api/v1/api-keys', { name: `docs-${suffix}` })).body.key;
    browser = await launchChromium();
    page = await newConsolePage(browser, stack.webUrl);
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('serves the control plane’s OpenAPI, valid and listing every route with its access and errors', async () => {
    const response = await fetch(`${stack.webUrl}/api/v1/openapi.json`);
    expect(response.status).toBe(200);
    const document = await response.json();
    expect(await validOpenApi(document)).toBeUndefined();
    const files = await routeFiles();
    expect(files.length).toBeGreaterThan(30);
    for (const file of files) {
      expect(file.methods.length, file.paths[0]).toBeGreaterThan(0);
      for (const method of file.methods) {
        const operation = file.paths.map((p) => document.paths[p]?.[method.toLowerCase()]).find(Boolean);
        expect(operation, `${method} ${file.paths.join(' or ')}`).toBeDefined();
        expect(operation['x-slipway-access'], `${method} ${file.paths[0]}`).toMatch(/^(public|signed-in|team viewer|team member|platform admin)$/);
      }
    }
    const patch = document.paths['/deployments/{name}'].patch;
    expect(patch['x-slipway-access']).toBe('team member');
    expect(patch.requestBody.content['application/json'].schema.properties).toHaveProperty('versionLabel');
    expect(Object.keys(patch.responses)).toEqual(expect.arrayContaining(['202', '400', '401', '403', '404', '409']));
    expect(patch.responses['409'].content['application/json'].schema.properties.error.properties.code.enum).toEqual(['conflict']);
    expect(document.paths['/teams'].post['x-slipway-access']).toBe('platform admin');
    expect(document.servers).toEqual([{ url: `${stack.webUrl}/api/v1` }]);
    expect(document.paths['/auth/login'].post.security).toEqual([]);
  });

  it('serves the deployment’s OpenAPI to viewers, and through the gateway to API keys', async () => {
    const current = await viewer.request('GET', `/api/v1/deployments/${deploymentName}/openapi.json`);
    expect(current.status).toBe(200);
    expect(await validOpenApi(current.body)).toBeUndefined();
    expect(current.body.info.version).toBe('2');
    const v1 = await viewer.request('GET', `/api/v1/deployments/${deploymentName}/openapi.json?version=1`);
    expect(v1.body.info.description).toContain('Iris flower classifier');
    // Recorded at inspection: the reference data's mean flower, and what the model really answered for it.
    const example = v1.body.paths[`/models/${deploymentName}/predict`].post;
    const [row] = example.requestBody.content['application/json'].example.inputs.features;
    expect(row).toHaveLength(4);
    expect(example.responses['200'].content['application/json'].example.outputs.probabilities[0]).toHaveLength(3);
    expect((await viewer.request('GET', `/api/v1/deployments/${deploymentName}/openapi.json?version=7`)).status).toBe(404);
    expect((await fetch(`${stack.webUrl}/api/v1/deployments/${deploymentName}/openapi.json`)).status).toBe(401);

    const viaGateway = await fetch(`${stack.gatewayUrl}/models/${deploymentName}/openapi.json`, { headers: { authorization: `Bearer ${viewerKey}` } });
    expect(viaGateway.status).toBe(200);
    const gatewayDocument = await viaGateway.json();
    expect(gatewayDocument.paths).toEqual(current.body.paths);
    expect((await fetch(`${stack.gatewayUrl}/models/${deploymentName}/openapi.json`)).status).toBe(401);
  });

  it('opens the docs as a viewer, sees the breaking change, runs the curl snippet and the try-it', async () => {
    await signIn(page, viewerUser, '/docs');
    await page.waitForURL('**/docs');
    await page.getByRole('link', { name: `${deploymentName} API` }).click();
    await page.waitForURL(`**/deployments/${deploymentName}/docs`);

    const picker = page.getByLabel('Show the API of');
    expect(await picker.inputValue()).toBe('2');
    expect(await picker.locator('option:checked').textContent()).toBe('v2 (current, breaking change)');
    const breaking = page.getByRole('note', { name: 'Breaking change' });
    await breaking.getByText("input 'features' was removed").waitFor();
    await breaking.getByText("input 'a' is new and required").waitFor();

    // The curl snippet, pasted into a shell with the key in $SLIPWAY_KEY, gets the model's answer.
    const curl = await page.getByRole('tabpanel', { name: 'curl snippet' }).textContent();
    expect(curl).toContain('Bearer $SLIPWAY_KEY');
    const run = () => promisify(execFile)('bash', ['-c', curl!], { env: { ...process.env, SLIPWAY_KEY: viewerKey } }).then((r) => JSON.parse(r.stdout));
    const answer = await run();
    expect(answer).toMatchObject({ model: deploymentName, version: '2', outputs: { sum: [[0, 0, 0]], b_doubled: [[0, 0, 0]] } });

    // Arrow keys move between the languages.
    const languages = page.getByRole('tablist', { name: 'Language' });
    await languages.getByRole('tab', { name: 'curl' }).focus();
    await page.keyboard.press('ArrowRight');
    expect(await languages.getByRole('tab', { name: 'Python' }).getAttribute('aria-selected')).toBe('true');
    expect(await page.getByRole('tabpanel', { name: 'Python snippet' }).textContent()).toContain("os.environ['SLIPWAY_KEY']");

    const [tried] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith(`/deployments/${deploymentName}/try`)),
      page.getByRole('button', { name: 'Send', exact: true }).click(),
    ]);
    // The try-it answers with the gateway's own status and body.
    expect(tried.status()).toBe(200);
    await page.getByRole('region', { name: 'Response' }).getByText('"b_doubled"').waitFor();

    // The rendered reference (loaded in the browser only) shows the operations of the three protocols.
    const reference = page.getByRole('region', { name: 'API reference' });
    await reference.getByText(`Infer with ${deploymentName} (Open Inference Protocol)`).first().waitFor({ timeout: 30_000 });

    // The version it served before: the iris classifier's features, with no breaking-change note.
    await picker.selectOption('1');
    await page.getByText('Iris flower classifier', { exact: false }).first().waitFor();
    // The language chosen stays chosen.
    expect(await page.getByRole('tabpanel', { name: 'Python snippet' }).textContent()).toContain('"features": [[');
    expect(await page.getByRole('note', { name: 'Breaking change' }).count()).toBe(0);

    await page.getByRole('link', { name: 'Docs' }).first().click();
    await page.getByRole('link', { name: 'Control plane API' }).click();
    await page.waitForURL('**/docs/api');
    await page.getByRole('region', { name: 'API reference' }).getByText('Deploy a version').first().waitFor({ timeout: 30_000 });
  });

  it('shows a viewer the deployment, its alerts and drift without the controls only members and admins may use', async () => {
    await page.goto(`/deployments/${deploymentName}`);
    await page.getByRole('note', { name: 'View only' }).waitFor();
    // What a viewer may do stays: the status, the revisions, the try-it.
    expect(await page.getByRole('button', { name: 'Stop' }).count()).toBe(0);
    await openDeploymentTab(page, 'Revisions');
    await page.getByRole('row', { name: 'Revision 1' }).waitFor();
    expect(await page.getByRole('button', { name: 'Roll back to revision 1' }).count()).toBe(0);
    await openDeploymentTab(page, 'Call it');
    await page.getByRole('button', { name: 'Send', exact: true }).waitFor();
    await openDeploymentTab(page, 'Scaling');
    await page.getByRole('heading', { name: 'Scaling', exact: true }).waitFor();
    expect(await page.getByRole('form', { name: 'Scale a variant' }).count()).toBe(0);

    await page.goto(`/deployments/${deploymentName}/alerts`);
    await page.getByText('A member or admin of the team can add one').waitFor();
    expect(await page.getByRole('form', { name: 'Add an alert rule' }).count()).toBe(0);

    // The API says the same: a viewer's deployment answer carries canChange false, the admin's true.
    expect((await viewer.request('GET', `/api/v1/deployments/${deploymentName}`)).body.deployment.canChange).toBe(false);
    expect((await admin.request('GET', `/api/v1/deployments/${deploymentName}`)).body.deployment.canChange).toBe(true);
  });
});
