'use client';

import Link from 'next/link';
import { deploymentBadge, headerLine } from '@/lib/client/deployment-truth';
import { exampleRequest } from '@/lib/client/example-request';
import { useAlertRules, useDeployment, useDeploymentEvents } from '@/lib/client/queries';
import type { Deployment } from '@/lib/client/types';
import { CopyButton } from '../copy-button';
import { PageHeader } from '../page-header';
import { FormError, QueryContent } from '../states';
import { StatusBadge } from '../status-badge';
import { ComparisonCard } from './comparison-card';
import { type DeploymentTabId, DeploymentTabs, useDeploymentTab } from './deployment-tabs';
import { EndpointsPanel } from './endpoints-panel';
import { LatencyCard } from './latency-chart';
import { LogsPanel } from './logs-panel';
import { ReplicasOverTimeCard } from './replicas-over-time';
import { ReplicasPanel } from './replicas-panel';
import { RevisionsCard } from './revisions-card';
import { EventsList } from './rollout';
import { RolloutCard } from './rollout-card';
import { ScalingCard } from './scaling-card';
import { StopButton } from './stop-button';
import { CloneDeploymentButton } from '../accounts/clone-deployment-button';
import { DeleteDeploymentButton } from '../accounts/delete-deployment-button';
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

/** The address callers use, first thing on the page, with a copy button. */
function EndpointBar({ deployment }: { deployment: Deployment }) {
  return (
    <section className="endpoint-bar" aria-label="Endpoint">
      <span className="label">Endpoint</span>
      <code className="url">{deployment.endpoints.predict}</code>
      <CopyButton text={deployment.endpoints.predict} label="Copy endpoint URL" />
    </section>
  );
}

function EventsCard({ deployment }: { deployment: Deployment }) {
  const events = useDeploymentEvents(deployment);
  return (
    <section className="card" aria-labelledby="events-title">
      <div className="card-header">
        <div>
          <h2 id="events-title">Events</h2>
          <p>Rollout steps, scaling decisions and replica failures, oldest first (the newest 500).</p>
        </div>
      </div>
      <QueryContent query={events} loadingLabel="Loading events…">
        {(list) => <EventsList events={list} />}
      </QueryContent>
    </section>
  );
}

/** One tab's cards: the page shows one section at a time (the Overview unless the address names another). */
function TabContent({ tab, deployment }: { tab: DeploymentTabId; deployment: Deployment }) {
  const primary = deployment.variants.find((v) => v.role === 'primary') ?? deployment.variants[0];
  const exampleBody = exampleRequest(primary?.version.signature ?? null);
  switch (tab) {
    case 'overview':
      return (
        <>
          <RolloutCard deployment={deployment} />
          {deployment.canChange && <UpdateCard deployment={deployment} />}
        </>
      );
    case 'call':
      return (
        <>
          <div className="grid-2">
            <EndpointsPanel deployment={deployment} exampleBody={exampleBody} />
            <TryIt deploymentName={deployment.name} exampleBody={exampleBody} ready={deployment.status === 'ready'} />
          </div>
          <LatencyCard deploymentName={deployment.name} />
        </>
      );
    case 'traffic':
      return (
        <>
          {deployment.canChange && <TrafficCard deployment={deployment} />}
          <ComparisonCard deploymentName={deployment.name} />
        </>
      );
    case 'scaling':
      return (
        <>
          <ScalingCard deployment={deployment} />
          <ReplicasOverTimeCard deployment={deployment} />
          <ReplicasPanel variants={deployment.variants} />
        </>
      );
    case 'revisions':
      return <RevisionsCard deployment={deployment} />;
    case 'events':
      return <EventsCard deployment={deployment} />;
    case 'logs':
      return <LogsPanel deployment={deployment} />;
  }
}

function DeploymentDetail({ deployment }: { deployment: Deployment }) {
  const tab = useDeploymentTab();
  return (
    <>
      <EndpointBar deployment={deployment} />
      <StatusReason deployment={deployment} />
      {!deployment.canChange && (
        <p className="alert alert-info" role="note" aria-label="View only">
          You can view this deployment: updating, scaling, rolling back or stopping it takes the member or admin role in its team.
        </p>
      )}
      <DeploymentTabs selected={tab}>
        <TabContent tab={tab} deployment={deployment} />
      </DeploymentTabs>
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
              {data.canChange && <CloneDeploymentButton deploymentName={name} />}
              {data.canChange && <DeleteDeploymentButton deploymentName={name} />}
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
