// Local calendar days in a collaboration's time zone, and whether its check-in cron fired today.
import { Cron } from 'croner';
import { localDay, localTimeParts as parts } from '@trellis/schema';

export { localDay };

const DAY = 86_400_000;

/** The first instant of `at`'s local day, exact across any clock change. */
export function startOfLocalDay(at: Date, timeZone: string): Date {
  const p = parts(at, timeZone);
  const today = localDay(at, timeZone);
  const inToday = (t: number) => localDay(new Date(t), timeZone) === today;
  const guess = at.getTime() - (((p.hour ?? 0) * 60 + (p.minute ?? 0)) * 60 + (p.second ?? 0)) * 1000 - at.getMilliseconds();
  if (inToday(guess) && !inToday(guess - 1)) return new Date(guess);
  // The clock changed today (by 30 minutes on Lord Howe Island, or over midnight): search between
  // an instant surely in an earlier day and `at` for the day's first instant (days only move forward).
  let before = at.getTime() - 2 * DAY;
  let first = at.getTime();
  while (first - before > 1) {
    const mid = Math.floor((before + first) / 2);
    if (inToday(mid)) first = mid;
    else before = mid;
  }
  return new Date(first);
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
