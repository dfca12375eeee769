import { LogCollapsingLowestDenseDDSketch } from '@datadog/sketches-js';
import { describe, expect, it } from 'vitest';
import { FLOAT32_INFINITY_BITS, FLOAT32_MIN_NORMAL_BITS, Float32Keys } from './float32-keys';
import { uniform } from './seeded-streams';
import { BIN_LIMIT, NumericSketch, RELATIVE_ACCURACY } from './sketch';

const mapping = new LogCollapsingLowestDenseDDSketch({ relativeAccuracy: RELATIVE_ACCURACY }).mapping;
const keys = new Float32Keys(mapping);
const scratch = new Float32Array(1);
const scratchBits = new Uint32Array(scratch.buffer);

function bitsOf(value: number): number {
  scratch[0] = value;
  return scratchBits[0]!;
}

function float32At(bits: number): number {
  scratchBits[0] = bits;
  return scratch[0]!;
}

describe('float32 key table', () => {
  it("gives the library mapping's key at, just below and just above every key boundary from 1e-30 to 1e30", () => {
    // Key k covers (γ^(k-1), γ^k]: its upper boundary is 2^(k / multiplier) in the mapping's own terms.
    const multiplier = Math.log2(mapping.gamma);
    let checked = 0;
    for (let k = mapping.key(1e-30); k <= mapping.key(1e30); k++) {
      const boundary = bitsOf(2 ** (k * multiplier));
      for (let bits = boundary - 2; bits <= boundary + 2; bits++) {
        expect(keys.key(bits), `${float32At(bits)}`).toBe(mapping.key(float32At(bits)));
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(30_000);
  });

  it("gives the library mapping's key for 200,000 random positive normal float32 values across the whole range", () => {
    const next = uniform(11);
    for (let i = 0; i < 200_000; i++) {
      const bits = FLOAT32_MIN_NORMAL_BITS + Math.floor(next() * (FLOAT32_INFINITY_BITS - FLOAT32_MIN_NORMAL_BITS));
      const expected = mapping.key(float32At(bits));
      if (keys.key(bits) !== expected) expect(keys.key(bits), `${float32At(bits)}`).toBe(expected);
    }
  });
});

describe('float32 columns', () => {
  it('sketch a column of a row-major float32 tensor exactly as adding its values one by one does', () => {
    const next = uniform(5);
    const width = 3;
    const rows = 20_000;
    const values = new Float32Array(rows * width);
    const special = [Number.NaN, Infinity, -Infinity, 0, -0, 1e-42, -3e-40, 3.4e12, -1.2e-38];
    for (let i = 0; i < values.length; i++) {
      // Twelve decades on both signs (enough to collapse the lowest bins), and now and then a special value.
      values[i] = i % 97 === 0 ? special[(i / 97) % special.length]! : Math.sign(next() - 0.5) * 10 ** (next() * 24 - 12);
    }
    for (let column = 0; column < width; column++) {
      const fast = new NumericSketch();
      const oneByOne = new NumericSketch();
      // In two calls, as two requests would be sketched into one window.
      const half = values.subarray(0, (rows / 2) * width);
      fast.addFloat32Column(half, new Uint32Array(half.buffer, half.byteOffset, half.length), column, width);
      const rest = values.subarray((rows / 2) * width);
      fast.addFloat32Column(rest, new Uint32Array(rest.buffer, rest.byteOffset, rest.length), column, width);
      oneByOne.addColumn(values, column, width);
      expect(fast.toJSON()).toEqual(oneByOne.toJSON());
      // The case covered what it should: missing values, and bins collapsed at the limit.
      expect(fast.missing).toBeGreaterThan(0);
      expect(fast.toJSON().positive.length).toBeGreaterThan(BIN_LIMIT * 0.9);
    }
  });
});
