// Where a notification goes now, and where it waits: the rules pick the channels by kind and
// severity; during the owner's quiet hours non-critical ones are held for a digest afterwards.
import type { NotifyConfig, QuietHours } from './config';
import { SEVERITY_RANK, type ChannelName, type Notification } from './types';
import { InvalidArgumentError } from '../errors';

export interface Route {
  now: ChannelName[];
  held: ChannelName[];
}

export function channelsFor(n: Notification, config: NotifyConfig): ChannelName[] {
  const out = new Set<ChannelName>();
  for (const rule of config.rules) {
    if (SEVERITY_RANK[n.severity] < SEVERITY_RANK[rule.minSeverity]) continue;
    if (rule.kinds !== '*' && !rule.kinds.includes(n.kind)) continue;
    for (const c of rule.channels) out.add(c);
  }
  return [...out];
}

export function route(n: Notification, config: NotifyConfig, now: number, available: ReadonlySet<ChannelName>): Route {
  const channels = channelsFor(n, config).filter((c) => available.has(c));
  // Critical always passes: a tripped drawdown switch at 3 a.m. is exactly what must wake the owner.
  if (n.severity !== 'critical' && config.quietHours && isQuiet(now, config.quietHours))
    return { now: [], held: channels };
  return { now: channels, held: [] };
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Minutes since local midnight in the zone. */
function localMinutes(now: number, timeZone: string): number {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formatters.set(timeZone, f);
  }
  const parts = f.formatToParts(now);
  const hour = Number(parts.find((p) => p.type === 'hour')?.value);
  const minute = Number(parts.find((p) => p.type === 'minute')?.value);
  return hour * 60 + minute;
}

export function parseClock(hhmm: string): number {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(hhmm);
  if (!m) throw new InvalidArgumentError(`"${hhmm}" is not a HH:MM time`);
  return Number(m[1]) * 60 + Number(m[2]);
}

/** In [start, end) local time; a window may cross midnight (22:00 → 07:00). start = end: never. */
export function isQuiet(now: number, quiet: QuietHours): boolean {
  const start = parseClock(quiet.start);
  const end = parseClock(quiet.end);
  if (start === end) return false;
  const t = localMinutes(now, quiet.timeZone);
  return start < end ? t >= start && t < end : t >= start || t < end;
}
