/** ISO 8601 weeks (Monday to Monday, week 1 holds the year's first Thursday), in UTC. */
import { VoipwatchError } from '../errors.ts';

const DAY_MS = 86_400_000;

/** The Monday 00:00 UTC that starts ISO week `week` of ISO year `year`. */
export function isoWeekStart(year: number, week: number): Date {
  const jan4 = Date.UTC(year, 0, 4);
  const jan4Weekday = (new Date(jan4).getUTCDay() + 6) % 7; // Monday 0
  return new Date(jan4 - jan4Weekday * DAY_MS + (week - 1) * 7 * DAY_MS);
}

export function weeksInIsoYear(year: number): number {
  // A year has 53 ISO weeks when it starts on a Thursday, or is a leap year starting on a Wednesday.
  const weekday = (y: number, m: number, d: number) => new Date(Date.UTC(y, m, d)).getUTCDay();
  return weekday(year, 0, 1) === 4 || weekday(year, 11, 31) === 4 ? 53 : 52;
}

export function parseIsoWeek(text: string): { year: number; week: number; from: Date; to: Date } {
  const m = /^(\d{4})-W(\d{2})$/.exec(text);
  if (!m) throw new VoipwatchError('ERR_WEEK', `a week is written like 2026-W47, not ${JSON.stringify(text)}`);
  const year = Number(m[1]), week = Number(m[2]);
  if (week < 1 || week > weeksInIsoYear(year)) throw new VoipwatchError('ERR_WEEK', `${year} has ${weeksInIsoYear(year)} ISO weeks, not ${week}`);
  const from = isoWeekStart(year, week);
  return { year, week, from, to: new Date(from.getTime() + 7 * DAY_MS) };
}

export function isoWeekOf(date: Date): string {
  const d = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
  const weekday = (d.getUTCDay() + 6) % 7;
  d.setUTCDate(d.getUTCDate() - weekday + 3); // the Thursday of this week decides the year
  const year = d.getUTCFullYear();
  const week = 1 + Math.round((d.getTime() - isoWeekStart(year, 1).getTime() - 3 * DAY_MS) / (7 * DAY_MS));
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/** The last week that has fully ended before `now`. */
export function lastFullIsoWeek(now: Date): string {
  return isoWeekOf(new Date(now.getTime() - 7 * DAY_MS));
}
