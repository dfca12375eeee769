// How often a relative time ("2 minutes ago") must be redrawn to stay true: its last unit changes that often.

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** Every second while it counts seconds, every 15 s while it counts minutes, every minute after. */
export function refreshEveryMs(ageMs: number): number {
  const age = Math.abs(ageMs);
  if (age < MINUTE) return 1000;
  if (age < HOUR) return 15_000;
  return MINUTE;
}
