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

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/**
 * The moment in the reader's own time zone, in the English the rest of the app's times are written in, as an
 * American English medium date and short time read: "Dec 3, 2026, 3:04 PM". Written by hand rather than by
 * Intl because Chromium sets its date formatting up on the first such call, about 13 ms of main thread on a
 * desktop and several times that on a phone, in the middle of drawing the first page of cruds (docs/frontend.md,
 * "Lighthouse"); the Date getters need none of it.
 */
export function fullDate(iso) {
  const d = new Date(iso);
  const hours = d.getHours();
  const minutes = String(d.getMinutes()).padStart(2, "0");
  return `${MONTHS[d.getMonth()]} ${d.getDate()}, ${d.getFullYear()}, ${hours % 12 || 12}:${minutes} ${hours < 12 ? "AM" : "PM"}`;
}
