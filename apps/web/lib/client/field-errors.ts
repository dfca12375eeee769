import type { FieldProblem } from '@slipway/core';

/** What the console calls an API field when its problem is listed under a form rather than on the field. */
const FIELD_LABELS: Record<string, string> = {
  vcpuQuota: 'vCPU quota',
  memoryQuotaMb: 'Memory quota',
  replicaQuota: 'Replica quota',
  gpuQuota: 'GPU quota',
  storageQuotaBytes: 'Storage quota',
  webhookUrl: 'Webhook URL',
  windowSeconds: 'Window',
  cooldownSeconds: 'Cooldown',
  machineType: 'Machine type',
  gpuType: 'GPU model',
  gpuCount: 'GPUs',
  memoryMb: 'Memory',
  vcpu: 'vCPU',
  hourlyCost: 'Cost',
  timeZone: 'Time zone',
  cron: 'Schedule',
  minReplicas: 'Min replicas',
  maxReplicas: 'Max replicas',
  modelName: 'Model',
  versionLabel: 'Version',
  versionDigest: 'Digest',
};

/** "autoscaling.schedules.0.timeZone" → "Time zone (schedule 1)"; unknown names are split from camelCase. */
export function fieldLabel(field: string): string {
  const parts = field.split('.');
  const last = [...parts].reverse().find((p) => !/^\d+$/.test(p)) ?? field;
  const label =
    FIELD_LABELS[last] ?? last.replace(/([a-z])([A-Z])/g, (_, a: string, b: string) => `${a} ${b.toLowerCase()}`).replace(/^./, (c) => c.toUpperCase());
  const index = parts.findIndex((p) => /^\d+$/.test(p));
  return index > 0 ? `${label} (${parts[index - 1]!.replace(/s$/, '')} ${Number(parts[index]) + 1})` : label;
}

/** The error's field problems, if it is an API refusal that names fields. */
export function fieldProblems(error: unknown): readonly FieldProblem[] {
  const fields = (error as { fields?: unknown } | null)?.fields;
  return Array.isArray(fields) ? (fields as FieldProblem[]) : [];
}

/** The sentence for one field: its own path, or the last segment of a nested one (`variants.0.replicas` on `replicas`). */
export function problemFor(error: unknown, field: string): string | undefined {
  const problems = fieldProblems(error);
  return (problems.find((p) => p.field === field) ?? problems.find((p) => p.field.endsWith(`.${field}`)))?.message;
}

/**
 * What a form's summary says: the problems no field of the form shows (each with its field's name), or, when every
 * problem sits on a field, a pointer to them. Null when the error names no fields (its message is shown as is).
 */
export function summaryOf(error: unknown, shownOnFields: readonly string[]): string[] | null {
  const problems = fieldProblems(error);
  if (problems.length === 0) return null;
  const shown = (p: FieldProblem) => shownOnFields.some((f) => p.field === f || p.field.endsWith(`.${f}`));
  const rest = problems.filter((p) => !shown(p)).map((p) => (p.field ? `${fieldLabel(p.field)}: ${p.message}` : p.message));
  if (rest.length === 0) return [problems.length === 1 ? 'Fix the marked field.' : 'Fix the marked fields.'];
  return rest;
}
