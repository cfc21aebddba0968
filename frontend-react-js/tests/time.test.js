// How long a crud has left, as the feed words it: rounded to the nearest unit, so a brand-new crud
// shows the time to live it was posted with, not one unit less.
import { describe, expect, it } from "vitest";
import { ago, fullDate, timeLeft } from "../src/lib/time.js";

const NOW = new Date("2026-11-29T12:00:00Z");
const later = (seconds) => new Date(NOW.getTime() + seconds * 1000).toISOString();
const MIN = 60;
const HOUR = 3600;
const DAY = 86400;

describe("timeLeft", () => {
  it.each([
    ["30 days", 30 * DAY, "30 days left"],
    ["7 days", 7 * DAY, "7 days left"],
    ["3 days", 3 * DAY, "3 days left"],
    ["1 day", DAY, "1 day left"],
    ["12 hours", 12 * HOUR, "12 hours left"],
    ["3 hours", 3 * HOUR, "3 hours left"],
    ["1 hour", HOUR, "1 hour left"],
  ])("reads %s on a crud posted two seconds ago with that time to live", (_, ttl, words) => {
    expect(timeLeft(later(ttl - 2), NOW)).toBe(words);
  });

  it.each([
    [2 * HOUR + 31 * MIN, "3 hours left"],
    [2 * HOUR + 29 * MIN, "2 hours left"],
    [23 * HOUR + 40 * MIN, "1 day left"],
    [23 * HOUR + 20 * MIN, "23 hours left"],
    [36 * HOUR + 1, "2 days left"],
    [59 * MIN + 40, "1 hour left"],
    [59 * MIN + 20, "59 minutes left"],
    [90, "2 minutes left"],
    [59, "less than a minute left"],
    [0, "expired"],
    [-5, "expired"],
  ])("rounds %i seconds to the nearest unit: %s", (seconds, words) => {
    expect(timeLeft(later(seconds), NOW)).toBe(words);
  });
});

describe("ago", () => {
  it.each([
    [-(HOUR + 59 * MIN), "1 hour ago"],
    [-2 * DAY, "2 days ago"],
    [-30, "just now"],
  ])("counts whole units passed (%i s): %s", (seconds, words) => {
    expect(ago(later(seconds), NOW)).toBe(words);
  });
});

describe("fullDate", () => {
  const american = (iso) =>
    new Date(iso).toLocaleString("en-US", { dateStyle: "medium", timeStyle: "short" }).replace(/\s/g, " ");

  it.each([
    "2026-11-29T12:34:56.789Z",
    "2026-01-02T03:04:05.000Z",
    "2026-12-31T23:59:59.999Z",
    "2027-02-28T00:00:00.000Z",
    "2026-07-04T12:00:00.000Z",
    "2026-03-09T00:05:00.000Z",
    "1999-10-10T11:59:00.000Z",
  ])("reads %s as American English's medium date and short time do, in the reader's time zone", (iso) => {
    expect(fullDate(iso)).toBe(american(iso));
  });

  it("writes midnight and noon as 12 AM and 12 PM", () => {
    const at = (h) => new Date(2026, 5, 1, h, 7).toISOString();
    expect(fullDate(at(0))).toBe("Jun 1, 2026, 12:07 AM");
    expect(fullDate(at(12))).toBe("Jun 1, 2026, 12:07 PM");
    expect(fullDate(at(23))).toBe("Jun 1, 2026, 11:07 PM");
  });
});
