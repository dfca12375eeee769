import { CronExpressionParser } from 'cron-parser';

/** Cron schedules (an autoscaler's periods): whether one parses, and when it fires. */

/** When the schedule fired last, at or before `now` (null: it does not parse). */
export function lastFire(cron: string, timeZone: string, now: number): number | null {
  try {
    return CronExpressionParser.parse(cron, { currentDate: new Date(now + 1), tz: timeZone })
      .prev()
      .toDate()
      .getTime();
  } catch {
    return null;
  }
}

/** Whether `timeZone` names an IANA time zone this runtime knows (e.g. Europe/Paris, UTC). */
export function isTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether a schedule entry parses: a sentence to show on its cron field when it does not (the cron library's own
 * message names internals, e.g. "Constraint error, got value 25 expected range 0-23", so it is not passed on).
 */
export function scheduleProblem(cron: string, timeZone: string): string | null {
  if (!isTimeZone(timeZone)) return null;
  try {
    CronExpressionParser.parse(cron, { tz: timeZone }).next();
    return null;
  } catch {
    return `'${cron}' is not a schedule: write five fields, minute hour day-of-month month weekday, e.g. '0 8 * * 1-5' for 08:00 on weekdays.`;
  }
}

/** The next `count` fires after `now`, in ms (none when it does not parse: such an entry is refused when written). */
export function cronFiresAfter(cron: string, timeZone: string, now: number, count: number): number[] {
  try {
    const times = CronExpressionParser.parse(cron, { currentDate: new Date(now), tz: timeZone });
    return Array.from({ length: count }, () => times.next().toDate().getTime());
  } catch {
    return [];
  }
}
