import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { artifactFormatFromFilename } from '@slipway/core';
import { Prisma } from '@slipway/db';
import { BlobTooLargeError } from '@slipway/storage';
import { serverContext } from './context';
import { webEnv } from './env';
import { ApiError } from './errors';
import { serializeVersion, versionInclude } from './serializers';

/**
 * Streams an upload into the blob store and registers it as the model's next version.
 * Order matters for "nothing half-stored": stage (hashing) → row → commit blob → enqueue
 * inspection; any failure undoes what was done before it.
 */
export async function registerVersion(options: {
  modelId: string;
  userId: string;
  filename: string;
  body: ReadableStream<Uint8Array> | null;
}) {
  const { db, store, producer } = serverContext();
  const format = artifactFormatFromFilename(options.filename);
  if (format !== 'onnx') {
    throw new ApiError(
      'unsupported_media_type',
      format
        ? `'.${format}' artifacts are not accepted yet; upload the plain .onnx file`
        : `'${options.filename}' is not a supported artifact; upload an .onnx file`,
    );
  }
  if (!options.body) throw new ApiError('validation_error', 'the request body must be the artifact file');

  let staged;
  try {
    staged = await store.stage(Readable.fromWeb(options.body as WebReadableStream<Uint8Array>), {
      maxBytes: webEnv().SLIPWAY_MAX_UPLOAD_BYTES,
    });
  } catch (error) {
    if (error instanceof BlobTooLargeError) throw new ApiError('payload_too_large', error.message);
    throw error;
  }
  if (staged.sizeBytes === 0) {
    await staged.discard();
    throw new ApiError('validation_error', 'the uploaded file is empty');
  }

  // The same bytes uploaded again are the same version: content addressing deduplicates.
  const existing = await db.modelVersion.findUnique({
    where: { modelId_digest: { modelId: options.modelId, digest: staged.digest } },
    include: versionInclude,
  });
  if (existing) {
    await staged.discard();
    return { version: serializeVersion(existing), created: false };
  }

  let version;
  try {
    version = await createWithNextLabel(options.modelId, {
      digest: staged.digest,
      sizeBytes: staged.sizeBytes,
      format,
      filename: options.filename,
      uploadedById: options.userId,
    });
    await staged.commit();
    await producer.enqueue('inspectVersion', { versionId: version.id });
  } catch (error) {
    await staged.discard();
    if (version) {
      await db.modelVersion.delete({ where: { id: version.id } });
      const stillUsed = await db.modelVersion.count({ where: { digest: staged.digest } });
      if (stillUsed === 0) await store.delete(staged.digest);
    }
    throw error;
  }
  return { version: serializeVersion(version), created: true };
}

/** Labels are v1, v2 … per model; a concurrent upload taking the same label retries. */
async function createWithNextLabel(modelId: string, data: Omit<Prisma.ModelVersionUncheckedCreateInput, 'modelId' | 'label'>) {
  const { db } = serverContext();
  for (let attempt = 0; ; attempt++) {
    const last = await db.modelVersion.findFirst({ where: { modelId }, orderBy: { label: 'desc' }, select: { label: true } });
    try {
      return await db.modelVersion.create({ data: { ...data, modelId, label: (last?.label ?? 0) + 1 }, include: versionInclude });
    } catch (error) {
      const labelTaken = error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';
      if (!labelTaken || attempt >= 3) throw error;
    }
  }
}
