import { describeStrategy, type DeploymentSpec, type VariantSpec } from './deployment-spec';

/**
 * What changed between two specs: field by field (the lines of a plan, `+ ~ -`, as Terraform prints them) and
 * as the readable summary a revision's event carries.
 */

export type ChangeOp = '+' | '~' | '-';

/** One field of one deployment: added, changed or removed, with both values as people read them. */
export interface FieldChange {
  op: ChangeOp;
  field: string;
  before?: string;
  after?: string;
}

const render = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value));

function flattenInto(out: Map<string, string>, prefix: string, value: unknown): void {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    for (const [key, inner] of Object.entries(value)) if (inner !== undefined) flattenInto(out, `${prefix}.${key}`, inner);
  } else {
    out.set(prefix, render(value));
  }
}

/** A spec as field → value, variants by name, the version as label and digest together. */
export function specFields(spec: DeploymentSpec): Map<string, string> {
  const fields = new Map<string, string>();
  for (const { name, versionDigest, versionLabel, ...rest } of spec.variants) {
    fields.set(`variants.${name}.version`, `v${versionLabel} (sha256:${versionDigest.slice(0, 12)})`);
    flattenInto(fields, `variants.${name}`, rest);
  }
  flattenInto(fields, 'strategy', spec.strategy);
  return fields;
}

/** Field by field what turns `before` into `after` (either may be absent: a deployment created or destroyed). */
export function fieldChanges(before: DeploymentSpec | null, after: DeploymentSpec | null): FieldChange[] {
  const was = before ? specFields(before) : new Map<string, string>();
  const will = after ? specFields(after) : new Map<string, string>();
  const changes: FieldChange[] = [];
  for (const [field, value] of will) {
    const old = was.get(field);
    if (old === undefined) changes.push({ op: '+', field, after: value });
    else if (old !== value) changes.push({ op: '~', field, before: old, after: value });
  }
  for (const [field, value] of was) if (!will.has(field)) changes.push({ op: '-', field, before: value });
  return changes;
}

/** A field change as one line of a plan: "~ variants.primary.replicas: 1 → 2". */
export function formatFieldChange(c: FieldChange): string {
  if (c.op === '+') return `+ ${c.field}: ${c.after}`;
  if (c.op === '-') return `- ${c.field}: ${c.before}`;
  return `~ ${c.field}: ${c.before} → ${c.after}`;
}

/** A readable list of what changed from one revision to the next, e.g. "primary: v1 → v2". */
export function diffSpecs(before: DeploymentSpec | null, after: DeploymentSpec): string[] {
  if (!before) return after.variants.map((v) => `${v.name}: added (v${v.versionLabel} on ${v.machineType}, ${describeTraffic(v)})`);
  const changes: string[] = [];
  const old = new Map(before.variants.map((v) => [v.name, v]));
  for (const v of after.variants) {
    const was = old.get(v.name);
    old.delete(v.name);
    if (!was) {
      changes.push(`${v.name}: added (v${v.versionLabel} on ${v.machineType}, ${describeTraffic(v)})`);
      continue;
    }
    if (was.versionDigest !== v.versionDigest) changes.push(`${v.name}: v${was.versionLabel} → v${v.versionLabel}`);
    if (was.machineType !== v.machineType) changes.push(`${v.name}: machine ${was.machineType} → ${v.machineType}`);
    if (was.replicas !== v.replicas && !(was.autoscaling && v.autoscaling)) changes.push(`${v.name}: replicas ${was.replicas} → ${v.replicas}`);
    if (describeAutoscaling(was) !== describeAutoscaling(v)) changes.push(`${v.name}: autoscaling ${describeAutoscaling(was)} → ${describeAutoscaling(v)}`);
    if (was.role !== v.role) changes.push(`${v.name}: role ${was.role} → ${v.role}`);
    if (was.weight !== v.weight) changes.push(`${v.name}: weight ${was.weight}% → ${v.weight}%`);
    if (was.mirrorPercent !== v.mirrorPercent) changes.push(`${v.name}: mirror ${was.mirrorPercent}% → ${v.mirrorPercent}%`);
  }
  for (const name of old.keys()) changes.push(`${name}: removed`);
  if (describeStrategy(before.strategy) !== describeStrategy(after.strategy)) {
    changes.push(`strategy: ${describeStrategy(before.strategy)} → ${describeStrategy(after.strategy)}`);
  }
  // Knobs the summary leaves out (an autoscaler delay, a guardrail) still change the spec.
  return changes.length ? changes : fieldChanges(before, after).map(formatFieldChange);
}

function describeAutoscaling(v: VariantSpec): string {
  const a = v.autoscaling;
  if (!a) return 'off';
  const schedules = a.schedules.length ? `, ${a.schedules.length} schedule(s)` : '';
  return `${a.minReplicas}..${a.maxReplicas} at ${a.targetOngoingRequests} in flight per replica${schedules}`;
}

function describeTraffic(v: VariantSpec): string {
  return v.role === 'shadow' ? `mirror ${v.mirrorPercent}%` : `weight ${v.weight}%`;
}
