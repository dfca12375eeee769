import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { artifactFormatFromFilename, type ArtifactFormat } from '@slipway/core';
import { ArtifactError } from './errors';
import { extractGzippedModel } from './formats/gzip';
import { extractTarGz } from './formats/tar';
import { extractZip } from './formats/zip';
import { UnpackBudget, type UnpackLimits } from './limits';
import { readSlipwayManifest, type SlipwayManifest } from './manifest';
import { readMlflowModel, type MlflowModel } from './mlflow';
import { assertLooksLikeOnnx } from './onnx-header';
import type { PythonArtifact } from './python-model';
import type { ServiceArtifact } from './service';
import { selectModel } from './select-model';
import { StagingDir, type ArtifactFile } from './staging-dir';

export interface UnpackedArtifact {
  format: ArtifactFormat;
  /** The folder the artifact was unpacked into (destDir). */
  root: string;
  /** Relative to root: the ONNX model to load (side files, external data, sit next to it); a Python model's predictor module. */
  modelFile: string;
  /** A Python model (`runtime: python` in slipway.yaml): predictor, declared signature, environment files. */
  python: PythonArtifact | null;
  /** An HTTP service (`runtime: service`): its command, health path, timeouts, env and secret names. modelFile is then its slipway.yaml. */
  service: ServiceArtifact | null;
  manifest: SlipwayManifest | null;
  mlflow: MlflowModel | null;
  /** Relative to root, from the manifest's reference_data. */
  referenceDataFile: string | null;
  files: ArtifactFile[];
}

export interface UnpackOptions {
  archivePath: string;
  /** The uploaded file's name; its extension decides the format. */
  filename: string;
  /** Must not exist yet. */
  destDir: string;
  limits?: Partial<UnpackLimits>;
  /** Check everything but write only the first bytes of each entry (see StagingDir): for validating uploads. */
  previewOnly?: boolean;
}

/** Enough of an ONNX file for the header check. */
const PREVIEW_BYTES = 64 * 1024;

type Extractor = (archivePath: string, archiveName: string, staging: StagingDir, budget: UnpackBudget) => Promise<void>;

const copyModel: Extractor = (archivePath, _archiveName, staging) =>
  staging.addFile('model.onnx', createReadStream(archivePath), { rejectArchiveContent: false });

const EXTRACTORS: Record<ArtifactFormat, Extractor> = {
  onnx: copyModel,
  'onnx.gz': extractGzippedModel,
  'tar.gz': extractTarGz,
  zip: extractZip,
};

/**
 * Safely extracts an uploaded artifact into destDir and finds the model to serve. On any failure nothing is left
 * behind: neither destDir nor the `.partial-*` staging dir beside it.
 */
export async function unpackArtifact({ archivePath, filename, destDir, limits, previewOnly }: UnpackOptions): Promise<UnpackedArtifact> {
  const format = artifactFormatFromFilename(filename);
  if (!format) {
    throw new ArtifactError('unsupported_format', `'${filename}' is not a supported artifact; upload .onnx, .onnx.gz, .tar.gz, .tgz or .zip.`);
  }
  const budget = new UnpackBudget(limits);
  const staging = await StagingDir.create(destDir, budget, { previewBytes: previewOnly ? PREVIEW_BYTES : undefined });
  try {
    await EXTRACTORS[format](archivePath, filename, staging, budget);
    const { dir, files } = staging.contents();
    const manifest = await readSlipwayManifest(dir, files);
    const service = manifest?.service ?? null;
    const mlflow = manifest?.python || service ? null : await readMlflowModel(dir, files);
    const python = manifest?.python ?? mlflow?.python ?? null;
    const modelFile = python
      ? python.moduleFile
      : service
        ? manifestPathOf(files)
        : selectModel(files, { manifest: manifest?.modelFile ?? null, mlflow: mlflow?.modelFile ?? null });
    if (!python && !service) await assertLooksLikeOnnx(join(dir, modelFile), modelFile);
    await staging.publish(destDir);
    return {
      format,
      root: destDir,
      modelFile,
      manifest: manifest?.manifest ?? null,
      mlflow,
      python,
      service,
      referenceDataFile: manifest?.referenceDataFile ?? null,
      files,
    };
  } catch (error) {
    await staging.discard();
    throw error;
  }
}

/** The manifest's own path: what a service's version records as its entry file (it has no model file). */
function manifestPathOf(files: readonly ArtifactFile[]): string {
  return files.find((f) => f.path === 'slipway.yml')?.path ?? 'slipway.yaml';
}
