import { describeMachine } from '@/lib/client/format';
import type { Variant } from '@/lib/client/types';
import { StatusBadge } from '../status-badge';

export function ReplicasPanel({ variants }: { variants: Variant[] }) {
  return (
    <section className="card" aria-labelledby="replicas-title">
      <div className="card-header">
        <h2 id="replicas-title">Replicas</h2>
      </div>
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
                <td className="cell-title">{variant.name}</td>
                <td className="mono">v{variant.version.label}</td>
                <td className="muted">{describeMachine(variant.machineType)}</td>
                <td className="num">{variant.trafficWeight}%</td>
                <td>
                  <div className="replicas">
                    {variant.replicaList.length === 0 && <span className="muted">None running (wanted {variant.replicas})</span>}
                    {variant.replicaList.map((replica) => (
                      <span key={replica.id} title={replica.address ?? 'no address yet'}>
                        <StatusBadge status={replica.state} />
                      </span>
                    ))}
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
