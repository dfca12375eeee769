import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { type CaptureRecord, hourOf } from '@slipway/core';
import type { Db } from '@slipway/db';
import type { BlobStore } from '@slipway/storage';
import { log } from '../log';

const gzipAsync = promisify(gzip);

export interface CaptureWriterOptions {
  /** A deployment-hour's lines are written once they reach this many bytes, or at the next timer tick. */
  batchBytes: number;
  flushMs: number;
  /** Lines waiting or being written, all deployments together; past it new records are dropped (and counted). */
  maxBufferedBytes: number;
}

interface Group {
  deploymentId: string;
  hour: number;
  lines: string[];
  bytes: number;
  firstAt: number;
  lastAt: number;
}

/**
 * Writes captured request/answer pairs to the blob store as gzip JSON Lines, one gzip member per batch and
 * deployment-hour, each recorded as a CaptureBatch row (an hour's members concatenated are one valid
 * `.jsonl.gz`). Memory is bounded by `maxBufferedBytes`: a slow store drops captures, never the gateway.
 */
export class CaptureWriter {
  private groups = new Map<string, Group>();
  private buffered = 0;
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  dropped = 0;
  written = 0;
  peakBufferedBytes = 0;

  constructor(
    private readonly deps: { db: Db; blobs: BlobStore },
    private readonly options: CaptureWriterOptions,
  ) {}

  add(deploymentId: string, record: CaptureRecord, at: number): void {
    const line = `${JSON.stringify(record)}\n`;
    const size = Buffer.byteLength(line);
    if (this.buffered + size > this.options.maxBufferedBytes) {
      this.dropped++;
      return;
    }
    const hour = hourOf(at);
    const key = `${deploymentId}/${hour}`;
    let group = this.groups.get(key);
    if (!group) this.groups.set(key, (group = { deploymentId, hour, lines: [], bytes: 0, firstAt: at, lastAt: at }));
    group.lines.push(line);
    group.bytes += size;
    group.lastAt = at;
    this.buffered += size;
    if (this.buffered > this.peakBufferedBytes) this.peakBufferedBytes = this.buffered;
    if (group.bytes >= this.options.batchBytes) this.writeGroups([key]);
  }

  get bufferedBytes(): number {
    return this.buffered;
  }

  start(): void {
    this.timer = setInterval(() => void this.flush(), this.options.flushMs);
    this.timer.unref();
  }

  /** Writes every group waiting; resolves when they (and earlier writes) are stored. Never rejects. */
  flush(): Promise<void> {
    return this.writeGroups([...this.groups.keys()]);
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  private writeGroups(keys: string[]): Promise<void> {
    const groups = keys.map((k) => this.groups.get(k)).filter((g): g is Group => g !== undefined);
    for (const key of keys) this.groups.delete(key);
    // Written one after the other: a burst never has more than the buffer's bytes in flight.
    for (const group of groups) this.writing = this.writing.then(() => this.write(group));
    return this.writing;
  }

  private async write(group: Group): Promise<void> {
    try {
      const compressed = await gzipAsync(group.lines.join(''));
      const staged = await this.deps.blobs.stage(Readable.from([compressed]));
      try {
        await this.deps.db.captureBatch.create({
          data: {
            deploymentId: group.deploymentId,
            hour: new Date(group.hour),
            digest: staged.digest,
            records: group.lines.length,
            bytes: staged.sizeBytes,
            firstAt: new Date(group.firstAt),
            lastAt: new Date(group.lastAt),
          },
        });
      } catch (error) {
        await staged.discard();
        throw error;
      }
      await staged.commit();
      this.written += group.lines.length;
    } catch (err) {
      this.dropped += group.lines.length;
      log.warn({ err, records: group.lines.length }, 'captures not written');
    } finally {
      this.buffered -= group.bytes;
    }
  }
}
