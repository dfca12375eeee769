import type { Readable } from 'node:stream';

/** An upload written and hashed but not yet visible: commit it after the rows are written, or discard it. */
export interface StagedBlob {
  digest: string;
  sizeBytes: number;
  /** The local file holding the staged bytes, to inspect before committing; gone after commit() or discard(). */
  readonly path: string;
  commit(): Promise<void>;
  discard(): Promise<void>;
}

/** Content-addressed artifact storage (sha256 hex digests). */
export interface BlobStore {
  /** Streams `source` into a staging area while hashing; never holds it whole in memory. */
  stage(source: AsyncIterable<Uint8Array> | Readable, options?: { maxBytes?: number }): Promise<StagedBlob>;
  /** Stages a complete local file without copying its bytes where the filesystem allows (hard link). */
  stageFile(filePath: string, options?: { maxBytes?: number }): Promise<StagedBlob>;
  has(digest: string): Promise<boolean>;
  /** A local file path holding the blob (a cache for remote backends). */
  localPath(digest: string): Promise<string>;
  delete(digest: string): Promise<void>;
  /** Every committed blob, in no particular order (for garbage collection). */
  list(): AsyncIterable<BlobInfo>;
  /** The blob's bytes as a stream; rejects with BlobNotFoundError when it is absent. */
  createReadStream(digest: string): Promise<Readable>;
}

export interface BlobInfo {
  digest: string;
  sizeBytes: number;
  /** When its bytes were written (file mtime, S3 LastModified): the age a garbage collector's grace period uses. */
  createdAt: Date;
}

export class BlobTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`artifact exceeds the ${maxBytes}-byte limit`);
  }
}

export class BlobNotFoundError extends Error {
  constructor(readonly digest: string) {
    super(`blob ${digest} not found`);
  }
}

export const DIGEST_PATTERN = /^[a-f0-9]{64}$/;
