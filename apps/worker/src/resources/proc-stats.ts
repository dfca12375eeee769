import { readFile } from 'node:fs/promises';

/**
 * Clock ticks per second in /proc: USER_HZ, fixed at 100 by the Linux ABI on every architecture Node runs on
 * (the kernel's own HZ may differ; /proc converts).
 */
const USER_HZ = 100;

/** One reading of a process's counters: CPU seconds spent, and seconds since it started (both from /proc). */
export interface ProcessReading {
  cpuSeconds: number;
  aliveSeconds: number;
  rssBytes: number;
}

/**
 * CPU seconds (user + system) and start time (seconds after boot) from /proc/<pid>/stat. The command name
 * (field 2) may hold spaces and parentheses, so fields are counted from the last ')'.
 */
export function parseProcStat(text: string): { cpuSeconds: number; startedAfterBootSeconds: number } {
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // After the name: state is field 3, so field n is at index n - 3 (utime 14, stime 15, starttime 22).
  const [utime, stime, starttime] = [fields[11], fields[12], fields[19]].map(Number);
  if (![utime, stime, starttime].every((n) => Number.isFinite(n))) throw new Error(`unreadable /proc stat line: ${text.slice(0, 80)}`);
  return { cpuSeconds: (utime! + stime!) / USER_HZ, startedAfterBootSeconds: starttime! / USER_HZ };
}

/** Resident set size from /proc/<pid>/status (`VmRSS:   12345 kB`); null when absent (a zombie, a kernel thread). */
export function parseVmRss(status: string): number | null {
  const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
  return match ? Number(match[1]) * 1024 : null;
}

/** Seconds since boot from /proc/uptime. */
export function parseUptime(text: string): number {
  const seconds = Number(text.split(' ')[0]);
  if (!Number.isFinite(seconds)) throw new Error(`unreadable /proc/uptime: ${text.slice(0, 40)}`);
  return seconds;
}

/**
 * CPU as a percentage of one core between two readings of the same process (100 = one core busy throughout);
 * with no earlier reading, the average since the process started.
 */
export function cpuPercent(current: ProcessReading, previous: ProcessReading | undefined): number {
  const cpu = current.cpuSeconds - (previous?.cpuSeconds ?? 0);
  const elapsed = current.aliveSeconds - (previous?.aliveSeconds ?? 0);
  return elapsed > 0 ? Math.max(0, (cpu / elapsed) * 100) : 0;
}

/** Reads a live process's counters from /proc (Linux); null once it is gone. */
export async function readProcess(pid: number): Promise<ProcessReading | null> {
  try {
    const [stat, status, uptime] = await Promise.all([
      readFile(`/proc/${pid}/stat`, 'utf8'),
      readFile(`/proc/${pid}/status`, 'utf8'),
      readFile('/proc/uptime', 'utf8'),
    ]);
    const { cpuSeconds, startedAfterBootSeconds } = parseProcStat(stat);
    const rssBytes = parseVmRss(status);
    if (rssBytes === null) return null;
    return { cpuSeconds, aliveSeconds: parseUptime(uptime) - startedAfterBootSeconds, rssBytes };
  } catch {
    return null;
  }
}
