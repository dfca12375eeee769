import { formatBytes } from '@slipway/core';
import { ArtifactError } from './errors';

export interface UnpackLimits {
  /** Sum of the decompressed sizes of all extracted files. */
  maxTotalBytes: number;
  /** Archive entries, folders included. */
  maxEntries: number;
  /** Decompressed bytes per compressed byte, per zip entry or over a whole gzip stream. */
  maxRatio: number;
}

export const DEFAULT_UNPACK_LIMITS: Readonly<UnpackLimits> = {
  maxTotalBytes: 20 * 1024 ** 3,
  maxEntries: 10_000,
  maxRatio: 200,
};

/**
 * Small inputs are allowed any ratio: tar headers and padding compress extremely well, and a bomb only matters
 * once it has produced a lot of output.
 */
const RATIO_FREE_BYTES = 1024 ** 2;

/** Counts entries and bytes as an archive is extracted, and throws as soon as a limit is crossed. */
export class UnpackBudget {
  readonly limits: UnpackLimits;
  private entries = 0;
  private totalBytes = 0;

  constructor(limits: Partial<UnpackLimits> = {}) {
    this.limits = { ...DEFAULT_UNPACK_LIMITS, ...limits };
    for (const [key, value] of Object.entries(this.limits)) {
      if (!(value > 0)) throw new RangeError(`unpack limit ${key} must be a positive number, got ${value}`);
    }
  }

  countEntries(count: number): void {
    this.entries += count;
    if (this.entries > this.limits.maxEntries) {
      throw new ArtifactError('too_large', `The archive has more than ${this.limits.maxEntries} entries, the most Slipway accepts.`);
    }
  }

  countBytes(bytes: number, entryName: string): void {
    this.totalBytes += bytes;
    if (this.totalBytes > this.limits.maxTotalBytes) {
      throw new ArtifactError(
        'too_large',
        `The artifact unpacks to more than ${formatBytes(this.limits.maxTotalBytes)} (limit reached while extracting '${entryName}').`,
      );
    }
  }

  checkRatio(decompressedBytes: number, compressedBytes: number, what: string): void {
    if (decompressedBytes <= RATIO_FREE_BYTES) return;
    const ratio = decompressedBytes / Math.max(compressedBytes, 1);
    if (ratio > this.limits.maxRatio) {
      throw new ArtifactError(
        'compression_ratio',
        `${what} decompresses more than ${this.limits.maxRatio} times its compressed size (${formatBytes(decompressedBytes)} from ${formatBytes(compressedBytes)}), which looks like a decompression bomb.`,
      );
    }
  }
}
