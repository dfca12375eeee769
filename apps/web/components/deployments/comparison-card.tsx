'use client';

import Link from 'next/link';
import { useState } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatLatency, formatMs, formatPercent, formatPValue } from '@/lib/client/format';
import { useDeploymentComparison } from '@/lib/client/queries';
import type { Comparison, Percentiles, VariantComparison, VariantTraffic } from '@/lib/client/types';
import { EmptyState, QueryContent } from '../states';
import { WindowSelect } from './window-select';
import { AXIS, GRID } from './chart-style';

const PERCENTILES = ['p50', 'p95', 'p99'] as const;
const COLORS = ['#6366f1', '#f59e0b', '#10b981', '#ef4444', '#0ea5e9', '#a855f7', '#84cc16', '#f97316'];

/** "primary v1": names repeat during a rollout, the version tells them apart. */
const variantLabel = (v: Pick<VariantTraffic, 'name' | 'versionLabel'>) => `${v.name} v${v.versionLabel}`;

const hasTraffic = (c: Comparison) => c.variants.some((v) => v.requests > 0 || (v.shadow?.mirrored ?? 0) > 0);

function Significance({ significant, what }: { significant: boolean; what: string }) {
  return (
    <span className="badge" data-tone={significant ? 'amber' : 'gray'}>
      {what}: {significant ? 'significant' : 'not significant'}
    </span>
  );
}

