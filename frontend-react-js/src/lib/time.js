// Human times for cruds: how long ago something was said, and how long it has left.
const UNITS = [
  ["day", 86400],
  ["hour", 3600],
  ["minute", 60],
];

const plural = (n, unit) => `${n} ${unit}${n === 1 ? "" : "s"}`;

/** Whole units already passed: "1 hour ago" until the second hour is over, as feeds say it. */
function elapsed(seconds) {
  for (const [unit, size] of UNITS) {
    const n = Math.floor(seconds / size);
    if (n >= 1) return plural(n, unit);
  }
  return null;
}

/**
 * Time to live, rounded to the nearest unit, so a crud posted for 3 hours reads "3 hours left" from its
 * first second and "2 hours left" only once less than 2½ hours remain (floor would show one unit less
 * from the first second). The unit is the largest that the rounded amount of the next smaller unit
 * fills: 23 h 40 min is 24 hours, so "1 day"; 23 h 20 min stays "23 hours".
 */
function remaining(seconds) {
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return plural(minutes, "minute");
  const hours = Math.round(seconds / 3600);
  if (hours < 24) return plural(hours, "hour");
  return plural(Math.round(seconds / 86400), "day");
}

export function ago(iso, now = new Date()) {
  const s = elapsed((now - new Date(iso)) / 1000);
  return s ? `${s} ago` : "just now";
}

export function timeLeft(iso, now = new Date()) {
  const seconds = (new Date(iso) - now) / 1000;
  if (seconds <= 0) return "expired";
  if (seconds < 60) return "less than a minute left";
  return `${remaining(seconds)} left`;
}

// One formatter for every title: toLocaleString with options builds a new Intl.DateTimeFormat on each call,
// which was the largest piece of script in rendering a page of cruds (docs/frontend.md, "Lighthouse").
const FULL_DATE = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

export function fullDate(iso) {
  return FULL_DATE.format(new Date(iso));
}
