'use client';

import Link from 'next/link';
import { deploymentBadge, headerLine } from '@/lib/client/deployment-truth';
import { exampleRequest } from '@/lib/client/example-request';
import { useAlertRules, useDeployment } from '@/lib/client/queries';
import type { Deployment } from '@/lib/client/types';
import { PageHeader } from '../page-header';
import { FormError, QueryContent } from '../states';
import { StatusBadge } from '../status-badge';
import { ComparisonCard } from './comparison-card';
import { EndpointsPanel } from './endpoints-panel';
import { LatencyCard } from './latency-chart';
import { ReplicasOverTimeCard } from './replicas-over-time';
import { ReplicasPanel } from './replicas-panel';
import { RevisionsCard } from './revisions-card';
import { RolloutCard } from './rollout-card';
import { ScalingCard } from './scaling-card';
import { StopButton } from './stop-button';
import { TrafficCard } from './traffic-controls';
import { TryIt } from './try-it';
import { UpdateCard } from './update-card';
import { TimeAgo } from '../time-ago';

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

/** What the deployment does now, in one line: what it serves, or why it serves nothing. */
function HeaderSummary({ deployment }: { deployment: Deployment }) {
  const line = headerLine(deployment);
  const model = <Link href={`/models/${deployment.model.name}`}>{deployment.model.name}</Link>;
  switch (line.kind) {
    case 'serving':
      return (
        <>
          Serving {model} {line.versions}
        </>
      );
    case 'starting':
      return (
        <>
          Starting {model}
          {line.versions ? `; serving ${line.versions} meanwhile` : ' — not serving yet'}
        </>
      );
    case 'stopping':
      return <>Stopping — {model} no longer takes requests</>;
    case 'stopped':
      return <>Stopped — nothing serving</>;
    case 'failed':
      return (
        <>
          Failed: {line.reason}
          {line.stillServing ? ` — still serving ${line.stillServing}` : ''}
        </>
      );
  }
}

/** Why the last rollout did not go as asked (e.g. rolled back automatically) while the deployment still serves. */
function StatusReason({ deployment }: { deployment: Deployment }) {
  if (!deployment.statusReason) return null;
  if (deployment.status === 'failed') return <FormError error={new Error(deployment.statusReason)} />;
  return (
    <div className="alert alert-warn" role="status">
      {deployment.statusReason}
    </div>
  );
}

function DeploymentDetail({ deployment }: { deployment: Deployment }) {
  const primary = deployment.variants.find((v) => v.role === 'primary') ?? deployment.variants[0];
  const exampleBody = exampleRequest(primary?.version.signature ?? null);
  return (
    <>
      <StatusReason deployment={deployment} />
      {!deployment.canChange && (
        <p className="alert alert-info" role="note" aria-label="View only">
          You can view this deployment: updating, scaling, rolling back or stopping it takes the member or admin role in its team.
        </p>
      )}
      <RolloutCard deployment={deployment} />
      {deployment.canChange && (
        <div className="grid-2 grid-top">
          <UpdateCard deployment={deployment} />
          <TrafficCard deployment={deployment} />
        </div>
      )}
      <ScalingCard deployment={deployment} />
      <ReplicasOverTimeCard deployment={deployment} />
      <ComparisonCard deploymentName={deployment.name} />
      <RevisionsCard deployment={deployment} />
      <div className="grid-2">
        <EndpointsPanel deployment={deployment} exampleBody={exampleBody} />
        <TryIt deploymentName={deployment.name} exampleBody={exampleBody} ready={deployment.status === 'ready'} />
      </div>
      <LatencyCard deploymentName={deployment.name} />
      <ReplicasPanel variants={deployment.variants} />
    </>
  );
}

/** The Alerts page, with how many rules fire now so trouble shows from the deployment page too. */
function AlertsLink({ name }: { name: string }) {
  const firing = useAlertRules(name).data?.filter((r) => r.state === 'firing').length ?? 0;
  return (
    <Link className="btn" href={`/deployments/${encodeURIComponent(name)}/alerts`} aria-label={firing > 0 ? `Alerts, ${firing} firing` : 'Alerts'}>
      Alerts
      {firing > 0 && (
        <span className="badge" data-tone="red" data-live="true">
          {firing} firing
        </span>
      )}
    </Link>
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
              <HeaderSummary deployment={data} /> · revision {data.revision} · updated <TimeAgo iso={data.updatedAt} />
            </>
          )
        }
        actions={
          data && (
            <>
              <StatusBadge status={data.status} look={deploymentBadge(data)} label="Deployment status" />
              <Link className="btn" href={`/deployments/${encodeURIComponent(name)}/performance`}>
                Performance
              </Link>
              <Link className="btn" href={`/deployments/${encodeURIComponent(name)}/drift`}>
                Drift
              </Link>
              <Link className="btn" href={`/deployments/${encodeURIComponent(name)}/quality`}>
                Quality
              </Link>
              <AlertsLink name={name} />
              <Link className="btn" href={`/deployments/${encodeURIComponent(name)}/docs`}>
                API docs
              </Link>
              {data.canChange && (data.status === 'stopped' || data.status === 'failed') && <RedeployLink deployment={data} />}
              {data.canChange && <StopButton deploymentName={name} disabled={data.status === 'stopped' || data.status === 'stopping'} />}
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
