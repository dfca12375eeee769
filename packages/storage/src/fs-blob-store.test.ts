import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BlobNotFoundError, BlobTooLargeError, type BlobInfo } from './blob-store';
import { FsBlobStore } from './fs-blob-store';

describe('FsBlobStore', () => {
  let root: string;
  let store: FsBlobStore;
  beforeEach(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'slipway-blobs-'));
    store = new FsBlobStore(root);
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  const stageText = (content: string) => store.stage(Readable.from([Buffer.from(content)]));

  it('addresses a committed blob by the sha256 of its bytes', async () => {
    const bytes = Buffer.from('model bytes');
    const staged = await store.stage(Readable.from([bytes]));
    expect(staged.digest).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(staged.sizeBytes).toBe(bytes.length);
    expect(await store.has(staged.digest)).toBe(false);
    await staged.commit();
    expect(await readFile(await store.localPath(staged.digest))).toEqual(bytes);
  });

  it('exposes the staged bytes as a local file until commit', async () => {
    const staged = await stageText('archive to inspect');
    expect(await readFile(staged.path, 'utf8')).toBe('archive to inspect');
    await staged.commit();
    await expect(readFile(staged.path)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('stages a finished upload file by linking it, so its source can go and nothing is written twice', async () => {
    const upload = path.join(root, 'upload.bin');
    await writeFile(upload, 'a finished resumable upload');
    const staged = await store.stageFile(upload, { maxBytes: 1000 });
    expect(staged.digest).toBe(createHash('sha256').update('a finished resumable upload').digest('hex'));
    expect((await stat(staged.path)).ino).toBe((await stat(upload)).ino);
    await rm(upload);
    await staged.commit();
    expect(await readFile(await store.localPath(staged.digest), 'utf8')).toBe('a finished resumable upload');
    await expect(store.stageFile(path.join(root, 'missing.bin'))).rejects.toMatchObject({ code: 'ENOENT' });
    await writeFile(upload, 'too long');
    await expect(store.stageFile(upload, { maxBytes: 3 })).rejects.toBeInstanceOf(BlobTooLargeError);
    expect(await readdir(path.join(root, 'staging'))).toEqual([]);
  });

  it('leaves nothing behind when a staged blob is discarded', async () => {
    const staged = await stageText('abc');
    await staged.discard();
    expect(await store.has(staged.digest)).toBe(false);
    expect(await readdir(path.join(root, 'staging'))).toEqual([]);
  });

  it('refuses a stream over the size limit and removes the partial file', async () => {
    const chunks = Array.from({ length: 10 }, () => Buffer.alloc(1024));
    await expect(store.stage(Readable.from(chunks), { maxBytes: 4096 })).rejects.toBeInstanceOf(BlobTooLargeError);
    expect(await readdir(path.join(root, 'staging'))).toEqual([]);
  });

  it('lists committed blobs only, and forgets deleted ones', async () => {
    const list = async () => {
      const blobs: BlobInfo[] = [];
      for await (const blob of store.list()) blobs.push(blob);
      return blobs.sort((a, b) => a.sizeBytes - b.sizeBytes);
    };
    expect(await list()).toEqual([]);
    const before = Date.now();
    const small = await stageText('a');
    const large = await stageText('bbb');
    await Promise.all([small.commit(), large.commit()]);
    await stageText('staged, never committed');

    const listed = await list();
    expect(listed.map(({ digest, sizeBytes }) => ({ digest, sizeBytes }))).toEqual([
      { digest: small.digest, sizeBytes: 1 },
      { digest: large.digest, sizeBytes: 3 },
    ]);
    for (const { createdAt } of listed) expect(createdAt.getTime()).toBeGreaterThanOrEqual(before - 1000);

    await store.delete(small.digest);
    expect((await list()).map((blob) => blob.digest)).toEqual([large.digest]);
  });

  it('streams a committed blob and rejects a missing one', async () => {
    const staged = await stageText('download me');
    await staged.commit();
    expect(await text(await store.createReadStream(staged.digest))).toBe('download me');
    await store.delete(staged.digest);
    await expect(store.createReadStream(staged.digest)).rejects.toBeInstanceOf(BlobNotFoundError);
  });
});
