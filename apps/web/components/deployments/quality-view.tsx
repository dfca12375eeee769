'use client';

import Link from 'next/link';
import { useState } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatPercent, formatPValue, formatTime } from '@/lib/client/format';
import { type QualityReport, useQualityReport, type VariantQuality } from '@/lib/client/quality';
import { PageHeader } from '../page-header';
import { EmptyState, QueryContent } from '../states';
import { CapturesCard, CaptureSettingsCard } from './captures-view';
import { AXIS, GRID } from './chart-style';
import { type TimeWindow, WindowSelect } from './window-select';

const COLORS = ['#6366f1', '#f59e0b', '#10b981', '#ef4444', '#0ea5e9', '#a855f7'];
const QUALITY_WINDOWS: TimeWindow[] = [
  { minutes: 60, label: 'Last hour' },
  { minutes: 24 * 60, label: 'Last 24 hours' },
  { minutes: 7 * 24 * 60, label: 'Last 7 days' },
  { minutes: 30 * 24 * 60, label: 'Last 30 days' },
];
const label = (v: VariantQuality) => `${v.variant.name} v${v.variant.versionLabel}`;
const num = (v: number | null, digits = 3) => (v === null ? '—' : v.toFixed(digits));
const duration = (ms: number | null) =>
  ms === null ? '—' : ms < 120_000 ? `${(ms / 1000).toFixed(0)} s` : ms < 7_200_000 ? `${(ms / 60_000).toFixed(0)} min` : `${(ms / 3_600_000).toFixed(1)} h`;

/** Accuracy measured from feedback (solid) and estimated from confidences (dashed), per variant over the window. */
function AccuracyChart({ variants }: { variants: VariantQuality[] }) {
  const times = [...new Set(variants.flatMap((v) => v.series.map((p) => p.at)))].sort();
  const data = times.map((at) => {
    const row: Record<string, number | string | null> = { time: formatTime(at) };
    for (const v of variants) {
      const point = v.series.find((p) => p.at === at);
      row[`${label(v)} accuracy`] = point?.accuracy ?? null;
      row[`${label(v)} estimate`] = point?.estimatedAccuracy ?? null;
    }
    return row;
  });
  return (
    <figure className="chart" aria-label="Accuracy over time per variant: measured from feedback, and estimated without labels">
      <ResponsiveContainer width="100%" height={260}>
        <LineChart data={data}>
          <CartesianGrid {...GRID} />
          <XAxis dataKey="time" {...AXIS} />
          <YAxis domain={[0, 1]} tickFormatter={(v: number) => `${Math.round(v * 100)}%`} {...AXIS} />
          <Tooltip formatter={(value) => (typeof value === 'number' ? formatPercent(value) : '—')} />
          <Legend />
          {variants.flatMap((v, i) => [
            <Line
              key={`${v.variant.id}-a`}
              dataKey={`${label(v)} accuracy`}
              stroke={COLORS[i % COLORS.length]}
              dot={false}
              connectNulls
              isAnimationActive={false}
            />,
            <Line
              key={`${v.variant.id}-e`}
              dataKey={`${label(v)} estimate`}
              stroke={COLORS[i % COLORS.length]}
              strokeDasharray="4 4"
              dot={false}
              connectNulls
              isAnimationActive={false}
            />,
          ])}
        </LineChart>
      </ResponsiveContainer>
    </figure>
  );
}

