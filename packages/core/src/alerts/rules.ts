import { z } from 'zod';

/** What a rule watches: drifting features, the 5xx share, p99 latency, or the absence of requests. */
export const ALERT_KINDS = ['drift', 'error_rate', 'p99_latency', 'no_traffic'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

const DAY_SECONDS = 24 * 60 * 60;

/** The editable fields of a rule; `threshold` means a share (0..1) for error_rate, milliseconds for p99_latency. */
export const alertRuleFieldsSchema = z.object({
  kind: z.enum(ALERT_KINDS),
  threshold: z.number().positive().max(600_000).nullable().default(null),
  windowSeconds: z.number().int().min(15).max(DAY_SECONDS).default(300),
  cooldownSeconds: z.number().int().min(0).max(DAY_SECONDS).default(900),
  enabled: z.boolean().default(true),
  /** A Slack-compatible incoming webhook told of every firing and resolving; null keeps the history only. */
  webhookUrl: z
    .string()
    .max(2000)
    .url()
    .refine((u) => /^https?:\/\//i.test(u), 'the webhook must be an http(s) URL')
    .nullable()
    .default(null),
});
export type AlertRuleFields = z.infer<typeof alertRuleFieldsSchema>;

/** Kinds that compare a measured value with a threshold; the others have none. */
export function needsThreshold(kind: AlertKind): boolean {
  return kind === 'error_rate' || kind === 'p99_latency';
}

/** A rule's threshold must fit its kind: required for error rate (at most 1) and p99, absent otherwise. */
export function thresholdProblem(rule: Pick<AlertRuleFields, 'kind' | 'threshold'>): string | null {
  if (!needsThreshold(rule.kind)) return rule.threshold === null ? null : `a ${rule.kind} rule takes no threshold`;
  if (rule.threshold === null) return `a ${rule.kind} rule needs a threshold`;
  if (rule.kind === 'error_rate' && rule.threshold > 1) return 'an error_rate threshold is a share between 0 and 1';
  return null;
}

export const alertRuleInputSchema = alertRuleFieldsSchema.superRefine((rule, ctx) => {
  const problem = thresholdProblem(rule);
  if (problem) ctx.addIssue({ code: 'custom', path: ['threshold'], message: problem });
});
