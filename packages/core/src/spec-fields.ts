import type { DeploymentSpec } from './deployment-spec';

/** Field-level differences between two specs: the lines of a plan (`+ ~ -`, as Terraform prints them). */

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
