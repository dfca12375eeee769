/**
 * Time-series rows merged into coarser windows as they age, so stored rows grow with days rather than with
 * flushes: drift minutes into hours, latency flush windows into minutes, and so on. This module only decides
 * which rows merge into which window; the caller merges their contents and swaps them in one transaction.
 */
/** Rows read per pass: a backlog is worked off over several passes rather than in one long transaction. */
export const COMPACTION_BATCH_ROWS = 5_000;

export interface CompactionStep {
  /** Rows merge once their coarse window ended at least this long ago. */
  afterMs: number;
  /** The coarse window's length (windows are aligned to multiples of it since the epoch). */
  toMs: number;
}

interface Windowed {
  windowStart: Date;
  windowEnd: Date;
}

/** Rows starting before this moment are old enough for `step`: whole coarse windows that ended `afterMs` ago. */
export function compactionCutoff(now: number, step: CompactionStep): number {
  return Math.floor((now - step.afterMs) / step.toMs) * step.toMs;
}

/**
 * Groups rows into the coarse windows they merge into, by `key` (a variant, a feature) and the coarse window their
 * start falls in. Rows longer than the coarse window stay as they are (they are already coarser), and so does a
 * coarse window that is already one coarse row. A row that straddles a boundary merges into the window it starts in.
 */
export function compactionGroups<Row extends Windowed>(
  rows: readonly Row[],
  step: CompactionStep,
  key: (row: Row) => string,
): { start: number; rows: Row[] }[] {
  const groups = new Map<string, { start: number; rows: Row[] }>();
  for (const row of rows) {
    if (row.windowEnd.getTime() - row.windowStart.getTime() > step.toMs) continue;
    const start = Math.floor(row.windowStart.getTime() / step.toMs) * step.toMs;
    const id = `${key(row)}|${start}`;
    const group = groups.get(id);
    if (group) group.rows.push(row);
    else groups.set(id, { start, rows: [row] });
  }
  return [...groups.values()].filter(({ start, rows: [first, ...rest] }) => {
    const alreadyCoarse = rest.length === 0 && first!.windowStart.getTime() === start && first!.windowEnd.getTime() === start + step.toMs;
    return !alreadyCoarse;
  });
}
