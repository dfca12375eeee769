import Link from 'next/link';
import { formatBytes, shortDigest } from '@/lib/client/format';
import type { Version } from '@/lib/client/types';
import { CopyButton } from '../copy-button';
import { StatusBadge } from '../status-badge';
import { DeleteVersionButton } from './delete-version-button';
import { TimeAgo } from '../time-ago';

const artifactUrl = (modelName: string, label: number) => `/api/v1/models/${encodeURIComponent(modelName)}/versions/${label}/artifact`;

export function VersionsTable({ modelName, versions }: { modelName: string; versions: Version[] }) {
  return (
    <div className="table-wrap">
      <table className="table">
        <caption className="visually-hidden">Versions of {modelName}</caption>
        <thead>
          <tr>
            <th scope="col">Version</th>
            <th scope="col">Digest</th>
            <th scope="col" className="num">
              Size
            </th>
            <th scope="col">Format</th>
            <th scope="col">Status</th>
            <th scope="col">Uploaded</th>
            <th scope="col" className="actions">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {versions.map((version) => (
            <tr key={version.id}>
              <td className="cell-title mono">v{version.label}</td>
              <td>
                <span className="inline-code">
                  <code title={`sha256:${version.digest}`}>{shortDigest(version.digest)}</code>
                  <CopyButton text={`sha256:${version.digest}`} label={`Copy digest of v${version.label}`} className="btn btn-sm btn-ghost" />
                </span>
              </td>
              <td className="num">{formatBytes(version.sizeBytes)}</td>
              <td>
                <span className="tag">{version.format}</span>
                {version.filename && <div className="cell-sub">{version.filename}</div>}
              </td>
              <td>
                <StatusBadge status={version.status} label={`Status of v${version.label}`} />
                {version.status === 'failed' && version.statusReason && <div className="reason">{version.statusReason}</div>}
              </td>
              <td>
                <div>
                  <TimeAgo iso={version.createdAt} />
                </div>
                <div className="cell-sub">{version.uploadedBy?.email}</div>
              </td>
              <td className="actions">
                <div className="row" style={{ justifyContent: 'flex-end', flexWrap: 'wrap' }}>
                  {version.status === 'ready' && (
                    <Link
                      className="btn btn-sm btn-primary"
                      href={`/deployments/new?model=${encodeURIComponent(modelName)}&version=${version.label}`}
                      aria-label={`Deploy v${version.label}`}
                    >
                      Deploy
                    </Link>
                  )}
                  <a className="btn btn-sm" href={artifactUrl(modelName, version.label)} download aria-label={`Download v${version.label}`}>
                    Download
                  </a>
                  <DeleteVersionButton modelName={modelName} label={version.label} />
                </div>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
