import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { ArtifactError, asCorruptArchive } from '../errors';
import type { UnpackBudget } from '../limits';
import type { StagingDir } from '../staging-dir';

async function readHead(path: string, length: number): Promise<Buffer> {
  const file = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await file.read(buffer, 0, length, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await file.close();
  }
}

/**
 * The decompressed bytes of a gzip file, as they are produced. Throws compression_ratio as soon as the output
 * outgrows the input by more than the budget's ratio, and corrupt_archive for non-gzip or damaged input.
 */
export async function* gunzipFile(archivePath: string, archiveName: string, budget: UnpackBudget): AsyncGenerator<Buffer> {
  const head = await readHead(archivePath, 2);
  if (head.length < 2 || head[0] !== 0x1f || head[1] !== 0x8b) {
    throw new ArtifactError('corrupt_archive', `${archiveName} is not gzip-compressed, although its name says it is.`);
  }
  let compressed = 0;
  let decompressed = 0;
  const gunzip = createGunzip();
  const feeding = pipeline(
    createReadStream(archivePath),
    async function* (source: AsyncIterable<Buffer>) {
      for await (const chunk of source) {
        compressed += chunk.length;
        yield chunk;
      }
    },
    gunzip,
  );
  // Rejections surface through the gunzip iteration below; this only stops an early exit from going unhandled.
  feeding.catch(() => {});
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      decompressed += chunk.length;
      budget.checkRatio(decompressed, compressed, archiveName);
      yield chunk;
    }
    await feeding;
  } catch (error) {
    throw asCorruptArchive(error, archiveName);
  } finally {
    gunzip.destroy();
  }
}

/** `.onnx.gz`: the decompressed model becomes `model.onnx`. */
export async function extractGzippedModel(archivePath: string, archiveName: string, staging: StagingDir, budget: UnpackBudget): Promise<void> {
  await staging.addFile('model.onnx', gunzipFile(archivePath, archiveName, budget), { rejectArchiveContent: false });
}
