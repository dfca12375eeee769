import { processTree, rssBytes } from './processes';

/** Resident memory of a process and its descendants, sampled from /proc; remembers the peak. */
export class TreeMemorySampler {
  private peak = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly rootPid: number) {}

  async sampleOnce(): Promise<number> {
    let total = 0;
    for (const pid of await processTree(this.rootPid)) total += await rssBytes(pid);
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

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** The highest total seen since `start`, in bytes. */
  peakBytes(): number {
    return this.peak;
  }
}
