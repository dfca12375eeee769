'use client';

import Link from 'next/link';
import { useModel } from '@/lib/client/queries';
import type { Model } from '@/lib/client/types';
import { AliasesCard } from '../accounts/aliases-card';
import { ModelCard } from '../accounts/model-card';
import { PageHeader } from '../page-header';
import { EmptyState, QueryContent } from '../states';
import { VersionDetailsCard } from './version-details';
import { VersionUploader } from './version-uploader';
import { VersionsTable } from './versions-table';

function ModelDetail({ model }: { model: Model }) {
  return (
    <>
      <section className="card" aria-labelledby="versions-title">
        <div className="card-header">
          <div>
            <h2 id="versions-title">Versions</h2>
            <p>Every upload is an immutable version, named by the sha256 of its bytes.</p>
          </div>
        </div>
        <div className="card-body" style={{ borderBottom: '1px solid var(--border)' }}>
          <VersionUploader modelName={model.name} />
        </div>
        {model.versions.length === 0 ? (
          <EmptyState compact title="No versions yet">
            Upload an .onnx file, or an archive with the model and a slipway.yaml, above to create v1. Once Slipway has checked it, deploy it from here.
          </EmptyState>
        ) : (
          <VersionsTable modelName={model.name} versions={model.versions} />
        )}
      </section>
      <VersionDetailsCard versions={model.versions} />
      <AliasesCard model={model} />
      <ModelCard model={model} />
    </>
  );
}

export function ModelView({ name }: { name: string }) {
  const model = useModel(name);
  return (
    <>
      <PageHeader
        title={name}
        breadcrumb={<Link href="/models">Models</Link>}
        subtitle={
          model.data && (
            <>
              Team <strong>{model.data.team.name}</strong>
            </>
          )
        }
      />
      <QueryContent query={model} loadingLabel="Loading model…">
        {(data) => <ModelDetail model={data} />}
      </QueryContent>
    </>
  );
}
