import type { Db } from '@slipway/db';
import type { RollupSource } from './rollups';

/**
 * Requests admitted per API key, counted in memory on the hot path and added to each key's `requestCount`
 * when the rollup timer flushes (one UPDATE per key used in the window, never one per request).
 */
export class KeyUsage implements RollupSource {
  private counts = new Map<string, number>();

  constructor(private readonly db: Pick<Db, '$executeRaw'>) {}

  count(keyId: string): void {
    // The internal token is no key row.
    if (keyId === 'internal') return;
    this.counts.set(keyId, (this.counts.get(keyId) ?? 0) + 1);
  }

  /** Writes the counts of the window that closes now; returns how many keys were updated. */
  async flush(): Promise<number> {
    if (this.counts.size === 0) return 0;
    const window = this.counts;
    this.counts = new Map();
    for (const [keyId, n] of window) {
      await this.db.$executeRaw`UPDATE "ApiKey" SET "requestCount" = "requestCount" + ${n} WHERE id = ${keyId}::uuid`;
    }
    return window.size;
  }
}
