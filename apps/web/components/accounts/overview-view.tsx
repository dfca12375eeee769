'use client';

import Link from 'next/link';
import { formatMoney, formatRps, type OverviewRow, useOverview } from '@/lib/client/accounts';
import { deploymentBadge } from '@/lib/client/deployment-truth';
import { formatPercent } from '@/lib/client/format';
import { PageHeader } from '../page-header';
import { EmptyState, QueryContent } from '../states';
import { StatusBadge } from '../status-badge';
import { SpendCard } from './spend-card';

function OverviewTable({ rows, windowSeconds }: { rows: OverviewRow[]; windowSeconds: number }) {
  return (
    <div className="table-wrap">
      <table className="table">
        <caption className="visually-hidden">Deployments with traffic over the last {windowSeconds / 60} minutes and spend</caption>
        <thead>
          <tr>
            <th scope="col">Deployment</th>
            <th scope="col">Status</th>
            <th scope="col">Requests</th>
            <th scope="col">Errors</th>
            <th scope="col">Cost now</th>
            <th scope="col">Spend to date</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(({ deployment, team, traffic, spend }) => (
            <tr key={deployment.id} data-deployment={deployment.name}>
              <td>
                <Link className="cell-title" href={`/deployments/${deployment.name}`}>
                  {deployment.name}
                </Link>
                <div className="muted">
                  {deployment.model.name} · {team.name}
                </div>
              </td>
              <td>
                <StatusBadge status={deployment.status} look={deploymentBadge(deployment)} />
              </td>
              <td className="mono">{formatRps(traffic.requestsPerSecond)}</td>
              <td className="mono">{traffic.errorRate === null ? '—' : formatPercent(traffic.errorRate)}</td>
              <td className="mono">{spend.runningReplicas ? `${formatMoney(spend.costPerHour)}/h` : '—'}</td>
              <td className="mono">{formatMoney(spend.cost)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function OverviewView() {
  const overview = useOverview();
  return (
    <>
      <PageHeader
        title="Overview"
        subtitle="Every deployment you can see: how it stands, its traffic over the last 5 minutes, and what it costs."
        actions={
          <Link className="btn btn-primary" href="/deployments/new">
            New deployment
          </Link>
        }
      />
      <section className="card" aria-label="Deployments overview">
        <QueryContent
          query={overview}
          loadingLabel="Loading the overview…"
          isEmpty={(o) => o.deployments.length === 0}
          empty={
            <EmptyState
              title="Nothing deployed yet"
              action={
                <Link className="btn btn-primary" href="/models">
                  Pick a model to deploy
                </Link>
              }
            >
              Upload a model, then deploy a ready version: its status, traffic and cost show up here.
            </EmptyState>
          }
        >
          {(o) => <OverviewTable rows={o.deployments} windowSeconds={o.windowSeconds} />}
        </QueryContent>
      </section>
      <SpendCard />
    </>
  );
}
