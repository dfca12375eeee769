'use client';

import Link from 'next/link';
import { useState } from 'react';
import { useDeploymentDocs, useDeploymentOpenApi, type DocsVersion } from '@/lib/client/docs';
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
              Model {docs.data.model} behind the gateway at {docs.data.gatewayUrl}. Three protocols, one API key.
            </>
          )
        }
      />
      <QueryContent
        query={docs}
        loadingLabel="Loading the API docs…"
        isEmpty={(d) => d.versions.length === 0}
        empty={<EmptyState title="No docs yet">The docs appear once the deployment serves an inspected version.</EmptyState>}
      >
        {(d) => <VersionDocs deployment={d.deployment} gatewayUrl={d.gatewayUrl} versions={d.versions} />}
      </QueryContent>
    </>
  );
}
