'use client';

import { formatMoney, type SpendReport, useSpend } from '@/lib/client/accounts';
import { QueryContent } from '../states';

/** Each team's spend as a bar against the largest, with the figures beside it. */
function TeamBars({ report }: { report: SpendReport }) {
  const largest = Math.max(...report.teams.map((t) => t.cost), 0);
  return (
    <ul className="stack plain-list" aria-label="Spend per team">
      {report.teams.map((t) => (
        <li key={t.id} data-team={t.name} className="progress">
          <div className="progress-caption">
            <strong>{t.name}</strong>
            <span className="mono">
              {formatMoney(t.cost)} · {t.replicaHours.toFixed(1)} replica-hours
              {t.runningReplicas > 0 && ` · ${formatMoney(t.costPerHour)}/h now`}
            </span>
          </div>
          <div className="progress-track" aria-hidden="true">
            <div className="progress-fill" style={{ width: `${largest > 0 ? (t.cost / largest) * 100 : 0}%` }} />
          </div>
        </li>
      ))}
    </ul>
  );
}

function DeletedDeployments({ report }: { report: SpendReport }) {
  const deleted = report.deployments.filter((d) => d.deleted && d.cost > 0);
  if (deleted.length === 0) return null;
  return <p className="muted">Includes deleted deployments: {deleted.map((d) => `${d.name} (${formatMoney(d.cost)})`).join(', ')}.</p>;
}

/** Spend to date per team: replica-hours × each machine's hourly price, from when replicas started to when they stopped. */
export function SpendCard() {
  const spend = useSpend();
  return (
    <section className="card" aria-labelledby="spend-title">
      <div className="card-header">
        <div>
          <h2 id="spend-title">Spend to date</h2>
          <p>Every replica’s running time × its machine type’s hourly price; running replicas count up to now.</p>
        </div>
      </div>
      <div className="card-body stack">
        <QueryContent query={spend} loadingLabel="Loading spend…">
          {(report) => (
            <>
              <p>
                Total <strong className="mono">{formatMoney(report.total.cost)}</strong>
                {report.total.runningReplicas > 0 && (
                  <span className="muted">
                    {' '}
                    · {formatMoney(report.total.costPerHour)}/h for {report.total.runningReplicas} running replica(s)
                  </span>
                )}
              </p>
              <TeamBars report={report} />
              <DeletedDeployments report={report} />
            </>
          )}
        </QueryContent>
      </div>
    </section>
  );
}
