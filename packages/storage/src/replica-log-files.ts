import { open, readdir, readFile, rename, rm, stat, appendFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { encodeLogRecord, type LogStream, parseLogRecord, type ReplicaLogRecord } from '@slipway/core';

/**
 * The local driver's replica logs: one bounded file per replica under `<dataDir>/replica-logs`, as a rotated pair
 * (`<id>.log`, and `<id>.log.1` holding the previous part), so a replica keeps between one and two caps of its
 * newest output. Written by the worker that runs the replica, read by the web (same data directory).
 */
export const REPLICA_LOG_DIR = 'replica-logs';
/** Per file of the pair: a replica keeps at most twice this. */
export const DEFAULT_REPLICA_LOG_CAP_BYTES = 1024 * 1024;

const REPLICA_ID = /^[0-9a-f-]{36}$/;

export function replicaLogDir(dataDir: string): string {
  return path.join(dataDir, REPLICA_LOG_DIR);
}

/** The current file and the rotated one; throws on an id that is not a replica id (never a path). */
export function replicaLogPaths(dir: string, replicaId: string): { current: string; previous: string } {
  if (!REPLICA_ID.test(replicaId)) throw new Error(`not a replica id: ${replicaId}`);
  const current = path.join(dir, `${replicaId}.log`);
  return { current, previous: `${current}.1` };
}

/**
 * Appends records to one replica's file, rotating it past the cap. Writes are queued and flushed in order, off
 * the caller's path: a chatty replica never blocks the worker. `close()` resolves once everything is written.
 */
export class ReplicaLogWriter {
  private pending = '';
  private flushing: Promise<void> = Promise.resolve();
  private size = -1;
  private readonly paths: { current: string; previous: string };

  constructor(
    private readonly dir: string,
    replicaId: string,
    private readonly capBytes = DEFAULT_REPLICA_LOG_CAP_BYTES,
    private readonly onError: (error: Error) => void = () => {},
  ) {
    this.paths = replicaLogPaths(dir, replicaId);
  }

  write(stream: LogStream, line: string, at = new Date()): void {
    const record: ReplicaLogRecord = { t: at.toISOString(), s: stream, l: line };
    const scheduled = this.pending === '';
    this.pending += encodeLogRecord(record);
    if (scheduled) this.flushing = this.flushing.then(() => this.flush());
  }

  /** Resolves once every line written so far is on disk. */
  close(): Promise<void> {
    return this.flushing;
  }

  private async flush(): Promise<void> {
    const chunk = this.pending;
    this.pending = '';
    if (chunk === '') return;
    try {
      if (this.size < 0) {
        await mkdir(this.dir, { recursive: true });
        this.size = await stat(this.paths.current).then(
          (s) => s.size,
          () => 0,
        );
      }
      if (this.size > 0 && this.size + Buffer.byteLength(chunk) > this.capBytes) {
        await rename(this.paths.current, this.paths.previous);
        this.size = 0;
      }
      await appendFile(this.paths.current, chunk);
      this.size += Buffer.byteLength(chunk);
    } catch (error) {
      this.onError(error as Error);
    }
  }
}

/** Every record kept for a replica, oldest first (the rotated part, then the current one); none when nothing was kept. */
export async function readReplicaLog(dir: string, replicaId: string): Promise<ReplicaLogRecord[]> {
  const { current, previous } = replicaLogPaths(dir, replicaId);
  const parts = await Promise.all([previous, current].map((file) => readFile(file, 'utf8').catch(() => '')));
  return parseRecords(parts.join(''));
}

/** The rotated part alone (older lines), for a reader that follows the current part with a ReplicaLogTail from its start. */
export async function readRotatedReplicaLog(dir: string, replicaId: string): Promise<ReplicaLogRecord[]> {
  return parseRecords(await readFile(replicaLogPaths(dir, replicaId).previous, 'utf8').catch(() => ''));
}

function parseRecords(text: string): ReplicaLogRecord[] {
  const records: ReplicaLogRecord[] = [];
  for (const raw of text.split('\n')) {
    const record = parseLogRecord(raw);
    if (record) records.push(record);
  }
  return records;
}

/**
 * Reads what a replica's file gained since the last call: follows a live replica. Starts at the file's start, or
 * at its end as of `start()`; after a rotation it reads the new file from its start.
 */
export class ReplicaLogTail {
  private offset = 0;
  private carry = '';
  private readonly current: string;

  constructor(dir: string, replicaId: string) {
    this.current = replicaLogPaths(dir, replicaId).current;
  }

  async start(): Promise<void> {
    this.offset = await stat(this.current).then(
      (s) => s.size,
      () => 0,
    );
  }

  async next(): Promise<ReplicaLogRecord[]> {
    const size = await stat(this.current).then(
      (s) => s.size,
      () => 0,
    );
    if (size < this.offset) {
      // Rotated: the new file holds only lines written since.
      this.offset = 0;
      this.carry = '';
    }
    if (size === this.offset) return [];
    const handle = await open(this.current, 'r');
    try {
      const buffer = Buffer.alloc(size - this.offset);
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, this.offset);
      this.offset += bytesRead;
      const text = this.carry + buffer.subarray(0, bytesRead).toString('utf8');
      const cut = text.lastIndexOf('\n');
      this.carry = text.slice(cut + 1);
      return parseRecords(text.slice(0, cut + 1));
    } finally {
      await handle.close();
    }
  }
}

/**
 * Deletes the logs of replicas that `keep` does not claim and that were last written before `olderThan`:
 * a stopped replica's last lines stay readable for that long. Returns the replica ids whose logs went.
 */
export async function pruneReplicaLogs(dir: string, olderThan: Date, keep: (replicaIds: string[]) => Promise<Set<string>>): Promise<string[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const ids = [...new Set(names.map((n) => n.replace(/\.log(\.1)?$/, '')).filter((id) => REPLICA_ID.test(id)))];
  const kept = await keep(ids);
  const pruned: string[] = [];
  for (const id of ids) {
    if (kept.has(id)) continue;
    const { current, previous } = replicaLogPaths(dir, id);
    const written = await stat(current).then(
      (s) => s.mtimeMs,
      () =>
        stat(previous).then(
          (s) => s.mtimeMs,
          () => 0,
        ),
    );
    if (written >= olderThan.getTime()) continue;
    await Promise.all([current, previous].map((file) => rm(file, { force: true })));
    pruned.push(id);
  }
  return pruned;
}
