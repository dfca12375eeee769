import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { lstat, mkdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { parentPaths } from './entry-path';
import { ArtifactError } from './errors';
import type { UnpackBudget } from './limits';
import { MAGIC_BYTES, archiveKindFromMagic, nestedArchiveError } from './nested-archive';

export interface ArtifactFile {
  /** Relative to the artifact root, '/'-separated. */
  path: string;
  sizeBytes: number;
}

export interface StagedContents {
  /** Absolute folder holding the artifact root (inside the staging dir until published). */
  dir: string;
  files: ArtifactFile[];
}

type EntryKind = 'file' | 'folder';

export const PARTIAL_SUFFIX = '.partial-';

/** Read whole even in preview mode: the manifest and MLflow's descriptor decide what the artifact is. */
const METADATA_FILES = new Set(['slipway.yaml', 'slipway.yml', 'MLmodel']);

async function pathExists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

/**
 * Where an artifact is extracted: a fresh sibling of destDir (`<destDir>.partial-<random>`) that is renamed to destDir
 * only once everything checked out, so a crash never leaves a half-extracted destDir behind.
 * Paths given to it must already be normalised by `normalizeEntryPath`.
 */
export class StagingDir {
  private readonly kinds = new Map<string, EntryKind>();
  private readonly sizes = new Map<string, number>();

  private constructor(
    readonly path: string,
    private readonly budget: UnpackBudget,
    private readonly previewBytes: number | undefined,
  ) {}

  /**
   * With `previewBytes`, every entry is still read, counted and checked, but only its first bytes are written
   * (metadata files whole): enough to validate an upload without copying gigabytes of weights.
   */
  static async create(destDir: string, budget: UnpackBudget, options: { previewBytes?: number } = {}): Promise<StagingDir> {
    if (await pathExists(destDir)) throw new Error(`Cannot unpack into ${destDir}: it already exists`);
    await mkdir(dirname(destDir), { recursive: true });
    const path = `${destDir}${PARTIAL_SUFFIX}${randomBytes(6).toString('hex')}`;
    await mkdir(path);
    return new StagingDir(path, budget, options.previewBytes);
  }

  async addFolder(path: string): Promise<void> {
    if (path === '') return;
    this.claim(path, 'folder');
    await mkdir(join(this.path, path), { recursive: true });
  }

  /** Streams `chunks` into a new file, counting its bytes against the budget. */
  async addFile(path: string, chunks: AsyncIterable<Buffer>, options: { rejectArchiveContent: boolean }): Promise<void> {
    this.claim(path, 'file');
    await mkdir(join(this.path, dirname(path)), { recursive: true });
    const { budget } = this;
    const keep = this.previewBytes === undefined || METADATA_FILES.has(basename(path)) ? Infinity : this.previewBytes;
    let size = 0;
    let head = Buffer.alloc(0);
    await pipeline(
      async function* () {
        for await (const chunk of chunks) {
          const before = size;
          size += chunk.length;
          budget.countBytes(chunk.length, path);
          if (options.rejectArchiveContent && head.length < MAGIC_BYTES) {
            head = Buffer.concat([head, chunk.subarray(0, MAGIC_BYTES - head.length)]);
            const kind = archiveKindFromMagic(head);
            if (kind) throw nestedArchiveError(path, kind);
          }
          if (before < keep) yield size <= keep ? chunk : chunk.subarray(0, keep - before);
        }
      },
      createWriteStream(join(this.path, path), { flags: 'wx' }),
    );
    this.sizes.set(path, size);
  }

  /** The extracted files, with a single top-level folder holding everything (archives often have `model/…`) stripped. */
  contents(): StagedContents {
    const prefix = this.commonFolder();
    const strip = prefix === null ? 0 : prefix.length + 1;
    const files = [...this.sizes]
      .map(([path, sizeBytes]) => ({ path: path.slice(strip), sizeBytes }))
      .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    return { dir: prefix === null ? this.path : join(this.path, prefix), files };
  }

  /** Moves the contents to destDir and removes the staging dir. */
  async publish(destDir: string): Promise<void> {
    const { dir } = this.contents();
    await rename(dir, destDir);
    if (dir !== this.path) await rm(this.path, { recursive: true, force: true });
  }

  async discard(): Promise<void> {
    await rm(this.path, { recursive: true, force: true });
  }

  private commonFolder(): string | null {
    const topLevel = new Set([...this.kinds.keys()].map((path) => path.split('/', 1)[0] ?? path));
    const [only, ...others] = topLevel;
    if (only === undefined || others.length > 0) return null;
    return this.kinds.get(only) === 'folder' ? only : null;
  }

  private claim(path: string, kind: EntryKind): void {
    if (path === '') throw new ArtifactError('unsafe_path', 'The archive contains a file entry without a name.');
    const existing = this.kinds.get(path);
    if (existing === 'folder' && kind === 'folder') return;
    if (existing) {
      const what = existing === kind ? 'more than once' : 'both as a file and as a folder';
      throw new ArtifactError('duplicate_entry', `The archive contains '${path}' ${what}.`);
    }
    for (const parent of parentPaths(path)) {
      if (this.kinds.get(parent) === 'file') {
        throw new ArtifactError('duplicate_entry', `The archive contains '${parent}' both as a file and as a folder (of '${path}').`);
      }
      this.kinds.set(parent, 'folder');
    }
    this.kinds.set(path, kind);
  }
}
