/**
 * One log pipeline for every kind of replica: what a replica printed on stdout or stderr, one line a record,
 * with when it was read and from which stream. Written by the driver that runs the replica (a bounded file per
 * replica on the local driver), read back by the console and the CLI. The record format is defined here, once.
 */

export type LogStream = 'stdout' | 'stderr';

/** One printed line as kept: `t` when the platform read it (ISO 8601), `s` the stream, `l` the line (redacted). */
export interface ReplicaLogRecord {
  t: string;
  s: LogStream;
  l: string;
}

/** One line as the reader sees it: which replica printed it, and the text a person reads. */
export interface ReplicaLogLine {
  replicaId: string;
  time: string;
  stream: LogStream;
  text: string;
}

/** Longest line kept: a replica that prints a megabyte without a newline keeps its first part, marked cut. */
export const MAX_LOG_LINE_CHARS = 8_192;
export const REDACTED = '[redacted]';
/** How long a stopped replica's last lines stay readable (the worker prunes its logs after that). */
export const REPLICA_LOG_RETENTION_MS = 6 * 60 * 60_000;

export function encodeLogRecord(record: ReplicaLogRecord): string {
  return `${JSON.stringify(record)}\n`;
}

/** A kept record, or undefined for a torn or foreign line (a file cut mid-write, or rotated under the reader). */
export function parseLogRecord(raw: string): ReplicaLogRecord | undefined {
  if (!raw.startsWith('{')) return undefined;
  try {
    const value = JSON.parse(raw) as Partial<ReplicaLogRecord>;
    if (typeof value.t !== 'string' || typeof value.l !== 'string' || (value.s !== 'stdout' && value.s !== 'stderr')) return undefined;
    return { t: value.t, s: value.s, l: value.l };
  } catch {
    return undefined;
  }
}

/** Cuts an over-long line, saying so. */
export function boundLine(line: string): string {
  return line.length <= MAX_LOG_LINE_CHARS ? line : `${line.slice(0, MAX_LOG_LINE_CHARS)}… [cut, ${line.length} characters]`;
}

/** Credentials that look like one whatever process printed them: bearer tokens, passwords and keys in key=value or JSON. */
const SECRET_PATTERNS: RegExp[] = [
  /(authorization["']?\s*[:=]\s*["']?(?:bearer|basic)\s+)[^\s"',}]+/gi,
  /(bearer\s+)[A-Za-z0-9._~+/=-]{8,}/gi,
  /((?:password|passwd|secret|token|api[_-]?key|access[_-]?key)["']?\s*[:=]\s*["']?)[^\s"',}&]+/gi,
  /(\b[a-z][a-z0-9+.-]*:\/\/[^:/\s@]+:)[^@\s/]+(@)/gi,
];

/**
 * Makes the redaction every line goes through before it is written: the given secrets (a replica's token, a
 * service's secret values) wherever they appear, and anything shaped like a credential. Short values (under 6
 * characters) are not searched for, since they would mask ordinary words.
 */
export function makeRedactor(secrets: readonly string[] = []): (line: string) => string {
  const known = [...new Set(secrets.filter((s) => s.length >= 6))].sort((a, b) => b.length - a.length);
  return (line) => {
    let out = line;
    for (const secret of known) out = out.split(secret).join(REDACTED);
    for (const pattern of SECRET_PATTERNS) {
      out = out.replace(pattern, (_match, head: string, tail?: string) => `${head}${REDACTED}${typeof tail === 'string' ? tail : ''}`);
    }
    return out;
  };
}

/**
 * The text a person reads for a kept line. The runtime logs JSON records (pino); a predictor's or service's own
 * print arrives wrapped as `{"msg":"python","stream":…,"line":…}` and is shown as printed. Other records become
 * `msg key=value…`; anything else is shown as is.
 */
