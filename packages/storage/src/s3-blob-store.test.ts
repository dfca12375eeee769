import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { at } from '@slipway/core';
import { BlobNotFoundError, BlobTooLargeError, type BlobInfo } from './blob-store';
import { PART_SIZE, S3BlobStore } from './s3-blob-store';

const BUCKET = 'slipway-test';
const MiB = 1024 * 1024;
const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

describe('S3BlobStore against an S3 server (s3rver)', () => {
  let dir: string;
  let server: S3rver;
  let endpoint: string;
  let admin: S3Client;
  /** "METHOD url" of every request the server received during the current test. */
  let requests: string[];
  let prefix: string;
  let testNumber = 0;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'slipway-s3-'));
    server = new S3rver({
      port: 0,
      address: '127.0.0.1',
      silent: true,
      directory: path.join(dir, 'server'),
      configureBuckets: [{ name: BUCKET }],
    });
    const { port } = await server.run();
    endpoint = `http://127.0.0.1:${port}`;
    server.httpServer.on('request', (request) => requests.push(`${request.method} ${request.url}`));
    admin = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials });
  });
  afterAll(async () => {
    admin.destroy();
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    requests = [];
    // Each test gets its own key prefix, so listings see only its objects.
    prefix = `test-${++testNumber}`;
  });

  /** A store as on a separate host: its own, initially empty cache. */
  async function newStore() {
    const cacheDir = await mkdtemp(path.join(dir, 'cache-'));
    const store = new S3BlobStore({ bucket: BUCKET, prefix, endpoint, region: 'us-east-1', forcePathStyle: true, credentials, cacheDir });
    return { store, cacheDir };
  }
  const key = (digest: string) => `${prefix}/sha256/${digest}`;
  const requestsTo = (method: string, digest: string) => requests.filter((request) => request.startsWith(`${method} /${BUCKET}/${key(digest)}`));
  async function objectKeys() {
    const listed = await admin.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: `${prefix}/` }));
    return (listed.Contents ?? []).map((object) => object.Key);
  }
  async function listAll(store: S3BlobStore) {
    const blobs: BlobInfo[] = [];
    for await (const blob of store.list()) blobs.push(blob);
    return blobs;
  }
  const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
  async function sha256OfFile(file: string) {
    const hash = createHash('sha256');
    for await (const chunk of createReadStream(file)) hash.update(chunk);
    return hash.digest('hex');
  }

  it('stages, commits and reads back a blob, keeping the uploaded copy in the local cache', async () => {
    const { store, cacheDir } = await newStore();
    const bytes = Buffer.from('an onnx model');
    const staged = await store.stage(Readable.from([bytes]));
    expect(staged).toMatchObject({ digest: sha256(bytes), sizeBytes: bytes.length });
    expect(await readFile(staged.path)).toEqual(bytes);
    expect(await store.has(staged.digest)).toBe(false);

    await staged.commit();
    expect(await store.has(staged.digest)).toBe(true);
    expect(await objectKeys()).toEqual([key(staged.digest)]);
    expect(await readFile(await store.localPath(staged.digest))).toEqual(bytes);
    expect(requestsTo('GET', staged.digest)).toEqual([]);
    expect(await readdir(path.join(cacheDir, 'staging'))).toEqual([]);
  });

  it('uploads the same content only once', async () => {
    const { store } = await newStore();
    const first = await store.stage(Readable.from([Buffer.from('same bytes')]));
    await first.commit();
    const second = await store.stage(Readable.from([Buffer.from('same bytes')]));
    await second.commit();
    expect(second.digest).toBe(first.digest);
    expect(await objectKeys()).toEqual([key(first.digest)]);
    expect(requestsTo('PUT', first.digest)).toHaveLength(1);
  });

  it('leaves no staged file and no object when a staged blob is discarded', async () => {
    const { store, cacheDir } = await newStore();
    const staged = await store.stage(Readable.from([Buffer.from('rejected upload')]));
    await staged.discard();
    await expect(stat(staged.path)).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await readdir(path.join(cacheDir, 'staging'))).toEqual([]);
    expect(await store.has(staged.digest)).toBe(false);
    expect(await objectKeys()).toEqual([]);
  });

  it('refuses a stream over maxBytes and leaves nothing behind', async () => {
    const { store, cacheDir } = await newStore();
    const chunks = Array.from({ length: 10 }, () => Buffer.alloc(1024));
    await expect(store.stage(Readable.from(chunks), { maxBytes: 4096 })).rejects.toBeInstanceOf(BlobTooLargeError);
    expect(await readdir(path.join(cacheDir, 'staging'))).toEqual([]);
    expect(requests).toEqual([]);
    expect(await objectKeys()).toEqual([]);
  });

  it('uploads a blob larger than the part size in parts, and another host downloads it intact', async () => {
    const sizeBytes = 40 * MiB;
    const hash = createHash('sha256');
    async function* generate() {
      for (let sent = 0; sent < sizeBytes; sent += MiB) {
        const chunk = randomBytes(MiB);
        hash.update(chunk);
        yield chunk;
      }
    }
    const { store: uploader } = await newStore();
    let started = performance.now();
    const staged = await uploader.stage(generate());
    await staged.commit();
    const uploadMs = performance.now() - started;
    const digest = hash.digest('hex');
    expect(staged).toMatchObject({ digest, sizeBytes });

    const head = await admin.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key(digest) }));
    expect(head.ContentLength).toBe(sizeBytes);
    const parts = requestsTo('PUT', digest).filter((request) => request.includes('partNumber='));
    expect(parts).toHaveLength(Math.ceil(sizeBytes / PART_SIZE));

    const { store: reader } = await newStore();
    started = performance.now();
    const file = await reader.localPath(digest);
    const downloadMs = performance.now() - started;
    expect((await stat(file)).size).toBe(sizeBytes);
    expect(await sha256OfFile(file)).toBe(digest);
    console.info(`40 MiB: stage+commit ${uploadMs.toFixed(0)} ms, cold localPath ${downloadMs.toFixed(0)} ms`);
  }, 120_000);

  it('downloads a cold blob once for five concurrent callers', async () => {
    const { store: uploader } = await newStore();
    const bytes = randomBytes(3 * MiB);
    const staged = await uploader.stage(Readable.from([bytes]));
    await staged.commit();

    const { store: reader, cacheDir } = await newStore();
    const paths = await Promise.all(Array.from({ length: 5 }, () => reader.localPath(staged.digest)));
    expect(new Set(paths)).toEqual(new Set([path.join(cacheDir, 'sha256', staged.digest.slice(0, 2), staged.digest)]));
    // Deep-equality on megabytes of Buffer is slow; compare hashes.
    expect(await sha256OfFile(at(paths, 0))).toBe(sha256(bytes));
    expect(requestsTo('GET', staged.digest)).toHaveLength(1);
    expect(await readdir(path.join(cacheDir, 'staging'))).toEqual([]);
  });

  it('refuses to cache a downloaded object whose bytes do not match its digest', async () => {
    const { store: uploader } = await newStore();
    const staged = await uploader.stage(Readable.from([Buffer.from('original')]));
    await staged.commit();
    await admin.send(new PutObjectCommand({ Bucket: BUCKET, Key: key(staged.digest), Body: 'tampered' }));

    const { store: reader, cacheDir } = await newStore();
    await expect(reader.localPath(staged.digest)).rejects.toThrow(/corrupt/);
    await expect(readdir(path.join(cacheDir, 'sha256'))).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await readdir(path.join(cacheDir, 'staging'))).toEqual([]);
  });

  it('lists committed blobs and deletes the object and the cached copy', async () => {
    const { store } = await newStore();
    expect(await listAll(store)).toEqual([]);
    const small = await store.stage(Readable.from([Buffer.from('a')]));
    const large = await store.stage(Readable.from([Buffer.from('bbb')]));
    await small.commit();
    await large.commit();

    const listed = (await listAll(store)).sort((a, b) => a.sizeBytes - b.sizeBytes);
    expect(listed.map(({ digest, sizeBytes }) => ({ digest, sizeBytes }))).toEqual([
      { digest: small.digest, sizeBytes: 1 },
      { digest: large.digest, sizeBytes: 3 },
    ]);
    for (const { createdAt } of listed) expect(Math.abs(createdAt.getTime() - Date.now())).toBeLessThan(60_000);

    const cached = await store.localPath(small.digest);
    await store.delete(small.digest);
    expect(await store.has(small.digest)).toBe(false);
    await expect(stat(cached)).rejects.toMatchObject({ code: 'ENOENT' });
    expect((await listAll(store)).map((blob) => blob.digest)).toEqual([large.digest]);
    await expect(store.localPath(small.digest)).rejects.toBeInstanceOf(BlobNotFoundError);
    await expect(store.createReadStream(small.digest)).rejects.toBeInstanceOf(BlobNotFoundError);
  });

  it('streams a blob from the cache or straight from the bucket', async () => {
    const { store: uploader } = await newStore();
    const staged = await uploader.stage(Readable.from([Buffer.from('original artifact')]));
    await staged.commit();
    expect(await text(await uploader.createReadStream(staged.digest))).toBe('original artifact');
    expect(requestsTo('GET', staged.digest)).toEqual([]);

    const { store: reader, cacheDir } = await newStore();
    expect(await text(await reader.createReadStream(staged.digest))).toBe('original artifact');
    expect(requestsTo('GET', staged.digest)).toHaveLength(1);
    expect(await readdir(cacheDir)).toEqual([]);
  });
});