function VariantsTable({ variants }: { variants: VariantTraffic[] }) {
  const serving = variants.filter((v) => v.role !== 'shadow');
  return (
    <div className="table-wrap">
      <table className="table">
        <caption className="visually-hidden">Traffic, errors and latency by variant</caption>
        <thead>
          <tr>
            <th scope="col">Variant</th>
            <th scope="col" className="num">
              Traffic
            </th>
            <th scope="col" className="num">
              Requests
            </th>
            <th scope="col" className="num">
              Error rate
            </th>
            {PERCENTILES.map((p) => (
              <th key={p} scope="col" className="num">
                {p}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {serving.map((v) => (
            <tr key={v.id}>
              <th scope="row" className="cell-title">
                {variantLabel(v)} <span className="tag">{v.role}</span>
              </th>
              <td className="num">{v.trafficWeight}%</td>
              <td className="num">{v.requests.toLocaleString('en')}</td>
              <td className="num">
                {formatPercent(v.errorRate)}
                {v.errors > 0 && <div className="cell-sub">{v.errors.toLocaleString('en')} errors</div>}
              </td>
              {PERCENTILES.map((p) => (
                <td key={p} className="num">
                  {formatLatency(v[p])}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** A shadow's answers never reach callers: how often they agreed with the primary's, and how fast they came. */
function ShadowsTable({ shadows, primary }: { shadows: VariantTraffic[]; primary: Percentiles | undefined }) {
  return (
    <div className="table-wrap">
      <table className="table">
        <caption className="visually-hidden">Shadows: agreement with the primary and latency</caption>
        <thead>
          <tr>
            <th scope="col">Shadow</th>
            <th scope="col" className="num">
              Mirrored
            </th>
            <th scope="col" className="num">
              Agreement
            </th>
            {PERCENTILES.map((p) => (
              <th key={p} scope="col" className="num">
                {p} (primary)
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {shadows.map((v) => (
            <tr key={v.id}>
              <th scope="row" className="cell-title">
                {variantLabel(v)} <span className="tag">mirror {v.mirrorPercent}%</span>
              </th>
              <td className="num">{(v.shadow?.mirrored ?? 0).toLocaleString('en')}</td>
              <td className="num">
                {formatPercent(v.shadow?.agreementRate)}
                {v.shadow && (v.shadow.disagreed > 0 || v.shadow.failed > 0) && (
                  <div className="cell-sub">
                    {v.shadow.disagreed} disagreed · {v.shadow.failed} failed
                  </div>
                )}
              </td>
              {PERCENTILES.map((p) => (
                <td key={p} className="num">
                  {formatLatency(v.shadow?.[p])} <span className="muted">({formatLatency(primary?.[p])})</span>
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function ComparisonSummary({ comparison, byId }: { comparison: VariantComparison; byId: Map<string, VariantTraffic> }) {
  const baseline = byId.get(comparison.baseline);
  const candidate = byId.get(comparison.candidate);
  const { errorRate, latency, accuracy } = comparison;
  const hasLabels = accuracy.labels.baseline > 0 || accuracy.labels.candidate > 0;
  const title = `${candidate ? variantLabel(candidate) : 'Candidate'} vs ${baseline ? variantLabel(baseline) : 'baseline'}`;
  const sides = `${candidate ? variantLabel(candidate) : 'candidate'} vs ${baseline ? variantLabel(baseline) : 'baseline'}`;
  return (
    <li className="comparison" aria-label={title}>
      <div className="row" style={{ justifyContent: 'space-between' }}>
        <h3>
          {candidate ? variantLabel(candidate) : 'Candidate'} <span className="muted">(candidate)</span> vs {baseline ? variantLabel(baseline) : 'baseline'}{' '}
          <span className="muted">(baseline)</span>
        </h3>
        <div className="row">
          <Significance significant={latency.significant} what="Latency" />
          <Significance significant={errorRate.significant} what="Error rate" />
          {hasLabels && <Significance significant={accuracy.significant} what="Accuracy" />}
        </div>
      </div>
      <p>{comparison.summary}</p>
      {hasLabels && <p>{accuracy.summary}</p>}
      <dl className="meta">
        <div>
          <dt>Error rate, {sides}</dt>
          <dd>
            {formatPercent(errorRate.candidate)} vs {formatPercent(errorRate.baseline)} ({formatPValue(errorRate.pValue)})
          </dd>
        </div>
        {hasLabels && (
          <div>
            <dt>Accuracy (from feedback), {sides}</dt>
            <dd>
              {formatPercent(accuracy.candidate)} vs {formatPercent(accuracy.baseline)} over {accuracy.labels.candidate} and {accuracy.labels.baseline} labels (
              {formatPValue(accuracy.pValue)})
            </dd>
          </div>
        )}
        <div>
          <dt>p99, {sides}</dt>
          <dd>
            {formatLatency(latency.candidate.p99)} vs {formatLatency(latency.baseline.p99)} ({formatPValue(latency.pValue)})
          </dd>
        </div>
        {latency.probabilityCandidateSlower !== null && (
          <div>
            <dt>Chance a request is slower on the candidate</dt>
            <dd>{formatPercent(latency.probabilityCandidateSlower, 0)}</dd>
          </div>
        )}
      </dl>
    </li>
  );
}

/** p50, p95 and p99 of every variant side by side (shadows with their mirrored latency). */
function PercentileChart({ variants }: { variants: VariantTraffic[] }) {
  const series = variants.map((v) => ({ key: v.id, label: variantLabel(v), values: v.role === 'shadow' && v.shadow ? v.shadow : v }));
  const data = PERCENTILES.map((p) => ({ percentile: p, ...Object.fromEntries(series.map((s) => [s.key, s.values[p]])) }));
  return (
    <figure className="chart chart-short" aria-label="Latency by variant" style={{ margin: 0 }}>
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={data} margin={{ top: 8, right: 16, bottom: 0, left: 8 }}>
          <CartesianGrid {...GRID} />
          <XAxis dataKey="percentile" {...AXIS} />
          <YAxis {...AXIS} unit=" ms" width={64} />
          <Tooltip formatter={(value) => (typeof value === 'number' ? formatMs(value) : '—')} />
          <Legend />
          {series.map((s, i) => (
            <Bar key={s.key} dataKey={s.key} name={s.label} fill={COLORS[i % COLORS.length]} isAnimationActive={false} />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </figure>
  );
}

function ComparisonBody({ comparison }: { comparison: Comparison }) {
  const byId = new Map(comparison.variants.map((v) => [v.id, v]));
  const shadows = comparison.variants.filter((v) => v.role === 'shadow');
  const primary = comparison.variants.find((v) => v.role === 'primary' && v.trafficWeight > 0) ?? comparison.variants.find((v) => v.role !== 'shadow');
  return (
    <>
      <VariantsTable variants={comparison.variants} />
      {shadows.length > 0 && <ShadowsTable shadows={shadows} primary={primary} />}
      <div className="card-body stack">
        {comparison.comparisons.length === 0 ? (
          <p className="hint">Only one variant serves: add an A/B candidate or a shadow under Traffic, or roll out a canary, to compare versions.</p>
        ) : (
          <ul className="comparisons" aria-label="Comparisons">
            {comparison.comparisons.map((c) => (
              <ComparisonSummary key={`${c.baseline}:${c.candidate}`} comparison={c} byId={byId} />
            ))}
          </ul>
        )}
        <PercentileChart variants={comparison.variants} />
      </div>
    </>
  );
}

/** Variants measured against each other over a window, with significance tests on errors and latency. */
export function ComparisonCard({ deploymentName }: { deploymentName: string }) {
  const [minutes, setMinutes] = useState(60);
  const comparison = useDeploymentComparison(deploymentName, minutes);
  return (
    <section className="card" aria-labelledby="comparison-title">
      <div className="card-header">
        <div>
          <h2 id="comparison-title">Compare variants</h2>
          <p>Requests, errors and latency per variant as the gateway measured them.</p>
        </div>
        <WindowSelect id="comparison-window" label="Window" value={minutes} onChange={setMinutes} />
      </div>
      <QueryContent
        query={comparison}
        loadingLabel="Loading comparison…"
        isEmpty={(c) => !hasTraffic(c)}
        empty={
          <EmptyState
            compact
            title="No traffic to compare yet"
            action={
              <Link className="btn" href="/api-keys">
                Create an API key
              </Link>
            }
          >
            Send traffic with an API key to compare variants: each one’s requests, errors and latency show up here.
          </EmptyState>
        }
      >
        {(c) => <ComparisonBody comparison={c} />}
      </QueryContent>
    </section>
  );
}
