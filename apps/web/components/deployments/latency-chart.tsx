'use client';

import { useState } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatMs, formatTime } from '@/lib/client/format';
import { useLatency } from '@/lib/client/queries';
import type { LatencyPoint } from '@/lib/client/types';
import { EmptyState, QueryContent } from '../states';
import { WINDOWS, WindowSelect } from './window-select';
import { AXIS, GRID } from './chart-style';

const SERIES = [
  { key: 'p50', color: '#6366f1' },
  { key: 'p95', color: '#f59e0b' },
  { key: 'p99', color: '#ef4444' },
] as const;

function LatencySummary({ points, windowLabel }: { points: LatencyPoint[]; windowLabel: string }) {
  const latest = points.findLast((p) => p.count > 0)!;
  const requests = points.reduce((sum, p) => sum + p.count, 0);
  return (
    <dl className="meta">
      {SERIES.map(({ key }) => (
        <div key={key}>
          <dt>Latest {key}</dt>
          <dd>{latest[key] === null ? '—' : formatMs(latest[key])}</dd>
        </div>
      ))}
      <div>
        <dt>Requests, {windowLabel.toLowerCase()}</dt>
        <dd>{requests.toLocaleString('en')}</dd>
      </div>
    </dl>
  );
}

function Chart({ points }: { points: LatencyPoint[] }) {
  const data = points.map((p) => ({ ...p, time: formatTime(p.t) }));
  return (
    <figure className="chart" aria-label="Latency chart" style={{ margin: 0 }}>
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={data} margin={{ top: 8, right: 16, bottom: 0, left: 8 }}>
          <CartesianGrid {...GRID} />
          <XAxis dataKey="time" {...AXIS} minTickGap={40} />
          <YAxis {...AXIS} unit=" ms" width={64} />
          <Tooltip formatter={(value) => (typeof value === 'number' ? formatMs(value) : '—')} />
          <Legend iconType="plainline" />
          {SERIES.map(({ key, color }) => (
            <Line
              key={key}
              type="monotone"
              dataKey={key}
              name={key}
              stroke={color}
              strokeWidth={2}
              // Empty slots are gaps; a dot keeps a lone point between gaps visible.
              dot={{ r: 2 }}
              isAnimationActive={false}
            />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </figure>
  );
}

/** p50/p95/p99 from the gateway's rollups, refreshed every few seconds. */
export function LatencyCard({ deploymentName }: { deploymentName: string }) {
  const [minutes, setMinutes] = useState(60);
  const latency = useLatency(deploymentName, minutes);
  const windowLabel = WINDOWS.find((w) => w.minutes === minutes)!.label;
  return (
    <section className="card" aria-labelledby="latency-title">
      <div className="card-header">
        <div>
          <h2 id="latency-title">Latency</h2>
          <p>p50, p95 and p99 as measured at the gateway.</p>
        </div>
        <WindowSelect id="latency-window" label="Window" value={minutes} onChange={setMinutes} />
      </div>
      <QueryContent
        query={latency}
        loadingLabel="Loading latency…"
        isEmpty={(points) => points.every((p) => p.count === 0)}
        empty={
          <EmptyState compact title="No traffic yet — send a request with Try it">
            Latency percentiles show up here a few seconds after the first requests.
          </EmptyState>
        }
      >
        {(points) => (
          <div className="card-body stack">
            <LatencySummary points={points} windowLabel={windowLabel} />
            <Chart points={points} />
          </div>
        )}
      </QueryContent>
    </section>
  );
}
