// Uploads of very different sizes through the web process, watching its memory: the upload path
// streams (browser/curl → web → staging file → blob store), so peak RSS should not grow with the
// artifact. The artifact is a real external-data ONNX model (an embedding table) in a stored zip.
import { randomFillSync } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { inspectArtifact } from '@slipway/artifacts';
import { buildEmbedding } from '@slipway/onnx-builder';
import { FsBlobStore } from '@slipway/storage';
import { Upload } from 'tus-js-client';
import yazl from 'yazl';
import { ApiClient } from '../e2e/api-client';
import { freePort, launchPlatform } from '../scripts/lib/launch';
import type { PlatformEnv } from '../scripts/lib/platform';
import { TreeMemorySampler } from './lib/memory';

const DIM = 64;
const CHUNK = 8 * 1024 * 1024;

/** Random float32 rows, generated chunk by chunk (random bits: some NaNs, which loading does not mind). */
function* tableBytes(totalBytes: number): Generator<Buffer> {
  for (let written = 0; written < totalBytes; written += CHUNK) yield randomFillSync(Buffer.allocUnsafe(Math.min(CHUNK, totalBytes - written)));
}

/** A zip (entries stored, as weights do not compress) with model.onnx and its external table. */
async function embeddingArchive(dir: string, rows: number): Promise<string> {
  const file = path.join(dir, `embedding-${rows}.zip`);
  const zip = new yazl.ZipFile();
  zip.addBuffer(Buffer.from(buildEmbedding({ rows, dim: DIM, weightsFile: 'embeddings.bin' })), 'model.onnx', { compress: false });
  zip.addReadStream(Readable.from(tableBytes(rows * DIM * 4)), 'embeddings.bin', { compress: false });
  zip.end();
  await pipeline(zip.outputStream, createWriteStream(file));
  return file;
}

export async function benchUploadMemory(env: PlatformEnv): Promise<void> {
  const gigabytes = Number(process.env.BENCH_UPLOAD_GB ?? 3);
  const dir = await mkdtemp(path.join(tmpdir(), 'slipway-bench-upload-'));
  const rowsFor = (bytes: number) => Math.ceil(bytes / (DIM * 4));
  const small = await embeddingArchive(dir, rowsFor(16 * 1024 ** 2));
  const large = await embeddingArchive(dir, rowsFor(gigabytes * 1024 ** 3));
  const platform = await launchPlatform(env, { webPort: await freePort(), gatewayPort: await freePort(), quiet: true });
  try {
    const api = await ApiClient.login(platform.webUrl, env.admin.email, env.admin.password);
    const { key } = (await api.request('POST', '/api/v1/api-keys', { name: 'upload-bench' })).body;

    /** Streams the file in one PUT, as `curl -T` does. */
    const put = async (model: string, file: string, size: number) => {
      const response = await api.raw(`/api/v1/models/${model}/versions?filename=model.zip`, {
        method: 'PUT',
        headers: { 'content-type': 'application/octet-stream', 'content-length': String(size) },
        body: Readable.toWeb(createReadStream(file, { highWaterMark: 1024 * 1024 })) as ReadableStream,
        duplex: 'half',
      } as RequestInit);
      if (response.status !== 202) throw new Error(`PUT upload failed: ${response.status} ${await response.text()}`);
    };
    /** Sends the file in 8 MiB tus chunks, as the console does. */
    const tus = (model: string, file: string) =>
      new Promise<void>((resolve, reject) => {
        new Upload(createReadStream(file), {
          endpoint: `${platform.webUrl}/api/v1/uploads`,
          headers: { authorization: `Bearer ${key}` },
          metadata: { filename: 'model.zip', model },
          chunkSize: 8 * 1024 * 1024,
          onSuccess: () => resolve(),
          onError: reject,
        }).start();
      });

    const rows: Record<string, string | number>[] = [];
    const cases = [
      ['16 MB, PUT', small, 'put'],
      [`${gigabytes} GB, PUT`, large, 'put'],
      [`${gigabytes} GB, tus (8 MiB chunks)`, large, 'tus'],
    ] as const;
    for (const [label, file, method] of cases) {
      const model = `upload-bench-${rows.length}`;
      await api.request('POST', '/api/v1/models', { name: model });
      const size = (await stat(file)).size;
      const sampler = new TreeMemorySampler(platform.pids.web);
      const before = await sampler.sampleOnce();
      sampler.start(50);
      const started = performance.now();
      try {
        await (method === 'put' ? put(model, file, size) : tus(model, file));
      } finally {
        sampler.stop();
      }
      const seconds = (performance.now() - started) / 1000;
      const peak = sampler.peakBytes();
      const readyStarted = performance.now();
      const { version } = await api.waitFor(`/api/v1/models/${model}/versions/1`, (b) => ['ready', 'failed'].includes(b.version.status), 30 * 60_000);
      rows.push({
        artifact: label,
        'size MB': (size / 1024 ** 2).toFixed(0),
        'upload s': seconds.toFixed(1),
        'MB/s': (size / 1024 ** 2 / seconds).toFixed(0),
        'web RSS before MB': (before / 1024 ** 2).toFixed(0),
        'web RSS peak MB': (peak / 1024 ** 2).toFixed(0),
        'peak − before MB': ((peak - before) / 1024 ** 2).toFixed(0),
        // The tus run uploads the same bytes again: the worker's artifact cache already holds them.
        'inspect → ready s': ((performance.now() - readyStarted) / 1000).toFixed(1),
        status: version.status,
      });
    }
    // Baseline in the same run: the server-side work of an upload (hash and write into staging, check the
    // archive) done in-process on the same file, without HTTP. What the uploads lose against it is transport.
    const baselineStarted = performance.now();
    const scratch = new FsBlobStore(path.join(dir, 'baseline-blobs'));
    const staged = await scratch.stage(createReadStream(large));
    await inspectArtifact({ archivePath: staged.path, filename: 'model.zip' });
    await staged.discard();
    const baselineSeconds = (performance.now() - baselineStarted) / 1000;
    console.log('\nUploads through the web process, memory of the web process tree');
    console.table(rows);
    const [smallPut, largePut, largeTus] = rows as [Record<string, string>, Record<string, string>, Record<string, string>];
    const baselineMbPerSecond = Number(largePut['size MB']) / baselineSeconds;
    console.log(`Baseline, stage + check of the ${gigabytes} GB file in-process (no HTTP): ${baselineMbPerSecond.toFixed(0)} MB/s`);
    console.table({
      'PUT / baseline, MB/s': (Number(largePut['MB/s']) / baselineMbPerSecond).toFixed(2),
      'tus / baseline, MB/s': (Number(largeTus['MB/s']) / baselineMbPerSecond).toFixed(2),
      [`peak RSS growth, ${gigabytes} GB PUT vs 16 MB PUT (MB)`]: `${largePut['peak − before MB']} vs ${smallPut['peak − before MB']}`,
      [`peak RSS growth, ${gigabytes} GB tus vs 16 MB PUT (MB)`]: `${largeTus['peak − before MB']} vs ${smallPut['peak − before MB']}`,
    });
  } finally {
    await platform.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
