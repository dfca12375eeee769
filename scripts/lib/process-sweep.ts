import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

// Processes found by a variable in their environment (Linux, /proc): what a test run or a platform
// started, wherever in the process tree it ended up (a replica leads its own process group and
// outlives the worker that started it; a SIGKILLed parent leaves its children to pid 1).

export interface ProcessInfo {
  pid: number;
  ppid: number;
  /** Process group id: equal to pid for a group leader (a replica, spawned detached). */
  pgid: number;
  command: string;
  env: ReadonlyMap<string, string>;
}

/** Reads `/proc`; null when the process is gone, a zombie (empty environ) or another user's. */
export function readProcess(pid: number, proc = '/proc'): ProcessInfo | null {
  try {
    const raw = readFileSync(`${proc}/${pid}/environ`, 'utf8');
    if (raw === '') return null;
    const env = new Map(
      raw
        .split('\0')
        .filter(Boolean)
        .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)] as const),
    );
    const stat = readFileSync(`${proc}/${pid}/stat`, 'utf8');
    // Fields after the command name in parentheses (which may itself hold spaces): state ppid pgrp …
    const [, ppid, pgid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const command = readFileSync(`${proc}/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
    return { pid, ppid: Number(ppid), pgid: Number(pgid), command, env };
  } catch {
    return null;
  }
}

export function listProcesses(proc = '/proc'): ProcessInfo[] {
  return readdirSync(proc)
    .filter((entry) => /^\d+$/.test(entry))
    .map((entry) => readProcess(Number(entry), proc))
    .filter((info): info is ProcessInfo => info !== null);
}

/** `pid` and every process above it among `processes`. */
export function lineage(pid: number, processes: readonly ProcessInfo[]): Set<number> {
  const parents = new Map(processes.map((p) => [p.pid, p.ppid]));
  const found = new Set<number>([pid]);
  for (let current = parents.get(pid); current !== undefined && parents.has(current) && !found.has(current); current = parents.get(current)) {
    found.add(current);
  }
  return found;
}

/** Processes whose environment has `name=value`, except the `exempt` ones. */
export function markedProcesses(processes: readonly ProcessInfo[], name: string, value: string, exempt: ReadonlySet<number> = new Set()): ProcessInfo[] {
  return processes.filter((p) => p.env.get(name) === value && !exempt.has(p.pid));
}

function signal(target: ProcessInfo, sig: NodeJS.Signals): void {
  try {
    // A group leader takes whatever it spawned along (a replica's children).
    process.kill(target.pgid === target.pid ? -target.pid : target.pid, sig);
  } catch {
    // Already gone.
  }
}

/** Still the same process: alive, not a zombie, and still carrying `name=value` (never a reused pid). */
function stillThere(target: ProcessInfo, name: string, value: string): boolean {
  return readProcess(target.pid)?.env.get(name) === value;
}

async function goneWithin(targets: readonly ProcessInfo[], name: string, value: string, timeoutMs: number): Promise<ProcessInfo[]> {
  const deadline = Date.now() + timeoutMs;
  let left = targets.filter((t) => stillThere(t, name, value));
  // Not our children: no exit event to await, so their /proc entries are polled.
  while (left.length > 0 && Date.now() < deadline) {
    await sleep(50);
    left = left.filter((t) => stillThere(t, name, value));
  }
  return left;
}

/**
 * SIGTERM (to the process group of a group leader), then SIGKILL to whatever is left after `graceMs`.
 * `name=value` is how each target is recognised while it is waited for.
 */
export async function stopMarked(targets: readonly ProcessInfo[], name: string, value: string, graceMs = 5_000): Promise<void> {
  for (const target of targets) signal(target, 'SIGTERM');
  const stubborn = await goneWithin(targets, name, value, graceMs);
  for (const target of stubborn) signal(target, 'SIGKILL');
  await goneWithin(stubborn, name, value, graceMs);
}
