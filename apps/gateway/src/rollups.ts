import type { Db } from '@slipway/db';
import { log } from './log';

/** Counters kept in memory and written as one rollup row per variant when their window closes. */
export interface RollupSource {
  flush(windowEnd?: Date): Promise<number>;
}

/** Flushes every source on one timer, closing their windows at the same instant, and once more on stop. */
export class RollupTimer {
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly sources: readonly RollupSource[]) {}

  start(intervalMs: number): void {
    this.timer = setInterval(() => void this.flush().catch((err) => log.error({ err }, 'rollup flush failed')), intervalMs);
    this.timer.unref();
  }

  flush(): Promise<number[]> {
    const windowEnd = new Date();
    return Promise.all(this.sources.map((s) => s.flush(windowEnd)));
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}

/** The rows whose variant still exists: one deleted meanwhile would fail the whole insert. */
export async function ofExistingVariants<T extends { variantId: string }>(db: Db, rows: T[]): Promise<T[]> {
  const existing = await db.variant.findMany({ where: { id: { in: rows.map((r) => r.variantId) } }, select: { id: true } });
  const ids = new Set(existing.map((v) => v.id));
  return rows.filter((r) => ids.has(r.variantId));
}
