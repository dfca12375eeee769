import { createReadStream } from 'node:fs';
import { basename, extname } from 'node:path';
import { at, calibrateCategorical, calibrateNumeric, exactQuantile, type ColumnStats, type ReferenceStats } from '@slipway/core';
import { ArtifactError } from './errors';

const DEFAULT_MAX_ROWS = 100_000;
const TOP_CATEGORIES = 50;
const OTHER = '__other__';
const MAX_LINE_CHARS = 1024 ** 2;

type Malformed = (lineNumber: number, problem: string) => ArtifactError;

async function* readLines(filePath: string, malformed: Malformed): AsyncGenerator<[lineNumber: number, text: string]> {
  let pending = '';
  let lineNumber = 0;
  for await (const chunk of createReadStream(filePath, { encoding: 'utf8' }) as AsyncIterable<string>) {
    pending += chunk;
    let start = 0;
    let newline: number;
    while ((newline = pending.indexOf('\n', start)) !== -1) {
      yield [++lineNumber, pending.slice(start, newline).replace(/\r$/, '')];
      start = newline + 1;
    }
    pending = pending.slice(start);
    if (pending.length > MAX_LINE_CHARS) throw malformed(lineNumber + 1, `is longer than ${MAX_LINE_CHARS} characters`);
  }
  if (pending !== '') yield [++lineNumber, pending.replace(/\r$/, '')];
}

/** One CSV record on one line: comma-separated, fields optionally double-quoted with "" as an escaped quote. */
function parseCsvLine(line: string, lineNumber: number, malformed: Malformed): string[] {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let value = '';
      i++;
      for (;;) {
        const quote = line.indexOf('"', i);
        if (quote === -1) throw malformed(lineNumber, 'has an unterminated quoted field');
        value += line.slice(i, quote);
        i = quote + 1;
        if (line[i] !== '"') break;
        value += '"';
        i++;
      }
      fields.push(value);
      if (i === line.length) return fields;
      if (line[i] !== ',') throw malformed(lineNumber, 'has text after a closing quote');
      i++;
    } else {
      const comma = line.indexOf(',', i);
      if (comma === -1) {
        fields.push(line.slice(i));
        return fields;
      }
      fields.push(line.slice(i, comma));
      i = comma + 1;
    }
  }
}

/** Collects one column's values; it stays numeric until a non-numeric value arrives. */
class ColumnAccumulator {
  private count = 0;
  private numbers: number[] | null = [];
  /** Values in file order once the column turned categorical, for calibrating its drift threshold. */
  private readonly texts: string[] = [];
  private readonly frequencies = new Map<string, number>();

  constructor(readonly name: string) {}

  add(text: string, number: number | null): void {
    this.count++;
    if (this.numbers && number !== null) {
      this.numbers.push(number);
      return;
    }
    if (this.numbers) {
      // Values seen while the column looked numeric are counted in canonical form ('1.0' as '1').
      for (const n of this.numbers) this.bump(String(n));
      this.texts.push(...this.numbers.map(String));
      this.numbers = null;
    }
    this.bump(text);
  }

  finish(rows: number): ColumnStats {
    const base = { name: this.name, count: this.count, missing: rows - this.count };
    if (this.numbers && this.numbers.length > 0) {
      const sorted = Float64Array.from(this.numbers).sort();
      const calibration = calibrateNumeric(this.numbers);
      const percentiles = Array.from({ length: 101 }, (_, i) => exactQuantile(sorted, i / 100));
      return { ...base, kind: 'numeric', ...numericSummary(sorted), percentiles, ...(calibration && { calibration }) };
    }
    const frequencies = topFrequencies(this.frequencies);
    const calibration = calibrateCategorical(this.texts, { ...base, frequencies });
    return { ...base, kind: 'categorical', frequencies, ...(calibration && { calibration }) };
  }

  private bump(key: string): void {
    this.frequencies.set(key, (this.frequencies.get(key) ?? 0) + 1);
    if (!this.numbers) this.texts.push(key);
  }
}

