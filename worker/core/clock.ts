/**
 * Local wall-clock time in a visitor's timezone, and the next instant a local-time boundary
 * is crossed. Pure; formatters are cached per timezone because building one is costly.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();
const WEEKDAYS: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };

export interface LocalClock {
  /** Local calendar date, "2026-12-01". */
  date: string;
  /** Minutes since local midnight, 0–1439. */
  minute: number;
  /** Milliseconds into the current local minute. */
  msIntoMinute: number;
  /** 0 = Sunday … 6 = Saturday. */
  weekday: number;
}

/** True when `tz` is an IANA timezone this runtime knows. */
export function isTimezone(tz: string): boolean {
  try {
    formatterFor(tz);
    return true;
  } catch {
    return false;
  }
}

function formatterFor(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: tz,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      weekday: "short",
    });
    formatters.set(tz, f);
  }
  return f;
}

/**
 * The local clock at `now`. Timezone offsets are whole minutes, so everything but the
 * milliseconds changes only at a UTC minute boundary: each (timezone, minute) is formatted
 * once (formatToParts showed in the page path's CPU profile). Bounded.
 */
const minutes = new Map<string, Omit<LocalClock, "msIntoMinute">>();
export function localClock(now: number, tz: string): LocalClock {
  const key = `${tz}\u0000${Math.floor(now / 60_000)}`;
  let known = minutes.get(key);
  if (!known) {
    if (minutes.size >= 256) minutes.clear();
    minutes.set(key, (known = formatClock(now, tz)));
  }
  return { ...known, msIntoMinute: now % 60_000 };
}

function formatClock(now: number, tz: string): Omit<LocalClock, "msIntoMinute"> {
  let hour = 0;
  let minute = 0;
  let weekday = 0;
  let year = "";
  let month = "";
  let day = "";
  for (const part of formatterFor(tz).formatToParts(now)) {
    if (part.type === "hour") hour = Number(part.value);
    else if (part.type === "minute") minute = Number(part.value);
    else if (part.type === "weekday") weekday = WEEKDAYS[part.value] ?? 0;
    else if (part.type === "year") year = part.value;
    else if (part.type === "month") month = part.value;
    else if (part.type === "day") day = part.value;
  }
  return { date: `${year}-${month}-${day}`, minute: hour * 60 + minute, weekday };
}

/** "17:30" → 1050. */
export function minuteOfDay(hhmm: string): number {
  return Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
}

/**
 * The next instant after `now` at which local time reaches `targetMinute`. Assumes no DST
 * jump in between; an alarm that fires early just re-evaluates and schedules again.
 */
export function nextLocalMinute(now: number, clock: LocalClock, targetMinute: number): number {
  const minutesAhead = (targetMinute - clock.minute + 1440) % 1440 || 1440;
  return now - clock.msIntoMinute + minutesAhead * 60_000;
}

/** 1050 → "17:30". */
export function clockText(minute: number): string {
  return `${String(Math.floor(minute / 60)).padStart(2, "0")}:${String(minute % 60).padStart(2, "0")}`;
}
