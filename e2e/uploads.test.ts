import { execFile } from 'node:child_process';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import type { Browser, Page } from 'playwright-core';
import { Upload } from 'tus-js-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from './api-client';
import { launchChromium, newConsolePage, signIn } from './browser';
import { startStack } from './stack';
import { must } from '@slipway/core';

const CHUNK = 64 * 1024;

const MANIFEST = `description: Iris classifier packed with its reference data
features: [sepal_length, sepal_width, petal_length, petal_width]
labels: [setosa, versicolor, virginica]
reference_data: reference.csv
metadata:
  git_commit: 3f2a9c1
  training_run: https://mlflow.example.com/runs/42
  metrics:
    accuracy: 0.987
`;

const REFERENCE_CSV = [
  'sepal_length,sepal_width,petal_length,petal_width,species',
  ...Array.from({ length: 60 }, (_, i) => {
    const species = ['setosa', 'versicolor', 'virginica'][i % 3];
    return `${(4.5 + (i % 30) / 10).toFixed(1)},${(2 + (i % 12) / 10).toFixed(1)},${(1 + (i % 50) / 10).toFixed(1)},${(0.1 + (i % 25) / 10).toFixed(1)},${species}`;
  }),
].join('\n');

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** tus Upload-Metadata: comma-separated `key base64(value)` pairs. */
const tusMetadata = (fields: Record<string, string>) =>
  Object.entries(fields)
    .map(([key, value]) => `${key} ${Buffer.from(value).toString('base64')}`)
    .join(',');

