'use client';

import Link from 'next/link';
import { useState } from 'react';
import { type DocsVersion, type ServiceDocs, useDeploymentDocs, useDeploymentOpenApi } from '@/lib/client/docs';
import { CopyButton } from '../copy-button';
import { PageHeader } from '../page-header';
import { TryIt } from '../deployments/try-it';
import { EmptyState, QueryContent } from '../states';
import { ApiReference } from './api-reference';
import { SnippetsPanel } from './snippets-panel';

function versionOption(v: DocsVersion): string {
  const notes = [v.current ? 'current' : v.serving ? 'serving' : 'served before', v.breakingChanges.length > 0 ? 'breaking change' : null];
  return `v${v.label} (${notes.filter(Boolean).join(', ')})`;
}

/** Says what a version breaks for callers of the one before it, or that it is a drop-in replacement. */
function Compatibility({ version }: { version: DocsVersion }) {
  if (version.previousLabel === null) return null;
  if (version.breakingChanges.length === 0) {
    return (
      <p className="muted">
        <span className="badge" data-tone="green">
          Compatible
        </span>{' '}
        Callers of v{version.previousLabel} keep working.
      </p>
    );
  }
  return (
    <div className="alert alert-error" role="note" aria-label="Breaking change">
      <span className="badge" data-tone="red">
        Breaking change
      </span>{' '}
      Callers of v{version.previousLabel} must change:
      <ul>
        {version.breakingChanges.map((c) => (
          <li key={`${c.kind}-${c.tensor}`}>{c.message}</li>
        ))}
      </ul>
    </div>
  );
}

function VersionDocs({ deployment, gatewayUrl, versions }: { deployment: string; gatewayUrl: string; versions: DocsVersion[] }) {
  const current = versions.find((v) => v.current) ?? versions.at(-1)!;
  const [label, setLabel] = useState(current.label);
  const version = versions.find((v) => v.label === label) ?? current;
  const openapi = useDeploymentOpenApi(deployment, version.label);
  const body = { inputs: version.example.inputs };
  const url = `${gatewayUrl.replace(/\/$/, '')}/models/${deployment}/predict`;

  return (
    <div className="stack">
      <section className="card" aria-labelledby="version-title">
        <div className="card-header">
          <div>
            <h2 id="version-title">Version</h2>
            <p>{version.description ?? `Docs of each version this deployment serves or served.`}</p>
          </div>
        </div>
        <div className="card-body stack">
          <div className="field">
            <label htmlFor="docs-version">Show the API of</label>
            <select id="docs-version" className="select" value={version.label} onChange={(e) => setLabel(Number(e.target.value))}>
              {[...versions].reverse().map((v) => (
                <option key={v.label} value={v.label}>
                  {versionOption(v)}
                </option>
              ))}
            </select>
          </div>
          <Compatibility version={version} />
          <p className="muted">
            {version.example.source === 'recorded'
              ? 'The example below was recorded from a real inference of this version.'
              : 'The example below was generated from the signature (this version was inspected before examples were recorded).'}{' '}
            <a href={`/api/v1/deployments/${deployment}/openapi.json?version=${version.label}`}>Download openapi.json</a>
          </p>
        </div>
      </section>
      <SnippetsPanel url={url} body={body} />
      <TryIt
        key={version.label}
        deploymentName={deployment}
        exampleBody={body}
        ready={version.serving}
        exampleHint={`Prefilled with the example of v${version.label}; the gateway sends it to the version serving now.`}
      />
      <section className="card" aria-label="API reference">
        <QueryContent query={openapi} loadingLabel="Loading the OpenAPI document…">
          {(document) => <ApiReference document={document} />}
        </QueryContent>
      </section>
    </div>
  );
}

/** A service's docs: where to call it (every path under its base URL), with which key, and its health contract. */
function ServiceDocsCard({ service }: { service: ServiceDocs }) {
  return (
    <section className="card card-body stack" aria-label="Service API">
      <p>
        Every method and path under the base URL goes to the service as is (query, headers and body streamed both ways); send your API key as{' '}
        <code>Authorization: Bearer &lt;key&gt;</code>. The gateway removes it and adds <code>x-request-id</code>.
      </p>
      <div className="field">
        <span>Base URL</span>
        <div className="secret">
          <code style={{ flex: 1 }}>{service.baseUrl}/</code>
          <CopyButton text={`${service.baseUrl}/`} label="Copy base URL" />
        </div>
      </div>
      <div className="field">
        <span>Call it</span>
        <div className="secret">
          <code style={{ flex: 1 }}>{service.curl}</code>
          <CopyButton text={service.curl} label="Copy curl command" />
        </div>
      </div>
      <p className="muted">
        Health contract: a replica is ready once <code>GET {service.healthPath}</code> answers 200, and is replaced when it stops answering. Each request may
        take up to {service.requestTimeoutSeconds} s.
      </p>
      {service.openapiUrl ? (
        <p>
          The service serves its own OpenAPI document at <code>{service.openapiUrl}</code> (call it with your API key).
        </p>
      ) : (
        <p className="muted">
          The service declares no OpenAPI document; add <code>openapi: /openapi.json</code> to its slipway.yaml if it serves one (FastAPI does).
        </p>
      )}
    </section>
  );
}

/** A deployment's API docs for its callers: what it takes and returns, code to call it, and a try-it. */
export function ModelDocsView({ name }: { name: string }) {
  const docs = useDeploymentDocs(name);
  return (
    <>
      <PageHeader
        title={`${name} API`}
        breadcrumb={
          <>
            <Link href="/docs">Docs</Link> / <Link href={`/deployments/${name}`}>{name}</Link>
          </>
        }
        subtitle={
          docs.data && (
            <>
              {docs.data.service
                ? `A service behind the gateway at ${docs.data.gatewayUrl}: its own routes, one API key.`
                : `Model ${docs.data.model} behind the gateway at ${docs.data.gatewayUrl}. Three protocols, one API key.`}
            </>
          )
        }
      />
      <QueryContent
        query={docs}
        loadingLabel="Loading the API docs…"
        isEmpty={(d) => d.versions.length === 0 && !d.service}
        empty={<EmptyState title="No docs yet">The docs appear once the deployment serves an inspected version.</EmptyState>}
      >
        {(d) =>
          d.service ? <ServiceDocsCard service={d.service} /> : <VersionDocs deployment={d.deployment} gatewayUrl={d.gatewayUrl} versions={d.versions} />
        }
      </QueryContent>
    </>
  );
}
