import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { BlobTooLargeError } from './blob-store';

export interface StagedFile {
  path: string;
  digest: string;
  sizeBytes: number;
}

/**
 * Streams `source` into a new file under `dir`, hashing (sha256) and counting as it goes.
 * Past `maxBytes` it fails with BlobTooLargeError; on any failure the partial file is removed.
 */
export async function stageToFile(
  source: AsyncIterable<Uint8Array> | Readable,
  dir: string,
  maxBytes = Number.POSITIVE_INFINITY,
): Promise<StagedFile> {
  await mkdir(dir, { recursive: true });
  const filePath = path.join(dir, randomUUID());
  const hash = createHash('sha256');
  let sizeBytes = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      sizeBytes += chunk.length;
      if (sizeBytes > maxBytes) return callback(new BlobTooLargeError(maxBytes));
      hash.update(chunk);
      callback(null, chunk);
    },
  });
  try {
    await pipeline(source, meter, createWriteStream(filePath, { flags: 'wx' }));
  } catch (error) {
    await rm(filePath, { force: true });
    throw error;
  }
  return { path: filePath, digest: hash.digest('hex'), sizeBytes };
}
