import { readdir, readFile } from 'node:fs/promises';

/** Resident memory of a process and its descendants, sampled from /proc (Linux). */
export class TreeMemorySampler {
  private peak = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly rootPid: number) {}

  async sampleOnce(): Promise<number> {
    const pids = await this.tree();
    let total = 0;
    for (const pid of pids) total += await rssOf(pid);
    this.peak = Math.max(this.peak, total);
    return total;
  }

  start(intervalMs: number): void {
    this.peak = 0;
    const tick = () => {
      void this.sampleOnce().finally(() => {
        if (this.timer) this.timer = setTimeout(tick, intervalMs);
      });
    };
    this.timer = setTimeout(tick, 0);
  }

  /** Stops sampling and returns the peak seen, in bytes. */
  stop(): number {
    clearTimeout(this.timer);
    this.timer = undefined;
    return this.peak;
  }

  private async tree(): Promise<number[]> {
    const parents = new Map<number, number[]>();
    for (const entry of await readdir('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (!parents.has(ppid)) parents.set(ppid, []);
      parents.get(ppid)!.push(Number(entry));
    }
    const result = [this.rootPid];
    for (let i = 0; i < result.length; i++) result.push(...(parents.get(result[i]!) ?? []));
    return result;
  }
}

async function rssOf(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
  return kb ? Number(kb) * 1024 : 0;
}
