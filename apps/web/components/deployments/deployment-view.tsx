'use client';

import Link from 'next/link';
import { exampleRequest } from '@/lib/client/example-request';
import { timeAgo } from '@/lib/client/format';
import { useDeployment, useDeploymentEvents } from '@/lib/client/queries';
import type { Deployment } from '@/lib/client/types';
import { PageHeader } from '../page-header';
import { FormError, QueryContent } from '../states';
import { StatusBadge } from '../status-badge';
import { EndpointsPanel } from './endpoints-panel';
import { LatencyCard } from './latency-chart';
import { ReplicasPanel } from './replicas-panel';
import { EventsList, RolloutProgress } from './rollout';
import { StopButton } from './stop-button';
import { TryIt } from './try-it';

/** The API redeploys a stopped or failed deployment in place, so its endpoint URL stays the same. */
function RedeployLink({ deployment }: { deployment: Deployment }) {
  const query = new URLSearchParams({ model: deployment.model.name, name: deployment.name });
  const label = deployment.variants[0]?.version.label;
  if (label !== undefined) query.set('version', String(label));
  return (
    <Link className="btn" href={`/deployments/new?${query}`}>
      Redeploy
    </Link>
  );
}

function RolloutCard({ deployment }: { deployment: Deployment }) {
  const events = useDeploymentEvents(deployment.name, deployment.status);
  return (
    <section className="card" aria-labelledby="rollout-title">
      <div className="card-header">
        <h2 id="rollout-title">Rollout</h2>
      </div>
      <QueryContent query={events} loadingLabel="Loading events…">
        {(list) => (
          <>
            <div className="card-body">
              <RolloutProgress deployment={deployment} events={list} />
            </div>
            <EventsList events={list} />
          </>
        )}
      </QueryContent>
    </section>
  );
}

function DeploymentDetail({ deployment }: { deployment: Deployment }) {
  const primary = deployment.variants[0];
  const exampleBody = exampleRequest(primary?.version.signature ?? null);
  return (
    <>
      {deployment.status === 'failed' && deployment.statusReason && (
        <FormError error={new Error(deployment.statusReason)} />
      )}
      <RolloutCard deployment={deployment} />
      <div className="grid-2">
        <EndpointsPanel deployment={deployment} exampleBody={exampleBody} />
        <TryIt deploymentName={deployment.name} exampleBody={exampleBody} ready={deployment.status === 'ready'} />
      </div>
      <LatencyCard deploymentName={deployment.name} />
      <ReplicasPanel variants={deployment.variants} />
    </>
  );
}

export function DeploymentView({ name }: { name: string }) {
  const deployment = useDeployment(name);
  const data = deployment.data;
  return (
    <>
      <PageHeader
        title={name}
        breadcrumb={<Link href="/deployments">Deployments</Link>}
        subtitle={
          data && (
            <>
              Serving <Link href={`/models/${data.model.name}`}>{data.model.name}</Link>{' '}
              {data.variants.map((v) => `v${v.version.label}`).join(', ')} · updated {timeAgo(data.updatedAt)}
            </>
          )
        }
        actions={
          data && (
            <>
              <StatusBadge status={data.status} label="Deployment status" />
              {(data.status === 'stopped' || data.status === 'failed') && <RedeployLink deployment={data} />}
              <StopButton deploymentName={name} disabled={data.status === 'stopped' || data.status === 'stopping'} />
            </>
          )
        }
      />
      <QueryContent query={deployment} loadingLabel="Loading deployment…">
        {(loaded) => <DeploymentDetail deployment={loaded} />}
      </QueryContent>
    </>
  );
}
