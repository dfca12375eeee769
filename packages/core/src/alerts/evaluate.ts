import type { AlertRuleFields } from './rules';

/** What a rule's window held: built by the worker from latency rollups and drift rows. */
export interface AlertWindowSummary {
  requests: number;
  /** Requests answered with a 5xx. */
  errors: number;
  p99Ms: number | null;
  /** Drifting features as `variant/feature`. */
  driftingFeatures: readonly string[];
  /** Answers in the window that received a label, and how many of them were right (accuracy rules). */
  labelled?: number;
  correct?: number;
}

/** Labels an accuracy rule needs in its window before it judges (fewer say nothing either way). */
export const MIN_LABELS_FOR_ACCURACY_ALERT = 30;

export interface AlertState {
  firing: boolean;
  /** Epoch ms of the last time the rule fired, null if never. */
  lastFiredAt: number | null;
  /** The deployment is stopped (or stopping): nothing it serves can breach, and a firing rule resolves. */
  deploymentStopped?: boolean;
}

export type AlertDecision =
  | { action: 'fire' | 'resolve'; value: number; message: string }
  | { action: 'none'; reason: 'healthy' | 'still_firing' | 'cooling_down' | 'disabled' | 'stopped' };

/** The drifting features a drift rule watches: all of them, or the one it names in any variant. */
function watchedDrift(feature: string | null, drifting: readonly string[]): readonly string[] {
  if (feature === null) return drifting;
  return drifting.filter((name) => name.slice(name.indexOf('/') + 1) === feature);
}

/** The measured value a rule compares, and whether it breaches the rule. */
export function measure(rule: Pick<AlertRuleFields, 'kind' | 'threshold' | 'feature'>, summary: AlertWindowSummary): { value: number; breached: boolean } {
  const threshold = rule.threshold ?? 0;
  switch (rule.kind) {
    case 'error_rate': {
      // No requests is no evidence of errors: the no_traffic rule covers silence.
      const value = summary.requests === 0 ? 0 : summary.errors / summary.requests;
      return { value, breached: summary.requests > 0 && value > threshold };
    }
    case 'p99_latency':
      return { value: summary.p99Ms ?? 0, breached: summary.p99Ms !== null && summary.p99Ms > threshold };
    case 'no_traffic':
      return { value: summary.requests, breached: summary.requests === 0 };
    case 'drift': {
      const drifting = watchedDrift(rule.feature, summary.driftingFeatures);
      return { value: drifting.length, breached: drifting.length > 0 };
    }
    case 'accuracy': {
      const labelled = summary.labelled ?? 0;
      const value = labelled > 0 ? (summary.correct ?? 0) / labelled : 1;
      return { value, breached: labelled >= MIN_LABELS_FOR_ACCURACY_ALERT && value < threshold };
    }
  }
}

function describe(
  rule: Pick<AlertRuleFields, 'kind' | 'threshold' | 'feature' | 'windowSeconds'>,
  value: number,
  summary: AlertWindowSummary,
  firing: boolean,
): string {
  const over = `over the last ${rule.windowSeconds} s`;
  switch (rule.kind) {
    case 'error_rate':
      return firing
        ? `error rate ${(value * 100).toFixed(1)}% (${summary.errors} of ${summary.requests}) ${over} is above ${((rule.threshold ?? 0) * 100).toFixed(1)}%`
        : `error rate back to ${(value * 100).toFixed(1)}% ${over}`;
    case 'p99_latency':
      return firing ? `p99 latency ${value.toFixed(1)} ms ${over} is above ${rule.threshold} ms` : `p99 latency back to ${value.toFixed(1)} ms ${over}`;
    case 'no_traffic':
      return firing ? `no requests ${over}` : `${value} requests ${over}`;
    case 'accuracy':
      return firing
        ? `accuracy ${(value * 100).toFixed(1)}% (${summary.correct ?? 0} of ${summary.labelled ?? 0} labels) on answers ${over} is below ${((rule.threshold ?? 0) * 100).toFixed(1)}%`
        : `accuracy back to ${(value * 100).toFixed(1)}% on answers ${over}`;
    case 'drift':
      return firing
        ? `drifting: ${watchedDrift(rule.feature, summary.driftingFeatures).join(', ')}`
        : rule.feature === null
          ? 'no feature drifting'
          : `${rule.feature} no longer drifting`;
  }
}

/**
 * One evaluation of one rule: fire when it breaches and is not already firing (unless it fired less than a cooldown
 * ago), resolve when a firing rule no longer breaches. Everything else changes nothing.
 */
export function evaluateAlert(
  rule: Pick<AlertRuleFields, 'kind' | 'threshold' | 'feature' | 'windowSeconds' | 'cooldownSeconds' | 'enabled'>,
  summary: AlertWindowSummary,
  state: AlertState,
  now: number,
): AlertDecision {
  const { value, breached } = measure(rule, summary);
  if (state.deploymentStopped)
    return state.firing ? { action: 'resolve', value, message: 'the deployment was stopped' } : { action: 'none', reason: 'stopped' };
  if (!rule.enabled) return state.firing ? { action: 'resolve', value, message: 'rule disabled' } : { action: 'none', reason: 'disabled' };
  if (breached) {
    if (state.firing) return { action: 'none', reason: 'still_firing' };
    if (state.lastFiredAt !== null && now - state.lastFiredAt < rule.cooldownSeconds * 1000) return { action: 'none', reason: 'cooling_down' };
    return { action: 'fire', value, message: describe(rule, value, summary, true) };
  }
  return state.firing ? { action: 'resolve', value, message: describe(rule, value, summary, false) } : { action: 'none', reason: 'healthy' };
}
