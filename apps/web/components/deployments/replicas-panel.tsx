import { describeMachine } from '@/lib/client/format';
import type { Replica, ReplicaListState, Variant } from '@/lib/client/types';
import { EmptyState } from '../states';
import { StatusBadge } from '../status-badge';

/** Draining replicas are out of routing but still finish what they were sent; the rest read as elsewhere. */
function ReplicaStateBadge({ state }: { state: ReplicaListState }) {
  if (state === 'draining') {
    return (
      <span className="badge" data-tone="amber" data-live="true">
        Draining
      </span>
    );
  }
  return <StatusBadge status={state} />;
}

const DEFAULT_REASON: Partial<Record<ReplicaListState, string>> = {
  draining: 'Out of routing; finishing requests already sent before it stops.',
  failed: 'Failed; the worker replaces it.',
};

function ReplicaItem({ replica }: { replica: Replica }) {
  const reason = replica.reason ?? DEFAULT_REASON[replica.state];
  return (
    <li className="replica" data-state={replica.state}>
      <ReplicaStateBadge state={replica.state} />
      {replica.address && <code className="muted">{replica.address.replace(/^https?:\/\//, '')}</code>}
      {reason && <span className={replica.state === 'failed' ? 'reason' : 'hint'}>{reason}</span>}
    </li>
  );
}

/** "1 of 2 ready": only replicas that answer health checks count; starting, draining and failed ones do not. */
function readySummary(variant: Variant): string {
  const ready = variant.replicaList.filter((r) => r.state === 'ready').length;
  return `${ready} of ${variant.replicas} ready`;
}

function trafficOf(variant: Variant): string {
  if (variant.role === 'shadow') return `mirror ${variant.mirrorPercent}%`;
  return `${variant.trafficWeight}%`;
}

export function ReplicasPanel({ variants }: { variants: Variant[] }) {
  return (
    <section className="card" aria-labelledby="replicas-title">
      <div className="card-header">
        <div>
          <h2 id="replicas-title">Replicas</h2>
          <p>What runs now, with the traffic each replica set gets at this moment.</p>
        </div>
      </div>
      {variants.length === 0 ? (
        <EmptyState compact title="Nothing runs">
          Replicas appear here once a revision rolls out; redeploy a stopped deployment to start them.
        </EmptyState>
      ) : (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Variant</th>
                <th scope="col">Version</th>
                <th scope="col">Machine type</th>
                <th scope="col" className="num">
                  Traffic
                </th>
                <th scope="col">Replicas</th>
              </tr>
            </thead>
            <tbody>
              {variants.map((variant) => (
                <tr key={variant.id}>
                  <td>
                    <div className="cell-title">{variant.name}</div>
                    <span className="tag">{variant.role}</span>
                  </td>
                  <td className="mono">v{variant.version.label}</td>
                  <td className="muted">{describeMachine(variant.machineType)}</td>
                  <td className="num">{trafficOf(variant)}</td>
                  <td>
                    <div className="cell-sub">{readySummary(variant)}</div>
                    {variant.replicaList.length === 0 ? (
                      <span className="muted">
                        {variant.replicas === 0 ? 'Asleep (scaled to zero); the next request wakes it' : `None running (wanted ${variant.replicas})`}
                      </span>
                    ) : (
                      <ul className="replicas" aria-label={`Replicas of ${variant.name} v${variant.version.label}`}>
                        {variant.replicaList.map((replica) => (
                          <ReplicaItem key={replica.id} replica={replica} />
                        ))}
                      </ul>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
