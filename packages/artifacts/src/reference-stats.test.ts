import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { referenceStatsSchema } from '@slipway/core';
import { computeReferenceStats } from './reference-stats';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'slipway-reference-test-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function statsOf(name: string, content: string, options?: { maxRows?: number }) {
  const path = join(dir, name);
  await writeFile(path, content);
  return computeReferenceStats(path, options);
}

describe('computeReferenceStats', () => {
  it('bins numeric columns at deciles and counts categories', async () => {
    const rows = Array.from({ length: 11 }, (_, i) => `${i},${['red', 'blue', 'red'][i % 3]},"x, ""quoted""",7`);
    rows[3] = '3,,"x, ""quoted""",7';
    const stats = await statsOf('small.csv', `\uFEFFx,colour,note,constant\r\n${rows.join('\r\n')}\r\n`);
    expect(referenceStatsSchema.parse(stats)).toEqual(stats);
    expect(stats).toMatchObject({ format: 'csv', rows: 11, truncated: false });
    const [x, colour, note, constant] = stats.columns;
    expect(x).toEqual({
      name: 'x',
      kind: 'numeric',
      count: 11,
      missing: 0,
      min: 0,
      max: 10,
      mean: 5,
      std: Math.sqrt(10),
      bins: { edges: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10], counts: [1, 1, 1, 1, 1, 1, 1, 1, 1, 2] },
      percentiles: Array.from({ length: 101 }, (_, i) => expect.closeTo(i / 10, 9)),
    });
    expect(colour).toEqual({ name: 'colour', kind: 'categorical', count: 10, missing: 1, frequencies: { red: 6, blue: 4 } });
    expect(note).toMatchObject({ kind: 'categorical', frequencies: { 'x, "quoted"': 11 } });
    expect(constant).toMatchObject({ kind: 'numeric', bins: { edges: [7], counts: [11] } });
  });

  it("calibrates each column's drift threshold on ten chunks of the reference", async () => {
    const rows = Array.from({ length: 200 }, (_, i) => `${(i * 37) % 101},${['red', 'blue'][i % 2]}`);
    const stats = await statsOf('calibrated.csv', `x,colour\n${rows.join('\n')}\n`);
    const [x, colour] = stats.columns;
    expect(x).toMatchObject({ calibration: { chunkRows: 20, mean: expect.any(Number), std: expect.any(Number) } });
    // Each chunk of 20 alternates red and blue exactly as the whole does: no divergence at all.
    expect(colour).toMatchObject({ calibration: { chunkRows: 20, mean: 0, std: 0 } });
    expect((x as { calibration: { mean: number } }).calibration.mean).toBeGreaterThan(0);
  });

  it('deduplicates edges of skewed columns', async () => {
    const values = [...Array(8).fill(0), 5, 10];
    const stats = await statsOf('skewed.csv', `v\n${values.join('\n')}\n`);
    expect(stats.columns[0]).toMatchObject({ bins: { edges: [0, 1, 5.5, 10], counts: [8, 1, 1] } });
  });

  it('keeps the top 50 categories and sums the rest as __other__', async () => {
    const values = Array.from({ length: 60 }, (_, i) => `c${String(i).padStart(2, '0')}`);
    const stats = await statsOf('many.csv', `cat\n${[...values, 'c59', 'c59'].join('\n')}\n`);
    const { frequencies } = stats.columns[0] as { frequencies: Record<string, number> };
    expect(Object.keys(frequencies)).toHaveLength(51);
    expect(frequencies.c59).toBe(3);
    expect(frequencies.__other__).toBe(10);
  });

  it('turns a column categorical at its first non-number', async () => {
    const stats = await statsOf('mixed.csv', 'v\n1\n2.0\n1\nabc\n');
    expect(stats.columns[0]).toMatchObject({ kind: 'categorical', count: 4, frequencies: { '1': 2, '2': 1, abc: 1 } });
  });

  it('reads JSON lines, counting absent keys as missing', async () => {
    const lines = ['{"a": 1, "b": "x"}', '', '{"a": 3, "c": true}', '{"a": null, "b": "y"}'];
    const stats = await statsOf('ref.jsonl', lines.join('\n'));
    expect(stats).toMatchObject({ format: 'jsonl', rows: 3 });
    expect(stats.columns).toEqual([
      expect.objectContaining({ name: 'a', kind: 'numeric', count: 2, missing: 1, mean: 2 }),
      expect.objectContaining({ name: 'b', kind: 'categorical', count: 2, missing: 1, frequencies: { x: 1, y: 1 } }),
      expect.objectContaining({ name: 'c', kind: 'categorical', count: 1, missing: 2, frequencies: { true: 1 } }),
    ]);
  });

  it('stops after maxRows', async () => {
    const stats = await statsOf('long.ndjson', Array.from({ length: 10 }, (_, i) => JSON.stringify({ i })).join('\n'), { maxRows: 4 });
    expect(stats).toMatchObject({ rows: 4, truncated: true, columns: [{ name: 'i', max: 3 }] });
  });

  it.each([
    ['ragged.csv', 'a,b\n1,2\n3\n', /line 3 has 1 fields, but the header has 2/],
    ['quote.csv', 'a,b\n"1,2\n', /line 2 has an unterminated quoted field/],
    ['dup.csv', 'a,a\n1,2\n', /line 1 names column 'a' twice/],
    ['empty.csv', '', /the file is empty/],
    ['bad.jsonl', '{"a": 1}\n{"a": \n', /line 2 is not valid JSON/],
    ['array.jsonl', '[1, 2]\n', /line 1 is not a JSON object/],
    ['data.parquet', 'PAR1', /must be a \.csv, \.jsonl or \.ndjson file/],
  ])('rejects %s as invalid_manifest', async (name, content, message) => {
    await expect(statsOf(name, content)).rejects.toMatchObject({ code: 'invalid_manifest', status: 422, message: expect.stringMatching(message) });
  });
});