/** Index of the first sorted value >= target. */
function lowerBound(sorted: Float64Array, target: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (at(sorted, mid) < target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The i-th decile, interpolating linearly between closest ranks (numpy's default); integer maths keeps 0.2 exact. */
function decile(sorted: Float64Array, i: number): number {
  const position = (sorted.length - 1) * i;
  const lo = Math.floor(position / 10);
  const fraction = (position % 10) / 10;
  const low = at(sorted, lo);
  return fraction === 0 ? low : low + fraction * (at(sorted, lo + 1) - low);
}

function numericSummary(sorted: Float64Array) {
  const n = sorted.length;
  const mean = sorted.reduce((sum, v) => sum + v, 0) / n;
  const variance = sorted.reduce((sum, v) => sum + (v - mean) ** 2, 0) / n;
  const edges: number[] = [];
  for (let i = 0; i <= 10; i++) {
    const edge = decile(sorted, i);
    if (edges.at(-1) !== edge) edges.push(edge);
  }
  const counts =
    edges.length === 1 ? [n] : edges.slice(1).map((upper, i) => (i === edges.length - 2 ? n : lowerBound(sorted, upper)) - lowerBound(sorted, at(edges, i)));
  return { min: at(sorted, 0), max: at(sorted, n - 1), mean, std: Math.sqrt(variance), bins: { edges, counts } };
}

function topFrequencies(frequencies: Map<string, number>): Record<string, number> {
  const ranked = [...frequencies].sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0));
  const top: Record<string, number> = Object.fromEntries(ranked.slice(0, TOP_CATEGORIES));
  const other = ranked.slice(TOP_CATEGORIES).reduce((sum, [, n]) => sum + n, 0);
  if (other > 0) top[OTHER] = (top[OTHER] ?? 0) + other;
  return top;
}

function csvCell(text: string): [text: string, number: number | null] | null {
  if (text.trim() === '') return null;
  const number = Number(text);
  return [text, Number.isFinite(number) ? number : null];
}

function jsonCell(value: unknown): [text: string, number: number | null] | null {
  if (value === null || value === undefined || value === '') return null;
  if (typeof value === 'number') return [String(value), value];
  return [typeof value === 'string' ? value : JSON.stringify(value), null];
}

/** Streams rows of a CSV file (with a header row) or JSON-lines file (one flat object per line) into columns. */
async function* readRows(
  filePath: string,
  format: ReferenceStats['format'],
  malformed: Malformed,
): AsyncGenerator<{ lineNumber: number; cells: Map<string, [string, number | null] | null> }> {
  let header: string[] | null = null;
  for await (const [lineNumber, line] of readLines(filePath, malformed)) {
    if (line.trim() === '') continue;
    if (format === 'jsonl') {
      let row: unknown;
      try {
        row = JSON.parse(line);
      } catch (error) {
        throw malformed(lineNumber, `is not valid JSON (${(error as Error).message})`);
      }
      if (row === null || typeof row !== 'object' || Array.isArray(row)) throw malformed(lineNumber, 'is not a JSON object');
      yield { lineNumber, cells: new Map(Object.entries(row).map(([key, value]) => [key, jsonCell(value)])) };
    } else if (header === null) {
      header = parseCsvLine(line.replace(/^\uFEFF/, ''), lineNumber, malformed);
      const duplicate = header.find((name, i) => header!.indexOf(name) !== i);
      if (duplicate !== undefined) throw malformed(lineNumber, `names column '${duplicate}' twice`);
    } else {
      const fields = parseCsvLine(line, lineNumber, malformed);
      if (fields.length !== header.length) throw malformed(lineNumber, `has ${fields.length} fields, but the header has ${header.length}`);
      yield { lineNumber, cells: new Map(header.map((name, i) => [name, csvCell(at(fields, i))])) };
    }
  }
  if (format === 'csv' && header === null) throw malformed(1, 'is missing: the file is empty, and a CSV needs a header row');
}

const FORMAT_BY_EXTENSION: Record<string, ReferenceStats['format']> = { '.csv': 'csv', '.jsonl': 'jsonl', '.ndjson': 'jsonl' };

/**
 * Per-column statistics of reference (training) data, the baseline for drift monitoring. Reads at most maxRows rows,
 * streaming; malformed input is an invalid_manifest error naming the line.
 */
export async function computeReferenceStats(filePath: string, options: { maxRows?: number } = {}): Promise<ReferenceStats> {
  const name = basename(filePath);
  const format = FORMAT_BY_EXTENSION[extname(filePath).toLowerCase()];
  if (!format) throw new ArtifactError('invalid_manifest', `Reference data '${name}' must be a .csv, .jsonl or .ndjson file.`);
  const malformed: Malformed = (lineNumber, problem) =>
    new ArtifactError('invalid_manifest', `Reference data '${name}' is malformed: line ${lineNumber} ${problem}.`);
  const maxRows = options.maxRows ?? DEFAULT_MAX_ROWS;
  const columns = new Map<string, ColumnAccumulator>();
  let rows = 0;
  let truncated = false;
  for await (const { cells } of readRows(filePath, format, malformed)) {
    if (rows === maxRows) {
      truncated = true;
      break;
    }
    rows++;
    for (const [column, cell] of cells) {
      let accumulator = columns.get(column);
      if (!accumulator) columns.set(column, (accumulator = new ColumnAccumulator(column)));
      if (cell) accumulator.add(...cell);
    }
  }
  return { format, rows, truncated, columns: [...columns.values()].map((c) => c.finish(rows)) };
}
