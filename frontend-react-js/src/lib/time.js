// Human times for cruds: how long ago something was said, and how long it has left.
const UNITS = [
  ["day", 86400],
  ["hour", 3600],
  ["minute", 60],
];

function span(seconds) {
  for (const [unit, size] of UNITS) {
    const n = Math.floor(seconds / size);
    if (n >= 1) return `${n} ${unit}${n === 1 ? "" : "s"}`;
  }
  return null;
}

export function ago(iso, now = new Date()) {
  const s = span((now - new Date(iso)) / 1000);
  return s ? `${s} ago` : "just now";
}

export function timeLeft(iso, now = new Date()) {
  const seconds = (new Date(iso) - now) / 1000;
  if (seconds <= 0) return "expired";
  return `${span(seconds) ?? "less than a minute"} left`;
}

export function fullDate(iso) {
  return new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}
