import type { Db } from '@slipway/db';
import { log } from '../log';

export interface LedgerRow {
  deploymentId: string;
  requestId: string;
  variantId: string;
  label: string | null;
  value: number | null;
  confidence: number | null;
  answeredAt: Date;
}

/**
 * The predictions ledger's writer: the hot path only appends a row to an array; a timer writes them in one
 * multi-row insert per flush. At most `maxPending` rows wait (beyond that, rows are counted as dropped rather
 * than letting memory grow while the database is slow or away).
 */
export class LedgerWriter {
  private pending: LedgerRow[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  dropped = 0;
  written = 0;

  constructor(
    private readonly db: Db,
    private readonly options: { flushMs: number; maxPending: number },
  ) {}

  add(row: LedgerRow): void {
    if (this.pending.length >= this.options.maxPending) {
      this.dropped++;
      return;
    }
    this.pending.push(row);
  }

  start(): void {
    this.timer = setInterval(() => void this.flush(), this.options.flushMs);
    this.timer.unref();
  }

  /** Writes what is pending (after any flush already running); never rejects. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.write());
    return this.flushing;
  }

  private async write(): Promise<void> {
    if (this.pending.length === 0) return;
    const rows = this.pending;
    this.pending = [];
    try {
      for (let i = 0; i < rows.length; i += 5_000) {
        const { count } = await this.db.prediction.createMany({ data: rows.slice(i, i + 5_000), skipDuplicates: true });
        this.written += count;
      }
    } catch (err) {
      this.dropped += rows.length;
      log.warn({ err, rows: rows.length }, 'predictions ledger rows not written');
    }
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}
