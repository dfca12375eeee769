'use client';

import { useState } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { DEFAULT_SCALING_MINUTES, useDeploymentScaling } from '@/lib/client/queries';
import type { Deployment, ScalingSample, VariantScaling } from '@/lib/client/types';
import { EmptyState, QueryContent } from '../states';
import { WindowSelect, type TimeWindow } from './window-select';
import { AXIS, clock, GRID, TIME_AXIS } from './chart-style';

/**
 * A sample every 5 s per variant, and the API returns the newest 2,000: about 2¾ hours. Longer windows
 * would show only their end, so they are not offered.
 */
const SCALING_WINDOWS: TimeWindow[] = [
  { minutes: 5, label: 'Last 5 minutes' },
  { minutes: 15, label: 'Last 15 minutes' },
  { minutes: 60, label: 'Last hour' },
  { minutes: 120, label: 'Last 2 hours' },
];
const SERIES = {
  desired: { name: 'Desired replicas', color: '#6366f1' },
  ready: { name: 'Ready replicas', color: '#10b981' },
  inFlight: { name: 'In flight (average)', color: '#f59e0b' },
} as const;

const formatLoad = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(1));

function ScalingSummary({ samples, desiredNow }: { samples: ScalingSample[]; desiredNow: number }) {
  const latest = samples.at(-1);
  const peak = Math.max(...samples.map((s) => s.desired));
  const busiest = Math.max(...samples.map((s) => s.inFlight));
  return (
    <dl className="meta">
      <div>
        <dt>Desired now</dt>
        <dd>{desiredNow === 0 ? '0 (asleep)' : desiredNow}</dd>
      </div>
      <div>
        <dt>Ready at the last sample</dt>
        <dd>{latest?.ready ?? '—'}</dd>
      </div>
      <div>
        <dt>In flight at the last sample</dt>
        <dd>{latest ? formatLoad(latest.inFlight) : '—'}</dd>
      </div>
      <div>
        <dt>Most replicas in the window</dt>
        <dd>{peak}</dd>
      </div>
      <div>
        <dt>Most in flight in the window</dt>
        <dd>{formatLoad(busiest)}</dd>
      </div>
    </dl>
  );
}

function Chart({ label, samples, maxReplicas }: { label: string; samples: ScalingSample[]; maxReplicas: number }) {
  // On a time axis: a wake or a restart of the worker spaces samples unevenly.
  const data = samples.map((s) => ({ ...s, at: Date.parse(s.t) }));
  const top = Math.max(maxReplicas, ...samples.map((s) => Math.max(s.desired, s.ready)));
  // A lone sample draws no line: show it as a dot until the next one arrives.
  const dot = samples.length < 3 ? { r: 3 } : false;
  return (
    <figure className="chart" aria-label={label} style={{ margin: 0 }}>
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: 8 }}>
          <CartesianGrid {...GRID} />
          <XAxis {...TIME_AXIS} />
          <YAxis
            yAxisId="replicas"
            {...AXIS}
            allowDecimals={false}
            domain={[0, top]}
            width={48}
            label={{ value: 'replicas', angle: -90, position: 'insideLeft', fontSize: 12, fill: 'rgba(113, 113, 122, 0.9)' }}
          />
          <YAxis
            yAxisId="load"
            orientation="right"
            {...AXIS}
            width={56}
            label={{ value: 'in flight', angle: 90, position: 'insideRight', fontSize: 12, fill: 'rgba(113, 113, 122, 0.9)' }}
          />
          <Tooltip
            labelFormatter={(at) => (typeof at === 'number' ? clock(at) : '')}
            formatter={(value, name) => (typeof value === 'number' ? (name === SERIES.inFlight.name ? formatLoad(value) : value) : '—')}
          />
          <Legend iconType="plainline" />
          <ReferenceLine
            yAxisId="replicas"
            y={maxReplicas}
            stroke="rgba(113, 113, 122, 0.7)"
            strokeDasharray="2 4"
            label={{ value: `max ${maxReplicas}`, position: 'insideTopLeft', fontSize: 11, fill: 'rgba(113, 113, 122, 0.9)' }}
          />
          {(['desired', 'ready'] as const).map((key) => (
            <Line
              key={key}
              yAxisId="replicas"
              type="stepAfter"
              dataKey={key}
              name={SERIES[key].name}
              stroke={SERIES[key].color}
              strokeWidth={key === 'desired' ? 3 : 2}
              strokeDasharray={key === 'ready' ? '5 3' : undefined}
              dot={dot}
              isAnimationActive={false}
            />
          ))}
          <Line
            yAxisId="load"
            type="linear"
            dataKey="inFlight"
            name={SERIES.inFlight.name}
            stroke={SERIES.inFlight.color}
            strokeWidth={1.5}
            dot={dot}
            isAnimationActive={false}
          />
        </LineChart>
      </ResponsiveContainer>
    </figure>
  );
}

