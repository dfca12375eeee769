import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { artifactFormatFromFilename, formatBytes } from '@slipway/core';
import { Prisma } from '@slipway/db';
import { ArtifactError, inspectArtifact, uploadDetails } from '@slipway/artifacts';
import { BlobTooLargeError, type StagedBlob } from '@slipway/storage';
import { serverContext } from './context';
import { webEnv } from './env';
import { ApiError } from './errors';
import { serializeVersion, versionInclude } from './serializers';

/**
 * Streams an upload into the blob store and registers it as the model's next version.
 * Order matters for "nothing half-stored": stage (hashing) → quota and archive checks on the
 * staged file → row → commit blob → enqueue inspection; any failure undoes what was done before it.
 */
export async function registerVersion(options: {
  modelId: string;
  userId: string;
  filename: string;
  /** The artifact as a stream (request body), or `file`: a complete upload on local disk, staged without a copy. */
  body?: ReadableStream<Uint8Array> | NodeJS.ReadableStream | null;
  file?: string;
  /** Declared size (Content-Length, tus Upload-Length): lets the quota refuse before any byte is read. */
  sizeHint?: number;
}) {
  const { db, store, producer } = serverContext();
  const format = artifactFormatFromFilename(options.filename);
  if (!format) {
    throw new ApiError(
      'unsupported_media_type',
      `'${options.filename}' is not a supported artifact; upload .onnx, .onnx.gz, .tar.gz, .tgz or .zip (an MLflow model folder packed as .tar.gz or .zip works too)`,
    );
  }
  const { body, file } = options;
  if (!body && !file) throw new ApiError('validation_error', 'the request body must be the artifact file');
  const model = await db.model.findUniqueOrThrow({ where: { id: options.modelId }, include: { team: true } });
  if (options.sizeHint !== undefined) await checkQuota(model.team, options.sizeHint);

  let staged: StagedBlob;
  try {
    const maxBytes = webEnv().SLIPWAY_MAX_UPLOAD_BYTES;
    if (file) staged = await store.stageFile(file, { maxBytes });
    else {
      const source = body instanceof ReadableStream ? Readable.fromWeb(body as WebReadableStream<Uint8Array>) : body;
      staged = await store.stage(source as Readable, { maxBytes });
    }
  } catch (error) {
    if (error instanceof BlobTooLargeError) throw new ApiError('payload_too_large', error.message);
    throw error;
  }

  let version: Awaited<ReturnType<typeof createWithNextLabel>> | undefined;
  try {
    if (staged.sizeBytes === 0) throw new ApiError('validation_error', 'the uploaded file is empty');
    // The same bytes uploaded again are the same version: content addressing deduplicates.
    const existing = await db.modelVersion.findUnique({
      where: { modelId_digest: { modelId: options.modelId, digest: staged.digest } },
      include: versionInclude,
    });
    if (existing) {
      await staged.discard();
      return { version: serializeVersion(existing), created: false };
    }
    await checkQuota(model.team, staged.sizeBytes);
    const artifact = await inspectArtifact({ archivePath: staged.path, filename: options.filename }).catch((error: unknown) => {
      throw error instanceof ArtifactError ? new ApiError(error.code, error.message) : error;
    });
    version = await createWithNextLabel(options.modelId, {
      digest: staged.digest,
      sizeBytes: staged.sizeBytes,
      format,
      filename: options.filename,
      uploadedById: options.userId,
      manifest: (artifact.manifest ?? undefined) as Prisma.InputJsonValue | undefined,
      details: uploadDetails(artifact) as unknown as Prisma.InputJsonValue,
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
    // The same bytes uploaded at the same moment by another request won the race: this upload is that version.
    const winner = isUniqueViolation(error)
      ? await db.modelVersion.findUnique({ where: { modelId_digest: { modelId: options.modelId, digest: staged.digest } }, include: versionInclude })
      : null;
    if (winner) return { version: serializeVersion(winner), created: false };
    throw error;
  }
  return { version: serializeVersion(version), created: true };
}

/** Refuses bytes that would take a team over its storage quota (the artifacts of its versions, as uploaded). */
export async function checkQuota(team: { id: string; name: string; storageQuotaBytes: bigint | null }, incomingBytes: number): Promise<void> {
  if (team.storageQuotaBytes === null) return;
  const { _sum } = await serverContext().db.modelVersion.aggregate({ where: { model: { teamId: team.id } }, _sum: { sizeBytes: true } });
  const used = Number(_sum.sizeBytes ?? 0n);
  const quota = Number(team.storageQuotaBytes);
  if (used + incomingBytes > quota) {
    throw new ApiError(
      'quota_exceeded',
      `team '${team.name}' would use ${formatBytes(used + incomingBytes)} of its ${formatBytes(quota)} storage quota; delete unused versions or ask an admin to raise it`,
    );
  }
}

const isUniqueViolation = (error: unknown) => error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';

/** Labels are v1, v2 … per model; a concurrent upload taking the same label retries. */
async function createWithNextLabel(modelId: string, data: Omit<Prisma.ModelVersionUncheckedCreateInput, 'modelId' | 'label'>) {
  const { db } = serverContext();
  for (let attempt = 0; ; attempt++) {
    const last = await db.modelVersion.findFirst({ where: { modelId }, orderBy: { label: 'desc' }, select: { label: true } });
    try {
      return await db.modelVersion.create({ data: { ...data, modelId, label: (last?.label ?? 0) + 1 }, include: versionInclude });
    } catch (error) {
      // The label, or the same bytes (then registerVersion answers with the version that took them).
      if (!isUniqueViolation(error) || attempt >= 3) throw error;
    }
  }
}
