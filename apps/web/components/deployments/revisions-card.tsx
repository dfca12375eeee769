'use client';

import { useState } from 'react';
import { api } from '@/lib/client/api';
import { isRollingOut, useDeploymentRevisions } from '@/lib/client/queries';
import type { Deployment, Revision, RevisionHistory } from '@/lib/client/types';
import { EmptyState, QueryContent } from '../states';
import { ConfirmAction } from './confirm-action';
import { useApplyDeployment } from './deployment-mutations';
import { TimeAgo } from '../time-ago';

const SHOWN_AT_FIRST = 10;

/** Live: the target and the stable one; during a rollout the target is rolling out and the stable one still serves. */
function RevisionMarks({ number, history, deployment }: { number: number; history: RevisionHistory; deployment: Deployment }) {
  const current = number === history.current;
  const stable = number === history.stable;
  if (current && stable) {
    return (
      <span className="badge" data-tone="green" title="The target revision, fully rolled out">
        Live
      </span>
    );
  }
  return (
    <>
      {current &&
        (isRollingOut(deployment) ? (
          <span className="badge" data-tone="blue" data-live="true" title="The target revision">
            Rolling out
          </span>
        ) : (
          <span className="badge" data-tone={deployment.status === 'failed' ? 'red' : 'gray'} title="The target revision">
            {deployment.status === 'failed' ? 'Failed' : 'Target'}
          </span>
        ))}
      {stable && (
        <span className="badge" title="The last revision that finished rolling out">
          Stable
        </span>
      )}
    </>
  );
}

function RollbackButton({ deployment, revision }: { deployment: Deployment; revision: Revision }) {
  const apply = useApplyDeployment(deployment.name);
  const replacing = isRollingOut(deployment);
  return (
    <ConfirmAction
      size="sm"
      label="Roll back to this"
      ariaLabel={`Roll back to revision ${revision.number}`}
      groupLabel={`Confirm rolling back to revision ${revision.number}`}
      question={
        <>
          Roll back to revision {revision.number}? Its spec becomes revision {deployment.revision + 1}, rolled out blue-green
          {replacing ? `, replacing the rollout of revision ${deployment.revision} in progress` : ''}.
        </>
      }
      confirmLabel={`Roll back to revision ${revision.number}`}
      pendingLabel="Rolling back…"
      disabled={deployment.status === 'stopped' || deployment.status === 'stopping'}
      action={() => api.rollbackDeployment(deployment.name, revision.number, replacing)}
      onDone={(result) => apply(result.deployment)}
    />
  );
}

function RevisionsTable({ deployment, history }: { deployment: Deployment; history: RevisionHistory }) {
  const [showAll, setShowAll] = useState(false);
  const shown = showAll ? history.revisions : history.revisions.slice(0, SHOWN_AT_FIRST);
  return (
    <>
      <div className="table-wrap">
        <table className="table">
          <caption className="visually-hidden">Revisions of {deployment.name}, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Revision</th>
              <th scope="col">When</th>
              <th scope="col">Reason</th>
              <th scope="col">Changes</th>
              <th scope="col" className="actions">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {shown.map((revision) => (
              <tr key={revision.number} aria-label={`Revision ${revision.number}`}>
                <td>
                  <div className="row" style={{ flexWrap: 'nowrap' }}>
                    <span className="cell-title mono">#{revision.number}</span>
                    <RevisionMarks number={revision.number} history={history} deployment={deployment} />
                  </div>
                </td>
                <td>
                  <time dateTime={revision.createdAt} title={new Date(revision.createdAt).toLocaleString('en')}>
                    <TimeAgo iso={revision.createdAt} />
                  </time>
                  <div className="cell-sub">{revision.author}</div>
                </td>
                <td>{revision.reason}</td>
                <td>
                  {revision.changes.length === 0 ? (
                    <span className="muted">—</span>
                  ) : (
                    <ul className="changes">
                      {revision.changes.map((change) => (
                        <li key={change}>{change}</li>
                      ))}
                    </ul>
                  )}
                </td>
                <td className="actions">
                  {deployment.canChange && revision.number !== history.current && revision.spec && (
                    <RollbackButton deployment={deployment} revision={revision} />
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {history.revisions.length > SHOWN_AT_FIRST && (
        <div className="card-body" style={{ paddingTop: 12, paddingBottom: 12 }}>
          <button type="button" className="btn btn-sm btn-ghost" onClick={() => setShowAll(!showAll)} aria-expanded={showAll}>
            {showAll ? `Show the newest ${SHOWN_AT_FIRST}` : `Show all ${history.revisions.length} revisions`}
          </button>
        </div>
      )}
    </>
  );
}

/** Every change to the deployment, newest first, with the way back to any of them. */
export function RevisionsCard({ deployment }: { deployment: Deployment }) {
  const revisions = useDeploymentRevisions(deployment);
  return (
    <section className="card" aria-labelledby="revisions-title">
      <div className="card-header">
        <div>
          <h2 id="revisions-title">Revisions</h2>
          <p>Each update is a revision; rolling back makes an earlier one’s spec the newest.</p>
        </div>
      </div>
      <QueryContent
        query={revisions}
        loadingLabel="Loading revisions…"
        isEmpty={(history) => history.revisions.length === 0}
        empty={
          <EmptyState compact title="No revisions yet">
            The first revision appears once the deployment is created; updates add more.
          </EmptyState>
        }
      >
        {(history) => <RevisionsTable deployment={deployment} history={history} />}
      </QueryContent>
    </section>
  );
}
