// Human formats for the monitor page: durations, percentages, rates and ids. Pure functions, tested in node.

/** One decimal below 10, none from 10 up: "3.2", "42". */
function trim(value: number): string {
  return value < 10 ? (Math.round(value * 10) / 10).toFixed(1).replace(/\.0$/, '') : String(Math.round(value));
}

/**
 * A duration in ms for a person: "850 ms", "3.2 s", "1 min 4 s", "2 h 5 min", "3 d 4 h". Negative or non-finite
 * input reads "–".
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '–';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const seconds = ms / 1000;
  if (seconds < 60) {
    // 59.96 s rounds to "60 s" with one decimal: read it as the minute it is.
    const shown = trim(seconds);
    if (shown !== '60') return `${shown} s`;
  }
  const totalSeconds = Math.round(seconds);
  if (totalSeconds < 3600) {
    const min = Math.floor(totalSeconds / 60);
    const sec = totalSeconds % 60;
    return sec === 0 ? `${min} min` : `${min} min ${sec} s`;
  }
  const totalMinutes = Math.floor(totalSeconds / 60);
  if (totalMinutes < 24 * 60) {
    const h = Math.floor(totalMinutes / 60);
    const min = totalMinutes % 60;
    return min === 0 ? `${h} h` : `${h} h ${min} min`;
  }
  const totalHours = Math.floor(totalMinutes / 60);
  const d = Math.floor(totalHours / 24);
  const h = totalHours % 24;
  return h === 0 ? `${d} d` : `${d} d ${h} h`;
}

/**
 * A chart's time span, rounded to its coarse unit: "45 s", "10 min", "1 h 30 min" (a span of samples is about a
 * whole number of minutes, give or take an interval).
 */
export function formatSpan(ms: number): string {
  if (!Number.isFinite(ms) || ms <= 0) return '–';
  if (ms < 90_000) return `${Math.round(ms / 1000)} s`;
  return formatDuration(Math.round(ms / 60_000) * 60_000);
}

/** A short duration in ms with ms precision kept below 10 ms: "0.4 ms", "12 ms", then as formatDuration. */
export function formatMs(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms) || ms < 0) return '–';
  if (ms < 10) return `${trim(ms)} ms`;
  return formatDuration(ms);
}

/** A percentage: 0..100 in, "37 %" or "4.5 %" out; undefined reads "–". */
export function formatPercent(percent: number | undefined): string {
  if (percent === undefined || !Number.isFinite(percent)) return '–';
  return `${trim(Math.max(0, percent))} %`;
}

/** A per-second rate: "0", "0.25/s", "3.5/s", "120/s". */
export function formatRate(perSecond: number): string {
  if (!Number.isFinite(perSecond) || perSecond <= 0) return '0/s';
  if (perSecond < 1) return `${(Math.round(perSecond * 100) / 100).toString()}/s`;
  return `${trim(perSecond)}/s`;
}

/** An integer with thin grouping: "1 234". */
export function formatCount(value: number): string {
  if (!Number.isFinite(value)) return '–';
  return Math.round(value)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, '\u202f');
}

/** The first 8 characters of a game id (a UUID's first group), for a narrow column; the full id goes in a title. */
export function shortId(id: string): string {
  return id.length > 8 ? id.slice(0, 8) : id;
}

/** A wall-clock time, local, "14:03:27". */
export function formatClock(epochMs: number): string {
  const date = new Date(epochMs);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

/** The admission's reason code in words. */
export function describeAdmissionReason(reason: string): string {
  switch (reason) {
    case 'open':
      return 'Taking new games';
    case 'startsInFlight':
      return 'Held: too many games starting at once';
    case 'hostCpu':
      return 'Held: host CPU is high';
    case 'tickLate':
      return 'Held: running games tick late';
    default:
      return `Held: ${reason}`;
  }
}

/** The server's readiness status in words. */
export function describeStatus(status: string): string {
  switch (status) {
    case 'listening':
      return 'Listening';
    case 'starting':
      return 'Starting';
    case 'draining':
      return 'Draining';
    case 'closed':
      return 'Closed';
    case 'queueUnavailable':
      return 'Queue unavailable';
    default:
      return status;
  }
}
