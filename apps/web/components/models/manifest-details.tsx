import type { ReactNode } from 'react';
import { formatBytes } from '@/lib/client/format';
import type { VersionDetails, VersionManifest } from '@/lib/client/types';

const isUrl = (value: string) => /^https?:\/\/\S+$/.test(value);

function MetadataValue({ value }: { value: unknown }): ReactNode {
  if (typeof value === 'string') {
    return isUrl(value) ? (
      <a href={value} target="_blank" rel="noreferrer" className="url">
        {value}
      </a>
    ) : (
      <span className="mono">{value}</span>
    );
  }
  if (typeof value === 'number' || typeof value === 'boolean') return <span className="mono">{String(value)}</span>;
  return <code className="url">{JSON.stringify(value)}</code>;
}

/** Nested objects one level deep (`metrics: {accuracy: 0.97}`) read as `metrics.accuracy`. */
function metadataRows(metadata: Record<string, unknown>): [string, unknown][] {
  return Object.entries(metadata).flatMap(([key, value]) =>
    value && typeof value === 'object' && !Array.isArray(value)
      ? Object.entries(value as Record<string, unknown>).map(([sub, v]): [string, unknown] => [`${key}.${sub}`, v])
      : [[key, value] as [string, unknown]],
  );
}

function NameList({ names }: { names: string[] }) {
  return (
    <span className="row" style={{ flexWrap: 'wrap', gap: 4 }}>
      {names.map((name) => (
        <span key={name} className="tag">
          {name}
        </span>
      ))}
    </span>
  );
}

/** What slipway.yaml says about the version: description, feature and label names, free-form metadata. */
export function ManifestDetails({ manifest }: { manifest: VersionManifest }) {
  const rows = manifest.metadata ? metadataRows(manifest.metadata) : [];
  return (
    <div className="stack">
      {manifest.description && <p>{manifest.description}</p>}
      <dl className="meta">
        {manifest.features && manifest.features.length > 0 && (
          <div>
            <dt>Features</dt>
            <dd>
              <NameList names={manifest.features} />
            </dd>
          </div>
        )}
        {manifest.labels && manifest.labels.length > 0 && (
          <div>
            <dt>Labels</dt>
            <dd>
              <NameList names={manifest.labels} />
            </dd>
          </div>
        )}
        {manifest.reference_data && (
          <div>
            <dt>Reference data</dt>
            <dd className="mono">{manifest.reference_data}</dd>
          </div>
        )}
      </dl>
      {rows.length > 0 && (
        <div className="table-wrap">
          <table className="table table-compact">
            <caption>Metadata</caption>
            <tbody>
              {rows.map(([key, value]) => (
                <tr key={key}>
                  <th scope="row" className="mono">
                    {key}
                  </th>
                  <td>
                    <MetadataValue value={value} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

/** What the artifact holds and what the ONNX model declares (opsets, operators, producer). */
export function ArtifactDetails({ details }: { details: VersionDetails }) {
  const files = details.files ?? [];
  const opsets = details.opsets ?? [];
  const operators = details.operators ?? [];
  return (
    <div className="stack">
      <dl className="meta">
        <div>
          <dt>Model file</dt>
          <dd className="mono">{details.modelFile}</dd>
        </div>
        {details.producer && (
          <div>
            <dt>Producer</dt>
            <dd>{details.producer}</dd>
          </div>
        )}
        {details.irVersion != null && (
          <div>
            <dt>IR version</dt>
            <dd>{details.irVersion}</dd>
          </div>
        )}
        {opsets.length > 0 && (
          <div>
            <dt>Opsets</dt>
            <dd className="mono">{opsets.map((o) => `${o.domain || 'ai.onnx'} ${o.version}`).join(', ')}</dd>
          </div>
        )}
      </dl>
      {operators.length > 0 && (
        <div>
          <div className="label">Operators</div>
          <NameList names={operators} />
        </div>
      )}
      {files.length > 1 && (
        <details>
          <summary>{files.length} files in the artifact</summary>
          <ul className="mono cell-sub">
            {files.map((f) => (
              <li key={f.path}>
                {f.path} — {formatBytes(f.sizeBytes)}
              </li>
            ))}
          </ul>
        </details>
      )}
    </div>
  );
}
