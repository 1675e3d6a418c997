/**
 * When the weekly report is made without anyone asking: a local weekday and time in a time
 * zone (default Monday 06:00); the job itself is in report-publisher.ts.
 */
import { VoipwatchError } from '../errors.ts';
import { assertTimeZone, lastFullWeek, zoneOffsetMs, zonedToUtc } from './week-window.ts';
import type { Destination } from '../../alerts/alert-event.ts';
import { parseEmailConfig, type EmailConfig } from './report-email.ts';

export interface ReportsConfig {
  /** 1 = Monday … 7 = Sunday */
  weekday: number;
  hour: number;
  minute: number;
  timeZone: string;
  /** names of alert destinations (webhooks of format json) the report is posted to */
  destinations: readonly string[];
  enabled: boolean;
  /** e-mail the report too (null: no e-mail) */
  email: EmailConfig | null;
}

export const DEFAULT_REPORTS: Readonly<ReportsConfig> = Object.freeze({ weekday: 1, hour: 6, minute: 0, timeZone: 'UTC', destinations: Object.freeze([]), enabled: true, email: null });

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/** "Mon 06:00" → weekday, hour, minute. */
export function parseSchedule(text: string, where = 'reports.schedule'): { weekday: number; hour: number; minute: number } {
  const m = /^([A-Za-z]{3})[a-z]*\s+(\d{1,2}):(\d{2})$/.exec(text.trim());
  const day = m ? DAYS.indexOf(m[1].toLowerCase()) : -1;
  if (!m || day < 0 || Number(m[2]) > 23 || Number(m[3]) > 59) throw new VoipwatchError('ERR_CONFIG', `${where}: a weekday and a local time like "Mon 06:00", not ${JSON.stringify(text)}`);
  return { weekday: day + 1, hour: Number(m[2]), minute: Number(m[3]) };
}

export function parseReportsConfig(section: unknown, destinations: readonly Destination[], env: NodeJS.ProcessEnv = process.env): ReportsConfig {
  if (section === undefined || section === null) return DEFAULT_REPORTS;
  if (typeof section !== 'object' || Array.isArray(section)) throw new VoipwatchError('ERR_CONFIG', 'reports: must be a mapping');
  const o = section as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!['schedule', 'timeZone', 'destinations', 'enabled', 'email'].includes(k)) throw new VoipwatchError('ERR_CONFIG', `reports.${k}: unknown setting (known: schedule, timeZone, destinations, enabled, email)`);
  const when = parseSchedule(typeof o.schedule === 'string' ? o.schedule : 'Mon 06:00');
  const timeZone = typeof o.timeZone === 'string' ? o.timeZone : 'UTC';
  try { assertTimeZone(timeZone); } catch (e) { throw new VoipwatchError('ERR_CONFIG', `reports.timeZone: ${(e as Error).message}`); }
  const names = o.destinations === undefined ? [] : o.destinations;
  if (!Array.isArray(names) || names.some((n) => typeof n !== 'string')) throw new VoipwatchError('ERR_CONFIG', 'reports.destinations: a list of destination names');
  for (const n of names as string[]) {
    const d = destinations.find((x) => x.name === n);
    if (!d) throw new VoipwatchError('ERR_CONFIG', `reports.destinations: no destination ${JSON.stringify(n)} in alerts.destinations`);
    if (d.type !== 'webhook' || d.format !== 'json') throw new VoipwatchError('ERR_CONFIG', `reports.destinations: ${n} is not a json webhook (reports are posted as voipwatch.report.v1 JSON)`);
  }
  return Object.freeze({ ...when, timeZone, destinations: Object.freeze([...(names as string[])]), enabled: o.enabled !== false, email: parseEmailConfig(o.email, env) });
}

/** The first instant after `ms` that is the configured weekday and time, local to the zone. */
export function nextRunAfter(ms: number, c: Pick<ReportsConfig, 'weekday' | 'hour' | 'minute' | 'timeZone'>): number {
  const local = new Date(ms + zoneOffsetMs(ms, c.timeZone));
  const weekday = ((local.getUTCDay() + 6) % 7) + 1;
  for (let add = (c.weekday - weekday + 7) % 7; ; add += 7) {
    const at = zonedToUtc(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate() + add, c.hour, c.minute, c.timeZone).getTime();
    if (at > ms) return at;
  }
}

export interface Log { info(o: object, m: string): void; warn(o: object, m: string): void; error(o: object, m: string): void }

/** Runs a report job (report-publisher.ts) at every scheduled time until stopped. */
export class WeeklyReporter {
  private timer: NodeJS.Timeout | null = null;
  constructor(private readonly run: (week: string) => Promise<unknown>, private readonly c: ReportsConfig, private readonly log: Log, private readonly now: () => number = Date.now) {}

  start(): void {
    if (!this.c.enabled) return;
    const at = nextRunAfter(this.now(), this.c);
    this.log.info({ next: new Date(at).toISOString(), timeZone: this.c.timeZone }, 'weekly report scheduled');
    this.timer = setTimeout(() => {
      const week = lastFullWeek(this.now(), this.c.timeZone);
      this.run(week).catch((err: Error) => this.log.error({ week, err: err.message }, 'weekly report failed')).finally(() => { if (this.timer) this.start(); });
    }, Math.min(at - this.now(), 2 ** 31 - 1));
    this.timer.unref();
  }

  stop(): void { if (this.timer) clearTimeout(this.timer); this.timer = null; }
}
