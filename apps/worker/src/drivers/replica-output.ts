import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { boundLine, type LogStream, makeRedactor } from '@slipway/core';
import { DEFAULT_REPLICA_LOG_CAP_BYTES, ReplicaLogWriter } from '@slipway/storage';

export interface ReplicaOutputOptions {
  /** `<dataDir>/replica-logs` (replicaLogDir); null keeps nothing (only `onLine` sees the lines). */
  dir: string | null;
  /** Values never written: the replica's token, a service's secret values. Credential-shaped text is masked too. */
  secrets?: readonly string[];
  /** A redaction that runs first (a service's secrets shown by name: `[secret NAME]`). */
  redactFirst?: (line: string) => string;
  /** Per file of the rotated pair. */
  capBytes?: number;
  /** Every line, after redaction: the driver watches for the listening line and keeps a tail for its errors. */
  onLine?: (stream: LogStream, line: string) => void;
  onError?: (error: Error) => void;
}

/**
 * The one log pipeline for a replica process, whatever it runs (the ONNX or Python runtime, a service): each line
 * of the child's stdout and stderr is redacted, cut if over-long, timestamped and appended to the replica's bounded
 * file. Resolves `done` once both streams ended and every line is on disk.
 */
export function captureReplicaOutput(child: ChildProcess, replicaId: string, options: ReplicaOutputOptions): { done: Promise<void> } {
  const writer = options.dir === null ? null : new ReplicaLogWriter(options.dir, replicaId, options.capBytes ?? DEFAULT_REPLICA_LOG_CAP_BYTES, options.onError);
  const redact = makeRedactor(options.secrets);
  const ended = (['stdout', 'stderr'] as const).map((stream) => {
    const input = child[stream];
    if (!input) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
      lines.on('line', (raw) => {
        const line = boundLine(redact(options.redactFirst ? options.redactFirst(raw) : raw));
        writer?.write(stream, line);
        options.onLine?.(stream, line);
      });
      lines.once('close', resolve);
    });
  });
  return { done: Promise.all(ended).then(() => writer?.close()) };
}