export function presentLogText(raw: string): string {
  if (!raw.startsWith('{')) return raw;
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(raw) as Record<string, unknown>;
  } catch {
    return raw;
  }
  if (typeof record.line === 'string' && typeof record.msg === 'string' && 'stream' in record) return record.line;
  if (typeof record.msg !== 'string') return raw;
  const { msg, level, time, pid, hostname, process: _process, ...fields } = record;
  const label = typeof level === 'number' && level >= 50 ? 'ERROR ' : typeof level === 'number' && level >= 40 ? 'WARN ' : '';
  const rest = Object.entries(fields).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
  return [`${label}${msg}`, ...rest].join(' ');
}

/** Which lines a reader asked for. `since` and `search` filter; `tail` keeps the newest N of what is left. */
export interface LogQuery {
  since?: Date;
  search?: string;
  tail?: number;
}

/** Whether one line passes the query's filters (not the tail, which counts across all lines). */
export function matchesLogQuery(line: ReplicaLogLine, query: Pick<LogQuery, 'since' | 'search'>): boolean {
  if (query.since && Date.parse(line.time) < query.since.getTime()) return false;
  if (query.search && !line.text.toLowerCase().includes(query.search.toLowerCase())) return false;
  return true;
}

/** Merges lines of several replicas by time (stable within a replica), filters, and keeps the last `tail`. */
export function selectLogLines(perReplica: readonly (readonly ReplicaLogLine[])[], query: LogQuery): ReplicaLogLine[] {
  const merged = perReplica
    .flatMap((lines) => lines.map((line, index) => ({ line, index })))
    .filter(({ line }) => matchesLogQuery(line, query))
    .sort((a, b) => a.line.time.localeCompare(b.line.time) || a.line.replicaId.localeCompare(b.line.replicaId) || a.index - b.index)
    .map(({ line }) => line);
  return query.tail !== undefined ? merged.slice(Math.max(0, merged.length - query.tail)) : merged;
}

/** The stream a line was printed on: a predictor's stderr arrives on the runtime's stdout, wrapped with its own stream. */
function printedStream(record: ReplicaLogRecord): LogStream {
  if (!record.l.startsWith('{"') || !record.l.includes('"stream":"stderr"')) return record.s;
  try {
    const wrapped = JSON.parse(record.l) as { stream?: unknown; line?: unknown };
    return wrapped.stream === 'stderr' && typeof wrapped.line === 'string' ? 'stderr' : record.s;
  } catch {
    return record.s;
  }
}

/** A kept record as the reader sees it. */
export function toLogLine(replicaId: string, record: ReplicaLogRecord): ReplicaLogLine {
  return { replicaId, time: record.t, stream: printedStream(record), text: presentLogText(record.l) };
}

/**
 * Where a driver's captured output is read from: the local driver's files (the data directory), or the pod log API.
 * `follow` gives everything kept so far (`initial`), then what was added since each `next()`.
 */
export interface ReplicaLogSource {
  read(replicaId: string): Promise<ReplicaLogRecord[]>;
  follow(replicaId: string): Promise<{ initial: ReplicaLogRecord[]; next(): Promise<ReplicaLogRecord[]> }>;
}

/**
 * One line of the pod log API with `timestamps=true` ("2026-12-07T10:00:00.123456789Z text"), as a record. The API
 * merges a container's stdout and stderr into one stream, so every line is filed as stdout.
 */
export function parsePodLogLine(raw: string): ReplicaLogRecord | undefined {
  const space = raw.indexOf(' ');
  const stamp = space < 0 ? raw : raw.slice(0, space);
  const time = Date.parse(stamp);
  if (Number.isNaN(time)) return undefined;
  return { t: new Date(time).toISOString(), s: 'stdout', l: space < 0 ? '' : raw.slice(space + 1) };
}

/** A replica whose logs can be read (GET /deployments/{name}/logs): running, or stopped within the log retention. */
export interface LogReplica {
  id: string;
  variant: string;
  versionLabel: number;
  state: string;
  reason: string | null;
  startedAt: string;
  /** When it stopped or failed; null while it runs. */
  endedAt: string | null;
}
