import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BlobTooLargeError } from './blob-store';
import { FsBlobStore } from './fs-blob-store';

describe('FsBlobStore', () => {
  let root: string;
  let store: FsBlobStore;
  beforeEach(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'slipway-blobs-'));
    store = new FsBlobStore(root);
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it('addresses a committed blob by the sha256 of its bytes', async () => {
    const bytes = Buffer.from('model bytes');
    const staged = await store.stage(Readable.from([bytes]));
    expect(staged.digest).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(staged.sizeBytes).toBe(bytes.length);
    expect(await store.has(staged.digest)).toBe(false);
    await staged.commit();
    expect(await readFile(await store.localPath(staged.digest))).toEqual(bytes);
  });

  it('leaves nothing behind when a staged blob is discarded', async () => {
    const staged = await store.stage(Readable.from([Buffer.from('abc')]));
    await staged.discard();
    expect(await store.has(staged.digest)).toBe(false);
    expect(await readdir(path.join(root, 'staging'))).toEqual([]);
  });

  it('refuses a stream over the size limit and removes the partial file', async () => {
    const chunks = Array.from({ length: 10 }, () => Buffer.alloc(1024));
    await expect(store.stage(Readable.from(chunks), { maxBytes: 4096 })).rejects.toBeInstanceOf(BlobTooLargeError);
    expect(await readdir(path.join(root, 'staging'))).toEqual([]);
  });
});