function ConfusionMatrix({ v }: { v: VariantQuality }) {
  const c = v.classification!.confusion;
  return (
    <div className="table-wrap">
      <table className="table">
        <caption>Confusion matrix of {label(v)}: rows are the true labels, columns the predicted ones</caption>
        <thead>
          <tr>
            <th scope="col">true \ predicted</th>
            {c.labels.map((l) => (
              <th key={l} scope="col" className="num">
                {l}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {c.labels.map((l, i) => (
            <tr key={l}>
              <th scope="row">{l}</th>
              {c.matrix[i]!.map((n, j) => (
                <td key={c.labels[j]} className="num" style={i === j ? { fontWeight: 600 } : undefined}>
                  {n}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function PerClass({ v }: { v: VariantQuality }) {
  return (
    <div className="table-wrap">
      <table className="table">
        <caption>Per class, {label(v)}</caption>
        <thead>
          <tr>
            <th scope="col">Class</th>
            <th scope="col" className="num">
              Precision
            </th>
            <th scope="col" className="num">
              Recall
            </th>
            <th scope="col" className="num">
              F1
            </th>
            <th scope="col" className="num">
              Labels
            </th>
          </tr>
        </thead>
        <tbody>
          {v.classification!.perClass.map((c) => (
            <tr key={c.label}>
              <th scope="row">{c.label}</th>
              <td className="num">{num(c.precision)}</td>
              <td className="num">{num(c.recall)}</td>
              <td className="num">{num(c.f1)}</td>
              <td className="num">{c.support}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Calibration({ v }: { v: VariantQuality }) {
  const data = v.calibration!.bins.map((b) => ({ confidence: b.meanConfidence, accuracy: b.accuracy, ideal: b.meanConfidence, answers: b.count }));
  return (
    <figure className="chart" aria-label={`Calibration of ${label(v)}: accuracy against stated confidence`}>
      <figcaption className="hint">
        Calibration: how often answers given with a confidence were right (the diagonal is perfect). Expected calibration error {num(v.calibration!.ece)}.
      </figcaption>
      <ResponsiveContainer width="100%" height={200}>
        <LineChart data={data}>
          <CartesianGrid {...GRID} />
          <XAxis dataKey="confidence" type="number" domain={[0, 1]} tickFormatter={(x: number) => x.toFixed(1)} {...AXIS} />
          <YAxis domain={[0, 1]} {...AXIS} />
          <Tooltip formatter={(value) => (typeof value === 'number' ? value.toFixed(3) : '—')} />
          <Line dataKey="ideal" stroke="#a1a1aa" strokeDasharray="3 3" dot={false} isAnimationActive={false} />
          <Line dataKey="accuracy" stroke="#6366f1" isAnimationActive={false} />
        </LineChart>
      </ResponsiveContainer>
    </figure>
  );
}

function VariantCard({ v }: { v: VariantQuality }) {
  const c = v.classification;
  const r = v.regression;
  return (
    <section className="card" aria-label={`Quality of ${label(v)}`}>
      <h3>
        {label(v)} <span className="muted">({v.variant.role})</span>
      </h3>
      <dl className="meta">
        {c && (
          <div>
            <dt>Accuracy (measured)</dt>
            <dd>
              {formatPercent(c.accuracy)} over {c.labeled} labels
            </dd>
          </div>
        )}
        <div>
          <dt>Estimated accuracy (no labels needed)</dt>
          <dd>
            {v.estimate.estimate === null
              ? 'no probabilities in the answers'
              : `≈ ${formatPercent(v.estimate.estimate)} ± ${formatPercent(v.estimate.margin)} — an estimate from the model's confidence${v.estimate.basis === 'calibrated' ? ', recalibrated on the labels' : ''}`}
          </dd>
        </div>
        {r && (
          <div>
            <dt>MAE / RMSE</dt>
            <dd>
              {num(r.mae)} / {num(r.rmse)} over {r.count} labels
            </dd>
          </div>
        )}
        <div>
          <dt>Coverage</dt>
          <dd>
            {formatPercent(v.coverage)} of {v.answers} answers have feedback
          </dd>
        </div>
        <div>
          <dt>Label delay (median / p90)</dt>
          <dd>
            {duration(v.labelDelay.medianMs)} / {duration(v.labelDelay.p90Ms)}
          </dd>
        </div>
      </dl>
      {c && <ConfusionMatrix v={v} />}
      {c && <PerClass v={v} />}
      {v.calibration && <Calibration v={v} />}
    </section>
  );
}

function Comparisons({ report }: { report: QualityReport }) {
  if (report.comparisons.length === 0) return null;
  const byId = new Map(report.variants.map((v) => [v.variant.id, v]));
  return (
    <ul className="stack" aria-label="Accuracy comparisons">
      {report.comparisons.map((c) => (
        <li key={c.candidateId}>
          <strong>
            {byId.get(c.candidateId) ? label(byId.get(c.candidateId)!) : 'candidate'} vs {byId.get(c.baselineId) ? label(byId.get(c.baselineId)!) : 'primary'}
          </strong>{' '}
          <span className="badge" data-tone={c.significant ? 'amber' : 'gray'}>
            Accuracy: {c.significant ? 'significant' : 'not significant'}
          </span>{' '}
          {c.summary} <span className="muted">(always-valid, {formatPValue(c.pValue)})</span>
        </li>
      ))}
    </ul>
  );
}

export function QualityView({ name }: { name: string }) {
  const [minutes, setMinutes] = useState(24 * 60);
  const report = useQualityReport(name, minutes);
  return (
    <>
      <PageHeader
        title="Quality"
        breadcrumb={
          <>
            <Link href="/deployments">Deployments</Link> / <Link href={`/deployments/${encodeURIComponent(name)}`}>{name}</Link>
          </>
        }
        actions={<WindowSelect id="quality-window" label="Window" value={minutes} onChange={setMinutes} windows={QUALITY_WINDOWS} />}
      />
      <QueryContent
        query={report}
        loadingLabel="Loading quality…"
        isEmpty={(r) => r.variants.length === 0}
        empty={
          <EmptyState title="No answers in the predictions ledger yet">
            Send predictions through the gateway; every answer carries an <code>x-request-id</code>. Then send the true labels to{' '}
            <code>POST /models/{name}/feedback</code> with {'{"requestId", "label"}'} (or {'{"items": [...]}'}, up to 10,000) to see accuracy here.
          </EmptyState>
        }
      >
        {(r) => (
          <>
            <section className="card">
              <h2>Accuracy over time</h2>
              <p className="hint">
                Solid: measured from feedback. Dashed: estimated from the model's probabilities (no labels needed) — an estimate, not a measurement.
              </p>
              <AccuracyChart variants={r.variants} />
              <Comparisons report={r} />
            </section>
            {r.variants.map((v) => (
              <VariantCard key={v.variant.id} v={v} />
            ))}
          </>
        )}
      </QueryContent>
      <CaptureSettingsCard name={name} />
      <CapturesCard name={name} />
    </>
  );
}
