'use client';

import Link from 'next/link';
import { useState } from 'react';
import { type AuditEntry, useAuditLog } from '@/lib/client/accounts';
import { PageHeader } from '../page-header';
import { EmptyState, QueryContent } from '../states';
import { TimeAgo } from '../time-ago';

const KINDS = [
  { value: '', label: 'Everything' },
  { value: 'deployment', label: 'Deployments' },
  { value: 'api_key', label: 'API keys' },
  { value: 'team', label: 'Teams and quotas' },
  { value: 'user', label: 'Users' },
  { value: 'secret', label: 'Secrets' },
];

/** `{"revision": 3}` as "revision 3", a list as "a, b": details in words, not JSON. */
function describeDetails(details: unknown): string {
  if (!details || typeof details !== 'object') return '';
  return Object.entries(details as Record<string, unknown>)
    .filter(([, v]) => v !== null && v !== undefined && !(Array.isArray(v) && v.length === 0))
    .map(([k, v]) => `${k} ${Array.isArray(v) ? v.join(', ') : typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
    .join(' · ');
}

function AuditRows({ entries }: { entries: AuditEntry[] }) {
  return (
    <div className="table-wrap">
      <table className="table">
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Who</th>
            <th scope="col">What</th>
            <th scope="col">On</th>
            <th scope="col">Details</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((e) => (
            <tr key={e.id} data-action={e.action}>
              <td className="muted">
                <TimeAgo iso={e.at} />
              </td>
              <td>{e.actor}</td>
              <td className="mono">{e.action}</td>
              <td>
                <span className="mono">{e.targetName}</span>
                {e.team?.name && <span className="muted"> · {e.team.name}</span>}
              </td>
              <td className="muted">{describeDetails(e.details)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Who changed what, when: every change to deployments, keys, quotas, users and secrets, newest first. */
export function AuditLogView() {
  const [kind, setKind] = useState('');
  const log = useAuditLog(kind || undefined);
  return (
    <>
      <PageHeader
        title="Audit log"
        breadcrumb={<Link href="/admin">Admin</Link>}
        subtitle="Every change to deployments, API keys, quotas, users and secrets: who made it and when. Entries are never pruned."
      />
      <section className="card" aria-label="Audit log">
        <div className="card-header">
          <div className="field">
            <label htmlFor="audit-kind">Show</label>
            <select id="audit-kind" className="select" value={kind} onChange={(e) => setKind(e.target.value)}>
              {KINDS.map((k) => (
                <option key={k.value} value={k.value}>
                  {k.label}
                </option>
              ))}
            </select>
          </div>
        </div>
        <QueryContent
          query={{ ...log, data: log.data?.pages.flatMap((p) => p.entries) }}
          loadingLabel="Loading the audit log…"
          isEmpty={(entries) => entries.length === 0}
          empty={
            <EmptyState compact title="Nothing recorded yet">
              Changes appear here as people deploy, delete, create keys or change quotas.
            </EmptyState>
          }
        >
          {(entries) => (
            <>
              <AuditRows entries={entries} />
              {log.hasNextPage && (
                <div className="card-body">
                  <button type="button" className="btn" onClick={() => log.fetchNextPage()} disabled={log.isFetchingNextPage}>
                    {log.isFetchingNextPage ? 'Loading…' : 'Older entries'}
                  </button>
                </div>
              )}
            </>
          )}
        </QueryContent>
      </section>
    </>
  );
}
