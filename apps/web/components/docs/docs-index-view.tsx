'use client';

import Link from 'next/link';
import { useDeployments } from '@/lib/client/queries';
import { PageHeader } from '../page-header';
import { EmptyState, QueryContent } from '../states';
import { StatusBadge } from '../status-badge';

/** Every deployment the user can see, each linking to its API docs, and the control plane's own API. */
export function DocsIndexView() {
  const deployments = useDeployments();
  return (
    <>
      <PageHeader
        title="Docs"
        subtitle="API docs of every deployment you can see, generated from the model each one serves."
        actions={
          <Link className="btn" href="/docs/api">
            Control plane API
          </Link>
        }
      />
      <section className="card" aria-label="Deployment API docs">
        <QueryContent
          query={deployments}
          loadingLabel="Loading deployments…"
          isEmpty={(list) => list.length === 0}
          empty={
            <EmptyState
              title="No deployments yet"
              action={
                <Link className="btn btn-primary" href="/deployments/new">
                  Deploy a model
                </Link>
              }
            >
              Deploy a model version: its API docs (OpenAPI, code snippets, a try-it) appear here.
            </EmptyState>
          }
        >
          {(list) => (
            <div className="table-wrap">
              <table className="table">
                <thead>
                  <tr>
                    <th scope="col">Deployment</th>
                    <th scope="col">Model</th>
                    <th scope="col">Status</th>
                  </tr>
                </thead>
                <tbody>
                  {list.map((d) => (
                    <tr key={d.id}>
                      <td>
                        <Link className="cell-title" href={`/deployments/${d.name}/docs`}>
                          {d.name} API
                        </Link>
                      </td>
                      <td>
                        {d.model.name} <span className="muted mono">{d.variants.map((v) => `v${v.version.label}`).join(', ')}</span>
                      </td>
                      <td>
                        <StatusBadge status={d.status} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </QueryContent>
      </section>
    </>
  );
}
