import { createLogger } from '@slipway/log';

/**
 * The replica's logger: JSON lines by default, since its driver reads them (and shows them as the replica's log);
 * `LOG_FORMAT=pretty` for a replica run by hand. Through `process.stdout`, whose EPIPE is ignored in main.ts.
 */
export const logger = createLogger({ process: 'runtime', fallbackFormat: 'json', destination: process.stdout });

/** The `Log` the runners, warm-up and drift are given: a message and its fields. */
export function log(msg: string, fields: Record<string, unknown> = {}): void {
  logger.info(fields, msg);
}
