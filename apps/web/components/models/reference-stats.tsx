'use client';

import { Bar, BarChart, ResponsiveContainer, Tooltip, XAxis } from 'recharts';
import type { CategoricalColumnStats, ColumnStats, NumericColumnStats, ReferenceStats } from '@/lib/client/types';

const TOP_CATEGORIES = 5;

const formatNumber = (n: number) => (Number.isInteger(n) ? n.toLocaleString('en') : Number(n.toPrecision(4)).toLocaleString('en'));

/** Bin i holds the values in [edges[i], edges[i + 1]); a constant column has one edge and one bin. */
function histogramData({ edges = [], counts = [] }: Partial<NumericColumnStats['bins']>) {
  return counts.map((count, i) => {
    const from = edges[i] ?? 0;
    const to = edges[i + 1] ?? from;
    return { range: from === to ? formatNumber(from) : `${formatNumber(from)}–${formatNumber(to)}`, count };
  });
}

function NumericColumn({ name, stats }: { name: string; stats: NumericColumnStats }) {
  const data = histogramData(stats.bins ?? {});
  return (
    <>
      <figure aria-label={`Distribution of ${name}`} style={{ margin: 0, height: 72 }}>
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={data} margin={{ top: 4, right: 0, bottom: 0, left: 0 }} barCategoryGap={1}>
            <XAxis dataKey="range" hide />
            <Tooltip formatter={(value) => [value, 'rows']} />
            <Bar dataKey="count" fill="#6366f1" isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      </figure>
      <div className="cell-sub">
        min {formatNumber(stats.min)} · mean {formatNumber(stats.mean)} · max {formatNumber(stats.max)} · std {formatNumber(stats.std)}
      </div>
    </>
  );
}

function CategoricalColumn({ name, stats }: { name: string; stats: CategoricalColumnStats }) {
  const top = Object.entries(stats.frequencies ?? {})
    .sort(([, a], [, b]) => b - a)
    .slice(0, TOP_CATEGORIES);
  const total = Math.max(stats.count ?? 0, 1);
  return (
    <ul aria-label={`Most frequent values of ${name}`} className="stack" style={{ gap: 4, listStyle: 'none', margin: 0, padding: 0 }}>
      {top.map(([value, count]) => (
        <li key={value} className="row" style={{ justifyContent: 'space-between' }}>
          <span className="mono">{value === '__other__' ? 'other values' : value}</span>
          <span className="cell-sub">
            {count.toLocaleString('en')} ({Math.round((count / total) * 100)}%)
          </span>
        </li>
      ))}
    </ul>
  );
}

function Column({ name, stats }: { name: string; stats: ColumnStats }) {
  return (
    <div className="stack" style={{ gap: 6 }}>
      <div className="row" style={{ justifyContent: 'space-between' }}>
        <span className="mono cell-title">{name}</span>
        <span className="cell-sub">{stats.missing > 0 ? `${stats.missing.toLocaleString('en')} missing` : stats.kind}</span>
      </div>
      {stats.kind === 'numeric' ? <NumericColumn name={name} stats={stats} /> : <CategoricalColumn name={name} stats={stats} />}
    </div>
  );
}

/** A preview of the reference data per column: the baseline drift monitoring compares live traffic with. */
export function ReferenceStatsPreview({ stats }: { stats: ReferenceStats }) {
  const columns = Object.entries(stats.columns ?? {});
  return (
    <div className="stack">
      <p className="hint">
        {stats.truncated ? 'The first ' : ''}
        {stats.rows.toLocaleString('en')} rows, {columns.length} columns.
      </p>
      <div className="grid-2" style={{ gridTemplateColumns: 'repeat(auto-fill, minmax(220px, 1fr))' }}>
        {columns.map(([name, column]) => (
          <Column key={name} name={name} stats={column} />
        ))}
      </div>
    </div>
  );
}
