'use client';

import Link from 'next/link';
import { useModels } from '@/lib/client/queries';
import type { ModelSummary } from '@/lib/client/types';
import { PageHeader } from '../page-header';
import { EmptyState, QueryContent } from '../states';
import { StatusBadge } from '../status-badge';
import { TimeAgo } from '../time-ago';

function ModelsTable({ models }: { models: ModelSummary[] }) {
  return (
    <div className="table-wrap">
      <table className="table">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Team</th>
            <th scope="col">Latest version</th>
            <th scope="col" className="num">
              Versions
            </th>
            <th scope="col">Created</th>
          </tr>
        </thead>
        <tbody>
          {models.map((model) => (
            <tr key={model.id}>
              <td>
                <Link className="cell-title" href={`/models/${model.name}`}>
                  {model.name}
                </Link>
                {model.description && <div className="cell-sub">{model.description}</div>}
              </td>
              <td>{model.team.name}</td>
              <td>
                {model.latestVersion ? (
                  <span className="row">
                    <span className="mono">v{model.latestVersion.label}</span>
                    <StatusBadge status={model.latestVersion.status} />
                  </span>
                ) : (
                  <span className="muted">No versions</span>
                )}
              </td>
              <td className="num">{model.versionCount}</td>
              <td className="muted">
                <TimeAgo iso={model.createdAt} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function ModelsView() {
  const models = useModels();
  return (
    <>
      <PageHeader
        title="Models"
        subtitle="Versioned model artifacts, validated and ready to deploy."
        actions={
          <Link className="btn btn-primary" href="/models/new">
            Upload model
          </Link>
        }
      />
      <section className="card" aria-label="Models">
        <QueryContent
          query={models}
          loadingLabel="Loading models…"
          isEmpty={(list) => list.length === 0}
          empty={
            <EmptyState
              title="No models yet"
              action={
                <Link className="btn btn-primary" href="/models/new">
                  Upload your first model
                </Link>
              }
            >
              Upload an ONNX file: Slipway checks it, reads its inputs and outputs, and makes it ready to deploy.
            </EmptyState>
          }
        >
          {(list) => <ModelsTable models={list} />}
        </QueryContent>
      </section>
    </>
  );
}
