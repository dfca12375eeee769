import { signatureFromOrtMetadata } from '@slipway/core';
import type { Db } from '@slipway/db';
import type { BlobStore } from '@slipway/storage';
import * as ort from 'onnxruntime-node';

/**
 * uploaded → validating → ready | failed: loads the artifact in onnxruntime and records
 * its signature. A model onnxruntime cannot load ends as a failed version with the reason.
 */
export async function inspectVersion(deps: { db: Db; store: BlobStore }, versionId: string): Promise<void> {
  const { db, store } = deps;
  const version = await db.modelVersion.findUnique({ where: { id: versionId } });
  if (!version || version.status === 'ready' || version.status === 'failed') return;
  await db.modelVersion.update({ where: { id: versionId }, data: { status: 'validating', statusReason: null } });

  let session: ort.InferenceSession | undefined;
  try {
    const artifactPath = await store.localPath(version.digest);
    session = await ort.InferenceSession.create(artifactPath, { intraOpNumThreads: 1 });
    const signature = signatureFromOrtMetadata(session.inputMetadata, session.outputMetadata);
    await db.modelVersion.update({ where: { id: versionId }, data: { status: 'ready', signature: signature as object } });
  } catch (error) {
    await db.modelVersion.update({
      where: { id: versionId },
      data: { status: 'failed', statusReason: `not a loadable ONNX model: ${conciseOrtError(error)}` },
    });
  } finally {
    await session?.release();
  }
}

/** onnxruntime's messages carry C++ source locations; users need the last clause. */
function conciseOrtError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/^\[[^\]]*\]\s*/, '').replace(/\s+/g, ' ').slice(0, 500);
}
