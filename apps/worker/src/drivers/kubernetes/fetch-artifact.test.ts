import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { trainIrisClassifier } from '@slipway/onnx-builder';
import { FsBlobStore } from '@slipway/storage';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fetchArtifact } from './fetch-artifact';

describe("a replica pod's artifact fetcher", () => {
  let dir: string;
  let store: FsBlobStore;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'slipway-fetch-'));
    store = new FsBlobStore(path.join(dir, 'blobs'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('unpacks the artifact of a digest into the cache volume', async () => {
    const model = trainIrisClassifier({ seed: 1 }).model;
    const staged = await store.stage(Readable.from([model]));
    await staged.commit();
    const unpacked = await fetchArtifact({ store, cacheRoot: path.join(dir, 'cache'), digest: staged.digest, filename: 'iris.onnx' });
    expect(unpacked).toBe(path.join(dir, 'cache', staged.digest));
    expect(await readFile(path.join(unpacked, 'model.onnx'))).toEqual(Buffer.from(model));
  });

  it('refuses bytes that do not hash to the digest, and unpacks nothing', async () => {
    const staged = await store.stage(Readable.from([Buffer.from('the bytes that were uploaded')]));
    await staged.commit();
    await writeFile(await store.localPath(staged.digest), 'bytes changed at rest');
    await expect(fetchArtifact({ store, cacheRoot: path.join(dir, 'cache'), digest: staged.digest, filename: 'model.onnx' })).rejects.toThrow(
      `artifact sha256:${staged.digest} is corrupt`,
    );
    await expect(readFile(path.join(dir, 'cache', staged.digest, 'model.onnx'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
