import { formatFieldChange, type ComputeUsage, type DeploymentPlan, type PlannedDeployment } from '@slipway/core';

export interface Paint {
  green: (s: string) => string;
  yellow: (s: string) => string;
  red: (s: string) => string;
  dim: (s: string) => string;
  bold: (s: string) => string;
}

export const noPaint: Paint = { green: (s) => s, yellow: (s) => s, red: (s) => s, dim: (s) => s, bold: (s) => s };

const SIGN = { create: '+', update: '~', destroy: '-', none: ' ' } as const;

/** Cents, unless a cheap machine's price needs more digits to show at all ($0.0120). */
const dollars = (n: number) => `$${n.toFixed(Math.abs(n * 100 - Math.round(n * 100)) < 1e-9 ? 2 : 4)}`;
/** "$0.05/h", or "$0.05–0.20/h" when autoscaling spans a range. */
export const costRange = (c: { min: number; max: number } | null) =>
  !c ? '$0/h' : c.min === c.max ? `${dollars(c.min)}/h` : `${dollars(c.min)}–${dollars(c.max).slice(1)}/h`;

export function describeUsage(u: ComputeUsage | null): string {
  if (!u) return 'nothing';
  const gpus = Object.entries(u.gpus).map(([type, n]) => `, ${n} ${type}`);
  return `${u.replicas} replica${u.replicas === 1 ? '' : 's'}, ${u.vcpu} vCPU, ${u.memoryMb} MB${gpus.join('')}`;
}

function deploymentLines(d: PlannedDeployment, paint: Paint): string[] {
  const color = d.action === 'create' ? paint.green : d.action === 'destroy' ? paint.red : d.action === 'update' ? paint.yellow : paint.dim;
  if (d.action === 'none') return [paint.dim(`  ${d.name} (model ${d.model}): no changes`)];
  const head = color(`${SIGN[d.action]} ${paint.bold(d.name)} (model ${d.model})${d.action === 'destroy' ? ': will be stopped' : ''}`);
  const fields = d.changes.map((c) => {
    const line = `    ${formatFieldChange(c)}`;
    return c.op === '+' ? paint.green(line) : c.op === '-' ? paint.red(line) : paint.yellow(line);
  });
  const cost = `    cost ${costRange(d.hourlyCost.before)} → ${costRange(d.hourlyCost.after)}; worst case ${describeUsage(d.usage.after)}`;
  const quota = d.quota.ok ? [] : [paint.red(`    quota: ${d.quota.message}`)];
  return [head, ...fields, paint.dim(cost), ...quota];
}

/** A plan as `slipway diff` prints it: `+ ~ -` per deployment and field, costs, Terraform's summary line. */
export function formatPlan(plan: DeploymentPlan, paint: Paint = noPaint): string {
  const lines = plan.deployments.flatMap((d) => deploymentLines(d, paint));
  const refused = plan.deployments.filter((d) => !d.quota.ok).length;
  return [
    ...lines,
    '',
    paint.bold(plan.summary.line),
    `Hourly cost: ${costRange(plan.hourlyCost.before)} → ${costRange(plan.hourlyCost.after)}`,
    ...(refused ? [paint.red(`${refused} deployment(s) would exceed the team's compute quota: apply will refuse the file.`)] : []),
  ].join('\n');
}

export const hasChanges = (plan: DeploymentPlan) => plan.summary.add + plan.summary.change + plan.summary.destroy > 0;
