'use client';

import Link from 'next/link';
import { type ReactNode, useState } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatBytes, formatMs, formatTime } from '@/lib/client/format';
import { liveReplicaIds, noTrafficReason, splitByLiveness, TOTAL_COLOR, variantColor } from '@/lib/client/performance-series';
import { useDeployment, useDeploymentPerformance } from '@/lib/client/queries';
import type { Deployment, DeploymentPerformance, PerformanceWindow, TrafficPoint } from '@/lib/client/types';
import { PageHeader } from '../page-header';
import { EmptyState, QueryContent } from '../states';
import { WINDOWS, WindowSelect } from './window-select';
import { AXIS, clock, GRID, TIME_AXIS } from './chart-style';

/** The window picker speaks minutes; the API names windows. */
const WINDOW_OF_MINUTES: Record<number, PerformanceWindow> = { 5: '5m', 15: '15m', 60: '1h', 360: '6h', 1440: '24h' };
const PERCENTILES = [
  { key: 'p50', color: '#6366f1' },
  { key: 'p95', color: '#f59e0b' },
  { key: 'p99', color: '#ef4444' },
] as const;

const percent = (share: number | null) => (share === null ? '—' : `${(share * 100).toFixed(share > 0 && share < 0.01 ? 2 : 1)} %`);
const perSecond = (n: number) => (n >= 10 ? n.toFixed(0) : n > 0 && n < 0.01 ? '< 0.01' : n.toFixed(2));

interface Series {
  key: string;
  name: string;
  color: string;
  dashed?: boolean;
  step?: boolean;
}

type Row = { at: number } & Record<string, number | null>;

