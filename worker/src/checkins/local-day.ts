// Local calendar days in a collaboration's time zone, and whether its check-in cron fired today.
import { Cron } from 'croner';
import { localDay, localTimeParts as parts } from '@trellis/schema';

export { localDay };

/** The first instant of `at`'s local day (hour-accurate across DST changes). */
export function startOfLocalDay(at: Date, timeZone: string): Date {
  const p = parts(at, timeZone);
  const today = localDay(at, timeZone);
  let t = at.getTime() - (((p.hour ?? 0) * 60 + (p.minute ?? 0)) * 60 + (p.second ?? 0)) * 1000 - at.getMilliseconds();
  const HOUR = 3_600_000;
  while (localDay(new Date(t - 1), timeZone) === today) t -= HOUR;
  while (localDay(new Date(t), timeZone) !== today) t += HOUR;
  return new Date(t);
}

/** Decides, per time zone, whether the cron fired during the current local day (cached per tick). */
export class DueClock {
  private readonly crons = new Map<string, Cron>();
  private readonly cache = new Map<string, boolean>();
  constructor(private readonly pattern: string, private readonly now: Date) {}

  firedToday(timeZone: string): boolean {
    const hit = this.cache.get(timeZone);
    if (hit !== undefined) return hit;
    let cron = this.crons.get(timeZone);
    if (!cron) {
      cron = new Cron(this.pattern, { timezone: timeZone, paused: true });
      this.crons.set(timeZone, cron);
    }
    const next = cron.nextRun(new Date(startOfLocalDay(this.now, timeZone).getTime() - 1000));
    const due = next !== null && next.getTime() <= this.now.getTime();
    this.cache.set(timeZone, due);
    return due;
  }
}
