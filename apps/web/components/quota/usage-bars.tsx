'use client';

import { formatBytes } from '@/lib/client/format';
import { dimensionLabel, formatAmount, formatNumber, usageByDimension, useUsage, type TeamCompute } from '@/lib/client/quota';
import { ProgressBar } from '../progress-bar';
import { EmptyState, QueryContent } from '../states';

const NEARLY_FULL_PERCENT = 90;

const percentOf = (used: number, limit: number) => (limit === 0 ? 100 : (used / limit) * 100);

/** Stored artifact bytes against the storage quota. */
export function StorageUsageBar({ teamName, quotaBytes, usedBytes }: { teamName: string; quotaBytes: number | null; usedBytes: number }) {
  const used = formatBytes(usedBytes);
  if (quotaBytes === null) return <p className="muted">{used} stored · no quota</p>;
  const percent = percentOf(usedBytes, quotaBytes);
  return (
    <ProgressBar
      label={`Storage used by ${teamName}`}
      value={percent}
      tone={percent >= NEARLY_FULL_PERCENT ? 'red' : undefined}
      caption={`${used} of ${formatBytes(quotaBytes)}`}
      detail={`${Math.round(percent)}%`}
    />
  );
}

/** A bar per compute limit (used: every deployment at its worst case), one line for what is not limited. */
export function ComputeUsageBars({ teamName, compute }: { teamName: string; compute: TeamCompute }) {
  const dimensions = usageByDimension(compute);
  const unlimited = dimensions.filter((d) => d.limit === null);
  return (
    <div className="stack">
      {dimensions.map(({ dimension, used, limit }) => {
        if (limit === null) return null;
        const percent = percentOf(used, limit);
        return (
          <ProgressBar
            key={dimension}
            label={`${dimensionLabel(dimension)} used by ${teamName}`}
            value={percent}
            tone={percent >= NEARLY_FULL_PERCENT ? 'red' : undefined}
            caption={`${formatNumber(dimension, used)} of ${formatAmount(dimension, limit)}`}
            detail={`${Math.round(percent)}%`}
          />
        );
      })}
      {unlimited.length > 0 && <p className="muted">Up to {unlimited.map((d) => formatAmount(d.dimension, d.used)).join(' · ')} · not limited</p>}
    </div>
  );
}

/** Drop-in: storage and compute usage of one of the caller's teams, or of each of them. */
export function UsageBars({ teamId }: { teamId?: string }) {
  const usage = useUsage();
  return (
    <QueryContent
      query={usage}
      loadingLabel="Loading usage…"
      isEmpty={(teams) => !teams.some((t) => !teamId || t.id === teamId)}
      empty={
        <EmptyState compact title="No team">
          You are not in a team whose usage you can see.
        </EmptyState>
      }
    >
      {(teams) =>
        teams
          .filter((t) => !teamId || t.id === teamId)
          .map((team) => (
            <section key={team.id} className="stack" aria-label={`Usage of ${team.name}`}>
              {!teamId && <h3>{team.name}</h3>}
              <StorageUsageBar teamName={team.name} quotaBytes={team.storageQuotaBytes} usedBytes={team.storageUsedBytes} />
              <ComputeUsageBars teamName={team.name} compute={team.compute} />
            </section>
          ))
      }
    </QueryContent>
  );
}
