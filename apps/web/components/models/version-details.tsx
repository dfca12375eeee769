'use client';

import { useState, type ReactNode } from 'react';
import { isInspecting } from '@/lib/client/queries';
import type { Version } from '@/lib/client/types';
import { EmptyState } from '../states';
import { ArtifactDetails, ManifestDetails } from './manifest-details';
import { PythonEnvironment } from './python-environment';
import { ReferenceStatsPreview } from './reference-stats';
import { SignatureViewer } from './signature-viewer';

function Section({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  return (
    <section className="stack" aria-labelledby={id}>
      <h3 id={id}>{title}</h3>
      {children}
    </section>
  );
}

function VersionPicker({ versions, shown, onChoose }: { versions: Version[]; shown: Version; onChoose: (label: number) => void }) {
  return (
    <div className="row">
      <label className="label" htmlFor="details-version">
        Version
      </label>
      <select id="details-version" className="select" style={{ width: 'auto' }} value={shown.label} onChange={(e) => onChoose(Number(e.target.value))}>
        {versions.map((v) => (
          <option key={v.id} value={v.label}>
            v{v.label} ({v.status})
          </option>
        ))}
      </select>
    </div>
  );
}

function SignatureSection({ version }: { version: Version }) {
  if (version.signature) return <SignatureViewer signature={version.signature} />;
  return (
    <EmptyState compact title="No signature yet">
      {isInspecting(version)
        ? 'Slipway is checking the upload; the inputs and outputs appear here when it is done.'
        : 'This version has no readable signature; upload a valid model to see its inputs and outputs.'}
    </EmptyState>
  );
}

/** One version in depth: why it failed, its signature, its manifest, what the artifact holds and its reference data. */
export function VersionDetailsCard({ versions }: { versions: Version[] }) {
  const [chosen, setChosen] = useState<number | null>(null);
  const shown = versions.find((v) => v.label === chosen) ?? versions[0];
  if (!shown) return null;
  return (
    <section className="card" aria-labelledby="details-title">
      <div className="card-header">
        <div>
          <h2 id="details-title">Version details</h2>
          <p>What the artifact declares and what Slipway read from it.</p>
        </div>
        {versions.length > 1 && <VersionPicker versions={versions} shown={shown} onChoose={setChosen} />}
      </div>
      <div className="card-body stack" style={{ gap: 24 }}>
        {shown.status === 'failed' && (
          <div className="alert alert-error" role="alert" style={{ whiteSpace: 'pre-wrap' }}>
            <strong>v{shown.label} failed validation:</strong> {shown.statusReason ?? 'no reason was recorded'}
          </div>
        )}
        <Section id="signature-title" title="Signature">
          <SignatureSection version={shown} />
        </Section>
        {shown.manifest && (
          <Section id="manifest-title" title="Manifest (slipway.yaml)">
            <ManifestDetails manifest={shown.manifest} />
          </Section>
        )}
        {shown.details?.python && (
          <Section id="environment-title" title="Python environment">
            <PythonEnvironment details={shown.details} />
          </Section>
        )}
        {shown.details && (
          <Section id="artifact-title" title="Artifact">
            <ArtifactDetails details={shown.details} />
          </Section>
        )}
        {shown.referenceStats && (
          <Section id="reference-title" title="Reference data">
            <ReferenceStatsPreview stats={shown.referenceStats} />
          </Section>
        )}
      </div>
    </section>
  );
}