/** iris.onnx with a slipway.yaml, reference data and an incompressible file, so the archive spans several chunks. */
async function irisTarGz(irisOnnx: Uint8Array): Promise<Buffer> {
  const dir = await mkdtemp(path.join(tmpdir(), 'slipway-uploads-test-'));
  try {
    await writeFile(path.join(dir, 'model.onnx'), irisOnnx);
    await writeFile(path.join(dir, 'slipway.yaml'), MANIFEST);
    await writeFile(path.join(dir, 'reference.csv'), REFERENCE_CSV);
    await writeFile(path.join(dir, 'training-notes.bin'), randomBytes(5 * CHUNK));
    const archive = path.join(dir, 'iris.tar.gz');
    await promisify(execFile)('tar', ['-czf', archive, '-C', dir, 'model.onnx', 'slipway.yaml', 'reference.csv', 'training-notes.bin']);
    return await readFile(archive);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('resumable uploads (tus)', () => {
  let stack: Awaited<ReturnType<typeof startStack>>;
  let admin: ApiClient;
  let cookie: string;
  let uploadsDir: string;
  let irisOnnx: Buffer;
  const suffix = randomUUID().slice(0, 8);
  const archiveModel = `iris-tgz-${suffix}`;

  const tus = (method: string, url: string, headers: Record<string, string> = {}, body?: BodyInit, signal?: AbortSignal) =>
    fetch(new URL(url, stack.webUrl), {
      method,
      headers: { 'tus-resumable': '1.0.0', cookie, ...headers },
      body,
      signal,
      ...(body instanceof ReadableStream ? { duplex: 'half' } : {}),
    } as RequestInit);

  const patch = (url: string, offset: number, body: BodyInit, signal?: AbortSignal) =>
    tus('PATCH', url, { 'upload-offset': String(offset), 'content-type': 'application/offset+octet-stream' }, body, signal);

  const create = (filename: string, model: string, length: number, headers: Record<string, string> = {}, body?: BodyInit) =>
    tus('POST', '/api/v1/uploads', { 'upload-length': String(length), 'upload-metadata': tusMetadata({ filename, model }), ...headers }, body);

  /** The raw tus requests below authenticate like the browser does, with the session cookie. */
  const sessionCookie = async (email: string, password: string) => {
    const login = await fetch(`${stack.webUrl}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });
    return must(login.headers.getSetCookie()[0]?.split(';')[0], 'the session cookie');
  };

  const leftoverUploads = async () => (await readdir(uploadsDir).catch(() => [] as string[])).sort();
  /** The upload's file and its `.json` info file, if still there. */
  const leftoversOf = async (location: string) => (await leftoverUploads()).filter((file) => file.startsWith(location.split('/').at(-1)!));

  beforeAll(async () => {
    stack = await startStack();
    admin = await ApiClient.login(stack.webUrl, stack.admin.email, stack.admin.password);
    cookie = await sessionCookie(stack.admin.email, stack.admin.password);
    uploadsDir = path.join(path.resolve(stack.env.dataDir), 'uploads');
    irisOnnx = await readFile(stack.demoModelPath);
  });

  it('resumes an interrupted .tar.gz upload from the offset the server reports and registers the version', async () => {
    expect((await admin.request('POST', '/api/v1/models', { name: archiveModel })).status).toBe(201);
    const archive = new Uint8Array(await irisTarGz(irisOnnx));
    expect(archive.length).toBeGreaterThan(4 * CHUNK);

    const created = await create('iris.tar.gz', archiveModel, archive.length);
    expect(created.status).toBe(201);
    const location = created.headers.get('location')!;
    expect(location).toMatch(/^\/api\/v1\/uploads\/[a-f0-9]+$/);

    const first = await patch(location, 0, archive.subarray(0, CHUNK));
    expect(first.status).toBe(204);
    expect(first.headers.get('upload-offset')).toBe(String(CHUNK));

    // The connection drops halfway through the second chunk.
    const interrupted = new AbortController();
    const halfChunk = new ReadableStream<Uint8Array>({
      start: (controller) => controller.enqueue(archive.subarray(CHUNK, CHUNK + CHUNK / 2)),
    });
    const dropped = patch(location, CHUNK, halfChunk, interrupted.signal);
    await new Promise((resolve) => setTimeout(resolve, 300));
    interrupted.abort();
    await expect(dropped).rejects.toThrow();

    const head = await tus('HEAD', location);
    expect(head.status).toBe(200);
    expect(head.headers.get('upload-length')).toBe(String(archive.length));
    let offset = Number(head.headers.get('upload-offset'));
    expect(offset).toBeGreaterThanOrEqual(CHUNK);
    expect(offset).toBeLessThan(archive.length);

    let last: Response | undefined;
    while (offset < archive.length) {
      last = await patch(location, offset, archive.subarray(offset, offset + CHUNK));
      expect([201, 204]).toContain(last.status);
      offset = Number(last.headers.get('upload-offset'));
    }
    expect(last!.status).toBe(201);
    expect(last!.headers.get('content-type')).toContain('application/json');
    const { version, deduplicated } = await last!.json();
    expect(deduplicated).toBe(false);
    expect(version).toMatchObject({ label: 1, format: 'tar.gz', filename: 'iris.tar.gz', digest: sha256(archive) });
    expect(await leftoversOf(location)).toEqual([]);

    const ready = await admin.waitFor(`/api/v1/models/${archiveModel}/versions/1`, (b) => ['ready', 'failed'].includes(b.version.status));
    expect(ready.version.statusReason).toBeNull();
    expect(ready.version.status).toBe('ready');
    expect(ready.version.manifest.description).toBe('Iris classifier packed with its reference data');
    expect(ready.version.referenceStats.columns.sepal_length.kind).toBe('numeric');
  });

  it('takes an upload from tus-js-client in Node with an API key, as a CI job sends it', async () => {
    const modelName = `iris-ci-${suffix}`;
    expect((await admin.request('POST', '/api/v1/models', { name: modelName })).status).toBe(201);
    const { key } = (await admin.request('POST', '/api/v1/api-keys', { name: `ci-${suffix}` })).body;
    const dir = await mkdtemp(path.join(tmpdir(), 'slipway-uploads-ci-'));
    const file = path.join(dir, 'iris.onnx.gz');
    await writeFile(file, gzipSync(irisOnnx));
    try {
      const body = await new Promise<string>((resolve, reject) => {
        new Upload(createReadStream(file), {
          endpoint: `${stack.webUrl}/api/v1/uploads`,
          headers: { authorization: `Bearer ${key}` },
          metadata: { filename: 'iris.onnx.gz', model: modelName },
          chunkSize: 256,
          onSuccess: ({ lastResponse }) => resolve(lastResponse.getBody()),
          onError: reject,
        }).start();
      });
      expect(JSON.parse(body).version).toMatchObject({ label: 1, format: 'onnx.gz', uploadedBy: { email: stack.admin.email } });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses uploads that could never become a version before any byte is sent', async () => {
    const anonymous = await fetch(`${stack.webUrl}/api/v1/uploads`, {
      method: 'POST',
      headers: { 'tus-resumable': '1.0.0', 'upload-length': '10', 'upload-metadata': tusMetadata({ filename: 'a.onnx', model: archiveModel }) },
    });
    expect(anonymous.status).toBe(401);
    expect((await anonymous.json()).error).toEqual({ code: 'unauthorized', message: expect.any(String) });

    const pickle = await create('weights.pkl', archiveModel, 10);
    expect(pickle.status).toBe(415);
    expect((await pickle.json()).error.code).toBe('unsupported_media_type');
    const missing = await create('model.onnx', `no-such-model-${suffix}`, 10);
    expect(missing.status).toBe(404);
    const huge = await create('model.onnx', archiveModel, 64 * 1024 ** 4);
    expect(huge.status).toBe(413);
    expect((await huge.json()).error.code).toBe('payload_too_large');

    const team = (await admin.request('POST', '/api/v1/teams', { name: `tus-quota-${suffix}`, storageQuotaBytes: 1024 })).body.team;
    const quotaModel = `tus-quota-${suffix}`;
    await admin.request('POST', '/api/v1/models', { name: quotaModel, teamId: team.id });
    const overQuota = await create('model.onnx', quotaModel, 4096);
    expect(overQuota.status).toBe(413);
    expect((await overQuota.json()).error.code).toBe('quota_exceeded');
  });

  it('answers a file refused on its last chunk with the API error, keeping neither a version nor the upload', async () => {
    const bytes = new TextEncoder().encode('this is not a model');
    const created = await create('notes.onnx', archiveModel, bytes.length);
    const location = created.headers.get('location')!;
    const refused = await patch(location, 0, bytes);
    expect(refused.status).toBe(422);
    expect((await refused.json()).error).toEqual({ code: 'not_onnx', message: expect.any(String) });
    expect(await leftoversOf(location)).toEqual([]);
    expect((await tus('HEAD', location)).status).toBe(404);
    expect((await admin.request('GET', `/api/v1/models/${archiveModel}`)).body.model.versions).toHaveLength(1);
  });

  it('takes a small file in the creating POST itself (creation-with-upload)', async () => {
    const modelName = `iris-direct-${suffix}`;
    expect((await admin.request('POST', '/api/v1/models', { name: modelName })).status).toBe(201);
    const created = await create('iris.onnx', modelName, irisOnnx.length, { 'content-type': 'application/offset+octet-stream' }, new Uint8Array(irisOnnx));
    expect(created.status).toBe(201);
    const { version, deduplicated } = await created.json();
    expect(deduplicated).toBe(false);
    expect(version).toMatchObject({ format: 'onnx', digest: sha256(irisOnnx) });
    expect(await leftoversOf(created.headers.get('location')!)).toEqual([]);
  });

  it('keeps an upload to the user who created it, who can cancel it', async () => {
    const created = await create('model.onnx', archiveModel, 1000);
    const location = created.headers.get('location')!;
    const email = `uploader-${suffix}@example.com`;
    expect((await admin.request('POST', '/api/v1/users', { email, name: 'Other', password: 'other-pass' })).status).toBe(201);
    const otherCookie = await sessionCookie(email, 'other-pass');
    for (const method of ['HEAD', 'DELETE']) {
      expect((await tus(method, location, { cookie: otherCookie })).status).toBe(404);
    }
    expect((await tus('DELETE', location)).status).toBe(204);
    expect((await tus('HEAD', location)).status).toBe(404);
    expect(await leftoversOf(location)).toEqual([]);
  });

  describe('in the browser', () => {
    let browser: Browser;
    let page: Page;
    let workDir: string;
    const modelName = `iris-gz-${suffix}`;

    beforeAll(async () => {
      browser = await launchChromium();
      page = await newConsolePage(browser, stack.webUrl);
      workDir = await mkdtemp(path.join(tmpdir(), 'slipway-uploads-browser-'));
      await signIn(page, stack.admin);
    }, 60_000);

    afterAll(async () => {
      await browser?.close();
      await rm(workDir, { recursive: true, force: true });
    });

    it('uploads a .onnx.gz with a progress bar, then cancels a large upload leaving nothing behind', async () => {
      const gzipped = path.join(workDir, 'iris.onnx.gz');
      await writeFile(gzipped, gzipSync(irisOnnx));
      await page.goto('/models/new');
      await page.getByLabel('Model file').setInputFiles(gzipped);
      await page.getByLabel('Model name').fill(modelName);
      await page.getByRole('button', { name: 'Upload', exact: true }).click();
      const progress = page.getByRole('progressbar', { name: 'Upload progress' });
      await expect.poll(() => progress.getAttribute('aria-valuenow'), { timeout: 15_000, interval: 50 }).toBe('100');
      await page.waitForURL(`**/models/${modelName}`);
      const v1 = page.getByRole('status', { name: 'Status of v1' });
      await expect.poll(() => v1.textContent(), { timeout: 30_000, interval: 250 }).toBe('Ready');

      // Hold every chunk after the first until Cancel, so the upload is surely in flight when it is cancelled.
      const large = path.join(workDir, 'big-model.zip');
      await writeFile(large, randomBytes(60 * 1024 ** 2));
      const before = await leftoverUploads();
      let releaseHeld!: () => void;
      const held = new Promise<void>((resolve) => (releaseHeld = resolve));
      let patches = 0;
      await page.route('**/api/v1/uploads/*', async (route) => {
        if (route.request().method() === 'PATCH' && ++patches > 1) await held;
        await route.continue().catch(() => undefined); // aborted by Cancel meanwhile
      });

      await page.getByLabel('Upload new version').setInputFiles(large);
      await page.getByRole('button', { name: 'Upload', exact: true }).click();
      await expect.poll(async () => Number(await progress.getAttribute('aria-valuenow')), { timeout: 15_000, interval: 50 }).toBeGreaterThan(0);
      expect(await page.getByText('MB/s').count()).toBeGreaterThan(0);
      const terminated = page.waitForResponse((r) => r.request().method() === 'DELETE' && r.url().includes('/api/v1/uploads/'));
      await page.getByRole('button', { name: 'Cancel', exact: true }).click();
      await page.getByRole('status').filter({ hasText: 'Upload cancelled' }).waitFor();
      expect((await terminated).status()).toBe(204);
      releaseHeld();
      await page.unrouteAll({ behavior: 'ignoreErrors' });

      await expect.poll(leftoverUploads, { timeout: 10_000 }).toEqual(before);
      const { model } = (await admin.request('GET', `/api/v1/models/${modelName}`)).body;
      expect(model.versions.map((v: { label: number }) => v.label)).toEqual([1]);
      expect(await page.getByRole('status', { name: 'Status of v2' }).count()).toBe(0);
    });

    it("shows an archive's manifest, metadata and reference statistics, and deploys it pinned by digest", async () => {
      await page.goto(`/models/${archiveModel}`);
      await page.getByRole('heading', { name: 'Manifest (slipway.yaml)' }).waitFor();
      await page.getByText('Iris classifier packed with its reference data').waitFor();
      await page.getByRole('link', { name: 'https://mlflow.example.com/runs/42' }).waitFor();
      await page.getByRole('figure', { name: 'Distribution of sepal_length' }).waitFor();
      await page.getByRole('list', { name: 'Most frequent values of species' }).getByText('versicolor').waitFor();
      expect(await page.getByRole('link', { name: 'Download v1' }).getAttribute('href')).toBe(`/api/v1/models/${archiveModel}/versions/1/artifact`);

      const { version } = (await admin.request('GET', `/api/v1/models/${archiveModel}/versions/1`)).body;
      await page.getByRole('link', { name: 'Deploy v1' }).click();
      await page.waitForURL(/\/deployments\/new\?model=/);
      await page.getByLabel('Pin by digest').check();
      expect(await page.getByLabel('Digest', { exact: true }).inputValue()).toBe(`sha256:${version.digest}`);
      await page.getByText('Matches v1.').waitFor();
      await page.getByLabel('Machine type').selectOption('cpu-small');
      await page.getByRole('button', { name: 'Deploy', exact: true }).click();
      await page.waitForURL(`**/deployments/${archiveModel}`);
      const { deployment } = (await admin.request('GET', `/api/v1/deployments/${archiveModel}`)).body;
      expect(deployment.variants[0].version.digest).toBe(version.digest);
      expect((await admin.request('POST', `/api/v1/deployments/${archiveModel}/stop`)).status).toBe(202);
    });
  });
});
