import type { Feeds, ModelRunner, Outputs } from '../runner';

/**
 * Several runners of one model behind the one seam: a Python model's replica with `concurrency` processes (slipway.yaml),
 * each running one batch at a time. A batch goes to the runner with the fewest in flight, and `concurrency` tells the
 * batcher how many batches may run at once.
 */
export class RunnerPool implements ModelRunner {
  private readonly inFlight: number[];

  private constructor(private readonly runners: readonly ModelRunner[]) {
    this.inFlight = runners.map(() => 0);
  }

  /** `size` runners loaded side by side (one alone is returned as is); if any fails, the others are closed. */
  static async load(size: number, loadOne: () => Promise<ModelRunner>): Promise<ModelRunner> {
    if (size <= 1) return loadOne();
    const settled = await Promise.allSettled(Array.from({ length: size }, () => loadOne()));
    const loaded = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    const failure = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failure) {
      await Promise.all(loaded.map((runner) => runner.close()));
      throw failure.reason;
    }
    return new RunnerPool(loaded);
  }

  get signature() {
    return this.runners[0]!.signature;
  }

  get platform() {
    return this.runners[0]!.platform;
  }

  get concurrency(): number {
    return this.runners.length;
  }

  async run(feeds: Feeds): Promise<Outputs> {
    const index = this.inFlight.indexOf(Math.min(...this.inFlight));
    this.inFlight[index]!++;
    try {
      return await this.runners[index]!.run(feeds);
    } finally {
      this.inFlight[index]!--;
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.runners.map((runner) => runner.close()));
  }
}
