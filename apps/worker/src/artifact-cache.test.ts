import { createReadStream } from 'node:fs';
import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FsBlobStore, type BlobStore } from '@slipway/storage';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { Fixtures } from '../../../packages/artifacts/src/test/fixtures';
import { ArtifactCache } from './artifact-cache';

/** Counts how often the cache asks storage for the artifact (a fetch, for a remote store). */
function countingStore(store: BlobStore): { store: BlobStore; fetches: () => number } {
  let fetches = 0;
  const counted = Object.create(store) as BlobStore;
  counted.localPath = (digest) => {
    fetches++;
    return store.localPath(digest);
  };
  return { store: counted, fetches: () => fetches };
}

describe('artifact cache', () => {
  it('unpacks a version once per host, shared by concurrent replicas and kept across restarts', async () => {
    const work = await mkdtemp(path.join(tmpdir(), 'slipway-cache-'));
    const fixture = await new Fixtures(work).withManifest();
    const blobs = new FsBlobStore(path.join(work, 'blobs'));
    const staged = await blobs.stage(createReadStream(fixture.path));
    await staged.commit();
    const version = { digest: staged.digest, filename: fixture.filename, details: { modelFile: 'models/iris.onnx' } };

    const first = countingStore(blobs);
    const cache = new ArtifactCache(first.store, path.join(work, 'cache'));
    const replicas = await Promise.all([cache.modelPath(version), cache.modelPath(version), cache.modelPath(version)]);
    expect(new Set(replicas.map((r) => r.modelPath)).size).toBe(1);
    expect(first.fetches()).toBe(1);
    const session = await ort.InferenceSession.create(replicas[0]!.modelPath);
    expect(session.inputNames).toEqual(['features']);
    await session.release();

    const afterRestart = countingStore(blobs);
    const restarted = new ArtifactCache(afterRestart.store, path.join(work, 'cache'));
    expect((await restarted.modelPath(version)).modelPath).toBe(replicas[0]!.modelPath);
    expect(afterRestart.fetches()).toBe(0);
    expect(await readdir(path.join(work, 'cache'))).toEqual([staged.digest]);
  });
});
