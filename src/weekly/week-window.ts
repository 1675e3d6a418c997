/**
 * ISO weeks in a time zone: a week runs from Monday 00:00 to the next Monday 00:00 local
 * time, so around a daylight-saving change it is 167 or 169 hours long, and its bounds are
 * different UTC instants in each zone.
 */
import { isoWeekStart, parseIsoWeek, isoWeekOf } from '../api/iso-week.ts';
import { VoipwatchError } from '../errors.ts';

export function assertTimeZone(tz: string): void {
  try { new Intl.DateTimeFormat('en-US', { timeZone: tz }); } catch { throw new VoipwatchError('ERR_TIME_ZONE', `not an IANA time zone: ${JSON.stringify(tz)}`); }
}

/** Offset of `tz` from UTC at the instant `ms`, in milliseconds (local = UTC + offset). */
export function zoneOffsetMs(ms: number, tz: string): number {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' }).formatToParts(new Date(ms));
  const v = (type: string) => Number(parts.find((p) => p.type === type)!.value);
  const asUtc = Date.UTC(v('year'), v('month') - 1, v('day'), v('hour'), v('minute'), v('second'));
  return asUtc - Math.floor(ms / 1000) * 1000;
}

/** The UTC instant of a local wall-clock time in `tz` (the later one when a DST gap skips it). */
export function zonedToUtc(year: number, month: number, day: number, hour: number, minute: number, tz: string): Date {
  const guess = Date.UTC(year, month, day, hour, minute);
  let t = guess - zoneOffsetMs(guess, tz);
  t = guess - zoneOffsetMs(t, tz);
  return new Date(t);
}

export interface WeekWindow { week: string; from: Date; to: Date; timeZone: string }

export function weekWindow(week: string, tz: string): WeekWindow {
  assertTimeZone(tz);
  const { from: mondayUtc, to: nextUtc } = parseIsoWeek(week);
  const from = zonedToUtc(mondayUtc.getUTCFullYear(), mondayUtc.getUTCMonth(), mondayUtc.getUTCDate(), 0, 0, tz);
  const to = zonedToUtc(nextUtc.getUTCFullYear(), nextUtc.getUTCMonth(), nextUtc.getUTCDate(), 0, 0, tz);
  return { week, from, to, timeZone: tz };
}

/** The ISO week `n` weeks before `week`. */
export function weeksBefore(week: string, n: number): string {
  const { year, week: w } = parseIsoWeek(week);
  const monday = isoWeekStart(year, w);
  return isoWeekOf(new Date(monday.getTime() - n * 7 * 86_400_000 + 3 * 86_400_000));
}

/** The ISO week that contains the local date of `ms` in `tz`. */
export function weekContaining(ms: number, tz: string): string {
  const local = new Date(ms + zoneOffsetMs(ms, tz));
  return isoWeekOf(local);
}

/** The last week that has fully ended, in `tz`, before `ms`. */
export function lastFullWeek(ms: number, tz: string): string {
  return weeksBefore(weekContaining(ms, tz), 1);
}
