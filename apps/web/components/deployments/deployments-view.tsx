'use client';

import Link from 'next/link';
import { deploymentBadge } from '@/lib/client/deployment-truth';
import { useDeployments } from '@/lib/client/queries';
import type { Deployment } from '@/lib/client/types';
import { PageHeader } from '../page-header';
import { UsageBars } from '../quota/usage-bars';
import { EmptyState, QueryContent } from '../states';
import { StatusBadge } from '../status-badge';
import { TimeAgo } from '../time-ago';

/** "cpu-small × 2", or "cpu-small × 0 (autoscaled 0–2)": the count now, and its bounds when it moves. */
function describeMachines(deployment: Deployment): string {
  return deployment.variants
    .map((v) => {
      const autoscaling = deployment.spec?.variants.find((s) => s.name === v.name && s.versionLabel === v.version.label)?.autoscaling;
      const bounds = autoscaling ? ` (autoscaled ${autoscaling.minReplicas}–${autoscaling.maxReplicas})` : '';
      return `${v.machineType.name} × ${v.replicas}${bounds}`;
    })
    .join(', ');
}

function DeploymentsTable({ deployments }: { deployments: Deployment[] }) {
  return (
    <div className="table-wrap">
      <table className="table">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Model</th>
            <th scope="col">Status</th>
            <th scope="col">Machines</th>
            <th scope="col">Updated</th>
          </tr>
        </thead>
        <tbody>
          {deployments.map((deployment) => (
            <tr key={deployment.id}>
              <td>
                <Link className="cell-title" href={`/deployments/${deployment.name}`}>
                  {deployment.name}
                </Link>
              </td>
              <td>
                <Link href={`/models/${deployment.model.name}`}>{deployment.model.name}</Link>
                <span className="muted mono"> {deployment.variants.map((v) => `v${v.version.label}`).join(', ')}</span>
              </td>
              <td>
                <StatusBadge status={deployment.status} look={deploymentBadge(deployment)} />
              </td>
              <td className="muted">{describeMachines(deployment)}</td>
              <td className="muted">
                <TimeAgo iso={deployment.updatedAt} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function DeploymentsView() {
  const deployments = useDeployments();
  return (
    <>
      <PageHeader
        title="Deployments"
        subtitle="Model versions serving predictions behind a stable endpoint."
        actions={
          <Link className="btn btn-primary" href="/deployments/new">
            New deployment
          </Link>
        }
      />
      <section className="card" aria-label="Deployments">
        <QueryContent
          query={deployments}
          loadingLabel="Loading deployments…"
          isEmpty={(list) => list.length === 0}
          empty={
            <EmptyState
              title="Nothing deployed yet"
              action={
                <Link className="btn btn-primary" href="/deployments/new">
                  Deploy a model
                </Link>
              }
            >
              Pick a ready model version and a machine type; Slipway starts the replicas and gives you an endpoint.
            </EmptyState>
          }
        >
          {(list) => <DeploymentsTable deployments={list} />}
        </QueryContent>
      </section>
      <section className="card" aria-labelledby="usage-title">
        <div className="card-header">
          <div>
            <h2 id="usage-title">Team usage</h2>
            <p>Compute each team’s deployments hold, at their worst case (every variant at its max replicas), against the team’s quota.</p>
          </div>
        </div>
        <div className="card-body stack">
          <UsageBars />
        </div>
      </section>
    </>
  );
}
