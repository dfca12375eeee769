import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { type PythonArtifact, unpackArtifact, uploadDetailsSchema } from '@slipway/artifacts';
import { type BuiltEnvironment, buildEnvironment, resolveBwrap, type SandboxSetting } from '@slipway/environments';
import type { BlobStore } from '@slipway/storage';

/**
 * Unpacked artifacts on this host, one folder per digest: a restart or a scale-up of the same
 * version loads from here, without fetching or unpacking again. Concurrent callers share one unpack.
 */
export class ArtifactCache {
  private readonly pending = new Map<string, Promise<string>>();

  constructor(
    private readonly store: BlobStore,
    private readonly root: string,
    private readonly python: PythonSettings = { environmentsRoot: path.join(path.dirname(root), 'environments'), sandbox: 'auto' },
  ) {}

  /** A Python version's model (null for ONNX): its environment is built (or reused) when first prepared on this host. */
  pythonModel(version: { digest: string; filename: string; details: unknown }): PythonModelSource | null {
    const details = uploadDetailsSchema.safeParse(version.details);
    const python = details.success ? details.data.python : null;
    if (!python) return null;
    const bwrap = resolveBwrap(this.python.sandbox);
    const prepare = async (): Promise<PreparedPythonModel> => {
      const root = await this.materialize(version);
      const inRoot = (file: string) => path.join(root, ...file.split('/'));
      const environment = await buildEnvironment({
        root: this.python.environmentsRoot,
        pythonVersion: python.pythonVersion,
        requirementsFile: python.requirementsFile === null ? null : inRoot(python.requirementsFile),
        wheelFiles: python.wheels.map(inRoot),
        indexUrl: this.python.pipIndexUrl,
        bwrap,
      });
      return { python, modelDir: inRoot(python.modelDir), environment };
    };
    return { python, bwrap, prepare };
  }

  /** The folder holding the unpacked artifact. */
  materialize(version: { digest: string; filename: string }): Promise<string> {
    const dir = path.join(this.root, version.digest);
    if (existsSync(dir)) return Promise.resolve(dir);
    let unpacking = this.pending.get(version.digest);
    if (!unpacking) {
      unpacking = this.unpack(version, dir).finally(() => this.pending.delete(version.digest));
      this.pending.set(version.digest, unpacking);
    }
    return unpacking;
  }

  /** The ONNX file to load; versions registered before archives existed are plain `.onnx`, unpacked as model.onnx. */
  async modelPath(version: { digest: string; filename: string; details: unknown }): Promise<{ root: string; modelPath: string }> {
    const root = await this.materialize(version);
    return { root, modelPath: path.join(root, ...modelFile(version).split('/')) };
  }

  private async unpack(version: { digest: string; filename: string }, dir: string): Promise<string> {
    await mkdir(this.root, { recursive: true });
    const archivePath = await this.store.localPath(version.digest);
    try {
      await unpackArtifact({ archivePath, filename: version.filename, destDir: dir });
    } catch (error) {
      // Another process (a second worker on this host) may have unpacked it first.
      if (!existsSync(dir)) throw error;
    }
    return dir;
  }
}

/** The ONNX file's path inside the unpacked artifact ('/'-separated), known from the upload without unpacking. */
export function modelFile(version: { details: unknown }): string {
  const details = uploadDetailsSchema.safeParse(version.details);
  return details.success ? details.data.modelFile : 'model.onnx';
}

/** Where this host builds Python environments, and how user code is isolated. */
export interface PythonSettings {
  environmentsRoot: string;
  /** An operator-configured package index (SLIPWAY_PIP_INDEX_URL); without one pip installs from a version's wheels only. */
  pipIndexUrl?: string;
  sandbox: SandboxSetting;
}

export interface PreparedPythonModel {
  python: PythonArtifact;
  /** The directory `load` is given, on this host. */
  modelDir: string;
  environment: BuiltEnvironment;
}

export interface PythonModelSource {
  python: PythonArtifact;
  /** The bubblewrap binary user code runs under on this host (undefined: none). */
  bwrap: string | undefined;
  prepare(): Promise<PreparedPythonModel>;
}
