import type { LogCollapsingLowestDenseDDSketch } from '@datadog/sketches-js';
import { InvariantError } from '../invariant';

type Mapping = LogCollapsingLowestDenseDDSketch['mapping'];

/** The bit patterns of positive normal float32 values: the table covers these; the rest go the slow way. */
export const FLOAT32_MIN_NORMAL_BITS = 0x0080_0000;
export const FLOAT32_INFINITY_BITS = 0x7f80_0000;
/** 2^CELL_SHIFT bit patterns per table cell: the exponent and the top 6 mantissa bits name a cell (a 130 KB table). */
const CELL_SHIFT = 17;
const CELLS = FLOAT32_INFINITY_BITS >>> CELL_SHIFT;

/**
 * The sketch mapping's key of a positive float32, by table lookup on its bits instead of a logarithm: equal to
 * `mapping.key(value)` for every positive normal float32, without computing a logarithm.
 *
 * The bits of positive floats order like their values, so a cell of 2^17 consecutive patterns spans at most 1.6 % of
 * relative width, less than the 2 % of one key at 1 % accuracy: a cell holds at most one key boundary. Each cell's
 * lower key and its boundary are found once, with the mapping's own `key` (binary search within the cell), so the table
 * agrees with the library by construction wherever `key` is monotonic, as a logarithm is.
 */
export class Float32Keys {
  /**
   * Per cell, side by side (one cache line holds both): its lower key, then the first bit pattern of the cell whose key
   * is one more (beyond the cell when none is). Bit patterns stay below 2^31, so Int32 holds them.
   */
  private readonly table = new Int32Array(2 * CELLS);

  constructor(mapping: Mapping) {
    const scratch = new Float32Array(1);
    const scratchBits = new Uint32Array(scratch.buffer);
    const keyOf = (bits: number) => {
      scratchBits[0] = bits;
      return mapping.key(scratch[0]!);
    };
    for (let cell = FLOAT32_MIN_NORMAL_BITS >>> CELL_SHIFT; cell < CELLS; cell++) {
      const first = cell << CELL_SHIFT;
      const last = first + (1 << CELL_SHIFT) - 1;
      const key = keyOf(first);
      this.table[2 * cell] = key;
      const lastKey = keyOf(last);
      if (lastKey > key + 1) throw new InvariantError(`float32 key cell ${cell} spans ${lastKey - key + 1} keys`);
      if (lastKey === key) {
        this.table[2 * cell + 1] = last + 1;
        continue;
      }
      let lo = first + 1;
      let hi = last;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (keyOf(mid) > key) hi = mid;
        else lo = mid + 1;
      }
      this.table[2 * cell + 1] = lo;
    }
  }

  /** The key of the positive normal float32 whose bit pattern is `bits` (FLOAT32_MIN_NORMAL_BITS ≤ bits < FLOAT32_INFINITY_BITS). */
  key(bits: number): number {
    const at = (bits >>> CELL_SHIFT) << 1;
    return this.table[at]! + (bits >= this.table[at + 1]! ? 1 : 0);
  }
}
