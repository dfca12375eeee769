import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { copyFile, link, mkdir, rm, stat } from 'node:fs/promises';
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
export async function stageToFile(source: AsyncIterable<Uint8Array> | Readable, dir: string, maxBytes = Number.POSITIVE_INFINITY): Promise<StagedFile> {
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

/**
 * Stages a complete local file (a finished resumable upload) without writing its bytes again: a hard link
 * into `dir` (a copy across filesystems), then one read to hash it. The source may be removed afterwards.
 */
export async function stageExistingFile(source: string, dir: string, maxBytes = Number.POSITIVE_INFINITY): Promise<StagedFile> {
  const { size } = await stat(source);
  if (size > maxBytes) throw new BlobTooLargeError(maxBytes);
  await mkdir(dir, { recursive: true });
  const filePath = path.join(dir, randomUUID());
  try {
    await link(source, filePath).catch(async (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EXDEV' && error.code !== 'EPERM') throw error;
      await copyFile(source, filePath);
    });
    const hash = createHash('sha256');
    await pipeline(createReadStream(filePath), hash);
    return { path: filePath, digest: hash.digest('hex'), sizeBytes: size };
  } catch (error) {
    await rm(filePath, { force: true });
    throw error;
  }
}
