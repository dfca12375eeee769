import { createHash, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Fixtures, IRIS_FEATURES, type Fixture } from '../packages/artifacts/src/test/fixtures';
import { ApiClient } from './api-client';
import { startStack } from './stack';

// The model registry through the REST API: archives, manifests, hostile uploads, quotas, pins.
describe('model registry', () => {
  let stack: Awaited<ReturnType<typeof startStack>>;
  let admin: ApiClient;
  let fixtures: Fixtures;
  const suffix = randomUUID().slice(0, 8);
  const modelName = `iris-registry-${suffix}`;

  const upload = async (fixture: Fixture, model = modelName, client = admin) =>
    client.upload(model, { name: fixture.filename, bytes: await readFile(fixture.path) });
  const versionCount = async (model = modelName) => (await admin.request('GET', `/api/v1/models/${model}`)).body.model.versions.length;
  const stagingLeftovers = async () => {
    const staging = path.join(stack.env.dataDir, 'blobs', 'staging');
    return existsSync(staging) ? (await readdir(staging)).length : 0;
  };

  beforeAll(async () => {
    stack = await startStack();
    admin = await ApiClient.login(stack.webUrl, stack.admin.email, stack.admin.password);
    fixtures = new Fixtures(await mkdtemp(path.join(tmpdir(), 'slipway-e2e-registry-')));
    expect((await admin.request('POST', '/api/v1/models', { name: modelName })).status).toBe(201);
  });

  it('registers a .tar.gz with a manifest: metadata, operators and reference statistics', async () => {
    const created = await upload(await fixtures.withManifest());
    expect(created.status).toBe(202);
    expect(created.body.version.format).toBe('tar.gz');
    const { version } = await admin.waitFor(`/api/v1/models/${modelName}/versions/1`, (b) => ['ready', 'failed'].includes(b.version.status));
    expect(version.statusReason).toBeNull();
    expect(version.status).toBe('ready');
    expect(version.manifest).toMatchObject({ features: IRIS_FEATURES, labels: ['setosa', 'versicolor', 'virginica'], metadata: { git_commit: '3f2c1d0' } });
    expect(version.details.modelFile).toBe('models/iris.onnx');
    expect(version.details.operators).toEqual(expect.arrayContaining(['Gemm', 'Softmax', 'ArgMax']));
    expect(version.details.opsets).toEqual([{ domain: '', version: 17 }]);
    expect(version.referenceStats.rows).toBe(150);
    expect(version.referenceStats.columns.sepal_length).toMatchObject({ kind: 'numeric', count: 150 });
    expect(version.referenceStats.columns.species).toMatchObject({ kind: 'categorical', frequencies: { setosa: 50, versicolor: 50, virginica: 50 } });
  });

  it('seeds the demo model as an archive with its manifest and drift reference', async () => {
    const { version } = await admin.waitFor('/api/v1/models/iris/versions/1', (b) => ['ready', 'failed'].includes(b.version.status));
    expect(version).toMatchObject({ status: 'ready', format: 'tar.gz', filename: 'iris.tar.gz' });
    expect(version.manifest.features).toEqual(IRIS_FEATURES);
    expect(version.referenceStats.rows).toBe(150);
  });

  it('downloads the original artifact byte for byte', async () => {
    const { version } = (await admin.request('GET', `/api/v1/models/${modelName}/versions/1`)).body;
    const response = await admin.raw(`/api/v1/models/${modelName}/versions/1/artifact`);
    expect(response.status).toBe(200);
    const bytes = Buffer.from(await response.arrayBuffer());
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(version.digest);
  });

  it('accepts every artifact format', async () => {
    const formats = [fixtures.onnxGz(), fixtures.tgz(), fixtures.zipFlat(), fixtures.mlflowTarGz(), fixtures.mlflowZip(), fixtures.tarGzTopFolder()];
    const model = `formats-${suffix}`;
    await admin.request('POST', '/api/v1/models', { name: model });
    for (const fixture of await Promise.all(formats)) {
      const created = await upload(fixture, model);
      expect([200, 202]).toContain(created.status);
      const { version } = await admin.waitFor(`/api/v1/models/${model}/versions/${created.body.version.label}`, (b) =>
        ['ready', 'failed'].includes(b.version.status),
      );
      expect([fixture.filename, version.status, version.statusReason]).toEqual([fixture.filename, 'ready', null]);
    }
  });

  it('refuses hostile archives with a specific error and leaves nothing behind', async () => {
    const cases: [Promise<Fixture>, number, string][] = [
      [fixtures.traversal(), 400, 'unsafe_path'],
      [fixtures.absolutePath(), 400, 'unsafe_path'],
      [fixtures.symlink(), 400, 'link_entry'],
      [fixtures.charDevice(), 400, 'special_file'],
      [fixtures.nestedZipInTarGz(), 400, 'nested_archive'],
      [fixtures.duplicateTar(), 400, 'duplicate_entry'],
      [fixtures.notGzip(), 400, 'corrupt_archive'],
      [fixtures.zipBomb(), 413, 'compression_ratio'],
      [fixtures.noModel(), 422, 'no_model'],
      [fixtures.twoModels(), 422, 'ambiguous_model'],
      [fixtures.manifestUnknownKey(), 422, 'invalid_manifest'],
      [fixtures.textModel(), 422, 'not_onnx'],
    ];
    const before = await versionCount();
    for (const [fixture, status, code] of cases) {
      const refused = await upload(await fixture);
      expect([code, refused.status]).toEqual([refused.body.error?.code, status]);
      expect(refused.body.error.message.length).toBeGreaterThan(10);
    }
    expect(await versionCount()).toBe(before);
    expect(await stagingLeftovers()).toBe(0);
  });

  it('leaves nothing behind when a client drops a raw upload halfway', async () => {
    const before = await versionCount();
    const controller = new AbortController();
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      async pull(stream) {
        if (sent >= 4 * 1024 * 1024) {
          controller.abort();
          return;
        }
        sent += 256 * 1024;
        stream.enqueue(new Uint8Array(256 * 1024));
        await new Promise((r) => setTimeout(r, 5));
      },
    });
    await expect(
      admin.raw(`/api/v1/models/${modelName}/versions?filename=big.zip`, { method: 'PUT', body, signal: controller.signal, duplex: 'half' } as RequestInit),
    ).rejects.toThrow();
    for (let i = 0; i < 50 && (await stagingLeftovers()) > 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await stagingLeftovers()).toBe(0);
    expect(await versionCount()).toBe(before);
  });

  it('fails a version whose manifest does not match the model, with the reason', async () => {
    const created = await upload(await fixtures.manifestFeaturesMismatch());
    expect(created.status).toBe(202);
    const { version } = await admin.waitFor(`/api/v1/models/${modelName}/versions/${created.body.version.label}`, (b) =>
      ['ready', 'failed'].includes(b.version.status),
    );
    expect(version.status).toBe('failed');
    expect(version.statusReason).toMatch(/slipway\.yaml does not match the model/);
  });

  it('serves named features from the manifest, pins by digest, and guards deletes of deployed versions', async () => {
    const { version } = (await admin.request('GET', `/api/v1/models/${modelName}/versions/1`)).body;
    const name = `registry-${suffix}`;
    const created = await admin.request('POST', '/api/v1/deployments', {
      name,
      modelName,
      versionDigest: `sha256:${version.digest}`,
      machineType: 'cpu-small',
      replicas: 1,
    });
    expect(created.status).toBe(201);
    const { deployment } = await admin.waitFor(`/api/v1/deployments/${name}`, (b) => ['ready', 'failed'].includes(b.deployment.status));
    expect(deployment.status).toBe('ready');
    expect(deployment.variants[0].version.digest).toBe(version.digest);

    const { key } = (await admin.request('POST', '/api/v1/api-keys', { name: `registry-${suffix}` })).body;
    const response = await fetch(`${stack.gatewayUrl}/models/${name}/predict`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ features: [{ sepal_length: 6.7, sepal_width: 3.0, petal_length: 5.2, petal_width: 2.3 }] }),
    });
    expect(response.status).toBe(200);
    expect((await response.json()).outputs.label).toEqual([2]);

    const refused = await admin.request('DELETE', `/api/v1/models/${modelName}/versions/1`);
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toContain(name);
    await admin.request('POST', `/api/v1/deployments/${name}/stop`);
    await admin.waitFor(`/api/v1/deployments/${name}`, (b) => b.deployment.status === 'stopped');
    expect((await admin.request('DELETE', `/api/v1/models/${modelName}/versions/1`)).status).toBe(204);
    expect((await admin.request('GET', `/api/v1/models/${modelName}/versions/1`)).status).toBe(404);
  });

  it('refuses an upload over the team quota before committing it', async () => {
    const team = (await admin.request('POST', '/api/v1/teams', { name: `quota-${suffix}`, storageQuotaBytes: 1000 })).body.team;
    const model = `quota-${suffix}`;
    expect((await admin.request('POST', '/api/v1/models', { name: model, teamId: team.id })).status).toBe(201);
    const refused = await upload(await fixtures.withManifest(), model);
    expect(refused.status).toBe(413);
    expect(refused.body.error.code).toBe('quota_exceeded');
    expect(await versionCount(model)).toBe(0);
    expect((await admin.request('PATCH', `/api/v1/teams/${team.id}`, { storageQuotaBytes: null })).status).toBe(200);
    expect((await upload(await fixtures.withManifest(), model)).status).toBe(202);
  });

  it('lets scripts use the control plane with an API key, including curl -T style uploads', async () => {
    const { key } = (await admin.request('POST', '/api/v1/api-keys', { name: `ci-${suffix}` })).body;
    const listed = await fetch(`${stack.webUrl}/api/v1/models/${modelName}`, { headers: { authorization: `Bearer ${key}` } });
    expect(listed.status).toBe(200);
    const fixture = await fixtures.zipFlat();
    const put = await fetch(`${stack.webUrl}/api/v1/models/${modelName}/versions?filename=${fixture.filename}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${key}` },
      body: await readFile(fixture.path),
    });
    expect(put.status).toBe(202);
    expect((await fetch(`${stack.webUrl}/api/v1/models`, { headers: { authorization: 'Bearer sk_wrong' } })).status).toBe(401);
  });
});