/** One time chart in the look of the deployment page's: time axis, gaps where a slot has nothing. */
function TimeChart(props: {
  label: string;
  rows: Row[];
  series: Series[];
  format: (v: number) => string;
  yWidth?: number;
  allowDecimals?: boolean;
  markers?: { at: number; label: string }[];
}) {
  // A lone point between gaps draws no line: dots keep it visible.
  return (
    <figure className="chart" aria-label={props.label} style={{ margin: 0 }}>
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={props.rows} margin={{ top: 8, right: 16, bottom: 0, left: 8 }}>
          <CartesianGrid {...GRID} />
          <XAxis {...TIME_AXIS} />
          <YAxis {...AXIS} width={props.yWidth ?? 64} tickFormatter={props.format} allowDecimals={props.allowDecimals} />
          <Tooltip
            labelFormatter={(at) => (typeof at === 'number' ? clock(at) : '')}
            formatter={(value) => (typeof value === 'number' ? props.format(value) : '—')}
          />
          <Legend iconType="plainline" />
          {props.markers?.map((m) => (
            <ReferenceLine
              key={`${m.at}-${m.label}`}
              x={m.at}
              stroke="#ef4444"
              strokeDasharray="4 3"
              label={{ value: m.label, position: 'insideTopRight', fontSize: 11, fill: '#ef4444' }}
            />
          ))}
          {props.series.map((s) => (
            <Line
              key={s.key}
              type={s.step ? 'stepAfter' : 'monotone'}
              dataKey={s.key}
              name={s.name}
              stroke={s.color}
              strokeWidth={2}
              strokeDasharray={s.dashed ? '5 3' : undefined}
              dot={{ r: 2 }}
              isAnimationActive={false}
            />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </figure>
  );
}

function Card({ id, title, description, children }: { id: string; title: string; description: string; children: ReactNode }) {
  return (
    <section className="card" aria-labelledby={id}>
      <div className="card-header">
        <div>
          <h2 id={id}>{title}</h2>
          <p>{description}</p>
        </div>
      </div>
      <div className="card-body stack">{children}</div>
    </section>
  );
}

const variantLabel = (v: { name: string; versionLabel: number }) => `${v.name} v${v.versionLabel}`;

/** Rows of one chart: a value per series key per slot. */
function rowsOf(times: string[], columns: { key: string; values: (number | null)[] }[]): Row[] {
  return times.map((t, i) => {
    const row: Row = { at: Date.parse(t) };
    for (const c of columns) row[c.key] = c.values[i] ?? null;
    return row;
  });
}

function Summary({ report }: { report: DeploymentPerformance }) {
  const { summary } = report;
  const items: [string, string][] = [
    ['Requests', summary.requests.toLocaleString('en')],
    ['Average req/s', perSecond(summary.rps)],
    ['4xx error rate', percent(summary.clientErrorRate)],
    ['5xx error rate', percent(summary.serverErrorRate)],
    ['p99', summary.p99 === null ? '—' : formatMs(summary.p99)],
    ['Replica restarts', String(summary.restarts)],
  ];
  return (
    <dl className="meta" aria-label="Summary of the window">
      {items.map(([term, value]) => (
        <div key={term}>
          <dt>{term}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

function Traffic({ report }: { report: DeploymentPerformance }) {
  const times = report.total.map((p) => p.t);
  const many = report.byVariant.length > 1;
  const variantColumns = (pick: (p: TrafficPoint) => number | null) =>
    report.byVariant.map((v) => ({ key: v.variantId, values: v.points.map((p) => (p.requests > 0 ? pick(p) : null)) }));
  const variantSeries = report.byVariant.map((v, i) => ({ key: v.variantId, name: variantLabel(v), color: variantColor(i) }));
  const rps = rowsOf(times, [{ key: 'total', values: report.total.map((p) => p.rps) }, ...(many ? variantColumns((p) => p.rps) : [])]);
  const errors = rowsOf(times, [
    { key: 'clientErrorRate', values: report.total.map((p) => p.clientErrorRate) },
    { key: 'serverErrorRate', values: report.total.map((p) => p.serverErrorRate) },
  ]);
  return (
    <>
      <Card id="rps-title" title="Requests per second" description="Answered through the gateway, per slot of the window.">
        <TimeChart
          label="Requests per second"
          rows={rps}
          format={perSecond}
          series={[
            { key: 'total', name: many ? 'All variants' : 'Requests/s', color: many ? TOTAL_COLOR : variantColor(0), dashed: many },
            ...(many ? variantSeries : []),
          ]}
        />
      </Card>
      <Card id="errors-title" title="Error rate" description="Share of requests answered 4xx (the caller's mistake) and 5xx (the model or a replica failed).">
        <TimeChart
          label="Error rate"
          rows={errors}
          format={(v) => percent(v)}
          series={[
            { key: 'clientErrorRate', name: '4xx', color: '#f59e0b' },
            { key: 'serverErrorRate', name: '5xx', color: '#ef4444' },
          ]}
        />
      </Card>
      <Card id="percentiles-title" title="Latency per variant" description="p50, p95 and p99 at the gateway, for each variant and version.">
        {report.byVariant
          .filter((v) => v.points.some((p) => p.requests > 0))
          .map((v) => (
            <section key={v.variantId} className="stack" style={{ gap: 8 }} aria-label={`Latency of ${variantLabel(v)}`}>
              {many && <h3>{variantLabel(v)}</h3>}
              <TimeChart
                label={`Latency percentiles of ${variantLabel(v)}`}
                rows={rowsOf(
                  times,
                  PERCENTILES.map(({ key }) => ({ key, values: v.points.map((p) => p[key]) })),
                )}
                format={formatMs}
                yWidth={72}
                series={PERCENTILES.map(({ key, color }) => ({ key, name: key, color }))}
              />
            </section>
          ))}
      </Card>
    </>
  );
}

function Replicas({ report }: { report: DeploymentPerformance }) {
  const times = report.replicas.map((p) => p.t);
  const rows = rowsOf(times, [
    { key: 'total', values: report.replicas.map((p) => p.total) },
    ...report.variants.map((v) => ({ key: v.id, values: report.replicas.map((p) => p.byVariant[v.id] ?? 0) })),
  ]);
  const nameOf = new Map(report.variants.map((v) => [v.id, variantLabel(v)]));
  // On the slot holding it: the axis ends at the last slot's start, and a line beyond it would not be drawn.
  const slotMs = report.window.bucketSeconds * 1000;
  const slotOf = (ms: number) => Math.floor(ms / slotMs) * slotMs;
  return (
    <Card
      id="replicas-title"
      title="Replicas over time"
      description="Replicas running at the end of each slot; red lines mark replicas that failed (exited or stopped answering) and were replaced."
    >
      <TimeChart
        label="Replicas over time"
        rows={rows}
        format={(v) => String(v)}
        yWidth={40}
        allowDecimals={false}
        markers={report.restarts.map((r) => ({ at: slotOf(Date.parse(r.at)), label: 'restart' }))}
        series={[
          { key: 'total', name: 'All replicas', color: report.variants.length > 1 ? TOTAL_COLOR : variantColor(0), step: true },
          ...(report.variants.length > 1
            ? report.variants.map((v, i) => ({ key: v.id, name: variantLabel(v), color: variantColor(i), step: true, dashed: true }))
            : []),
        ]}
      />
      {report.restarts.length > 0 && (
        <ul className="stack" aria-label="Replica restarts" style={{ gap: 4, margin: 0, paddingLeft: 20 }}>
          {report.restarts.map((r) => (
            <li key={r.replicaId}>
              {formatTime(r.at)} · {nameOf.get(r.variantId)} · replica {r.replicaId.slice(0, 8)} {r.reason ?? 'failed'}
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}

type ReplicaResources = DeploymentPerformance['resources'][number];

function ResourceTable({ caption, rows, labelOf }: { caption: string; rows: ReplicaResources[]; labelOf: (r: ReplicaResources) => string }) {
  if (rows.length === 0) return null;
  return (
    <table className="table">
      <caption className="visually-hidden">{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Replica</th>
          <th scope="col">Latest CPU</th>
          <th scope="col">Latest memory</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => {
          const latest = r.points.findLast((p) => p.cpuPercent !== null);
          return (
            <tr key={r.replicaId}>
              <td>{labelOf(r)}</td>
              <td>{latest?.cpuPercent == null ? '—' : `${latest.cpuPercent.toFixed(1)} %`}</td>
              <td>{latest?.rssBytes == null ? '—' : formatBytes(latest.rssBytes)}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/** `live`: the replicas running now (null until known); the table lists them, and ended ones apart. */
function Resources({ report, live }: { report: DeploymentPerformance; live: Set<string> | null }) {
  if (report.resources.length === 0) {
    return (
      <Card id="resources-title" title="CPU and memory per replica" description="Sampled by the worker from each replica process.">
        <EmptyState compact title="No samples in this window">
          The worker samples CPU and memory of every running replica every few seconds (SLIPWAY_RESOURCE_SAMPLE_MS): from /proc for the processes it runs, from
          /metrics for Kubernetes pods. Samples appear once a replica has been running for one interval.
        </EmptyState>
      </Card>
    );
  }
  const times = report.resources[0]!.points.map((p) => p.t);
  const nameOf = new Map(report.variants.map((v) => [v.id, variantLabel(v)]));
  const labelOf = (r: ReplicaResources) => `${nameOf.get(r.variantId) ?? ''} · ${r.replicaId.slice(0, 8)}`;
  const { running, ended } = splitByLiveness(report.resources, live);
  const series = report.resources.map((r, i) => ({ key: r.replicaId, name: labelOf(r), color: variantColor(i) }));
  const cpu = rowsOf(
    times,
    report.resources.map((r) => ({ key: r.replicaId, values: r.points.map((p) => p.cpuPercent) })),
  );
  const memory = rowsOf(
    times,
    report.resources.map((r) => ({ key: r.replicaId, values: r.points.map((p) => p.rssBytes) })),
  );
  return (
    <Card
      id="resources-title"
      title="CPU and memory per replica"
      description="CPU as a share of one core (100 % = one core busy) and resident memory, sampled by the worker."
    >
      <TimeChart label="CPU per replica" rows={cpu} format={(v) => `${Math.round(v)} %`} yWidth={56} series={series} />
      <TimeChart label="Memory per replica" rows={memory} format={formatBytes} yWidth={72} series={series} />
      <ResourceTable caption="Latest CPU and memory per running replica" rows={running} labelOf={labelOf} />
      {running.length === 0 && <p className="hint">No replica runs now.</p>}
      {ended.length > 0 && (
        <details>
          <summary>
            {ended.length} {ended.length === 1 ? 'replica' : 'replicas'} ended in this window
          </summary>
          <ResourceTable caption="Latest CPU and memory of replicas that ended" rows={ended} labelOf={labelOf} />
        </details>
      )}
    </Card>
  );
}

/** Why the window is empty; while it serves, the call to make, to this deployment's own endpoint. */
function NoTraffic({ deployment }: { deployment: Deployment | null }) {
  const reason = noTrafficReason(deployment);
  return (
    <section className="card">
      <EmptyState compact title={reason.title}>
        {reason.callable && deployment ? (
          <>
            <code>
              curl -X POST {deployment.endpoints.predict} -H "Authorization: Bearer $SLIPWAY_KEY" -H 'content-type: application/json' -d '{'{"inputs": …}'}'
            </code>
            <br />
            <span className="hint">$SLIPWAY_KEY: an API key, made on the API keys page.</span>
          </>
        ) : null}
      </EmptyState>
    </section>
  );
}

/** A deployment's performance for backend engineers: traffic, errors, latency, replicas and their resources. */
export function PerformanceView({ name }: { name: string }) {
  const [minutes, setMinutes] = useState(60);
  const [variant, setVariant] = useState<string | undefined>(undefined);
  const query = useDeploymentPerformance(name, WINDOW_OF_MINUTES[minutes] ?? '1h', variant);
  const names = query.data?.variantNames ?? [];
  const deployment = useDeployment(name).data;
  const live = deployment ? liveReplicaIds(deployment) : null;
  return (
    <>
      <PageHeader
        title="Performance"
        breadcrumb={
          <>
            <Link href="/deployments">Deployments</Link> / <Link href={`/deployments/${encodeURIComponent(name)}`}>{name}</Link>
          </>
        }
        subtitle={query.data && `Slots of ${query.data.window.bucketSeconds} s, refreshed every 5 s`}
        actions={
          <>
            {names.length > 1 && (
              <div className="row">
                <label className="label" htmlFor="performance-variant">
                  Variant
                </label>
                <select
                  id="performance-variant"
                  className="select"
                  style={{ width: 'auto' }}
                  value={variant ?? ''}
                  onChange={(e) => setVariant(e.target.value || undefined)}
                >
                  <option value="">All variants</option>
                  {names.map((v) => (
                    <option key={v} value={v}>
                      {v}
                    </option>
                  ))}
                </select>
              </div>
            )}
            <WindowSelect id="performance-window" label="Window" value={minutes} onChange={setMinutes} windows={WINDOWS} />
          </>
        }
      />
      <QueryContent query={query} loadingLabel="Loading performance…">
        {(report) => (
          <div className="stack">
            <Summary report={report} />
            {report.summary.requests === 0 ? <NoTraffic deployment={deployment ?? null} /> : <Traffic report={report} />}
            <Replicas report={report} />
            <Resources report={report} live={live} />
          </div>
        )}
      </QueryContent>
    </>
  );
}
