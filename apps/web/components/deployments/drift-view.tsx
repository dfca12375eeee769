'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useState, type FormEvent } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { api } from '@/lib/client/api';
import { driftVerdict } from '@/lib/client/drift-verdict';
import { formatTime } from '@/lib/client/format';
import { queryKeys, useDeployment, useDeploymentDrift } from '@/lib/client/queries';
import type { DriftBaseline, DriftReport, FeatureStatus } from '@/lib/client/types';
import { PageHeader } from '../page-header';
import { EmptyState, FormError, QueryContent } from '../states';
import { WINDOWS, WindowSelect } from './window-select';
import { AXIS, GRID } from './chart-style';

type Feature = DriftReport['features'][number];

const STATUS: Record<FeatureStatus, { label: string; tone: string }> = {
  drift: { label: 'Drift', tone: 'red' },
  ok: { label: 'OK', tone: 'green' },
  too_few: { label: 'Too few values', tone: 'amber' },
  no_reference: { label: 'No reference', tone: 'blue' },
  kind_mismatch: { label: 'Type differs from reference', tone: 'amber' },
};

const fmt = (v: number | null, digits = 3) => (v === null ? '—' : v.toFixed(digits));
const pct = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(1)} %`);
/** `missing` counts values that were NaN, ±Inf or absent, apart from `count`. */
const missingShare = (f: Feature) => (f.count + f.missing > 0 ? f.missing / (f.count + f.missing) : 0);

/** Reference vs current shares over the reference's decile bins (or categories), small enough for a table cell. */
function MiniHistogram({ feature }: { feature: Feature }) {
  const { bins, reference, current } = feature.histogram;
  const data = bins.map((bin, i) => ({ bin, reference: reference?.[i] ?? null, current: current[i] ?? 0 }));
  return (
    <figure style={{ width: 180, margin: 0 }} aria-label={`${feature.name}: reference and current distributions`}>
      <ResponsiveContainer width="100%" height={48}>
        <BarChart data={data} barGap={0} barCategoryGap={1} margin={{ top: 2, right: 0, bottom: 0, left: 0 }}>
          <Tooltip formatter={(value) => (typeof value === 'number' ? pct(value) : '—')} labelFormatter={(label) => String(label)} />
          {reference && <Bar dataKey="reference" name="reference" fill="#a1a1aa" isAnimationActive={false} />}
          <Bar dataKey="current" name="current" fill={feature.status === 'drift' ? '#ef4444' : '#6366f1'} isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
      <figcaption className="hint">
        {reference && <span style={{ color: '#71717a' }}>■ reference </span>}
        <span style={{ color: feature.status === 'drift' ? '#ef4444' : '#6366f1' }}>■ current</span> · share per bin, {bins[0]} … {bins[bins.length - 1]}
      </figcaption>
    </figure>
  );
}

/** Beside the score: PSI (bands 0.1 / 0.25) and the share outside the reference's range, or of unseen categories; and missing values. */
function SecondaryStats({ feature: f }: { feature: Feature }) {
  const missing = missingShare(f);
  const parts = f.score === null ? [] : f.kind === 'numeric' ? [`PSI ${fmt(f.psi, 2)}`, `${pct(f.outOfRange)} out of range`] : [`${pct(f.unseen)} unseen`];
  if (missing > 0) parts.push(`${pct(missing)} missing`);
  return parts.length > 0 ? <div className="hint">{parts.join(' · ')}</div> : null;
}

/** Why the feature has its status, in words (the distance decides; PSI and out-of-range are context). */
function Persistence({ feature: f }: { feature: Feature }) {
  const verdict = driftVerdict(f);
  return verdict ? <div className="hint drift-verdict">{verdict}</div> : null;
}

/** Score against threshold per window, plus the mean for numeric features (prediction drift shows here too). */
function DriftOverTime({ feature }: { feature: Feature }) {
  const data = feature.overTime.map((w) => ({
    time: formatTime(new Date(w.start).toISOString()),
    score: w.score,
    threshold: w.threshold,
    mean: w.mean,
    count: w.count,
  }));
  const judged = feature.score !== null;
  return (
    <figure className="chart" aria-label={`Drift over time: ${feature.name}`} style={{ margin: 0 }}>
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={data} margin={{ top: 8, right: 16, bottom: 0, left: 8 }}>
          <CartesianGrid {...GRID} />
          <XAxis dataKey="time" {...AXIS} minTickGap={40} />
          <YAxis {...AXIS} width={56} />
          <Tooltip formatter={(value) => (typeof value === 'number' ? value.toFixed(3) : '—')} />
          <Legend iconType="plainline" />
          {judged ? (
            <>
              <Line type="linear" dataKey="score" name="score" stroke="#6366f1" strokeWidth={2} dot={{ r: 2 }} isAnimationActive={false} />
              <Line type="stepAfter" dataKey="threshold" name="threshold" stroke="#ef4444" strokeDasharray="4 4" dot={false} isAnimationActive={false} />
            </>
          ) : feature.kind === 'numeric' ? (
            <Line type="linear" dataKey="mean" name="mean" stroke="#6366f1" strokeWidth={2} dot={{ r: 2 }} isAnimationActive={false} />
          ) : (
            <Line type="linear" dataKey="count" name="values" stroke="#6366f1" strokeWidth={2} dot={{ r: 2 }} isAnimationActive={false} />
          )}
        </LineChart>
      </ResponsiveContainer>
    </figure>
  );
}

function FeatureTable({ features, selected, onSelect }: { features: Feature[]; selected: string; onSelect: (name: string) => void }) {
  return (
    <div className="table-wrap">
      <table className="table">
        <caption className="visually-hidden">Features, most drifted first</caption>
        <thead>
          <tr>
            <th scope="col">Feature</th>
            <th scope="col">Type</th>
            <th scope="col">Reference vs current</th>
            <th scope="col">Score</th>
            <th scope="col">Threshold</th>
            <th scope="col">Status</th>
          </tr>
        </thead>
        <tbody>
          {features.map((f) => (
            <tr key={f.name} aria-selected={f.name === selected}>
              <td>
                <button type="button" className="btn btn-ghost btn-sm" aria-pressed={f.name === selected} onClick={() => onSelect(f.name)}>
                  {f.name}
                </button>{' '}
                <span className="muted">{f.role}</span>
              </td>
              <td>{f.kind}</td>
              <td>
                <MiniHistogram feature={f} />
              </td>
              <td>
                {fmt(f.score)}
                <SecondaryStats feature={f} />
              </td>
              <td>{fmt(f.threshold)}</td>
              <td>
                <span className="badge" data-tone={STATUS[f.status].tone}>
                  {STATUS[f.status].label}
                </span>
                <Persistence feature={f} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** `datetime-local` wants local time without a zone. */
const toLocalInput = (iso: string) => {
  const d = new Date(iso);
  return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
};

/** Freezes a window of traffic as the version's baseline: for versions uploaded without reference data. */
function FreezeBaseline({ name, report }: { name: string; report: DriftReport }) {
  const queryClient = useQueryClient();
  const [from, setFrom] = useState(() => toLocalInput(report.window.from));
  // The inputs have minute precision: the next minute, so the minute in progress is included.
  const [to, setTo] = useState(() => toLocalInput(new Date(Date.parse(report.window.to) + 60_000).toISOString()));
  const freeze = useMutation({
    mutationFn: () => api.freezeDriftBaseline(name, { from: new Date(from).toISOString(), to: new Date(to).toISOString(), variant: report.variant.name }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.drift(name) }),
  });
  const replaces = report.baseline.source === 'traffic';
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (replaces && !window.confirm('Replace the baseline frozen earlier? Drift will be measured against the new window.')) return;
    freeze.mutate();
  };
  return (
    <form className="row" onSubmit={submit} aria-label="Freeze a baseline from traffic">
      <label className="label" htmlFor="baseline-from">
        From
      </label>
      <input
        id="baseline-from"
        className="input"
        type="datetime-local"
        required
        value={from}
        onChange={(e) => setFrom(e.target.value)}
        style={{ width: 'auto' }}
      />
      <label className="label" htmlFor="baseline-to">
        To
      </label>
      <input id="baseline-to" className="input" type="datetime-local" required value={to} onChange={(e) => setTo(e.target.value)} style={{ width: 'auto' }} />
      <button type="submit" className="btn" disabled={freeze.isPending}>
        {freeze.isPending ? 'Freezing…' : replaces ? 'Replace baseline' : 'Freeze baseline'}
      </button>
      {freeze.isError && <FormError error={freeze.error} />}
    </form>
  );
}

function BaselineNote({ baseline }: { baseline: DriftBaseline }) {
  if (baseline.source === 'reference_data') return <>Compared with the version’s reference data ({baseline.rows.toLocaleString('en')} rows).</>;
  if (baseline.source === 'traffic')
    return (
      <>
        Compared with traffic from {formatTime(baseline.from)} to {formatTime(baseline.to)}, frozen by {baseline.createdBy}.
      </>
    );
  return null;
}

function DriftDetail({ name, report }: { name: string; report: DriftReport }) {
  const [selected, setSelected] = useState<string | null>(null);
  const feature = report.features.find((f) => f.name === selected) ?? report.features[0];
  const { summary, baseline } = report;
  const canChange = useDeployment(name).data?.canChange ?? false;
  return (
    <>
      {baseline.source === 'none' && (
        <section className="card" aria-labelledby="no-reference-title">
          <div className="card-header">
            <div>
              <h2 id="no-reference-title">No reference data</h2>
              <p>
                Version {report.variant.versionLabel} was uploaded without <code>reference_data</code>, so there is nothing to compare with yet. Upload one with
                the next version (<code>reference_data: data/reference.csv</code> in <code>slipway.yaml</code>), or freeze a baseline from a window of traffic
                you trust.
              </p>
            </div>
          </div>
          <div className="card-body">
            {canChange ? <FreezeBaseline name={name} report={report} /> : <p className="muted">A member or admin of the team can freeze one.</p>}
          </div>
        </section>
      )}
      {report.features.length === 0 ? (
        <EmptyState title="No requests in this window">
          Each replica reports what it served every 10 seconds. Call the endpoint (or widen the window) and the features appear here.
        </EmptyState>
      ) : (
        <>
          <section className="card" aria-labelledby="drift-title">
            <div className="card-header">
              <div>
                <h2 id="drift-title">
                  {summary.monitored > 0
                    ? `${summary.drifted} of ${summary.monitored} features drifted`
                    : `${summary.features} features, none with a reference`}
                </h2>
                <p>
                  <BaselineNote baseline={baseline} /> A feature drifts when its score passes its threshold in 2 of the last 3 windows of{' '}
                  {report.window.bucketSeconds / 60} min. Scores: Wasserstein distance in reference standard deviations (numeric), Jensen–Shannon distance
                  (categorical).
                </p>
              </div>
            </div>
            <FeatureTable features={report.features} selected={feature?.name ?? ''} onSelect={setSelected} />
          </section>
          {feature && (
            <section className="card" aria-labelledby="over-time-title">
              <div className="card-header">
                <div>
                  <h2 id="over-time-title">{feature.name} over time</h2>
                  <p>
                    {feature.score !== null
                      ? 'Score per window against the threshold.'
                      : feature.kind === 'numeric'
                        ? 'Mean per window (no reference to score against).'
                        : 'Values per window (no reference to score against).'}{' '}
                    {feature.count.toLocaleString('en')} values, {pct(missingShare(feature))} missing.
                  </p>
                </div>
              </div>
              <DriftOverTime feature={feature} />
            </section>
          )}
        </>
      )}
    </>
  );
}

/** Data drift of a deployment: per feature and output, the current traffic against the version's reference. */
export function DriftView({ name }: { name: string }) {
  const [minutes, setMinutes] = useState(60);
  const [variant, setVariant] = useState<string | undefined>(undefined);
  const drift = useDeploymentDrift(name, minutes, variant);
  const variants = drift.data?.variants ?? [];
  return (
    <>
      <PageHeader
        title="Drift"
        breadcrumb={
          <>
            <Link href="/deployments">Deployments</Link> / <Link href={`/deployments/${encodeURIComponent(name)}`}>{name}</Link>
          </>
        }
        subtitle={drift.data && `Variant ${drift.data.variant.name} (v${drift.data.variant.versionLabel})`}
        actions={
          <>
            {variants.length > 1 && (
              <div className="row">
                <label className="label" htmlFor="drift-variant">
                  Variant
                </label>
                <select
                  id="drift-variant"
                  className="select"
                  style={{ width: 'auto' }}
                  value={drift.data?.variant.name ?? ''}
                  onChange={(e) => setVariant(e.target.value)}
                >
                  {variants.map((v) => (
                    <option key={v} value={v}>
                      {v}
                    </option>
                  ))}
                </select>
              </div>
            )}
            <WindowSelect id="drift-window" label="Window" value={minutes} onChange={setMinutes} windows={WINDOWS.filter((w) => w.minutes >= 15)} />
          </>
        }
      />
      <QueryContent query={drift} loadingLabel="Loading drift…">
        {(report) => <DriftDetail name={name} report={report} />}
      </QueryContent>
    </>
  );
}
