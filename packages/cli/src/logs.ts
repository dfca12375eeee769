import type { LogsOptions, ReplicaLogLine, SlipwayClient } from '@slipway/client';
import { InvalidArgumentError } from 'commander';
import { CliError, EXIT } from './exit';

const UNITS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `--since 15m`: the ISO time that long ago. */
export function sinceDuration(value: string, now = Date.now()): string {
  const match = /^(\d+)([smhd])$/.exec(value.trim());
  if (!match) throw new InvalidArgumentError('expected a duration such as 30s, 15m, 2h or 1d');
  return new Date(now - Number(match[1]) * UNITS[match[2]!]!).toISOString();
}

/** "12:03:04.120 3f2a9c1e err| Traceback …": time, replica (short id), stream when stderr, the line. */
export const formatLogLine = (line: ReplicaLogLine) =>
  `${line.time.slice(11, 23)} ${line.replicaId.slice(0, 8)} ${line.stream === 'stderr' ? 'err| ' : ''}${line.text}`;

/** Prints a deployment's replica logs; with `follow`, keeps printing new lines until interrupted. */
export async function printLogs(
  client: SlipwayClient,
  name: string,
  opts: { follow?: boolean; replica?: string; search?: string; since?: string; tail: number },
  log: (line: string) => void,
): Promise<void> {
  const options: LogsOptions = { search: opts.search, since: opts.since, tail: opts.tail, replica: await resolveReplica(client, name, opts.replica) };
  if (!opts.follow) {
    const { replicas, lines } = await client.logs(name, options);
    if (!replicas.length) log(`${name} has no replicas with logs yet: they appear once a replica starts.`);
    for (const line of lines) log(formatLogLine(line));
    return;
  }
  const stop = new AbortController();
  process.once('SIGINT', () => stop.abort());
  for await (const event of client.followLogs(name, options, stop.signal)) {
    if (event.kind === 'line') log(formatLogLine(event.line));
    else if (event.kind === 'failure') throw new CliError(`reading the logs failed: ${event.message}`, EXIT.error);
  }
}

/** A replica id from its prefix, among the deployment's replicas with logs. */
async function resolveReplica(client: SlipwayClient, name: string, prefix: string | undefined): Promise<string | undefined> {
  if (!prefix) return undefined;
  const { replicas } = await client.logs(name, { tail: 1 });
  const matches = replicas.filter((r) => r.id.startsWith(prefix.toLowerCase()));
  if (matches.length === 1) return matches[0]!.id;
  throw new CliError(
    matches.length
      ? `${prefix} matches ${matches.length} replicas: give more of the id`
      : `${name} has no replica ${prefix} (known: ${replicas.map((r) => r.id.slice(0, 8)).join(', ') || 'none'})`,
    EXIT.error,
  );
}
