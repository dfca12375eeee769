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

/** Whether a schedule entry parses: a message to show when it does not. */
export function scheduleProblem(cron: string, timeZone: string): string | null {
  try {
    CronExpressionParser.parse(cron, { tz: timeZone }).next();
    return null;
  } catch (error) {
    return `'${cron}' in ${timeZone} is not a valid cron schedule: ${(error as Error).message}`;
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
