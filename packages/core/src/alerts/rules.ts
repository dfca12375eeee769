import { z } from 'zod';

/** What a rule watches: drifting features, the 5xx share, p99 latency, the absence of requests, or accuracy from feedback. */
export const ALERT_KINDS = ['drift', 'error_rate', 'p99_latency', 'no_traffic', 'accuracy'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

const DAY_SECONDS = 24 * 60 * 60;

/** Bounds of a rule's window and cooldown, in seconds; the console's form shows the same. */
export const ALERT_WINDOW_SECONDS = { min: 15, max: DAY_SECONDS } as const;
export const ALERT_COOLDOWN_SECONDS = { min: 0, max: DAY_SECONDS } as const;

/** Each editable field once, without defaults: creation adds them, an edit (PATCH) takes any subset. */
const ruleFields = {
  kind: z.enum(ALERT_KINDS),
  /** A share (0..1) for error_rate (above) and accuracy (below), milliseconds for p99_latency; none for the other kinds. */
  threshold: z.number().positive().max(600_000).nullable(),
  /** Drift rules only: the one feature (input column or output, of any variant) to watch; null watches every feature. */
  feature: z.string().trim().min(1).max(200).nullable(),
  windowSeconds: z.number().int().min(ALERT_WINDOW_SECONDS.min).max(ALERT_WINDOW_SECONDS.max),
  cooldownSeconds: z.number().int().min(ALERT_COOLDOWN_SECONDS.min).max(ALERT_COOLDOWN_SECONDS.max),
  enabled: z.boolean(),
  /** A Slack-compatible incoming webhook told of every firing and resolving; null keeps the history only. */
  webhookUrl: z
    .string()
    .max(2000)
    .url()
    .refine((u) => /^https?:\/\//i.test(u), 'the webhook must be an http(s) URL')
    .nullable(),
};

/** The fields of a rule, defaults filled in; also reads a stored row (other columns are ignored). */
export const alertRuleFieldsSchema = z.object({
  ...ruleFields,
  threshold: ruleFields.threshold.default(null),
  feature: ruleFields.feature.default(null),
  windowSeconds: ruleFields.windowSeconds.default(300),
  cooldownSeconds: ruleFields.cooldownSeconds.default(900),
  enabled: ruleFields.enabled.default(true),
  webhookUrl: ruleFields.webhookUrl.default(null),
});
export type AlertRuleFields = z.infer<typeof alertRuleFieldsSchema>;

/** Kinds that compare a measured value with a threshold; the others have none. */
export function needsThreshold(kind: AlertKind): boolean {
  return kind === 'error_rate' || kind === 'p99_latency' || kind === 'accuracy';
}

/**
 * What is wrong with a rule's combination of fields, by field: a threshold is required for error rate (at most 1) and
 * p99 and absent otherwise; only drift rules name a feature.
 */
export function ruleProblems(rule: Pick<AlertRuleFields, 'kind' | 'threshold' | 'feature'>): { path: 'threshold' | 'feature'; message: string }[] {
  const problems: { path: 'threshold' | 'feature'; message: string }[] = [];
  if (!needsThreshold(rule.kind)) {
    if (rule.threshold !== null) problems.push({ path: 'threshold', message: `a ${rule.kind} rule takes no threshold` });
  } else if (rule.threshold === null) problems.push({ path: 'threshold', message: `a ${rule.kind} rule needs a threshold` });
  else if ((rule.kind === 'error_rate' || rule.kind === 'accuracy') && rule.threshold > 1)
    problems.push({ path: 'threshold', message: `an ${rule.kind} threshold is a share between 0 and 1` });
  if (rule.kind !== 'drift' && rule.feature !== null) problems.push({ path: 'feature', message: `only drift rules watch a feature, not ${rule.kind}` });
  return problems;
}

function refineRule(rule: Pick<AlertRuleFields, 'kind' | 'threshold' | 'feature'>, ctx: z.RefinementCtx): void {
  for (const problem of ruleProblems(rule)) ctx.addIssue({ code: 'custom', path: [problem.path], message: problem.message });
}

/** A new rule (POST): unknown fields are refused, so a misspelt one is never silently dropped. */
export const alertRuleInputSchema = alertRuleFieldsSchema.strict().superRefine(refineRule);
export type AlertRuleInput = z.infer<typeof alertRuleInputSchema>;

/** An edit (PATCH): any subset of the fields; the edited rule as a whole is checked with `ruleProblems`. */
export const alertRulePatchSchema = z
  .object(ruleFields)
  .partial()
  .strict()
  .refine((patch) => Object.keys(patch).length > 0, 'name at least one field to change');
export type AlertRulePatch = z.infer<typeof alertRulePatchSchema>;

/** A rule edited by a patch, or the problems that make the result invalid. */
export function applyRulePatch(
  rule: AlertRuleFields,
  patch: AlertRulePatch,
): { ok: true; rule: AlertRuleFields } | { ok: false; problems: ReturnType<typeof ruleProblems> } {
  const edited = { ...rule, ...patch };
  // Changing the kind drops what only the old kind had, unless the patch sets it again.
  if (patch.kind !== undefined && patch.kind !== rule.kind) {
    if (patch.threshold === undefined) edited.threshold = null;
    if (patch.feature === undefined) edited.feature = null;
  }
  const problems = ruleProblems(edited);
  return problems.length === 0 ? { ok: true, rule: edited } : { ok: false, problems };
}
