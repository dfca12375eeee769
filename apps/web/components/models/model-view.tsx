'use client';

import Link from 'next/link';
import { useState } from 'react';
import { isInspecting, useModel } from '@/lib/client/queries';
import type { Model } from '@/lib/client/types';
import { PageHeader } from '../page-header';
import { EmptyState, QueryContent } from '../states';
import { SignatureViewer } from './signature-viewer';
import { VersionUploader } from './version-uploader';
import { VersionsTable } from './versions-table';

function SignatureCard({ model }: { model: Model }) {
  const withSignature = model.versions.filter((v) => v.signature);
  const [chosen, setChosen] = useState<number | null>(null);
  const shown = withSignature.find((v) => v.label === chosen) ?? withSignature[0];

  return (
    <section className="card" aria-labelledby="signature-title">
      <div className="card-header">
        <div>
          <h2 id="signature-title">Signature</h2>
          <p>The tensors a prediction request sends and receives.</p>
        </div>
        {withSignature.length > 1 && (
          <div className="row">
            <label className="label" htmlFor="signature-version">
              Version
            </label>
            <select
              id="signature-version"
              className="select"
              style={{ width: 'auto' }}
              value={shown?.label}
              onChange={(e) => setChosen(Number(e.target.value))}
            >
              {withSignature.map((v) => (
                <option key={v.id} value={v.label}>
                  v{v.label}
                </option>
              ))}
            </select>
          </div>
        )}
      </div>
      <div className="card-body">
        {shown?.signature ? (
          <SignatureViewer signature={shown.signature} />
        ) : (
          <EmptyState compact title="No signature yet">
            {model.versions.some(isInspecting)
              ? 'Slipway is checking the upload; the inputs and outputs appear here when it is done.'
              : 'Upload a valid model file to see its inputs and outputs.'}
          </EmptyState>
        )}
      </div>
    </section>
  );
}

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
            Upload an ONNX file above to create v1.
          </EmptyState>
        ) : (
          <VersionsTable modelName={model.name} versions={model.versions} />
        )}
      </section>
      <SignatureCard model={model} />
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
              {model.data.description && <> · {model.data.description}</>}
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
