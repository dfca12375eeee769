import { DRIFT_PERSISTENCE, type FeatureReport, recentBreaches } from '@slipway/core';

const fmt = (x: number) => (x >= 10 ? x.toFixed(1) : x.toFixed(3).replace(/0+$/, '').replace(/\.$/, ''));

/**
 * Why a feature has its status, in words: the status follows the distance score (Wasserstein for numbers,
 * Jensen–Shannon for categories) against its threshold, and only a breach that persists is drift. PSI and the share
 * out of range are context: a high PSI beside "OK" is explained, not left as a contradiction.
 */
export function driftVerdict(f: Pick<FeatureReport, 'kind' | 'status' | 'score' | 'threshold' | 'psi' | 'outOfRange' | 'overTime'>): string | null {
  if (f.score === null || f.threshold === null) return null;
  if (f.status === 'too_few') return 'Too few values in the window to judge yet.';
  const metric = f.kind === 'numeric' ? 'Wasserstein distance' : 'Jensen–Shannon distance';
  const over = recentBreaches(f.overTime.map((w) => w.status));
  const { of, needed } = DRIFT_PERSISTENCE;
  const judged = `${metric} ${fmt(f.score)} against its threshold ${fmt(f.threshold)}; over it in ${over} of the last ${of} windows`;
  const context =
    f.kind === 'numeric' && f.psi !== null
      ? ` PSI and the share out of range are shown for context and do not set the status${f.psi > 0.25 ? ' (PSI above 0.25 is worth a look)' : ''}.`
      : '';
  if (f.status === 'drift') return `Drift: ${judged}, and ${needed} are enough.${context}`;
  return `OK: ${judged}; drift needs ${needed}.${context}`;
}
