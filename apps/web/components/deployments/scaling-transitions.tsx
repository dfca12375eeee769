import type { ScalingTransition } from '@/lib/client/types';

const WEEK_MS = 6 * 24 * 3600_000;
const soon = new Intl.DateTimeFormat('en', { weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
const later = new Intl.DateTimeFormat('en', { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
const full = new Intl.DateTimeFormat('en', { dateStyle: 'full', timeStyle: 'long' });

/** "Mon 08:00" within the coming week, "Mon Jan 5 08:00" beyond it; in the browser's time zone. */
export function formatTransitionTime(iso: string, now = Date.now()): string {
  const at = new Date(iso);
  return (at.getTime() - now < WEEK_MS ? soon : later).format(at).replaceAll(',', '');
}

/** "min 2", with the max when a schedule sets one other than the autoscaler's. */
export function describeBounds(min: number, max: number, autoscalerMax?: number): string {
  return max === autoscalerMax ? `min ${min}` : `min ${min}, max ${max}`;
}

/** "Mon 08:00 → min 2 · Mon 18:00 → min 0": when a schedule moves the bounds next. */
export function TransitionList({ transitions, label, autoscalerMax }: { transitions: ScalingTransition[]; label: string; autoscalerMax?: number }) {
  return (
    <ul className="transitions" aria-label={label}>
      {transitions.map((t) => (
        <li key={`${t.at}:${t.minReplicas}:${t.maxReplicas}`}>
          <time dateTime={t.at} title={full.format(new Date(t.at))}>
            {formatTransitionTime(t.at)}
          </time>{' '}
          → {describeBounds(t.minReplicas, t.maxReplicas, autoscalerMax)}
        </li>
      ))}
    </ul>
  );
}