function VariantReplicas({ deployment, scaling, multiple }: { deployment: Deployment; scaling: VariantScaling; multiple: boolean }) {
  const running = deployment.variants.find((v) => v.id === scaling.id);
  const who = `${scaling.name}${running ? ` v${running.version.label}` : ''}`;
  const desired = running?.replicas ?? scaling.desiredReplicas;
  return (
    <section className="stack" aria-label={`Replicas over time of ${who}`} style={{ gap: 12 }}>
      {(multiple || desired === 0) && (
        <div className="row">
          {multiple && <h3>{who}</h3>}
          {desired === 0 && (
            <span className="badge" data-tone="blue">
              Asleep (scaled to zero): the next request wakes it
            </span>
          )}
        </div>
      )}
      {scaling.samples.length === 0 ? (
        <EmptyState compact title="No samples in this window yet">
          The autoscaler records desired and ready replicas and the load every 5 seconds once the revision is live.
        </EmptyState>
      ) : (
        <>
          <ScalingSummary samples={scaling.samples} desiredNow={desired} />
          <Chart
            label={`Replicas and load of ${who} over time`}
            samples={scaling.samples}
            maxReplicas={scaling.boundsNow?.max ?? scaling.autoscaling?.maxReplicas ?? desired}
          />
        </>
      )}
    </section>
  );
}

/** Desired and ready replicas as steps, with the load they follow, per autoscaled variant. */
export function ReplicasOverTimeCard({ deployment }: { deployment: Deployment }) {
  const [minutes, setMinutes] = useState(DEFAULT_SCALING_MINUTES);
  const scaling = useDeploymentScaling(deployment.name, minutes);
  return (
    <section className="card" aria-labelledby="replicas-over-time-title">
      <div className="card-header">
        <div>
          <h2 id="replicas-over-time-title">Replicas over time</h2>
          <p>Desired and ready replicas of each autoscaled variant, next to the requests in flight they follow.</p>
        </div>
        <WindowSelect id="scaling-window" label="Scaling window" value={minutes} onChange={setMinutes} windows={SCALING_WINDOWS} />
      </div>
      <QueryContent
        query={scaling}
        loadingLabel="Loading replicas over time…"
        isEmpty={(loaded) => loaded.variants.every((v) => v.autoscaling === null)}
        empty={
          <EmptyState compact title="Turn on autoscaling to see replicas follow the load">
            Choose Autoscale in the Scaling card above; the autoscaler then records desired and ready replicas and the load every 5 seconds.
          </EmptyState>
        }
      >
        {(loaded) => {
          const autoscaled = loaded.variants.filter((v) => v.autoscaling !== null);
          return (
            <div className="card-body stack">
              {autoscaled.map((v) => (
                <VariantReplicas key={v.id} deployment={deployment} scaling={v} multiple={autoscaled.length > 1} />
              ))}
            </div>
          );
        }}
      </QueryContent>
    </section>
  );
}
