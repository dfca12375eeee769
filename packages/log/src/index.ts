import type { Writable } from 'node:stream';
import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import pretty from 'pino-pretty';

export type { Logger } from 'pino';

/** `pretty`: one readable line per record (a terminal, `npm start`); `json`: one JSON object per line (collectors). */
export type LogFormat = 'pretty' | 'json';

export interface LoggerSettings {
  /** The platform process writing: `gateway`, `worker`, `web`, `runtime`, `supervisor`… (the `process` field). */
  process: string;
  /** pino level name; default `LOG_LEVEL` or `info`. */
  level?: string;
  /** Default: `LOG_FORMAT` (`json` or `pretty`), else `fallbackFormat`. */
  format?: LogFormat;
  /** The format when neither `format` nor `LOG_FORMAT` says: `pretty` for people, `json` for a process whose output is read by another. */
  fallbackFormat?: LogFormat;
  /** Fields on every record, e.g. `{ deploymentId, variant, replicaId }`. */
  bindings?: Record<string, unknown>;
  /** Where records go; default stdout, written synchronously so a crash loses no line. */
  destination?: DestinationStream | Writable;
  env?: NodeJS.ProcessEnv;
}

export function logFormat(env: NodeJS.ProcessEnv, fallback: LogFormat = 'pretty'): LogFormat {
  const value = env.LOG_FORMAT?.toLowerCase();
  return value === 'json' || value === 'pretty' ? value : fallback;
}

/**
 * The one logger of every Slipway process: pino, with `level`, `time` (ISO), `process`, `pid` and the given
 * bindings on each record. Secrets never reach it by design, and the usual header and field names are redacted.
 */
export function createLogger(settings: LoggerSettings): Logger {
  const env = settings.env ?? process.env;
  const options: LoggerOptions = {
    level: settings.level ?? env.LOG_LEVEL ?? 'info',
    base: { process: settings.process, pid: process.pid, ...settings.bindings },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACTED, censor: '[redacted]' },
  };
  const destination = settings.destination ?? pino.destination({ dest: 1, sync: true });
  if (logFormat(env, settings.fallbackFormat) === 'json') return pino(options, destination);
  const stream = pretty({
    destination: destination as Writable,
    sync: true,
    colorize: false,
    singleLine: true,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname,process',
  });
  return pino(options, stream);
}

const REDACTED = [
  'authorization',
  'password',
  'token',
  '*.authorization',
  '*.password',
  '*.token',
  'headers.authorization',
  'headers["x-slipway-replica-token"]',
];
