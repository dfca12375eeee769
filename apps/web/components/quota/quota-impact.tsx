'use client';

import { useMachineTypes } from '@/lib/client/queries';
import { formatAmount, formatCostRange, formatNumber, quotaImpact, useUsage, type DimensionImpact, type VariantDraft } from '@/lib/client/quota';

const listed = (parts: string[]) => (parts.length < 2 ? parts.join('') : `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`);

function shortfall({ dimension, needs, remaining }: DimensionImpact): string {
  const left =
    remaining === 0 ? 'none remain' : `only ${formatNumber(dimension, remaining!)} ${remaining === 1 && dimension !== 'memoryMb' ? 'remains' : 'remain'}`;
  return `${formatAmount(dimension, needs)} but ${left}`;
}

function describeImpact(teamName: string, dimensions: DimensionImpact[]): string {
  const over = dimensions.filter((d) => d.exceeds);
  if (over.length) return `Over the quota of team '${teamName}': this needs up to ${listed(over.map(shortfall))}. It will be refused.`;
  const limited = dimensions.filter((d) => d.remaining !== null);
  if (limited.length === 0)
    return `This uses up to ${listed(dimensions.map((d) => formatAmount(d.dimension, d.needs)))}; team '${teamName}' has no compute limits.`;
  const fits = limited.map((d) => `${formatNumber(d.dimension, d.needs)} of the remaining ${formatAmount(d.dimension, d.remaining!)}`);
  return `This uses up to ${listed(fits)} in team '${teamName}'.`;
}

/**
 * What a drafted deployment takes from its team's compute quota at its worst case (maxReplicas), and
 * what it costs per hour from its fewest to its most replicas. For a change of a running deployment,
 * give `deploymentName`: its current spec is what the draft replaces.
 */
export function QuotaImpact({ teamId, variants, deploymentName }: { teamId: string; variants: VariantDraft[]; deploymentName?: string }) {
  const usage = useUsage();
  const machineTypes = useMachineTypes();
  if (!machineTypes.data) return null;
  const team = usage.data?.find((t) => t.id === teamId);
  const { dimensions, cost } = quotaImpact(variants, machineTypes.data, team, deploymentName);
  const over = dimensions.some((d) => d.exceeds);
  return (
    <div className={over ? 'alert alert-warn' : 'hint'} role="status" aria-live="polite">
      {team && <p>{describeImpact(team.name, dimensions)}</p>}
      <p>Costs {formatCostRange(cost)}.</p>
    </div>
  );
}
