import { readdirSync, readFileSync } from 'node:fs';

// Processes of the platform the journeys run, found through /proc (Linux).

/** Environment of a process, or null when it is gone or not ours to read. */
function environOf(pid: string): Map<string, string> | null {
  try {
    const raw = readFileSync(`/proc/${pid}/environ`, 'utf8');
    return new Map(
      raw
        .split('\0')
        .filter(Boolean)
        .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
    );
  } catch {
    return null;
  }
}

const pids = () => readdirSync('/proc').filter((p) => /^\d+$/.test(p));

/** The pid of a replica process, found by the id the local driver gives it. */
export function replicaPid(replicaId: string): number {
  const pid = pids().find((p) => environOf(p)?.get('SLIPWAY_REPLICA_ID') === replicaId);
  if (!pid) throw new Error(`no process for replica ${replicaId}`);
  return Number(pid);
}

export function runningReplicaIds(): string[] {
  return pids()
    .map((p) => environOf(p)?.get('SLIPWAY_REPLICA_ID'))
    .filter((id): id is string => !!id);
}

/** The pid of this test run's worker (the platform started by global-setup, under its supervisor). */
export function platformPid(app: 'worker'): number {
  const prefix = process.env.SLIPWAY_PREFIX;
  const pid = pids().find((p) => {
    try {
      return readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(`apps/${app}/dist/main.js`) && environOf(p)?.get('SLIPWAY_PREFIX') === prefix;
    } catch {
      return false;
    }
  });
  if (!pid) throw new Error(`no ${app} process with prefix ${prefix}`);
  return Number(pid);
}
