import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, paginateListObjectsV2, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { BlobNotFoundError, DIGEST_PATTERN, type BlobInfo, type BlobStore, type StagedBlob } from './blob-store';
import { FsBlobStore } from './fs-blob-store';

export interface S3BlobStoreConfig {
  bucket: string;
  /** Key prefix such as `slipway/` (a missing trailing slash is added); blobs live at `<prefix>sha256/<digest>`. */
  prefix?: string;
  /** For S3-compatible servers (MinIO, Ceph, ...); AWS when absent. */
  endpoint?: string;
  region: string;
  forcePathStyle?: boolean;
  /** The SDK's default credential chain when absent. */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** Local staging area and cache of blob files, itself laid out like an FsBlobStore. */
  cacheDir: string;
}

/** A multipart upload buffers about PART_SIZE × QUEUE_SIZE bytes (32 MiB) at once. */
export const PART_SIZE = 8 * 1024 * 1024;
const QUEUE_SIZE = 4;

/** Blobs live as S3 objects; every host keeps the ones it uploaded or read in a local cache. */
export class S3BlobStore implements BlobStore {
  private readonly client: S3Client;
  private readonly cache: FsBlobStore;
  private readonly bucket: string;
  private readonly keyPrefix: string;
  private readonly downloads = new Map<string, Promise<string>>();

  constructor(config: S3BlobStoreConfig) {
    this.client = new S3Client({
      region: config.region,
      endpoint: config.endpoint,
      forcePathStyle: config.forcePathStyle,
      credentials: config.credentials,
    });
    this.cache = new FsBlobStore(config.cacheDir);
    this.bucket = config.bucket;
    const prefix = config.prefix ?? '';
    this.keyPrefix = `${prefix && !prefix.endsWith('/') ? `${prefix}/` : prefix}sha256/`;
  }

  private key(digest: string): string {
    if (!DIGEST_PATTERN.test(digest)) throw new Error(`not a sha256 digest: ${digest}`);
    return this.keyPrefix + digest;
  }

  async stage(source: AsyncIterable<Uint8Array> | Readable, options: { maxBytes?: number } = {}): Promise<StagedBlob> {
    return this.uploadedOnCommit(await this.cache.stage(source, options));
  }

  async stageFile(filePath: string, options: { maxBytes?: number } = {}): Promise<StagedBlob> {
    return this.uploadedOnCommit(await this.cache.stageFile(filePath, options));
  }

  private uploadedOnCommit(staged: StagedBlob): StagedBlob {
    return {
      ...staged,
      commit: async () => {
        if (!(await this.has(staged.digest))) await this.upload(staged.digest, staged.path);
        // The uploading host keeps its copy rather than downloading it again.
        await staged.commit();
      },
    };
  }

  private async upload(digest: string, filePath: string): Promise<void> {
    const body = createReadStream(filePath);
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key: this.key(digest), Body: body },
      partSize: PART_SIZE,
      queueSize: QUEUE_SIZE,
    });
    try {
      await upload.done();
    } finally {
      // A failed upload may stop reading midway; release the file either way.
      body.destroy();
    }
  }

  async has(digest: string): Promise<boolean> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.key(digest) }));
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }

  /** Concurrent calls for the same digest share one download. */
  localPath(digest: string): Promise<string> {
    const pending = this.downloads.get(digest);
    if (pending) return pending;
    const download = this.cachedOrDownloaded(digest).finally(() => this.downloads.delete(digest));
    this.downloads.set(digest, download);
    return download;
  }

  private async cachedOrDownloaded(digest: string): Promise<string> {
    if (await this.cache.has(digest)) return this.cache.blobPath(digest);
    // Staging in the cache hashes while streaming; the rename into place happens only for intact bytes.
    const staged = await this.cache.stage(await this.getObject(digest));
    if (staged.digest !== digest) {
      await staged.discard();
      throw new Error(`blob ${digest} arrived corrupt: its bytes hash to ${staged.digest}`);
    }
    await staged.commit();
    return this.cache.blobPath(digest);
  }

  async delete(digest: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.key(digest) }));
    await this.cache.delete(digest);
  }

  async *list(): AsyncIterable<BlobInfo> {
    const pages = paginateListObjectsV2({ client: this.client }, { Bucket: this.bucket, Prefix: this.keyPrefix });
    for await (const page of pages) {
      for (const { Key, Size, LastModified } of page.Contents ?? []) {
        const digest = Key?.slice(this.keyPrefix.length);
        if (digest && DIGEST_PATTERN.test(digest) && Size !== undefined && LastModified) {
          yield { digest, sizeBytes: Size, createdAt: LastModified };
        }
      }
    }
  }

  async createReadStream(digest: string): Promise<Readable> {
    try {
      return await this.cache.createReadStream(digest);
    } catch (error) {
      if (!(error instanceof BlobNotFoundError)) throw error;
    }
    return this.getObject(digest);
  }

  private async getObject(digest: string): Promise<Readable> {
    let body: unknown;
    try {
      ({ Body: body } = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.key(digest) })));
    } catch (error) {
      if (isNotFound(error)) throw new BlobNotFoundError(digest);
      throw error;
    }
    if (!(body instanceof Readable)) throw new Error(`S3 returned no stream for blob ${digest}`);
    return body;
  }
}

function isNotFound(error: unknown): boolean {
  return error instanceof S3ServiceException && error.$metadata.httpStatusCode === 404;
}
