import type { ModelSignature } from '@slipway/core';
import { describe, expect, it } from 'vitest';
import { DriftCollector, MAX_TRACKED_COLUMNS, type WindowSink } from './drift-collector';

const signature: ModelSignature = {
  inputs: [
    { name: 'features', dtype: 'float32', shape: [null, 2] },
    { name: 'city', dtype: 'string', shape: [null] },
  ],
  outputs: [
    { name: 'probabilities', dtype: 'float32', shape: [null, 2] },
    { name: 'label', dtype: 'int64', shape: [null] },
  ],
};

function collector(featureNames?: string[]) {
  const windows: Parameters<WindowSink>[0][] = [];
  const c = new DriftCollector({ signature, featureNames, windowMs: 60_000, sink: async (w) => void windows.push(w) });
  return { c, windows };
}

const request = (rows: number[][], cities: string[]) => ({
  features: { dtype: 'float32' as const, shape: [rows.length, 2], data: Float32Array.from(rows.flat()) },
  city: { dtype: 'string' as const, shape: [cities.length], data: cities },
});
const answer = (probabilities: number[][], labels: number[]) => ({
  probabilities: { dtype: 'float32' as const, shape: [probabilities.length, 2], data: Float32Array.from(probabilities.flat()) },
  label: { dtype: 'int64' as const, shape: [labels.length], data: BigInt64Array.from(labels.map(BigInt)) },
});

describe('drift collector', () => {
  it('sketches each input column (named from the manifest) and each output per window', async () => {
    const { c, windows } = collector(['age', 'income']);
    c.observe(
      request(
        [
          [30, 1000],
          [50, NaN],
        ],
        ['Ljubljana', 'Maribor'],
      ),
      answer(
        [
          [0.25, 0.75],
          [0.5, 0.5],
        ],
        [1, 0],
      ),
    );
    c.observe(request([[40, 3000]], ['Ljubljana']), answer([[1, 0]], [0]));
    await c.flush();
    expect(c.secondsSpent).toBeGreaterThan(0);
    expect(windows).toHaveLength(1);
    const byName = Object.fromEntries(windows[0]!.features.map((f) => [f.name, f]));
    expect(Object.keys(byName).sort()).toEqual(['age', 'city', 'income', 'label', 'probabilities[0]', 'probabilities[1]']);
    expect(byName.age).toMatchObject({ role: 'input', sketch: { kind: 'numeric', count: 3, missing: 0, sum: 120, min: 30, max: 50 } });
    expect(byName.income).toMatchObject({ sketch: { kind: 'numeric', count: 2, missing: 1, sum: 4000 } });
    expect(byName.city).toMatchObject({ role: 'input', sketch: { kind: 'categorical', count: 3, counts: { Ljubljana: 2, Maribor: 1 } } });
    expect(byName.label).toMatchObject({ role: 'output', sketch: { kind: 'categorical', counts: { '0': 2, '1': 1 } } });
    expect(byName['probabilities[1]']).toMatchObject({ role: 'output', sketch: { kind: 'numeric', count: 3, sum: 1.25 } });
  });

  it('starts every window empty and sends nothing for a window without requests', async () => {
    const { c, windows } = collector();
    c.observe(request([[1, 2]], ['x']), answer([[0, 1]], [1]));
    await c.flush();
    await c.flush();
    c.observe(request([[3, 4]], ['y']), answer([[0, 1]], [1]));
    await c.stop();
    expect(windows).toHaveLength(2);
    // Without manifest names the columns are named by tensor and index.
    expect(windows[1]!.features.find((f) => f.name === 'features[0]')?.sketch).toMatchObject({ count: 1, sum: 3 });
    expect(windows[0]!.windowEnd).toBeLessThanOrEqual(windows[1]!.windowStart);
  });

  it('leaves out tensors too wide to be tabular features', async () => {
    const wide: ModelSignature = { inputs: [{ name: 'pixels', dtype: 'float32', shape: [null, MAX_TRACKED_COLUMNS + 1] }], outputs: [] };
    const windows: Parameters<WindowSink>[0][] = [];
    const c = new DriftCollector({ signature: wide, windowMs: 60_000, sink: async (w) => void windows.push(w) });
    c.observe({ pixels: { dtype: 'float32', shape: [1, MAX_TRACKED_COLUMNS + 1], data: new Float32Array(MAX_TRACKED_COLUMNS + 1) } }, {});
    await c.flush();
    expect(windows).toEqual([]);
  });

  it('drops a window the sink refuses and keeps collecting', async () => {
    const errors: unknown[] = [];
    const sent: number[] = [];
    let fail = true;
    const c = new DriftCollector({
      signature,
      windowMs: 60_000,
      sink: async (w) => {
        if (fail) throw new Error('redis down');
        sent.push(w.features.length);
      },
      onError: (e) => errors.push(e),
    });
    c.observe(request([[1, 2]], ['x']), answer([[0, 1]], [1]));
    await c.flush();
    fail = false;
    c.observe(request([[1, 2]], ['x']), answer([[0, 1]], [1]));
    await c.flush();
    expect(errors).toHaveLength(1);
    expect(sent).toEqual([6]);
  });
});
