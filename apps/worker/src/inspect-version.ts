import path from 'node:path';
import { checkManifestAgainstSignature, computeReferenceStats, serviceOfDetails, slipwayManifestSchema, uploadDetailsSchema } from '@slipway/artifacts';
import { conciseOrtMessage, modelSignatureSchema, signatureFromOrtMetadata } from '@slipway/core';
import type { Db } from '@slipway/db';
import { z } from 'zod';
import * as ort from 'onnxruntime-node';
import type { ArtifactCache } from './artifact-cache';
import { withoutHostPaths } from './host-paths';
import { inspectPython } from './inspect-python';
import { InspectionFailure } from './inspection-failure';
import { readOnnxMetadata } from './onnx-metadata';
import { numericMeans, recordExample } from './record-example';

/**
 * uploaded → validating → ready | failed: unpacks the artifact into this host's cache, loads the
 * model in onnxruntime, records its signature, opsets and operators, checks the manifest against
 * the signature, computes reference statistics for drift and records a worked example for the API docs.
 * A Python model instead gets its environment built and its predictor run once (inspect-python.ts).
 * Every failure is a reason on the version.
 */
export async function inspectVersion(deps: { db: Db; artifacts: ArtifactCache }, versionId: string): Promise<void> {
  const { db, artifacts } = deps;
  const version = await db.modelVersion.findUnique({ where: { id: versionId } });
  if (!version || version.status === 'ready' || version.status === 'failed') return;
  await db.modelVersion.update({ where: { id: versionId }, data: { status: 'validating', statusReason: null } });
  // A service has no model to load: its upload checks (manifest, files) are its inspection; its replicas prove it runs.
  if (serviceOfDetails(version.details)) {
    const declared = modelSignatureSchema.safeParse((version.details as { service?: { signature?: unknown } }).service?.signature);
    const signature = declared.success ? declared.data : undefined;
    await db.modelVersion.update({ where: { id: versionId }, data: { status: 'ready', ...(signature && { signature: signature as object }) } });
    return;
  }

  let session: ort.InferenceSession | undefined;
  let artifactRoot: string | undefined;
  let failedDetails: Record<string, unknown> = {};
  try {
    const python = artifacts.pythonModel(version);
    if (python) {
      artifactRoot = await artifacts.materialize(version);
      // The stored manifest is the parsed one (its signature already in Slipway's form): only what inspection reads.
      const manifest = storedPythonManifest.safeParse(version.manifest ?? {});
      const inspected = await inspectPython(python, manifest.success ? manifest.data : null);
      const referenceStats = await referenceStatsOf(version, artifactRoot);
      await db.modelVersion.update({
        where: { id: versionId },
        data: {
          status: 'ready',
          signature: inspected.signature as object,
          details: { ...(version.details as object | null), ...inspected.details },
          ...(referenceStats && { referenceStats: referenceStats as object }),
          example: inspected.example as object,
        },
      });
      return;
    }
    const { root, modelPath } = await artifacts.modelPath(version);
    artifactRoot = root;
    try {
      session = await ort.InferenceSession.create(modelPath, { intraOpNumThreads: 1 });
    } catch (error) {
      throw new InspectionFailure(`not a loadable ONNX model: ${conciseOrtMessage(error)}`);
    }
    const signature = (() => {
      try {
        return signatureFromOrtMetadata(session.inputMetadata, session.outputMetadata);
      } catch (error) {
        throw new InspectionFailure((error as Error).message);
      }
    })();
    const manifest = version.manifest ? slipwayManifestSchema.parse(version.manifest) : null;
    const mismatch = manifest ? checkManifestAgainstSignature(manifest, signature) : null;
    if (mismatch) throw new InspectionFailure(`slipway.yaml does not match the model: ${mismatch}`);

    const onnx = await readOnnxMetadata(modelPath).catch(() => null);
    const referenceStats = await referenceStatsOf(version, root);
    const example = await recordExample({ session, Tensor: ort.Tensor }, signature, {
      features: manifest?.features,
      featureMeans: numericMeans(referenceStats?.columns),
    });
    await db.modelVersion.update({
      where: { id: versionId },
      data: {
        status: 'ready',
        signature: signature as object,
        details: { ...(version.details as object | null), ...(onnx ?? {}) },
        ...(referenceStats && { referenceStats: referenceStats as object }),
        example: example as object,
      },
    });
  } catch (error) {
    if (error instanceof InspectionFailure) failedDetails = error.details;
    const detail = error instanceof InspectionFailure ? error.message : `could not inspect the artifact: ${(error as Error).message ?? String(error)}`;
    // Users see files as the artifact names them, never where this host keeps them.
    const reason = withoutHostPaths(detail, artifactRoot);
    await db.modelVersion.update({
      where: { id: versionId },
      data: {
        status: 'failed',
        statusReason: reason.slice(0, 2000),
        ...(Object.keys(failedDetails).length > 0 && { details: { ...(version.details as object | null), ...failedDetails } as object }),
      },
    });
  } finally {
    await session?.release();
  }
}

/** What a Python version's inspection reads of its stored manifest. */
const storedPythonManifest = z.object({ example: z.record(z.string(), z.unknown()).optional(), features: z.array(z.string()).optional() });

/** Drift's reference statistics from the manifest's reference_data, or null without one. */
async function referenceStatsOf(version: { details: unknown }, root: string) {
  const upload = uploadDetailsSchema.safeParse(version.details);
  const referenceFile = upload.success ? upload.data.referenceDataFile : null;
  if (!referenceFile) return null;
  return computeReferenceStats(path.join(root, referenceFile)).catch((error: unknown) => {
    throw new InspectionFailure(`reference data ${referenceFile}: ${(error as Error).message}`);
  });
}
